"""grade_submission through the real sandbox: every way a run can end becomes a clear verdict."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from lessons import GradingError, grade_submission, load_course
from sandbox import Limits, RunResult, Sandbox
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()
LESSON = load_course().get("how-models-learn")


class MustNotRun:
    async def run(self, code: str, **kwargs: Any) -> RunResult:
        raise AssertionError("the sandbox should not have been asked to run anything")


async def test_unchanged_starter_is_not_attempted_without_running() -> None:
    edited_comments = LESSON.starter_code.replace("# Predefined", "# I read this. Predefined")
    for code in (LESSON.starter_code, edited_comments, "\n  \n"):
        verdict = await grade_submission(LESSON, code, MustNotRun(), seed=1)
        assert (verdict.status, verdict.passed) == ("not_attempted", False)
        assert all(c.passed is None for c in verdict.checks)


async def test_syntax_error_has_its_line(sandbox: Sandbox) -> None:
    verdict = await grade_submission(LESSON, "import numpy as np\nloss_before = (1 +\n", sandbox)
    assert verdict.status == "syntax_error"
    assert verdict.error is not None and verdict.error.line is not None
    assert verdict.message.startswith("Your code has a SyntaxError on line")


async def test_missing_numpy_import_gets_advice(sandbox: Sandbox) -> None:
    code = LESSON.solution.replace("import numpy as np\n", "")
    verdict = await grade_submission(LESSON, code, sandbox, seed=1)
    assert verdict.status == "error"
    assert verdict.error is not None and verdict.error.type == "NameError"
    assert "Add `import numpy as np` at the top" in verdict.message
    assert {c.message for c in verdict.checks} == {
        "can't check until your code runs without an error"
    }


async def test_endless_loop_times_out(sandbox: Sandbox) -> None:
    code = "import numpy as np\nwhile True:\n    pass\n"
    verdict = await grade_submission(LESSON, code, sandbox, limits=Limits(timeout_s=0.5))
    assert (verdict.status, verdict.passed) == ("timeout", False)
    assert verdict.message
    assert all(c.passed is None for c in verdict.checks)


async def test_forbidden_code_is_rejected(sandbox: Sandbox) -> None:
    verdict = await grade_submission(LESSON, "import os\nos.listdir('/')\n", sandbox)
    assert verdict.status == "rejected"
    assert not verdict.passed


async def test_printed_output_comes_back(sandbox: Sandbox) -> None:
    code = LESSON.solution + "print('loss', loss_before, '->', loss_after)\n"
    verdict = await grade_submission(LESSON, code, sandbox, seed=4)
    assert verdict.passed
    assert verdict.stdout.startswith("loss ")


async def test_seed_is_recorded_and_reproduces_the_run(sandbox: Sandbox) -> None:
    first = await grade_submission(LESSON, LESSON.solution, sandbox)
    assert first.seed is not None
    again = await grade_submission(LESSON, LESSON.solution, sandbox, seed=first.seed)
    assert again.metrics == first.metrics


async def test_broken_reference_is_our_error_not_the_learners(sandbox: Sandbox) -> None:
    broken = dataclasses.replace(LESSON, id="broken-reference", solution="x = 1 / 0\n")
    with pytest.raises(GradingError, match="reference solution of 'broken-reference'"):
        await grade_submission(broken, LESSON.solution, sandbox, seed=1)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_a_step_to_infinity_is_not_called_downhill(sandbox: Sandbox, seed: int) -> None:
    # In the downhill direction, but no step anyone can take.
    code = LESSON.solution.replace("w = w - lr * grad", "w = w - grad * float('inf')")
    verdict = await grade_submission(LESSON, code, sandbox, seed=seed)
    step = next(c for c in verdict.checks if c.name == "step")
    assert step.passed is False and step.message.startswith("`w` is ")
    assert "downhill" not in step.message
