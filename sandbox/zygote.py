"""The zygote: a clean process that pre-imports the sandbox and forks one child per run.

Started by `sandbox.pool` with a fresh exec and a scrubbed environment, so nothing of the
bot (token, settings, database handle) is in its memory. It keeps `spare` children forked
and waiting, hands each job to one of them, enforces the wall-clock timeout with SIGKILL,
and reports every outcome as a frame on its private result channel.

Run as: python -I -c "...; from sandbox.zygote import main; main()" CONFIG_JSON
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import selectors
import signal
import sys
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox import os_layers
from sandbox.child import execute_job
from sandbox.facades import Facade, build_facades
from sandbox.protocol import FrameBuffer, FrameError, encode_frame, read_frame, write_all

_PR_SET_PDEATHSIG = 1
_RESULT_CAP = 8 * 1024 * 1024
_WARM_UP = """
import numpy as np
import math, random, statistics
x = np.linspace(-1, 1, 8); y = 2 * x + 0.5
def mse(a, b):
    d = np.asarray(a) - np.asarray(b)
    return float(np.mean(d ** 2))
w = 0.0
for step in range(3):
    w = w - 0.1 * float(np.mean(2 * (w * x - y) * x))
print(f"{mse(y, w * x):.3f}", "{:.2f}".format(w), sorted([3, 1]), tuple(zip([1], [2])))
a = np.random.default_rng(0).normal(size=(3, 3)); np.linalg.inv(a @ a.T + np.eye(3))
"""


@dataclass
class Child:
    pid: int
    job_fd: int
    result_fd: int
    job_id: int | None = None
    started: float = 0.0
    deadline: float = 0.0
    timed_out: bool = False
    buffer: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True)
class Config:
    spare: int
    policy: bool
    layers: frozenset[str]

    @classmethod
    def from_json(cls, raw: str) -> Config:
        data = json.loads(raw)
        return cls(
            spare=max(1, int(data.get("spare", 2))),
            policy=bool(data.get("policy", True)),
            layers=frozenset(data.get("layers", os_layers.LAYER_NAMES)),
        )


class Zygote:
    def __init__(self, config: Config, in_fd: int, out_fd: int, devnull: int) -> None:
        self.config = config
        self.in_fd = in_fd
        self.out_fd = out_fd
        self.devnull = devnull
        self.facades: Mapping[str, Facade] = build_facades()
        self.readable_paths = os_layers.default_readable_paths()
        self.idle: deque[Child] = deque()
        self.running: dict[int, Child] = {}  # result fd -> child
        self.jobs: deque[dict[str, Any]] = deque()
        self.selector = selectors.DefaultSelector()
        self.inbox = FrameBuffer()
        self.expected_active: frozenset[str] = frozenset()  # layers the start-up probe verified

    # -- children -------------------------------------------------------------------------

    def fork_child(self) -> Child:
        job_r, job_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which always _exits
            code = 70
            try:
                self._child_main(job_r, result_w)
                code = 0
            finally:
                os._exit(code)
        os.close(job_r)
        os.close(result_w)
        return Child(pid=pid, job_fd=job_w, result_fd=result_r)

    def _child_main(self, job_fd: int, result_fd: int) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for target in (0, 1, 2):
            os.dup2(self.devnull, target)
        # Keep only this child's two pipes: never another child's, never the zygote's channel.
        low, high = sorted((job_fd, result_fd))
        os.closerange(3, low)
        os.closerange(low + 1, high)
        os.closerange(high + 1, 1 << 20)
        job = read_frame(job_fd)
        if job is None:  # the zygote is shutting down
            return
        limits = job["limits"]
        statuses = os_layers.apply_child(
            self.config.layers,
            memory_mb=int(limits["memory_mb"]),
            cpu_seconds=int(limits["timeout_s"]) + 1,
            readable_paths=self.readable_paths,
        )
        # Fail closed: a layer that held at start-up but not now means no run at all.
        lost = [s for s in statuses if s.name in self.expected_active and not s.active]
        if lost:
            detail = "; ".join(f"{s.name}: {s.detail}" for s in lost)
            write_all(result_fd, encode_frame({"result": _crash(f"isolation failed ({detail})")}))
            return
        # Die with the zygote; set after the uid change, which clears it.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        result = execute_job(job, self.facades, policy=self.config.policy)
        try:
            frame = encode_frame({"result": result})
        except (ValueError, TypeError) as exc:
            frame = encode_frame({"result": _crash(f"result could not be encoded: {exc}")})
        write_all(result_fd, frame)

    def dispatch(self, job: dict[str, Any]) -> None:
        child = self.idle.popleft() if self.idle else self.fork_child()
        child.job_id = int(job["id"])
        child.started = time.monotonic()
        child.deadline = child.started + float(job["limits"]["timeout_s"])
        # A child that died waiting shows up as a closed result pipe, reported below.
        with contextlib.suppress(OSError):
            write_all(child.job_fd, encode_frame(job))
        os.close(child.job_fd)
        self.running[child.result_fd] = child
        self.selector.register(child.result_fd, selectors.EVENT_READ, child)

    def collect(self, child: Child) -> None:
        data = b""
        with contextlib.suppress(OSError):
            data = os.read(child.result_fd, 65536)
        if data:
            child.buffer += data
            if len(child.buffer) <= _RESULT_CAP:
                return
            os.kill(child.pid, signal.SIGKILL)
        self.selector.unregister(child.result_fd)
        os.close(child.result_fd)
        del self.running[child.result_fd]
        self.report(child, self.outcome(child))

    def outcome(self, child: Child) -> dict[str, Any]:
        result = None
        try:
            frames = FrameBuffer(_RESULT_CAP).feed(bytes(child.buffer))
            if frames and isinstance(frames[0], dict):
                result = frames[0].get("result")
        except (FrameError, ValueError):
            result = None
        if result is not None:
            # The answer is in; make sure the process is gone before we reap it.
            _kill(child.pid)
            os.waitpid(child.pid, 0)
            return dict(result)
        status = _reap(child.pid)
        if child.timed_out:
            return {"status": "timeout"}
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGXCPU:
                return {"status": "timeout"}
            return _crash(f"killed by {signal.Signals(sig).name}")
        if len(child.buffer) > _RESULT_CAP:
            return _crash("the run produced more result data than allowed")
        return _crash(f"the run ended without a result (exit code {os.WEXITSTATUS(status)})")

    def report(self, child: Child, result: dict[str, Any]) -> None:
        result["wall_ms"] = round((time.monotonic() - child.started) * 1000, 3)
        write_all(self.out_fd, encode_frame({"id": child.job_id, "result": result}))

    def enforce_deadlines(self) -> None:
        now = time.monotonic()
        for child in self.running.values():
            if not child.timed_out and now >= child.deadline:
                child.timed_out = True
                _kill(child.pid)

    # -- main loop ------------------------------------------------------------------------

    def serve(self) -> None:
        self.selector.register(self.in_fd, selectors.EVENT_READ, None)
        while True:
            while len(self.idle) < self.config.spare:
                self.idle.append(self.fork_child())
            deadlines = [c.deadline for c in self.running.values() if not c.timed_out]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for key, _ in self.selector.select(timeout):
                if key.data is None:
                    if not self.read_jobs():
                        return
                else:
                    self.collect(key.data)
            self.enforce_deadlines()
            while self.jobs:
                self.dispatch(self.jobs.popleft())

    def read_jobs(self) -> bool:
        data = os.read(self.in_fd, 1 << 20)
        if not data:
            return False  # the pool closed our input: shut down
        for frame in self.inbox.feed(data):
            self.jobs.append(frame)
        return True

    def shutdown(self) -> None:
        for child in [*self.idle, *self.running.values()]:
            _kill(child.pid)
            _reap(child.pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
    """Wait for a child; one that lingers after closing its pipe is killed after 50 ms."""
    for _ in range(50):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.001)
    _kill(pid)
    return os.waitpid(pid, 0)[1]


def _crash(detail: str) -> dict[str, Any]:
    return {"status": "crashed", "error": {"type": "SandboxCrash", "message": detail}}


def main() -> None:
    config = Config.from_json(sys.argv[1])
    # Terminal signals are for the bot; the zygote dies with it instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # Private copies of the channel; fds 0 and 1 point at /dev/null so a stray print
    # (ours or a library's) can never corrupt the frames.
    in_fd, out_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    if not config.policy:
        import socket  # noqa: F401  - test mode: let unrestricted code reach these
        import subprocess  # noqa: F401

    statuses = os_layers.prepare_zygote(config.layers)
    zygote = Zygote(config, in_fd, out_fd, devnull)
    # Warm every lazy import and code path once, in trusted code, before forking.
    execute_job(
        {"code": _WARM_UP, "limits": {"output_bytes": 4096, "output_lines": 50,
                                      "probe_bytes": 4096}, "probes": {"w": "w"}},
        zygote.facades,
        policy=True,
    )  # fmt: skip
    # The probe child reports the per-child layers; netns is what the zygote itself did.
    statuses = [s for s in os_layers.probe(config.layers) if s.name != "netns"] + statuses
    zygote.expected_active = frozenset(s.name for s in statuses if s.active and s.name != "netns")
    gc.collect()
    gc.freeze()  # children share these pages instead of touching them
    hello = {
        "hello": True,
        "pid": os.getpid(),
        "layers": [{"name": s.name, "active": s.active, "detail": s.detail} for s in statuses],
    }
    write_all(out_fd, encode_frame(hello))
    try:
        zygote.serve()
    finally:
        zygote.shutdown()
