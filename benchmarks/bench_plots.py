"""How long a verdict's picture takes: building the spec, drawing it, and a cache hit.

Run: .venv/bin/python benchmarks/bench_plots.py [--runs N]

"Cold" is the first picture of the process (matplotlib's import, font lookup and first
Agg canvas); "warm" is every picture after it, the case a running bot sees. Each warm run
draws a different learner's step (a fresh spec), so the PNG cache never answers; the last
line times the cache answering through `Plotter`. Beside the loss-over-w time, the
baseline builds a new figure for every picture instead of reusing the lesson's. The
target is under 100 ms warm.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

from lessons import Verdict, VerdictStatus, load_course


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(work: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    print(
        f"{name:<32} p50 {statistics.median(samples):7.2f} ms   "
        f"p99 {percentile(samples, 0.99):7.2f} ms   max {max(samples):7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    start = time.perf_counter()
    from bot.plots import Plotter, funnel_bars, plot_for
    from bot.plots import render as render_module
    from bot.plots.render import render_png

    course = load_course()
    landscape, steps = course.get("how-models-learn"), course.get("training-loop")
    first = plot_for(
        landscape, Verdict(landscape.id, VerdictStatus.PASSED, "", metrics={"w": 0.5}, seed=1)
    )
    assert first is not None
    render_png(first)
    print(f"{'cold: import + first picture':<32} {(time.perf_counter() - start) * 1000:7.2f} ms")

    counter = iter(range(10**9))

    def landscape_verdict() -> Verdict:
        # New data and a new learner's w every run: a fresh spec, never a PNG cache hit.
        n = next(counter)
        return Verdict(
            landscape.id, VerdictStatus.PASSED, "", metrics={"w": 0.5 + n * 1e-6}, seed=n
        )

    def steps_verdict() -> Verdict:
        n = next(counter)
        metrics = {"loss_before": 9.0, "loss_after": 0.2, "lr_too_big": 50.0}
        return Verdict(steps.id, VerdictStatus.PASSED, "", metrics=metrics, seed=n)

    # One untimed picture of each kind first: "warm" means its lesson's figure exists.
    render_png(plot_for(steps, steps_verdict()))  # type: ignore[arg-type]

    report("spec: loss over w", timed(lambda: plot_for(landscape, landscape_verdict()), args.runs))
    report("spec: loss per step", timed(lambda: plot_for(steps, steps_verdict()), args.runs))
    report(
        "draw: loss over w (warm)",
        timed(lambda: render_png(plot_for(landscape, landscape_verdict())), args.runs),  # type: ignore[arg-type]
    )

    def fresh_figure() -> bytes:
        render_module.templates().clear()  # the baseline: a new figure for every picture
        return render_png(plot_for(landscape, landscape_verdict()))  # type: ignore[arg-type]

    report("  baseline: new figure each time", timed(fresh_figure, args.runs))
    report(
        "draw: loss per step (warm)",
        timed(lambda: render_png(plot_for(steps, steps_verdict())), args.runs),  # type: ignore[arg-type]
    )

    from bot.core import FunnelView, LessonFunnel

    funnel = FunnelView(
        "guild:1",
        100,
        5,
        [LessonFunnel(lesson, 100 - 10 * i, 90 - 12 * i, i) for i, lesson in enumerate(course)],
    )
    render_png(funnel_bars(funnel))  # its figure, untimed
    report("draw: funnel chart (warm)", timed(lambda: render_png(funnel_bars(funnel)), args.runs))

    async def through_plotter() -> tuple[list[float], list[float]]:
        async with Plotter() as plotter:
            misses, hits = [], []
            for _ in range(args.runs):
                spec = plot_for(landscape, landscape_verdict())
                assert spec is not None
                t0 = time.perf_counter()
                await plotter.render(spec)
                t1 = time.perf_counter()
                await plotter.render(spec)
                t2 = time.perf_counter()
                misses.append((t1 - t0) * 1000)
                hits.append((t2 - t1) * 1000)
            return misses, hits

    misses, hits = asyncio.run(through_plotter())
    report("Plotter: new picture (thread)", misses)
    report("Plotter: same picture (cache)", hits)


if __name__ == "__main__":
    main()
