"""The public sandbox: `await Sandbox.run(code, preset=..., probes=...) -> RunResult`.

It owns one zygote process (see sandbox.zygote). For each run the zygote hands over a
pre-forked child's two pipe ends; the pool writes the job and reads the result with
asyncio, so the caller's event loop is never blocked by a run and no learner's data ever
passes through the zygote. Concurrency is capped at `workers`; `saturated` tells a front
end that the next run will queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sandbox.child_io import assemble, exchange
from sandbox.job import make_job
from sandbox.layer_requirements import refusals
from sandbox.limits import Limits
from sandbox.messages import describe
from sandbox.protocol import encode_frame
from sandbox.result import ErrorInfo, RunResult, Status
from sandbox.validation import validate_code
from sandbox.workers import default_workers
from sandbox.zygote_client import (
    LayerReport,
    SandboxUnavailable,
    ZygoteClient,
    spawn_zygote,
    wait_exited,
)
from sandbox.zygote_launch import LaunchedZygote

log = logging.getLogger(__name__)

# The zygote answers a start request in well under a millisecond, unless its workers are
# all busy: then the request waits there for one to exit, within that run's timeout.
_HANDOVER_S = 10.0
_GRACE_S = 5.0  # the zygote kills a run at its timeout; this catches a stuck zygote


@dataclass(frozen=True)
class SandboxOptions:
    """Switches for tests. Production code uses the defaults: policy on, every layer."""

    policy: bool = True
    layers: frozenset[str] | None = None  # None: every OS layer the host provides
    # Fail closed (the bot's `run` and `local`): None starts with whatever layers came up;
    # a set refuses to start on a layer that failed, or a missing one the set doesn't name.
    allow_missing_layers: frozenset[str] | None = None


class Sandbox:
    def __init__(
        self,
        *,
        workers: int | None = None,
        limits: Limits | None = None,
        options: SandboxOptions | None = None,
        launched: LaunchedZygote | None = None,
    ) -> None:
        """`launched`: a zygote started earlier with `launch_zygote()`, still importing
        (a command line starts it first thing); the first start configures it."""
        self.workers = max(1, workers or default_workers())
        self.limits = limits or Limits()
        self.options = options or SandboxOptions()
        self._slots = asyncio.Semaphore(self.workers)
        self._waiting = 0
        self._ids = itertools.count(1)
        self._zygote: ZygoteClient | None = None
        self._launched = launched
        self._starting = asyncio.Lock()
        self._closed = False

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        await self._ensure_zygote()

    async def close(self) -> None:
        self._closed = True
        if self._launched is not None:  # started early, never configured: it exits on EOF
            launched, self._launched = self._launched, None
            launched.control.close()
            if not await wait_exited(launched.process, timeout=5):
                launched.process.kill()
                await wait_exited(launched.process, timeout=None)
        if self._zygote is not None:
            await self._zygote.stop()
            self._zygote = None

    @property
    def layers(self) -> list[LayerReport]:
        """The OS layers the running zygote reported, for `doctor` and the logs."""
        return list(self._zygote.layers) if self._zygote else []

    @property
    def saturated(self) -> bool:
        """True when every worker is busy: a new run would wait in the queue."""
        return self._slots.locked()

    @property
    def queued(self) -> int:
        return self._waiting

    # -- running code ---------------------------------------------------------------------

    async def run(
        self,
        code: str | bytes,
        *,
        preset: Mapping[str, Any] | None = None,
        probes: Mapping[str, str] | None = None,
        limits: Limits | None = None,
        on_queued: Callable[[], Awaitable[None]] | None = None,
    ) -> RunResult:
        """Run learner code once in a fresh child. Never raises for anything the code does."""
        limits = limits or self.limits
        text, refusal = validate_code(code, limits)
        if text is None:
            return _result(Status.REJECTED, limits, error=refusal)
        job = make_job(text, preset, probes, limits)
        if self.saturated and on_queued is not None:
            await on_queued()
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self._slots.release()

        try:
            return await self._run_in_child(job, limits, release)
        finally:
            release()

    async def _run_in_child(
        self, job: dict[str, Any], limits: Limits, release: Callable[[], None]
    ) -> RunResult:
        """`release` frees this run's slot once the child's result is in: the next run's
        start then waits in the zygote, which keeps the cap and starts it right after the
        reap, instead of a round trip after the exit report."""
        began = time.monotonic()
        run_id = next(self._ids)
        zygote: ZygoteClient | None = None
        pipes = None
        try:
            zygote = await self._ensure_zygote()
            started, exited = zygote.begin(run_id, limits.timeout_s)
            # One deadline, moved on per phase: no task or timer per await, as wait_for makes.
            loop = asyncio.get_running_loop()
            async with asyncio.timeout(_HANDOVER_S + limits.timeout_s) as deadline:
                pipes = await started
                job_fd, result_fd, pipes = pipes.job_fd, pipes.result_fd, None
                deadline.reschedule(loop.time() + limits.timeout_s + _GRACE_S)
                raw = await exchange(job_fd, result_fd, encode_frame(job))
                release()
                deadline.reschedule(loop.time() + _GRACE_S)
                exit_info = await exited
        except (TimeoutError, SandboxUnavailable, OSError) as exc:
            log.error("sandbox run %d failed outside the child (%r); restarting", run_id, exc)
            if zygote is not None:
                await self._restart(zygote)
            return _result(
                Status.CRASHED,
                limits,
                error=ErrorInfo("SandboxCrash", "the sandbox stopped unexpectedly"),
                wall_ms=(time.monotonic() - began) * 1000,
            )
        finally:
            if pipes is not None:  # cancelled between the handover and the exchange
                for fd in (pipes.job_fd, pipes.result_fd):
                    with contextlib.suppress(OSError):
                        os.close(fd)
            if zygote is not None:
                zygote.forget(run_id)
        return assemble(raw, exit_info, limits, policy=self.options.policy)

    async def _ensure_zygote(self) -> ZygoteClient:
        if self._zygote is not None and self._zygote.alive:
            return self._zygote
        async with self._starting:
            if self._zygote is not None and self._zygote.alive:
                return self._zygote
            if self._closed:
                raise SandboxUnavailable("the sandbox is closed")
            self._zygote = await self._spawn()
            return self._zygote

    async def _restart(self, zygote: ZygoteClient) -> None:
        if self._zygote is zygote:
            self._zygote = None
        zygote.kill()
        with contextlib.suppress(Exception):
            await zygote.stop()

    async def _spawn(self) -> ZygoteClient:
        from sandbox import os_layers  # imported here: the layers are only needed to name them

        layers = self.options.layers if self.options.layers is not None else os_layers.LAYER_NAMES
        config = {"workers": self.workers, "policy": self.options.policy, "layers": sorted(layers)}
        launched, self._launched = self._launched, None
        zygote = await spawn_zygote(config, launched)
        allowed = self.options.allow_missing_layers
        problems = [] if allowed is None else refusals(zygote.layers, allowed)
        if problems:
            await zygote.stop()
            raise SandboxUnavailable(
                "refusing to run learners' code without its OS isolation: " + "; ".join(problems)
            )
        return zygote


def _result(
    status: Status, limits: Limits, *, error: ErrorInfo | None = None, wall_ms: float = 0.0
) -> RunResult:
    return RunResult(
        status=status, error=error, wall_ms=wall_ms, message=describe(status, error, limits)
    )
