"""`python -m bot grade LESSON FILE...`: grade files against a lesson, touching no progress."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass

from rich.text import Text

from bot.code_extraction import HOW_TO_FORMAT, extract_from_file
from bot.commands._inputs import InputError, read_inputs
from bot.console.output import Output
from bot.console.style import Style
from bot.console.verdict_text import render_verdict
from bot.core import NoCodeFound
from bot.sandbox_pool import open_sandbox, sandbox_limits
from bot.settings import Settings
from lessons import GradingError, Lesson, Verdict, grade_submission, load_course
from lessons.judge import not_attempted
from sandbox import SandboxUnavailable

NAME = "grade"
HELP = (
    "grade code files against a lesson without touching anyone's progress "
    "(plain code or a message with a ```python block; - reads stdin)"
)


@dataclass(frozen=True)
class Submission:
    name: str  # as given on the command line
    text: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", metavar="LESSON", help="lesson id or number (see `lessons`)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to grade; - reads stdin")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument(
        "--seed", type=_seed, default=None, help="data seed (0 or more), to reproduce a run"
    )


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if seed < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed: use a whole number, 0 or more")
    return seed


def run(args: argparse.Namespace) -> int:
    lesson = load_course().find(args.lesson)
    if lesson is None:
        ids = ", ".join(lesson.id for lesson in load_course())
        print(f"error: no lesson {args.lesson!r}. The lessons are: {ids}", file=sys.stderr)
        return 2
    try:
        submissions = [Submission(name, text) for name, text in read_inputs(args.files)]
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = args.settings
    try:
        verdicts = asyncio.run(_grade_all(lesson, submissions, settings, args.seed))
    except (SandboxUnavailable, GradingError) as exc:
        print(f"error: grading is not possible right now: {exc}", file=sys.stderr)
        return 1
    style = Style.for_stream(sys.stdout)
    output = Output(sys.stdout, style)
    for submission, verdict in zip(submissions, verdicts, strict=True):
        if args.json:
            print(json.dumps({"file": submission.name, **verdict.to_json()}, allow_nan=False))
        else:
            # The seed reproduces this run's data: `grade LESSON FILE --seed N`.
            seed = "" if verdict.seed is None else f" (seed {verdict.seed})"
            output.show(
                Text(f"== {submission.name}{seed}"),
                render_verdict(verdict, style, lesson_number=lesson.number),
            )
    return 0 if all(v.passed for v in verdicts) else 1


async def _grade_all(
    lesson: Lesson, submissions: list[Submission], settings: Settings, seed: int | None
) -> list[Verdict]:
    limits = sandbox_limits(settings)
    async with open_sandbox(settings, limits=limits, every_layer=True) as sandbox:

        async def one(submission: Submission) -> Verdict:
            extraction = extract_from_file(submission.text)
            if extraction.code is None:
                # The same words the tutor core uses for a message with nothing to grade.
                reason = NoCodeFound(extraction.problem or HOW_TO_FORMAT).message
                return not_attempted(lesson, seed=seed, reason=reason)
            return await grade_submission(
                lesson, extraction.code, sandbox, seed=seed, limits=limits
            )

        return await asyncio.gather(*(one(s) for s in submissions))
