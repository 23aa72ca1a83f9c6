"""Rendering off the event loop, with the PNGs already drawn kept for reuse.

One worker thread: matplotlib is not meant to draw from several threads at once, and one
picture takes tens of milliseconds, so a queue of one is plenty for a tutoring bot. One
Plotter per process: the bot's is opened in runtime.open_tutor_bot beside the store and the
sandbox and shared by every cog that draws (`bot.plotter`); the terminal opens its own.
The cache is keyed by the spec, which holds everything drawn: the same verdict (a learner
asking for the plot again, the terminal's `plot` after a verdict) is drawn once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

from bot.plots.specs import PlotSpec

DEFAULT_CACHE_SIZE = 64


class Plotter:
    def __init__(self, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plots")
        self._cache: OrderedDict[PlotSpec, bytes] = OrderedDict()
        self._cache_size = cache_size

    async def render(self, spec: PlotSpec) -> bytes:
        cached = self._cache.get(spec)
        if cached is not None:
            self._cache.move_to_end(spec)
            return cached
        loop = asyncio.get_running_loop()
        png = await loop.run_in_executor(self._executor, _draw, spec)
        self._cache[spec] = png
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return png

    def warm_up(self) -> None:
        """Load matplotlib on the worker thread now, so the first picture is not slower."""
        self._executor.submit(_load_renderer)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> Plotter:
        self.warm_up()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _load_renderer() -> None:
    import bot.plots.render  # noqa: F401


def _draw(spec: PlotSpec) -> bytes:
    # Imported here, on the worker thread: matplotlib takes a few hundred milliseconds to
    # load, which neither the event loop nor commands that never draw should pay.
    from bot.plots.render import render_png

    return render_png(spec)
