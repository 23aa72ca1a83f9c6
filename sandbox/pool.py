"""The public sandbox: `await Sandbox.run(code, preset=..., probes=...) -> RunResult`.

It owns one zygote process (see sandbox.zygote) and talks to it over pipes with asyncio,
so the caller's event loop is never blocked by a run. Concurrency is capped at `workers`;
`saturated` tells a front end that the next run will queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sandbox.limits import Limits
from sandbox.messages import describe
from sandbox.protocol import HEADER, MAX_FRAME, FrameError, decode_body, encode_frame
from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status
from sandbox.validation import validate_code
from sandbox.values import encode_preset

log = logging.getLogger(__name__)

_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
# Variables the zygote may inherit: nothing of the bot. OpenBLAS core settings stay because
# some CPUs compute wrong results without them.
_PASSED_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL", "TZ")
_START_TIMEOUT_S = 60.0
_GRACE_S = 5.0  # the zygote kills a run at its timeout; this catches a stuck zygote


@dataclass(frozen=True)
class SandboxOptions:
    """Switches for tests. Production code uses the defaults: policy on, every layer."""

    policy: bool = True
    layers: frozenset[str] | None = None  # None: every OS layer the host provides


@dataclass(frozen=True)
class LayerReport:
    name: str
    active: bool
    detail: str


class SandboxUnavailable(RuntimeError):
    pass


class _Zygote:
    """One running zygote process and the runs waiting for its answers."""

    def __init__(self, process: asyncio.subprocess.Process, layers: list[LayerReport]) -> None:
        self.process = process
        self.layers = layers
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.reader: asyncio.Task[None] | None = None

    @property
    def alive(self) -> bool:
        return (
            self.process.returncode is None and self.reader is not None and not self.reader.done()
        )

    async def read_results(self) -> None:
        assert self.process.stdout is not None
        try:
            while True:
                frame = await _read_frame(self.process.stdout)
                if frame is None:
                    break
                future = self.pending.pop(int(frame.get("id", -1)), None)
                if future is not None and not future.done():
                    future.set_result(dict(frame.get("result") or {}))
        except (FrameError, ValueError, asyncio.IncompleteReadError) as exc:
            log.error("sandbox zygote sent a malformed frame: %s", exc)
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(SandboxUnavailable("the sandbox process stopped"))
            self.pending.clear()

    async def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), timeout=5)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self.reader is not None:
            await self.reader


class Sandbox:
    def __init__(
        self,
        *,
        workers: int | None = None,
        limits: Limits | None = None,
        options: SandboxOptions | None = None,
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.limits = limits or Limits()
        self.options = options or SandboxOptions()
        self._slots = asyncio.Semaphore(self.workers)
        self._waiting = 0
        self._ids = itertools.count(1)
        self._zygote: _Zygote | None = None
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
        job = {
            "code": text,
            "preset": encode_preset(preset or {}),
            "probes": dict(probes or {}),
            "limits": {
                "timeout_s": limits.timeout_s,
                "memory_mb": limits.memory_mb,
                "output_bytes": limits.output_bytes,
                "output_lines": limits.output_lines,
                "probe_bytes": limits.probe_bytes,
            },
        }
        if self.saturated and on_queued is not None:
            await on_queued()
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            return await self._run_in_child(job, limits)
        finally:
            self._slots.release()

    async def _run_in_child(self, job: dict[str, Any], limits: Limits) -> RunResult:
        started = time.monotonic()
        try:
            zygote = await self._ensure_zygote()
        except SandboxUnavailable as exc:
            return _result(Status.CRASHED, limits, error=ErrorInfo("SandboxUnavailable", str(exc)))
        job_id = next(self._ids)
        job["id"] = job_id
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        zygote.pending[job_id] = future
        try:
            assert zygote.process.stdin is not None
            zygote.process.stdin.write(encode_frame(job))
            await zygote.process.stdin.drain()
            raw = await asyncio.wait_for(future, timeout=limits.timeout_s + _GRACE_S)
        except (TimeoutError, SandboxUnavailable, ConnectionError, BrokenPipeError) as exc:
            zygote.pending.pop(job_id, None)
            log.error("sandbox run %d failed in the zygote (%s); restarting it", job_id, exc)
            await self._restart(zygote)
            return _result(
                Status.CRASHED,
                limits,
                error=ErrorInfo("SandboxCrash", "the sandbox stopped unexpectedly"),
                wall_ms=(time.monotonic() - started) * 1000,
            )
        return _from_raw(raw, limits)

    async def _ensure_zygote(self) -> _Zygote:
        if self._zygote is not None and self._zygote.alive:
            return self._zygote
        async with self._starting:
            if self._zygote is not None and self._zygote.alive:
                return self._zygote
            if self._closed:
                raise SandboxUnavailable("the sandbox is closed")
            self._zygote = await self._spawn()
            return self._zygote

    async def _restart(self, zygote: _Zygote) -> None:
        if self._zygote is zygote:
            self._zygote = None
        if zygote.process.returncode is None:
            zygote.process.kill()
        with contextlib.suppress(Exception):
            await zygote.stop()

    async def _spawn(self) -> _Zygote:
        from sandbox import os_layers  # imported here: the layers are only needed to name them

        config = {
            "spare": self.workers,
            "policy": self.options.policy,
            "layers": sorted(self.options.layers if self.options.layers is not None
                             else os_layers.LAYER_NAMES),
        }  # fmt: skip
        env = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
        env.update(
            PATH="/usr/bin:/bin",
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        bootstrap = (
            f"import sys; sys.path.insert(0, {_PROJECT_ROOT!r}); "
            "from sandbox.zygote import main; main()"
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            "-c",
            bootstrap,
            json.dumps(config),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            cwd="/",
            start_new_session=True,  # Ctrl-C in the bot's terminal is for the bot
            limit=MAX_FRAME,
        )
        assert process.stdout is not None
        try:
            hello = await asyncio.wait_for(_read_frame(process.stdout), timeout=_START_TIMEOUT_S)
        except (TimeoutError, FrameError, ValueError, asyncio.IncompleteReadError) as exc:
            process.kill()
            await process.wait()
            raise SandboxUnavailable(f"the sandbox process did not start: {exc}") from exc
        if not hello or not hello.get("hello"):
            process.kill()
            await process.wait()
            raise SandboxUnavailable("the sandbox process did not start (see the log above)")
        layers = [LayerReport(str(x["name"]), bool(x["active"]), str(x["detail"]))
                  for x in hello.get("layers", [])]  # fmt: skip
        for layer in layers:
            if not layer.active and layer.detail != "disabled by configuration":
                log.warning("sandbox OS layer %s is not active: %s", layer.name, layer.detail)
        zygote = _Zygote(process, layers)
        zygote.reader = asyncio.create_task(zygote.read_results(), name="sandbox-results")
        return zygote


async def _read_frame(stream: asyncio.StreamReader) -> Any | None:
    try:
        header = await stream.readexactly(HEADER.size)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    (length,) = HEADER.unpack(header)
    if length > MAX_FRAME:
        raise FrameError(f"frame of {length} bytes exceeds {MAX_FRAME}")
    return decode_body(await stream.readexactly(length))


def _from_raw(raw: Mapping[str, Any], limits: Limits) -> RunResult:
    """Rebuild a RunResult from the child's data, trusting none of its shapes."""
    try:
        status = Status(str(raw.get("status")))
    except ValueError:
        status = Status.CRASHED
    error = ErrorInfo.from_json(raw.get("error") if isinstance(raw.get("error"), dict) else None)
    probes: dict[str, ProbeValue] = {}
    raw_probes = raw.get("probes")
    if isinstance(raw_probes, dict):
        for name, value in raw_probes.items():
            if isinstance(value, dict):
                probes[str(name)] = ProbeValue.from_json(value)
    stdout = raw.get("stdout")
    stdout = stdout if isinstance(stdout, str) else ""
    stdout = stdout.encode("utf-8", "replace")[: limits.output_bytes].decode("utf-8", "replace")
    cpu = raw.get("cpu_ms")
    return RunResult(
        status=status,
        stdout=stdout,
        error=error,
        probes=probes,
        wall_ms=float(raw.get("wall_ms") or 0.0),
        cpu_ms=float(cpu) if isinstance(cpu, (int, float)) else None,
        message=describe(status, error, limits),
        stdout_truncated=bool(raw.get("stdout_truncated")),
    )


def _result(
    status: Status, limits: Limits, *, error: ErrorInfo | None = None, wall_ms: float = 0.0
) -> RunResult:
    return RunResult(
        status=status, error=error, wall_ms=wall_ms, message=describe(status, error, limits)
    )
