"""Ctrl-C that cancels one step (a paste) instead of ending the session."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def ctrl_c_cancels_this_task() -> Iterator[None]:
    """Inside the block, Ctrl-C cancels the current task (the awaiting code sees
    CancelledError and can `uncancel`); outside it, asyncio.run's own handling is back, so
    Ctrl-C at the prompt still quits."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    previous = signal.getsignal(signal.SIGINT)
    try:
        if task is None:
            raise RuntimeError("no task to cancel")
        loop.add_signal_handler(signal.SIGINT, task.cancel)
    except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, or no loop
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
