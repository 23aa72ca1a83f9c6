"""Notice when something blocks the event loop, and say where.

The loop stamps a heartbeat every `TICK_S`. A watcher thread wakes exactly when the next
heartbeat is `threshold_s` overdue; if it still has not come, the loop is stuck right now,
so the watcher logs the loop thread's current stack: the line doing the blocking. When the
loop comes back it logs how long the stall lasted. The heartbeats' lateness is also kept
(`lags`), for benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from collections import deque
from types import TracebackType

log = logging.getLogger(__name__)

STALL_THRESHOLD_S = 0.25
TICK_S = 0.05


class LoopWatchdog:
    def __init__(
        self,
        *,
        threshold_s: float = STALL_THRESHOLD_S,
        tick_s: float = TICK_S,
        keep_lags: int = 100_000,
    ) -> None:
        self.threshold_s = threshold_s
        self.tick_s = tick_s
        self.lags: deque[float] = deque(maxlen=keep_lags)  # seconds each heartbeat was late
        self.stalls = 0  # stalls over the threshold seen so far
        self._beat_at = time.monotonic()
        self._reported_beat: float | None = None  # the beat after which a stall was logged
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._watcher: threading.Thread | None = None
        self._loop_thread = 0

    async def __aenter__(self) -> LoopWatchdog:
        self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Call from the loop's own thread (in a coroutine)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._beat_at = time.monotonic()
        self._handle = self._loop.call_later(self.tick_s, self._beat)
        self._watcher = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
        if self._watcher is not None:
            self._watcher.join(timeout=1)

    def _beat(self) -> None:
        now = time.monotonic()
        late = now - self._beat_at - self.tick_s
        self.lags.append(max(0.0, late))
        if late > self.threshold_s:
            if self._reported_beat == self._beat_at:
                log.warning("event loop stall ended after %.0f ms", late * 1000)
            else:  # the loop held the GIL so tightly that the watcher never got to look
                self.stalls += 1
                log.warning("event loop stalled for %.0f ms (stack not sampled)", late * 1000)
        self._beat_at = now
        if not self._stop.is_set() and self._loop is not None:
            self._handle = self._loop.call_later(self.tick_s, self._beat)

    def _watch(self) -> None:
        while not self._stop.is_set():
            beat = self._beat_at
            overdue_at = beat + self.tick_s + self.threshold_s
            wait = overdue_at - time.monotonic()
            if wait > 0:
                self._stop.wait(wait)
                continue
            if beat == self._beat_at and self._reported_beat != beat:
                self._reported_beat = beat
                self.stalls += 1
                self._report(time.monotonic() - beat - self.tick_s)
            self._stop.wait(self.tick_s)

    def _report(self, stalled_s: float) -> None:
        frame = sys._current_frames().get(self._loop_thread)
        stack = "".join(traceback.format_stack(frame)) if frame is not None else "(no stack)\n"
        idle = frame is not None and frame.f_code.co_filename.endswith("selectors.py")
        log.warning(
            "event loop stalled for %.0f ms so far; the loop thread is at:\n%s%s",
            stalled_s * 1000,
            stack.rstrip("\n"),
            # Waiting in select() with a timer overdue: no code of ours blocks; the process
            # was not given the CPU (an overloaded host, or a paused process).
            "\n(idle in select(): the process did not get the CPU in time)" if idle else "",
        )
