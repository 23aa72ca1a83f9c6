"""The full soak and chaos run of the real bot process against the Discord emulator.

    python benchmarks/soak.py [--learners 20] [--submissions 1000] [--workers 2]

20 learners post 1,000 submissions across the course (correct and wrong answers, infinite
loops, memory bombs, output floods, syntax errors, escape attempts, edits and deletions)
while another member runs `/lesson list` every 0.5 s. Halfway the sandbox zygote is
SIGKILLed with runs in flight; at the end the bot is SIGKILLed mid-grading and restarted on
the same database. Prints the numbers and exits 1 if any invariant broke: exactly one
verdict per submission, attempts in the database matching the verdicts, `/lesson list` p99
under 1 s, RSS growth under 50 MB, in-flight runs `crashed` and the next run fine after the
zygote kill, `integrity_check` ok and no torn attempt or unearned unlock after the bot kill.
The short form of the same run is tests/test_soak.py (part of the test suite).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.soak_driver import SoakConfig, run_soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", help="keep the database and the bot's log in this folder")
    args = parser.parse_args()
    config = SoakConfig(learners=args.learners, submissions=args.submissions, workers=args.workers)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(run_soak(config, folder))
    print(report.summary())
    broken = list(report.problems)
    if report.list_p99_s() >= 1.0:
        broken.append(f"/lesson list p99 {report.list_p99_s() * 1000:.0f} ms, not under 1 s")
    if report.rss_end_mb - report.rss_start_mb >= 50:
        broken.append("RSS grew by 50 MB or more")
    print("SOAK OK" if not broken else f"SOAK FAILED: {len(broken)} problem(s)")
    for problem in broken[len(report.problems) :]:
        print(f"  - {problem}")
    return 0 if not broken else 1


if __name__ == "__main__":
    raise SystemExit(main())
