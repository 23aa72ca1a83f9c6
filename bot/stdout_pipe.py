"""End quietly when whoever reads our output goes away (`python -m bot local | head -2`).

Writing to a pipe whose reader has exited raises BrokenPipeError wherever the next write
happens, and `except Exception` handlers on the way would log it as our own failure. So
stdout is wrapped once, at the entry point: a broken pipe points stdout at /dev/null (later
writes and the final flush go nowhere) and raises `ReaderGone`, a BaseException that passes
those handlers and becomes the exit code a shell expects from a closed pipe. SIGPIPE itself
stays ignored: with its default action a closed socket or a dead child's pipe would kill
the bot.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TextIO, cast

EXIT_CODE = 128 + 13  # as if killed by SIGPIPE, like `yes | head`


class ReaderGone(BaseException):
    """stdout's reader closed the pipe: nobody is listening any more."""


class _PipeAwareStream:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> NoReturn:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)
        raise ReaderGone()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run_quietly_piped(main: Callable[[], int]) -> int:
    """`main()`'s exit code, or EXIT_CODE once stdout's reader has gone."""
    sys.stdout = cast(TextIO, _PipeAwareStream(sys.stdout))
    try:
        code = main()
        sys.stdout.flush()
    except ReaderGone:
        return EXIT_CODE
    return code
