"""Code for a later open lesson is noticed, not graded against the current one (issue 11)."""

from __future__ import annotations

import io

import pytest

from bot.console import ConsoleSession, LineReader, Style
from bot.core import Learner, TutorCore, WrongLesson
from bot.core.wrong_lesson import defined_names, lesson_for_code
from lessons import load_course

COURSE = load_course()
FIRST, SECOND = COURSE.lessons[0], COURSE.lessons[1]
LESSON = {lesson.id: lesson for lesson in COURSE}
ADA = Learner("guild:1", "ada", "Ada")
ALL_OPEN = {lesson.id for lesson in COURSE}


def test_defined_names_are_top_level_defs_and_assignment_targets() -> None:
    code = "def train(w):\n    grad = 1\nw_trained, losses = train(w)\nx == 3\nloss_after=2\n"
    assert defined_names(code) == {"train", "w_trained", "losses", "loss_after"}


@pytest.mark.parametrize(
    ("current", "code_of", "expected"),
    [
        ("how-models-learn", "training-loop", "training-loop"),  # same data, other names
        ("backpropagation", "train-a-network", "train-a-network"),
        ("numpy-basics", "a-single-neuron", "a-single-neuron"),
        ("how-models-learn", "how-models-learn", None),  # its own code, of course
        ("training-loop", "how-models-learn", None),  # going back is practice
    ],
)
def test_code_of_a_later_lesson_is_recognised(
    current: str, code_of: str, expected: str | None
) -> None:
    found = lesson_for_code(COURSE, LESSON[current], ALL_OPEN, LESSON[code_of].solution)
    assert (found and found.id) == expected


def test_a_wrong_attempt_at_the_current_lesson_is_not_mistaken_for_another() -> None:
    for lesson in COURSE:
        for fixture in lesson.fixtures:
            assert lesson_for_code(COURSE, lesson, ALL_OPEN, fixture.code) is None, fixture.name


def test_a_locked_lesson_is_never_suggested() -> None:
    code = LESSON["training-loop"].solution
    only_so_far = {lesson.id for lesson in COURSE.lessons[:4]}
    assert lesson_for_code(COURSE, LESSON["how-models-learn"], only_so_far, code) is None


def test_a_name_another_lesson_predefines_points_to_it() -> None:
    code = "import numpy as np\nweird = np.dot(w, x) + b\n"  # nothing lesson 2 asks for
    assert lesson_for_code(COURSE, FIRST, ALL_OPEN, code) is None
    found = lesson_for_code(COURSE, FIRST, ALL_OPEN, code, missing="w")
    assert found is SECOND
    assert lesson_for_code(COURSE, FIRST, ALL_OPEN, code, missing="np") is None


async def test_the_next_lessons_code_is_refused_without_counting_an_attempt(
    core: TutorCore,
) -> None:
    assert (await core.submit(ADA, FIRST.solution)).verdict.passed
    with pytest.raises(WrongLesson) as caught:
        await core.submit(ADA, SECOND.solution)  # lesson 1 is still the current one
    assert caught.value.message == (
        f"This looks like code for Lesson 2 (“{SECOND.title}”), not Lesson 1: open it with "
        "`/lesson next` (or the button), then send your code again. No attempt was counted."
    )
    progress = await core.progress(ADA)
    assert progress.attempts == 1
    await core.next_lesson(ADA)
    assert (await core.submit(ADA, SECOND.solution)).verdict.passed


async def test_a_run_stopped_by_the_next_lessons_name_counts_no_attempt(
    core: TutorCore,
) -> None:
    await core.submit(ADA, FIRST.solution)
    with pytest.raises(WrongLesson):
        await core.submit(ADA, "import numpy as np\nweird = np.dot(w, x) + b\n")
    assert (await core.progress(ADA)).attempts == 1
    # Without lesson 2 open, the same code is an ordinary NameError, counted as a try.
    newcomer = Learner("guild:1", "bob", "Bob")
    outcome = await core.submit(newcomer, "import numpy as np\nweird = np.dot(w, x) + b\n")
    assert outcome.verdict.status == "error"
    assert (await core.progress(newcomer)).attempts == 1


async def test_the_terminal_names_its_own_command(core: TutorCore) -> None:
    script = "```python\n" + FIRST.solution + "```\n```python\n" + SECOND.solution + "```\n"
    out = io.StringIO()
    reader = LineReader(io.StringIO(script), interactive=False)
    learner = Learner("local", "ada", "Ada")
    assert await ConsoleSession(core, learner, reader, out, Style()).run() == 0
    text = " ".join(out.getvalue().split())
    assert "Lesson 1: Passed" in text
    assert (
        f"This looks like code for Lesson 2 (“{SECOND.title}”), not Lesson 1: open it with "
        "next, then send your code again. No attempt was counted."
    ) in text  # piped output shows commands plainly, without backticks
    assert (await core.progress(learner)).attempts == 1
