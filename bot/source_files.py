"""Reading a code file a learner names: one rule for the terminal's `submit FILE` and for
the `grade` and `sandbox` commands.

Bytes that are not UTF-8 (a file saved as Latin-1) become U+FFFD instead of an error: the
code still runs, and a replaced character inside a string or comment rarely matters. The
size cap keeps a wrong path (a video, a log) from being read whole; it is far above any
lesson answer, and the sandbox applies its own, smaller limit to the code itself.
"""

from __future__ import annotations

import os

MAX_SOURCE_BYTES = 256 * 1024


class SourceFileError(Exception):
    """The file can't be used; the message names it and says why."""


def decode_source(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def read_source(path: str | os.PathLike[str], *, name: str | None = None) -> str:
    shown = name or os.fspath(path)
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise SourceFileError(f"can't read {shown}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceFileError(
            f"{shown} is too big: a file can have at most {MAX_SOURCE_BYTES // 1024} KiB "
            "(a lesson answer has a few)"
        )
    return decode_source(raw)
