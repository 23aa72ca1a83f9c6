"""A short per-learner pause between submissions, part of admitting a submission.

One submission at a time is the core's other rule (AlreadyGrading); this only spaces them out
so a learner cannot keep a worker busy by pasting in a loop.
"""

from __future__ import annotations

import time

from bot.core.errors import CoolingDown


class SubmissionCooldown:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[tuple[str, str], float] = {}

    def remaining(self, key: tuple[str, str]) -> float:
        """Seconds until this learner may submit again (0 when they may now)."""
        last = self._last.get(key)
        return 0.0 if last is None else max(0.0, self.seconds - (time.monotonic() - last))

    def begin(self, key: tuple[str, str]) -> None:
        """Record a submission now, or raise CoolingDown if the last one was too recent."""
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.seconds:
            raise CoolingDown(self.seconds - (now - last))
        self._last[key] = now
        if len(self._last) > 10_000:  # forget learners whose pause is long over
            self._last = {k: t for k, t in self._last.items() if now - t < self.seconds}
