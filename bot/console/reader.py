"""Lines from the learner: typed at a prompt, or piped in from a file or a script."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
import threading
from collections.abc import Callable
from typing import TextIO, TypeVar

T = TypeVar("T")


class LineReader:
    """`readline` returns a line without its newline, or None at end of input.

    Reading blocks, so it happens off the event loop; on a daemon thread rather than the
    default executor, so Ctrl-C is not held up by a thread still waiting for a line.
    """

    def __init__(self, stream: TextIO | None = None, *, interactive: bool | None = None) -> None:
        if stream is None:
            stream = sys.stdin
            if isinstance(stream, io.TextIOWrapper):
                # A file saved in another encoding and piped in: its odd bytes become U+FFFD
                # rather than an exception that ends the session.
                stream.reconfigure(errors="replace")
        self.stream = stream
        if interactive is None:
            interactive = self.stream is sys.stdin and _isatty(self.stream)
        self.interactive = interactive
        # A read that outlived the call that started it (Ctrl-C cancelled a paste): its
        # line is the next one returned, never lost to a thread nobody listens to.
        self._pending: asyncio.Future[str | None] | None = None

    async def readline(self, prompt: str = "") -> str | None:
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._read(prompt))
        pending = self._pending
        try:
            return await asyncio.shield(pending)
        finally:
            if pending.done():
                self._pending = None

    async def _read(self, prompt: str) -> str | None:
        if self.interactive:
            return await _off_loop(lambda: _input(prompt))
        line = await _off_loop(self.stream.readline)
        return None if line == "" else line.rstrip("\r\n")


def _input(prompt: str) -> str | None:
    try:
        return input(prompt)  # line editing and history on a terminal
    except EOFError:
        return None


async def _off_loop(read: Callable[[], T]) -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(value: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def work() -> None:
        value: T | None = None
        failure: BaseException | None = None
        try:
            value = read()
        except BaseException as error:  # handed to the awaiting task, not lost
            failure = error
        # The loop may have closed while we waited for a line (Ctrl-C): nobody listens.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, value, failure)

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return await future


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
