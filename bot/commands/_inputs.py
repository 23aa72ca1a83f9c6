"""Reading the FILE... arguments of `sandbox` and `grade`: paths, or `-` for stdin."""

from __future__ import annotations

import sys
from collections.abc import Sequence


class InputError(Exception):
    """A file can't be read; the message names it and says why."""


def read_inputs(names: Sequence[str]) -> list[tuple[str, str]]:
    """(name, text) for each argument, in order. Undecodable bytes become U+FFFD."""
    inputs = []
    for name in names:
        try:
            if name == "-":
                # Bytes when stdin has them, so a bad byte can't stop the whole command.
                raw = getattr(sys.stdin, "buffer", None)
                text = raw.read().decode("utf-8", "replace") if raw else sys.stdin.read()
            else:
                with open(name, "rb") as handle:
                    text = handle.read().decode("utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"can't read {name}: {exc.strerror or exc}") from exc
        inputs.append((name, text))
    return inputs
