"""Reading the FILE... arguments of `sandbox` and `grade`: paths, or `-` for stdin."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.source_files import SourceFileError, decode_source, read_source


class InputError(Exception):
    """A file can't be read; the message names it and says why."""


def read_inputs(names: Sequence[str]) -> list[tuple[str, str]]:
    """(name, text) for each argument, in order, read as `bot.source_files` reads every
    learner's file (undecodable bytes become U+FFFD)."""
    inputs = []
    for name in names:
        if name == "-":
            # Bytes when stdin has them, so a bad byte can't stop the whole command.
            raw = getattr(sys.stdin, "buffer", None)
            text = decode_source(raw.read()) if raw else sys.stdin.read()
        else:
            try:
                text = read_source(name)
            except SourceFileError as exc:
                raise InputError(str(exc)) from exc
        inputs.append((name, text))
    return inputs
