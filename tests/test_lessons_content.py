"""The course content, through the real sandbox: references pass, typical mistakes fail with
the diagnosis written for them, and answers hard-coded from one run fail on the next."""

from __future__ import annotations

import pytest

from lessons import Lesson, grade_submission, load_course
from lessons.validation import validate_lesson
from sandbox import Sandbox
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()
LESSONS = load_course().lessons


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
async def test_reference_passes_and_fixtures_fail_as_named(
    lesson: Lesson, sandbox: Sandbox
) -> None:
    report = await validate_lesson(lesson, sandbox, seeds=(11, 12))
    assert report.problems == []
    assert report.fixtures_checked == 2 * len(lesson.fixtures)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
async def test_values_hard_coded_from_one_seed_fail_on_another(
    lesson: Lesson, sandbox: Sandbox
) -> None:
    # The reference's functions, with its variables pasted in as numbers from seed 1's run.
    probes = lesson.probes(lesson.data(1))
    seen = await sandbox.run(lesson.solution, preset=lesson.data(1), probes=probes)
    variables = [n for n, expr in probes.items() if n == expr and seen.probes[n].kind != "function"]
    assert variables
    pasted = "".join(f"{n} = {seen.probes[n].value!r}\n" for n in variables)
    code = f"{lesson.solution}\n{pasted}"
    assert (await grade_submission(lesson, code, sandbox, seed=1)).passed
    assert not (await grade_submission(lesson, code, sandbox, seed=2)).passed


async def test_seed_lesson_diagnoses_the_issue_example(sandbox: Sandbox) -> None:
    lesson = load_course().get("how-models-learn")
    summed = lesson.solution.replace("np.mean(diffs**2)", "np.sum(diffs**2)")
    verdict = await grade_submission(lesson, summed, sandbox, seed=5)
    check = next(c for c in verdict.checks if c.name == "mse-value")
    assert check.message == (
        "`mse([1, 2, 3], [1, 2, 5])` returned 4, expected 1.333: "
        "it looks like you summed the squared errors instead of averaging them."
    )
    # Everything that needs a working mse could not be checked, rather than failing too.
    dependent = {c.name: c.passed for c in verdict.checks}
    assert dependent["loss-before"] is None and dependent["loss-after"] is None


@pytest.mark.parametrize("lesson", [x for x in LESSONS if x.trains], ids=lambda x: x.id)
async def test_training_lessons_report_the_learners_losses(
    lesson: Lesson, sandbox: Sandbox
) -> None:
    verdict = await grade_submission(lesson, lesson.solution, sandbox, seed=9)
    assert verdict.passed
    assert verdict.metrics["loss_after"] < verdict.metrics["loss_before"]
    assert "The loss went from" in verdict.message
