"""Run trusted lesson code (data generation, probes, judging) off the event loop, with a deadline.

Trusted does not mean quick: a generator that never ends would freeze every learner if it
ran on the event loop. Calls go to a few long-lived daemon worker threads through a queue:
handing over a job never blocks the loop (starting a thread per call did, for hundreds of
milliseconds when other threads held the GIL). A thread cannot be stopped, so a call that
overruns is abandoned (its worker runs on until it ends, and never keeps the process alive
at exit), a fresh worker takes its place, and the caller gets `GraderOverrun` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
WORKERS = 4  # judging takes milliseconds; more threads would only contend for the GIL

_Job = tuple[Callable[[], Any], Callable[[Any, BaseException | None], None]]


class GraderOverrun(TimeoutError):
    """Trusted lesson code did not finish within its deadline."""


class _Workers:
    def __init__(self, size: int) -> None:
        self.size = size
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.started = 0
        self.lock = threading.Lock()

    def submit(self, job: _Job) -> None:
        with self.lock:
            missing, self.started = self.size - self.started, max(self.started, self.size)
        for _ in range(missing):  # once per process, and once per abandoned worker
            self._start_one()
        self.jobs.put(job)

    def replace_abandoned(self) -> None:
        """A worker is stuck in an overrun call: the pool gets one more."""
        with self.lock:
            self.started -= 1

    def _start_one(self) -> None:
        threading.Thread(target=self._serve, name="lesson-code", daemon=True).start()

    def _serve(self) -> None:
        while True:
            fn, settle = self.jobs.get()
            try:
                result, error = fn(), None
            except BaseException as exc:  # handed to the awaiting coroutine, re-raised there
                result, error = None, exc
            settle(result, error)


_WORKERS = _Workers(WORKERS)


async def call_with_deadline(fn: Callable[[], T], *, deadline_s: float, what: str) -> T:
    """`fn()` on a worker thread; its result, its exception, or `GraderOverrun`."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def on_loop(result: T | None, error: BaseException | None) -> None:
        if outcome.done():  # the caller gave up (deadline or cancellation)
            return
        if error is not None:
            outcome.set_exception(error)
        else:
            outcome.set_result(result)  # type: ignore[arg-type]

    def settle(result: Any, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(on_loop, result, error)

    _WORKERS.submit((fn, settle))
    try:
        return await asyncio.wait_for(outcome, deadline_s)
    except TimeoutError:
        _WORKERS.replace_abandoned()
        raise GraderOverrun(f"{what} did not finish within {deadline_s:g} s") from None
