"""Length-prefixed JSON frames between the pool, the zygote and its children."""

from __future__ import annotations

import json
import os
import struct
from typing import Any

from sandbox.result import Status

HEADER = struct.Struct(">I")
MAX_FRAME = 32 * 1024 * 1024  # a result is capped well below this; anything larger is hostile


class FrameError(ValueError):
    pass


def crash_result(detail: str) -> dict[str, Any]:
    """A result for a run that failed outside the learner's code (as the child sends it)."""
    return {"status": Status.CRASHED, "error": {"type": "SandboxCrash", "message": detail}}


def encode_frame(message: Any) -> bytes:
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_FRAME:
        raise FrameError(f"frame of {len(body)} bytes exceeds {MAX_FRAME}")
    return HEADER.pack(len(body)) + body


def decode_body(body: bytes) -> Any:
    # errors="replace": a child's bytes are never trusted to be valid UTF-8.
    return json.loads(body.decode("utf-8", errors="replace"))


class FrameBuffer:
    """Accumulates bytes from a non-blocking read and yields complete frames."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._max_frame = max_frame

    def feed(self, data: bytes) -> list[Any]:
        self._buffer += data
        frames = []
        while len(self._buffer) >= HEADER.size:
            (length,) = HEADER.unpack_from(self._buffer)
            if length > self._max_frame:
                raise FrameError(f"frame of {length} bytes exceeds {self._max_frame}")
            if len(self._buffer) < HEADER.size + length:
                break
            body = bytes(self._buffer[HEADER.size : HEADER.size + length])
            del self._buffer[: HEADER.size + length]
            frames.append(decode_body(body))
        return frames

    @property
    def pending(self) -> int:
        return len(self._buffer)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(fd: int, max_frame: int = MAX_FRAME) -> Any | None:
    """Blocking read of one frame; None on a clean end of file before any byte."""
    header = _read_exactly(fd, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    if length > max_frame:
        raise FrameError(f"frame of {length} bytes exceeds {max_frame}")
    body = _read_exactly(fd, length)
    if body is None:
        raise FrameError("stream ended inside a frame")
    return decode_body(body)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = os.read(fd, size - len(chunks))
        if not chunk:
            if chunks:
                raise FrameError("stream ended inside a frame")
            return None
        chunks += chunk
    return bytes(chunks)
