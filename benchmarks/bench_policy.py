"""What the policy layer costs, in process: compiling and running each lesson's reference
solution under the guards, beside plain `exec` of the same code on the same data.

    python benchmarks/bench_policy.py [--runs 300]

Per lesson: compile time (RestrictedPython plus the augmented-assignment rewrite), and the
best-of-five mean time to build a learner namespace and run the solution, guarded and
unguarded. No sandbox child, no OS layers: only the policy's own overhead.
"""

from __future__ import annotations

import argparse
import builtins
import time
from collections.abc import Callable
from types import CodeType
from typing import Any

from lessons import load_course
from sandbox.facades import build_facades
from sandbox.guards import CappedOutput
from sandbox.policy import compile_learner_code, learner_namespace


def best_mean_us(action: Callable[[], None], runs: int) -> float:
    action()  # warm
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(runs):
            action()
        best = min(best, (time.perf_counter() - started) / runs)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    facades = build_facades()
    print(f"{'lesson':<20} {'compile us':>11} {'guarded us':>11} {'plain us':>9} {'ratio':>6}")
    for lesson in load_course():
        data = lesson.data(seed=1)
        compiled = compile_learner_code(lesson.solution)
        assert isinstance(compiled, CodeType), compiled
        code: CodeType = compiled
        plain = compile(lesson.solution, "<plain>", "exec")

        def guarded_run(code: CodeType = code, data: dict[str, Any] = data) -> None:
            exec(code, learner_namespace(facades, CappedOutput(16_384, 1_000), data))

        def plain_run(code: CodeType = plain, data: dict[str, Any] = data) -> None:
            exec(code, {"__builtins__": builtins, **data})

        started = time.perf_counter()
        for _ in range(20):
            compile_learner_code(lesson.solution)
        compile_us = (time.perf_counter() - started) / 20 * 1e6
        guarded = best_mean_us(guarded_run, args.runs)
        unguarded = best_mean_us(plain_run, args.runs)
        ratio = guarded / unguarded
        timings = f"{compile_us:>11.0f} {guarded:>11.1f} {unguarded:>9.1f} {ratio:>6.2f}"
        print(f"{lesson.id:<20} {timings}")


if __name__ == "__main__":
    main()
