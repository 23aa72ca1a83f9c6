"""Stopping the bot on Ctrl-C (SIGINT) or SIGTERM: one path for both, and it always ends.

Both signals are handled by the event loop, so the stop begins at a safe point between
callbacks. (Before, SIGINT went through asyncio.run's own handler, a Python-level handler
that cancels the main task from whatever bytecode the main thread happens to be running.)
The stop is one cancellation of the main task, which closes the bot, the sandbox pool and
the database in order. A cancellation can be lost: on Python 3.11, `asyncio.wait_for`
swallows one that arrives just as the awaited work finishes (CPython gh-86296, fixed in
3.12), and discord.py awaits the gateway through `wait_for`. Nothing bounded the stop then,
and the bot ran on after Ctrl-C. Now, if the main task is still running `grace_s` after the
signal, the log gets the stack of every task and the main task is cancelled again; if that
does not end it either, the process exits with code 1. A second signal exits at once (130).
The database is safe either way: every attempt is one transaction, synchronous=FULL.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
from collections.abc import Callable

log = logging.getLogger(__name__)

STOP_GRACE_S = 30.0  # running gradings get 10 s (TutorBot.close), closing Discord and the pool less
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def stop_on_signals(
    main: asyncio.Task[object],
    *,
    grace_s: float = STOP_GRACE_S,
    exit_now: Callable[[int], object] = os._exit,
) -> Callable[[], None]:
    """Handle SIGINT and SIGTERM by stopping `main`; returns a function removing the handlers."""
    loop = asyncio.get_running_loop()
    received: list[signal.Signals] = []

    def on_signal(sig: signal.Signals) -> None:
        received.append(sig)
        if len(received) > 1:
            log.warning("%s again: exiting without finishing the stop", sig.name)
            exit_now(128 + signal.SIGINT)
            return
        log.info("%s: stopping (gradings in progress post their verdicts first)", sig.name)
        main.cancel()
        loop.call_later(grace_s, overdue)

    def overdue() -> None:
        if main.done():
            return
        log.error(
            "still stopping %.0f s after the signal; cancelling again. Tasks:\n%s",
            grace_s,
            _task_stacks(),
        )
        main.cancel()
        loop.call_later(grace_s / 2, give_up)

    def give_up() -> None:
        if not main.done():
            log.critical("the bot could not stop cleanly; exiting now")
            exit_now(1)

    added = []
    for sig in SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals here
            loop.add_signal_handler(sig, on_signal, sig)
            added.append(sig)

    def remove() -> None:
        for sig in added:
            loop.remove_signal_handler(sig)

    return remove


def _task_stacks() -> str:
    out = io.StringIO()
    for task in asyncio.all_tasks():
        task.print_stack(limit=8, file=out)
    return out.getvalue()
