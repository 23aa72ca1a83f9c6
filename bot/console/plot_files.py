"""Saving the loss plot of a training lesson's verdict as a PNG file, for the terminal.

The picture is the same one the Discord bot attaches; the terminal can't show it, so it
goes to a file whose path is printed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.core import SubmissionOutcome
from bot.plots import PlotSpec, Plotter, plot_for


@dataclass(frozen=True)
class PendingPlot:
    """The picture of the last graded verdict, drawn only when someone asks for it."""

    spec: PlotSpec
    lesson_number: int
    attempt_number: int  # the learner's own count of attempts at the lesson, 1-based

    @property
    def default_name(self) -> str:
        return f"gradient-tutor-lesson-{self.lesson_number}-attempt-{self.attempt_number}.png"


def pending_plot(outcome: SubmissionOutcome, attempt_number: int) -> PendingPlot | None:
    """`attempt_number`: which of the learner's attempts at the lesson this was (not the
    store's id, which counts everyone's attempts at everything)."""
    spec = plot_for(outcome.lesson, outcome.verdict)
    if spec is None:
        return None
    return PendingPlot(spec, outcome.lesson.number, attempt_number)


def target_path(pending: PendingPlot, requested: str | None, default_dir: Path) -> Path:
    """A named file as given; a named directory (or none) gets the default file name."""
    if requested is None:
        return (default_dir / pending.default_name).resolve()
    path = Path(requested).expanduser()
    if path.is_dir() or requested.endswith(("/", "\\")):
        path = path / pending.default_name
    elif path.suffix.lower() != ".png":
        path = path.with_name(path.name + ".png")
    return path.resolve()


async def save_plot(plotter: Plotter, pending: PendingPlot, path: Path) -> Path:
    """Draw (off the event loop) and write the PNG; OSError when the file can't be written."""
    png = await plotter.render(pending.spec)
    await asyncio.to_thread(_write, path, png)
    return path


def _write(path: Path, png: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
