"""`python -m bot check-lessons`: prove every lesson's reference passes and its fixtures fail."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.sandbox_pool import open_sandbox
from bot.settings import Settings
from lessons import Course, load_course
from lessons.loading import LessonFormatError
from lessons.seed_sweep import SEED_BUDGET_S, SWEEP_SEEDS, sweep_data
from lessons.validation import DEFAULT_SEEDS, LessonReport, validate_course
from sandbox import SandboxUnavailable

NAME = "check-lessons"
HELP = (
    "validate the course through the sandbox: every reference solution passes, every wrong "
    "fixture fails on the check it names, every lesson has hints"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seeds",
        type=int,
        default=len(DEFAULT_SEEDS),
        metavar="N",
        help=f"check on the data of N seeds (default {len(DEFAULT_SEEDS)})",
    )
    parser.add_argument(
        "--sweep",
        type=int,
        default=SWEEP_SEEDS,
        metavar="N",
        help=(
            f"run each lesson's data generator alone on seeds 0..N-1: each must finish within "
            f"{SEED_BUDGET_S * 1000:.0f} ms and keep the lesson's constraints "
            f"(default {SWEEP_SEEDS}; 0 skips it)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    if args.seeds < 1 or args.sweep < 0:
        print("error: --seeds must be at least 1 and --sweep at least 0", file=sys.stderr)
        return 2
    try:
        course = load_course()
    except LessonFormatError as exc:
        print(f"FAIL  the course can't be read: {exc}")
        return 1
    settings = args.settings
    try:
        reports = asyncio.run(_check(course, tuple(range(1, args.seeds + 1)), settings))
    except SandboxUnavailable as exc:
        print(f"error: the sandbox cannot start: {exc}", file=sys.stderr)
        return 1
    for report in reports:
        print(("ok    " if report.ok else "FAIL  ") + report.summary())
        for problem in report.problems:
            print(f"        - {problem}")
    failed = {r.lesson.id for r in reports if not r.ok}
    if args.sweep:
        for lesson in course:
            sweep = sweep_data(lesson, args.sweep)
            print(("ok    " if sweep.ok else "FAIL  ") + sweep.summary())
            for problem in sweep.problems:
                print(f"        - {problem}")
            if not sweep.ok:
                failed.add(lesson.id)
    print(f"{len(reports) - len(failed)} of {len(reports)} lessons ok")
    return 0 if not failed else 1


async def _check(course: Course, seeds: tuple[int, ...], settings: Settings) -> list[LessonReport]:
    async with open_sandbox(settings, every_layer=True) as sandbox:
        return await validate_course(course, sandbox, seeds)
