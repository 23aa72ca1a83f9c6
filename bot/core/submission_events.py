"""What a front end hears while the core admits and grades one submission.

Each front end delivers these its own way (a reaction, a deferred answer, nothing at all in
the terminal); the core decides when they happen. `queued` is the sandbox pool's own signal,
passed through: it fires only when the run really has to wait for a free worker.
"""

from __future__ import annotations


class SubmissionEvents:
    """No-op defaults: a front end overrides what it shows."""

    async def admitted(self) -> None:
        """Past every refusal (shutting down, already grading, cooldown): grading starts."""

    async def queued(self) -> None:
        """Every sandbox worker is busy: the run waits for one."""


NO_EVENTS = SubmissionEvents()
