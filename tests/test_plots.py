"""Pictures: which verdicts get one, what it shows, that it is a real PNG of sensible
size, and that rendering happens off the event loop with repeats served from the cache."""

from __future__ import annotations

import struct
import threading

import numpy as np
import pytest

from bot.core import FunnelView, LessonFunnel
from bot.plots import (
    FunnelBars,
    LossBeforeAfter,
    LossLandscape,
    LossPerStep,
    Plotter,
    funnel_bars,
    plot_for,
)
from bot.plots import render as render_module
from bot.plots.render import render_png
from lessons import Verdict, load_course

COURSE = load_course()
LANDSCAPE = COURSE.get("how-models-learn")
STEPS = COURSE.get("training-loop")
SEED = 7


def verdict(
    lesson_id: str, status: str = "passed", seed: int | None = SEED, **metrics: float
) -> Verdict:
    return Verdict(lesson_id=lesson_id, status=status, message="", metrics=metrics, seed=seed)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def assert_sensible_png(png: bytes) -> None:
    width, height = png_size(png)
    assert 300 <= width <= 1200 and 200 <= height <= 1000
    assert 5_000 < len(png) < 300_000  # drawn, and small enough to attach anywhere
    assert png.endswith(b"IEND\xaeB`\x82")


def test_landscape_marks_the_learners_step_on_the_lessons_valley() -> None:
    data = LANDSCAPE.data(SEED)
    spec = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, "failed", w=0.5, loss_before=1.0))
    assert isinstance(spec, LossLandscape)
    assert spec.w_before == data["w"] and spec.w_after == 0.5 and not spec.off_chart
    lowest = spec.w_grid[int(np.argmin(spec.loss))]
    assert abs(lowest - spec.w_best) < (spec.w_grid[1] - spec.w_grid[0])
    x, y = data["x"], data["y"]
    middle = len(spec.w_grid) // 2
    assert spec.loss[middle] == pytest.approx(np.mean((y - spec.w_grid[middle] * x) ** 2))
    assert spec.w_grid[0] < data["w"] < spec.w_grid[-1]


def test_landscape_widens_for_a_long_step_and_notes_a_wild_one() -> None:
    usual = plot_for(LANDSCAPE, verdict(LANDSCAPE.id))
    assert isinstance(usual, LossLandscape) and usual.w_after is None and not usual.off_chart
    far = usual.w_best + 2 * (usual.w_grid[-1] - usual.w_best)
    long_step = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=far))
    assert isinstance(long_step, LossLandscape)
    assert long_step.w_after == far and long_step.w_grid[-1] >= far
    wild = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=1e9))
    assert isinstance(wild, LossLandscape) and wild.off_chart and wild.w_after is None
    assert wild.w_grid == usual.w_grid  # the valley itself is the same for every learner


def test_training_loop_gets_the_loss_per_step_and_the_diverging_run() -> None:
    spec = plot_for(STEPS, verdict(STEPS.id, loss_before=9.0, loss_after=0.2, lr_too_big=50.0))
    assert isinstance(spec, LossPerStep)
    assert len(spec.reference) == 51  # before each of the 50 steps, and after the last
    assert all(a > b for a, b in zip(spec.reference, spec.reference[1:], strict=False))
    assert spec.lr == STEPS.data(SEED)["lr"]
    assert (spec.loss_before, spec.loss_after, spec.big_lr) == (9.0, 0.2, 50.0)
    assert spec.big_losses[-1] > 1000 * spec.big_losses[0]
    plain = plot_for(STEPS, verdict(STEPS.id, loss_before=9.0, lr_too_big=float("nan")))
    assert isinstance(plain, LossPerStep)
    assert plain.big_losses == () and plain.big_lr is None and plain.loss_after is None


