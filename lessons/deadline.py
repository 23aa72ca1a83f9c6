"""Run trusted lesson code (data generation, probes, judging) off the event loop, with a deadline.

Trusted does not mean quick: a generator that never ends would freeze every learner if it
ran on the event loop. Each call gets its own daemon thread. A thread cannot be stopped, so
one that overruns is abandoned (it keeps running until it ends, and never keeps the process
alive at exit) and the caller gets `GraderOverrun` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class GraderOverrun(TimeoutError):
    """Trusted lesson code did not finish within its deadline."""


async def call_with_deadline(fn: Callable[[], T], *, deadline_s: float, what: str) -> T:
    """`fn()` in a fresh daemon thread; its result, its exception, or `GraderOverrun`."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if outcome.done():  # the caller gave up (deadline or cancellation)
            return
        if error is not None:
            outcome.set_exception(error)
        else:
            outcome.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = fn(), None
        except BaseException as exc:  # handed to the awaiting coroutine, re-raised there
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name=f"lesson-code: {what}", daemon=True).start()
    try:
        return await asyncio.wait_for(outcome, deadline_s)
    except TimeoutError:
        raise GraderOverrun(f"{what} did not finish within {deadline_s:g} s") from None
