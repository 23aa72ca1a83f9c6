"""Prove the course works: every reference passes, every wrong fixture fails as it says.

`check-lessons` runs this in CI, through the real sandbox, on several seeds.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from lessons.course import Course, Lesson
from lessons.grading import GradingError, Runner, grade_submission, run_and_judge
from lessons.lesson import Fixture
from lessons.loading import FAILS_TO_RUN
from lessons.verdict import Verdict, VerdictStatus

DEFAULT_SEEDS = (1, 2, 3)
_GRADED_OR_NOT_ATTEMPTED = frozenset(
    {VerdictStatus.PASSED, VerdictStatus.FAILED, VerdictStatus.NOT_ATTEMPTED}
)
# Each lesson proves it names at least this many distinct beginner mistakes.
MIN_FIXTURES = 15
# Discord shows LaTeX as raw source: $$...$$, $...$, \(...\), \[...\] and commands like \frac.
_LATEX = re.compile(
    r"\$\$|\$[^$\s][^$\n]*\$|\\[(\[]|\\(?:frac|sum|prod|cdot|partial|nabla|sqrt|mathbf|mathrm"
    r"|hat|times|left|right|alpha|eta|theta|sigma|lambda)\b"
)
# Markdown Discord does not render: headings below ###, and tables.
_DOUBLED_BACKTICKS = re.compile(r"(?<!`)``(?!`)")  # "``W1` from ...`": code inside code
_NOT_DISCORD = re.compile(r"^#{4,} |^\s*\|?\s*:?-{3,}:?\s*\|", re.MULTILINE)


@dataclass
class LessonReport:
    lesson: Lesson
    problems: list[str] = field(default_factory=list)
    fixtures_checked: int = 0
    seeds: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lesson = self.lesson
        head = f"{lesson.number}. {lesson.id}"
        if self.problems:
            return f"{head}: {len(self.problems)} problem(s)"
        return (
            f"{head}: reference passes on {len(self.seeds)} seed{'s' * (len(self.seeds) != 1)}, "
            f"{len(lesson.fixtures)} wrong submissions fail as named, {len(lesson.hints)} hints"
        )


async def validate_course(
    course: Course, sandbox: Runner, seeds: Sequence[int] = DEFAULT_SEEDS
) -> list[LessonReport]:
    return [await validate_lesson(lesson, sandbox, seeds) for lesson in course]


async def validate_lesson(
    lesson: Lesson, sandbox: Runner, seeds: Sequence[int] = DEFAULT_SEEDS
) -> LessonReport:
    report = LessonReport(lesson, problems=_static_problems(lesson, seeds), seeds=tuple(seeds))
    try:
        await _check_runs(lesson, sandbox, seeds, report)
    except GradingError as exc:
        report.problems.append(str(exc))
    return report


def _static_problems(lesson: Lesson, seeds: Sequence[int]) -> list[str]:
    problems = []
    if len(lesson.hints) < 2 or not all(lesson.hints):
        problems.append("needs at least two hints")
    if not lesson.explanation.strip() or not lesson.task.strip():
        problems.append("the explanation and the task must not be empty")
    texts = "\n".join([lesson.explanation, lesson.task, *lesson.hints])
    if _LATEX.search(texts):
        problems.append("uses LaTeX, which Discord does not render")
    if _NOT_DISCORD.search(texts):
        problems.append("uses a #### heading or a table, which Discord does not render")
    if len(lesson.fixtures) < MIN_FIXTURES:
        problems.append(
            f"has {len(lesson.fixtures)} fixtures of typical wrong submissions; "
            f"it needs at least {MIN_FIXTURES}"
        )
    for fixture in lesson.fixtures:
        if not fixture.expect:
            problems.append(
                f"fixture {fixture.name} has no '# expect:' line naming the diagnosis it must get"
            )
        elif "expected" in fixture.expect:
            problems.append(
                f'fixture {fixture.name} expects the fallback "..., expected ...": '
                "name the mistake instead"
            )
    if lesson.trains and not {"loss_before", "loss_after"} <= set(lesson.metrics):
        problems.append("trains, so METRICS must include loss_before and loss_after")
    if len(seeds) >= 2:
        first, other = lesson.data(seeds[0]), lesson.data(seeds[1])
        if all(np.array_equal(first[k], other[k]) for k in first):
            problems.append(f"the data is the same for seeds {seeds[0]} and {seeds[1]}")
    return problems


async def _check_runs(
    lesson: Lesson, sandbox: Runner, seeds: Sequence[int], report: LessonReport
) -> None:
    starter = await grade_submission(lesson, lesson.starter_code, sandbox, seed=seeds[0])
    if starter.status is not VerdictStatus.NOT_ATTEMPTED:
        report.problems.append(f"the unchanged starter is {starter.status}, not not_attempted")
    starter_run = await run_and_judge(lesson, lesson.starter_code, sandbox, seed=seeds[0])
    if starter_run.passed:
        report.problems.append("the starter code passes as it is")
    for seed in seeds:
        reference, *fixtures = await asyncio.gather(
            grade_submission(lesson, lesson.solution, sandbox, seed=seed),
            *(grade_submission(lesson, f.code, sandbox, seed=seed) for f in lesson.fixtures),
        )
        if not reference.passed:
            report.problems.append(
                f"seed {seed}: the reference solution fails: {reference.message}"
            )
        elif lesson.trains and not _loss_went_down(reference):
            report.problems.append(f"seed {seed}: the reference does not lower the loss")
        for fixture, verdict in zip(lesson.fixtures, fixtures, strict=True):
            problem = _fixture_problem(fixture, verdict)
            if problem is not None:
                report.problems.append(f"seed {seed}: fixture {fixture.name}: {problem}")
            report.fixtures_checked += 1


def _loss_went_down(verdict: Verdict) -> bool:
    metrics = verdict.metrics
    return "loss_before" in metrics and metrics.get("loss_after", np.inf) < metrics["loss_before"]


def _fixture_problem(fixture: Fixture, verdict: Verdict) -> str | None:
    if fixture.fails == FAILS_TO_RUN:
        if verdict.status in _GRADED_OR_NOT_ATTEMPTED:
            return f"should stop before the checks, but it is {verdict.status}: {verdict.message}"
        if fixture.expect and fixture.expect not in verdict.message:
            return f"stops without saying {fixture.expect!r}: {verdict.message}"
        return _markup_problem(verdict.message)
    check = next((c for c in verdict.checks if c.name == fixture.fails), None)
    if check is None:
        return f"there is no check {fixture.fails!r}"
    passed, message = check.passed, check.message
    if passed is not False:
        state = "passes" if passed else f"could not be checked ({message})"
        return f"should fail {fixture.fails!r}, but it {state}. Verdict: {verdict.message}"
    if fixture.expect and fixture.expect not in message:
        return f"{fixture.fails!r} fails without saying {fixture.expect!r}: {message}"
    return _markup_problem(message) or _markup_problem(verdict.message)


def _markup_problem(message: str) -> str | None:
    """Discord shows a stray backtick as is and swallows the inline code after it."""
    if message.count("`") % 2 or _DOUBLED_BACKTICKS.search(message):
        return f"unmatched backticks in the message: {message}"
    return None