def test_other_training_lessons_get_before_and_after_bars() -> None:
    lesson = COURSE.get("backpropagation")
    spec = plot_for(lesson, verdict(lesson.id, loss_before=0.5, loss_after=0.4))
    assert spec == LossBeforeAfter(f"Lesson {lesson.number}: {lesson.title}", 0.5, 0.4)
    assert plot_for(lesson, verdict(lesson.id, loss_before=0.5)) is None


@pytest.mark.parametrize(
    ("lesson_id", "status", "seed"),
    [
        ("numpy-basics", "passed", SEED),  # does not train
        ("how-models-learn", "error", SEED),  # did not finish
        ("how-models-learn", "not_attempted", SEED),
        ("how-models-learn", "timeout", SEED),
        ("training-loop", "passed", None),  # no data seed to redraw from
    ],
)
def test_verdicts_without_a_picture(lesson_id: str, status: str, seed: int | None) -> None:
    lesson = COURSE.get(lesson_id)
    assert (
        plot_for(lesson, verdict(lesson_id, status, seed, loss_before=1.0, loss_after=0.5)) is None
    )


def funnel_view(lessons: int = 7) -> FunnelView:
    rows = [
        LessonFunnel(lesson, reached=20 - i, passed=15 - 2 * i, stuck=i, top_failing_check="mse")
        for i, lesson in enumerate(COURSE.lessons[:lessons])
    ]
    return FunnelView(scope="guild:1", learners=20, finished=3, lessons=rows)


def test_funnel_bars_follow_the_course() -> None:
    bars = funnel_bars(funnel_view())
    assert isinstance(bars, FunnelBars)
    assert bars.labels[0] == f"1. {COURSE.lessons[0].title}"
    assert all(len(label) <= 28 for label in bars.labels)
    assert (bars.reached[:2], bars.passed[:2], bars.stuck[:2]) == ((20, 19), (15, 13), (0, 1))
    assert bars.working[:2] == (5, 5)  # reached, neither passed nor stuck: one stacked bar
    assert "20 learners" in bars.title


@pytest.mark.parametrize(
    "spec",
    [
        plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=0.5)),
        plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=1e9)),
        plot_for(STEPS, verdict(STEPS.id, loss_before=9.0, loss_after=0.2, lr_too_big=50.0)),
        plot_for(STEPS, verdict(STEPS.id)),
        LossBeforeAfter("backprop", 0.5, 0.4),
        funnel_bars(funnel_view()),
    ],
    ids=["landscape", "off-chart", "steps", "steps-plain", "bars", "funnel"],
)
def test_every_picture_is_a_valid_png_of_sensible_size(spec: object) -> None:
    assert spec is not None
    assert_sensible_png(render_png(spec))  # type: ignore[arg-type]


def test_a_longer_course_gets_a_taller_funnel() -> None:
    short = png_size(render_png(funnel_bars(funnel_view(2))))
    tall = png_size(render_png(funnel_bars(funnel_view(7))))
    assert tall[0] == short[0] and tall[1] > short[1]


async def test_plotter_draws_off_the_loop_and_reuses_what_it_drew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[str] = []

    def recording(spec: object) -> bytes:
        threads.append(threading.current_thread().name)
        return render_png(spec)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "render_png", recording)
    spec = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=0.5))
    other = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=0.6))
    assert spec is not None and other is not None
    async with Plotter(cache_size=1) as plotter:
        first = await plotter.render(spec)
        assert await plotter.render(spec) is first
        assert await plotter.render(other) != first
        await plotter.render(spec)  # pushed out of a cache of one: drawn again
    assert_sensible_png(first)
    assert len(threads) == 3
    assert all(name.startswith("plots") for name in threads)
    assert threading.main_thread().name not in threads


def test_a_reused_lesson_figure_keeps_nothing_from_the_last_picture() -> None:
    near = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=0.5))
    wild = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, seed=SEED + 1, w=1e9))
    assert near is not None and wild is not None
    first = render_png(near)
    assert render_png(wild) != first
    assert render_png(near) == first  # same pixels: the other picture left no trace
