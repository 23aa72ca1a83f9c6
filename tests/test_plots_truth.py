"""Pictures never contradict the verdict: what is plotted is what the learner's code
reported, the "after" mark is red when the loss rose and green when it fell, a rise is
said in words, legends stay outside the data, and the funnel counts whole learners."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.core import FunnelView, LessonFunnel
from bot.plots import LossBeforeAfter, LossLandscape, LossPerStep, funnel_bars, plot_for
from bot.plots.render import draw_figure
from bot.plots.style import GREEN, RED
from lessons import Verdict, grade_submission, load_course
from sandbox import Sandbox
from tests.sandbox_support import sandbox_fixture

ON_SANDBOX = pytest.mark.asyncio(loop_scope="module")  # one sandbox for the module
sandbox = sandbox_fixture()
COURSE = load_course()
LANDSCAPE, STEPS = COURSE.get("how-models-learn"), COURSE.get("training-loop")
BACKPROP, NETWORK = COURSE.get("backpropagation"), COURSE.get("train-a-network")
SEED = 7


def verdict(lesson_id: str, status: str = "failed", **metrics: float) -> Verdict:
    return Verdict(lesson_id=lesson_id, status=status, message="", metrics=metrics, seed=SEED)


def line(figure: Figure, label_start: str) -> Line2D:
    return next(
        artist for artist in figure.axes[0].lines if str(artist.get_label()).startswith(label_start)
    )


def texts(figure: Figure) -> str:
    found = [t.get_text() for t in figure.texts]
    for ax in figure.axes:
        found += [t.get_text() for t in ax.texts]
    return "\n".join(found)


def one_step(lesson_id: str = LANDSCAPE.id) -> tuple[np.ndarray, np.ndarray, float, float]:
    data = COURSE.get(lesson_id).data(SEED)
    x, y, w, lr = data["x"], data["y"], data["w"], data["lr"]
    return x, y, w, w - lr * float(np.mean(2 * (w * x - y) * x))


@ON_SANDBOX
async def test_the_landscape_plots_the_learners_own_losses_beside_the_true_curve(
    sandbox: Sandbox,
) -> None:
    # The learner: summed instead of averaging, so both losses are far too big.
    summed = LANDSCAPE.solution.replace("np.mean(diffs**2)", "np.sum(diffs**2)")
    graded = await grade_submission(LANDSCAPE, summed, sandbox, seed=SEED)
    spec = plot_for(LANDSCAPE, graded)
    assert isinstance(spec, LossLandscape)
    reported = graded.metrics
    assert (spec.reported_before, spec.reported_after) == (
        reported["loss_before"],
        reported["loss_after"],
    )
    figure = draw_figure(spec)
    assert line(figure, "your loss_before").get_ydata()[0] == reported["loss_before"]
    assert line(figure, "your loss_after").get_ydata()[0] == reported["loss_after"]
    # Off the true curve, visibly: the true MSE at that w is a fraction of it.
    x, y, w, _ = one_step()
    assert reported["loss_before"] > 5 * float(np.mean((y - w * x) ** 2))
    assert f"{reported['loss_before']:.4g}" in texts(figure)  # the point says its loss
    assert f"your loss_before {reported['loss_before']:.4g} is not the MSE" in texts(figure)


def test_an_uphill_step_is_red_and_says_the_loss_went_up() -> None:
    x, y, w, w_one = one_step()
    uphill = w + (w - w_one)

    def mse(at: float) -> float:
        return float(np.mean((y - at * x) ** 2))

    spec = plot_for(
        LANDSCAPE, verdict(LANDSCAPE.id, w=uphill, loss_before=mse(w), loss_after=mse(uphill))
    )
    assert isinstance(spec, LossLandscape) and spec.trend == "up"
    figure = draw_figure(spec)
    assert to_hex(line(figure, "your loss_after").get_color()) == RED
    assert "the loss went up" in texts(figure)

    downhill = plot_for(
        LANDSCAPE, verdict(LANDSCAPE.id, w=w_one, loss_before=mse(w), loss_after=mse(w_one))
    )
    assert downhill is not None
    figure = draw_figure(downhill)
    assert to_hex(line(figure, "your loss_after").get_color()) == GREEN
    assert "the loss went down" in texts(figure)  # right values, one right step


def test_a_step_that_did_not_move_keeps_both_points_visible() -> None:
    x, y, w, _ = one_step()
    loss = float(np.mean((y - w * x) ** 2))
    spec = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=w, loss_before=loss, loss_after=loss))
    assert spec is not None
    figure = draw_figure(spec)
    ring, dot = line(figure, "your loss_before"), line(figure, "your loss_after")
    assert ring.get_xydata().tolist() == dot.get_xydata().tolist()  # the same spot
    assert ring.get_markerfacecolor() == "none"  # a ring around the dot, not a disc over it
    assert ring.get_markersize() > dot.get_markersize() + 4


def test_many_steps_at_once_are_not_drawn_as_a_good_step() -> None:
    x, y, w, w_one = one_step()
    bottom = float(np.sum(x * y) / np.sum(x * x))
    spec = plot_for(
        LANDSCAPE,
        verdict(
            LANDSCAPE.id,
            w=bottom,
            loss_before=float(np.mean((y - w * x) ** 2)),
            loss_after=float(np.mean((y - bottom * x) ** 2)),
        ),
    )
    assert isinstance(spec, LossLandscape) and spec.w_expected == pytest.approx(w_one)
    figure = draw_figure(spec)
    assert line(figure, "one correct step").get_xdata()[0] == pytest.approx(w_one)
    assert f"one correct step: {w_one:.3g}" in texts(figure)


@pytest.mark.parametrize(("after", "colour"), [(0.86, RED), (0.70, GREEN)])
def test_before_after_bars_colour_the_after_bar_by_direction(after: float, colour: str) -> None:
    spec = plot_for(BACKPROP, verdict(BACKPROP.id, loss_before=0.78, loss_after=after))
    assert isinstance(spec, LossBeforeAfter)
    figure = draw_figure(spec)
    bars = figure.axes[0].patches
    assert [b.get_height() for b in bars] == [0.78, after]
    assert to_hex(bars[1].get_facecolor()) == colour
    assert ("the loss went up: 0.78 → 0.86" in texts(figure)) == (colour == RED)


@ON_SANDBOX
async def test_a_diverging_network_plots_its_recorded_losses_and_where_they_blew_up(
    sandbox: Sandbox,
) -> None:
    diverging = NETWORK.solution.replace(
        "train(W1, b1, W2, b2, lr, 300)", "train(W1, b1, W2, b2, 40.0, 300)"
    )
    graded = await grade_submission(NETWORK, diverging, sandbox, seed=SEED)
    assert not graded.passed and math.isnan(graded.metrics["loss_after"])
    spec = plot_for(NETWORK, graded)
    assert isinstance(spec, LossPerStep)
    recorded = graded.curves["losses"]
    assert len(recorded) == 300 and spec.learner == recorded  # NaN and all
    assert spec.blew_up_at is not None and all(
        math.isfinite(v) for v in recorded[: spec.blew_up_at]
    )
    figure = draw_figure(spec)
    drawn = line(figure, "your recorded losses").get_ydata()
    finite = np.isfinite(np.asarray(recorded))
    assert np.array_equal(np.asarray(drawn)[finite], np.asarray(recorded)[finite])
    assert line(figure, f"blew up at step {spec.blew_up_at}") is not None
    assert "the loss blew up" in texts(figure)


@ON_SANDBOX
async def test_a_passing_network_plots_its_loss_curve_not_two_bars(sandbox: Sandbox) -> None:
    graded = await grade_submission(NETWORK, NETWORK.solution, sandbox, seed=SEED)
    spec = plot_for(NETWORK, graded)
    assert isinstance(spec, LossPerStep) and graded.passed
    assert spec.learner == graded.curves["losses"] and len(spec.learner) == 300
    assert spec.loss_after == graded.metrics["loss_after"] and spec.trend == "down"
    assert to_hex(line(draw_figure(spec), "your loss_after").get_color()) == GREEN


@ON_SANDBOX
async def test_the_training_loop_plots_the_learners_losses_beside_the_reference(
    sandbox: Sandbox,
) -> None:
    graded = await grade_submission(STEPS, STEPS.solution, sandbox, seed=SEED)
    spec = plot_for(STEPS, graded)
    assert isinstance(spec, LossPerStep)
    assert spec.learner == graded.curves["losses"] and len(spec.learner) == 50
    assert spec.reference[:50] == pytest.approx(spec.learner)
    assert spec.loss_before == graded.metrics["loss_before"]


def legend_is_outside_the_data(figure: Figure) -> bool:
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()
    data = figure.axes[0].get_window_extent(renderer)
    legends = [ax.legend_ for ax in figure.axes if ax.legend_ is not None] + figure.legends
    assert legends
    return all(not legend.get_window_extent(renderer).overlaps(data) for legend in legends)


def test_legends_sit_outside_the_data() -> None:
    *_, w_one = one_step()
    far = plot_for(LANDSCAPE, verdict(LANDSCAPE.id, w=w_one, loss_before=1.0, loss_after=0.5))
    steps = plot_for(STEPS, verdict(STEPS.id, loss_before=9.0, loss_after=0.2, lr_too_big=50.0))
    for spec in (far, steps, funnel_bars(small_funnel())):
        assert spec is not None
        assert legend_is_outside_the_data(draw_figure(spec))


def small_funnel() -> FunnelView:
    counts = [(3, 1, 1), (1, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0)]
    rows = [
        LessonFunnel(lesson, reached=r, passed=p, stuck=s)
        for lesson, (r, p, s) in zip(COURSE.lessons, counts, strict=True)
    ]
    return FunnelView(scope="guild:1", learners=3, finished=0, lessons=rows)


def test_the_funnel_counts_whole_learners_and_labels_no_empty_segment() -> None:
    figure = draw_figure(funnel_bars(small_funnel()))
    ax = figure.axes[0]
    ticks = [t for t in ax.get_xticks() if 0 <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    labels = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert sorted(labels) == ["1", "1", "1", "1"]  # passed 1, stuck 1, working 1; working 1
    # One stacked bar per lesson: segments of a row share its height and start where the
    # previous one ended.
    first_row = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - 0.12) < 1e-9]
    assert [(p.get_x(), p.get_width()) for p in first_row if p.get_width()] == [
        (0, 1),
        (1, 1),
        (2, 1),
    ]
