"""`python -m bot lessons`: the course in order."""

from __future__ import annotations

import argparse
import json

from lessons import load_course

NAME = "lessons"
HELP = "list the course's lessons in order (id, title, order)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON array")


def run(args: argparse.Namespace) -> int:
    course = load_course()
    if args.json:
        rows = [
            {
                "number": lesson.number,
                "id": lesson.id,
                "title": lesson.title,
                "order": lesson.order,
                "trains": lesson.trains,
            }
            for lesson in course
        ]
        print(json.dumps(rows, indent=2))
        return 0
    width = max((len(lesson.id) for lesson in course), default=0)
    for lesson in course:
        print(f"{lesson.number:>2}. {lesson.id:<{width}}  {lesson.title}")
    return 0
