"""The zygote: a clean process that pre-imports the sandbox and forks one child per run.

Started by `sandbox.zygote_client` with a fresh exec and a scrubbed environment, so
nothing of the bot (token, settings, database handle) is in its memory. It keeps `spare`
children forked and waiting (each already confined by the layers that do not depend on
its job); for each run it hands one child's pipe ends to the pool, keeps at most
`workers` children running, enforces the wall-clock timeout with SIGKILL and reports how
the child exited. It never sees a job or a result, so no learner's data can be inherited
by a later child.

Run as: python -I -c "...; from sandbox.zygote import main; main()" CONTROL_FD
(see sandbox.zygote_launch). Its configuration is the first message on the control socket:
the process can be started, and import NumPy and the sandbox, before the pool knows it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import heapq  # noqa: F401  - statistics.mode imports it lazily, and a confined child can't
import json
import os
import select
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.ma  # np.median imports it lazily, and a confined child can't

from sandbox import os_layers
from sandbox.child import execute_job
from sandbox.control_messages import (
    KILL,
    PIPE_FDS,
    START,
    STARTED,
    STARTED_RECORD,
    MalformedMessage,
    exited_report,
    read_request,
)
from sandbox.facades import Facade, build_facades
from sandbox.fresh_child import ForkStart, Reseeder
from sandbox.job import make_job
from sandbox.limits import Limits
from sandbox.protocol import HEADER, crash_result, decode_body, encode_frame, read_frame, write_all

_PR_SET_PDEATHSIG = 1
_WRAPPER_FAILED = 70
# A child's wrapper exits with a code drawn from these, so a child whose policy fell and
# that wrote its own frame and exited can't pass for a finished run, short of finding its
# token in the wrapper's stack. Left out: 0, 1 (an uncaught exception), 70 and 120
# (Python's own codes for a failing exit).
_EXIT_TOKENS = tuple(sorted(set(range(2, 256)) - {_WRAPPER_FAILED, 120}))
_WARM_UP_RUNS = 10  # more than the 8 calls after which CPython 3.11 quickens a function
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
η = 0.1  # a non-ASCII name makes the compiler import unicodedata, which a child can't load
"""


@dataclass(slots=True)
class Child:
    pid: int
    job_fd: int  # write end, handed to the pool
    result_fd: int  # read end, handed to the pool
    exit_token: int  # the exit code of its trusted wrapper; only the zygote and it know it
    pidfd: int | None = None  # readable once the process exits
    run_id: int | None = None
    started: float = 0.0
    deadline: float = 0.0
    timed_out: bool = False


@dataclass(frozen=True)
class Config:
    spare: int  # children kept forked and waiting: one per worker, unless told otherwise
    policy: bool
    layers: frozenset[str]
    workers: int  # children running at once, at most; starts beyond wait here

    @classmethod
    def from_json(cls, raw: str) -> Config:
        data = json.loads(raw)
        workers = max(1, int(data.get("workers", data.get("spare", 2))))
        return cls(
            spare=max(1, int(data.get("spare", workers))),
            policy=bool(data.get("policy", True)),
            layers=frozenset(data.get("layers", os_layers.LAYER_NAMES)),
            workers=workers,
        )


class Zygote:
    """Forks and watches children; never reads or writes a job or a result itself.

    The pool gets each child's two pipe ends over the control socket (SCM_RIGHTS) and
    talks to the child directly, so no learner's code or output ever sits in the
    zygote's memory, and so none can be inherited by the children it forks later.
    """

    def __init__(self, config: Config, control: socket.socket, devnull: int) -> None:
        self.config = config
        self.control = control
        self.devnull = devnull
        self.facades: Mapping[str, Facade] = build_facades()
        self.readable_paths = os_layers.default_readable_paths()
        self.idle: deque[Child] = deque()
        self.running: dict[int, Child] = {}  # pid -> child
        # Start requests beyond `workers` running children, in order: (run id, timeout). The
        # cap is kept here, where exits are known for certain, so the pool may free its slot
        # as soon as a child's result is in, and the next start follows the reap at once.
        self.pending: deque[tuple[int, float]] = deque()
        # Plain epoll, not `selectors`: every object the loop touches after a fork is a page
        # copied while a child shares it, so the zygote's own loop is kept small.
        self.poller = select.epoll()
        self.watched: dict[int, Child] = {}  # pidfd -> running child
        self.expected_active: frozenset[str] = frozenset()  # layers the start-up probe verified
        self.fork = ForkStart()  # os.fork until `main` has checked the zygote is single-threaded
        self.reseed = Reseeder()

    # -- children -------------------------------------------------------------------------

    def fork_child(self) -> Child:
        job_r, job_w = os.pipe()
        result_r, result_w = os.pipe()
        # Uniform enough (bias below 1e-7), and one call instead of secrets.choice's frames.
        token = _EXIT_TOKENS[int.from_bytes(os.urandom(4), "little") % len(_EXIT_TOKENS)]
        pid = self.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which always _exits
            code = _WRAPPER_FAILED
            try:
                self._child_main(job_r, result_w)
                code = token
            finally:
                os._exit(code)
        os.close(job_r)
        os.close(result_w)
        return Child(pid=pid, job_fd=job_w, result_fd=result_r, exit_token=token,
                     pidfd=_pidfd(pid))  # fmt: skip

    def _child_main(self, job_fd: int, result_fd: int) -> None:
        for target in (0, 1, 2):
            os.dup2(self.devnull, target)
        # Keep only this child's two pipes: never another child's, never the control socket.
        low, high = sorted((job_fd, result_fd))
        os.closerange(3, low)
        os.closerange(low + 1, high)
        os.closerange(high + 1, 1 << 20)
        # While idle, off the run's clock: fresh randomness, then every layer that does not
        # depend on the job (Landlock, the uid drop), so a run starts mostly confined.
        self.reseed()
        early = os_layers.before_job(self.config.layers, readable_paths=self.readable_paths)
        job = read_frame(job_fd)
        if job is None:  # the pool or the zygote closed the pipe: nothing to run
            return
        limits = job["limits"]
        statuses = os_layers.for_job(
            self.config.layers,
            early,
            memory_mb=int(limits["memory_mb"]),
            cpu_seconds=int(limits["timeout_s"]) + 1,
        )
        # Fail closed: a layer that held at start-up but not now means no run at all.
        lost = [s for s in statuses if s.name in self.expected_active and not s.active]
        if lost:
            detail = "; ".join(f"{s.name}: {s.detail}" for s in lost)
            failure = crash_result(f"isolation failed ({detail})")
            write_all(result_fd, encode_frame({"result": failure}))
            return
        result = execute_job(job, self.facades, policy=self.config.policy)
        try:
            frame = encode_frame({"result": result})
        except (ValueError, TypeError) as exc:
            frame = encode_frame({"result": crash_result(f"result could not be encoded: {exc}")})
        write_all(result_fd, frame)

    def request(self, run_id: int, timeout_s: float) -> None:
        """Start now if fewer than `workers` children run, else once one has exited."""
        if len(self.running) < self.config.workers and not self.pending:
            self.start(run_id, timeout_s)
        else:
            self.pending.append((run_id, timeout_s))

    def start_pending(self) -> None:
        while self.pending and len(self.running) < self.config.workers:
            self.start(*self.pending.popleft())

    def start(self, run_id: int, timeout_s: float) -> None:
        """Hand a waiting child's pipes to the pool and start its clock."""
        child = self.idle.popleft() if self.idle else self.fork_child()
        child.run_id = run_id
        child.started = time.monotonic()
        child.deadline = child.started + timeout_s
        self.control.sendmsg(
            [STARTED_RECORD.pack(STARTED, run_id, child.pid)],
            [(socket.SOL_SOCKET, socket.SCM_RIGHTS, PIPE_FDS.pack(child.job_fd, child.result_fd))],
        )
        # The pool holds its own copies now; ours would keep the pipes open after it's done.
        os.close(child.job_fd)
        os.close(child.result_fd)
        self.running[child.pid] = child
        if child.pidfd is not None:
            self.poller.register(child.pidfd, select.EPOLLIN)
            self.watched[child.pidfd] = child

    def reap(self, child: Child, *, block: bool) -> bool:
        """Report a finished child's exit to the pool. False if it is still running."""
        pid, status, usage = os.wait4(child.pid, 0 if block else os.WNOHANG)
        if pid == 0:
            return False
        if child.pidfd is not None:
            self.poller.unregister(child.pidfd)
            del self.watched[child.pidfd]
            os.close(child.pidfd)
        del self.running[child.pid]
        exited = os.WIFEXITED(status)
        code = os.WEXITSTATUS(status) if exited else None
        report = exited_report(
            child.run_id or 0,
            timed_out=child.timed_out,
            # Ended through its wrapper, which wrote the one frame the pool may read.
            completed=exited and code == child.exit_token,
            wall_ms=(time.monotonic() - child.started) * 1000,
            cpu_ms=(usage.ru_utime + usage.ru_stime) * 1000,
            signal=os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            code=code,
        )
        self.control.sendall(report)
        return True

    def enforce_deadlines(self) -> None:
        now = time.monotonic()
        for child in self.running.values():
            if not child.timed_out and now >= child.deadline:
                child.timed_out = True
                _kill(child.pid)

    def kill(self, run_id: int) -> None:
        for index, (waiting_id, _) in enumerate(self.pending):
            if waiting_id == run_id:  # given up before it started
                del self.pending[index]
                return
        for child in self.running.values():
            if child.run_id == run_id:
                _kill(child.pid)

    def send_json(self, message: dict[str, Any]) -> None:
        """The hello only: what is sent per run is a binary record (sandbox.control_messages)."""
        self.control.sendall(json.dumps(message).encode())

    # -- main loop ------------------------------------------------------------------------

    def serve(self) -> None:
        control = self.control.fileno()
        self.poller.register(control, select.EPOLLIN)
        while True:
            timeout, polled = self.next_wait()
            events = self.poller.poll(0 if len(self.idle) < self.config.spare else timeout)
            if not events and len(self.idle) < self.config.spare:
                # Nothing waits: fork a spare now. A start or an exit answered only after a
                # fork would leave the core idle that its child could have used.
                self.idle.append(self.fork_child())
                continue
            for fd, _ in events:
                if fd == control:
                    if not self.handle_requests():
                        return
                else:
                    self.reap(self.watched[fd], block=True)
            if polled:
                for child in list(self.running.values()):
                    if child.pidfd is None:
                        self.reap(child, block=False)
            self.start_pending()
            self.enforce_deadlines()

    def next_wait(self) -> tuple[float | None, bool]:
        """Seconds to wait for events (None: until one comes), and whether a running child
        has no pidfd (an old kernel): then its exit is polled every 5 ms. One plain loop:
        a comprehension would allocate a function object per call."""
        soonest: float | None = None
        polled = False
        for child in self.running.values():
            polled = polled or child.pidfd is None
            if not child.timed_out and (soonest is None or child.deadline < soonest):
                soonest = child.deadline
        timeout = None if soonest is None else max(0.0, soonest - time.monotonic())
        if polled:
            timeout = 0.005 if timeout is None else min(timeout, 0.005)
        return timeout, polled

    def handle_requests(self) -> bool:
        try:
            data = self.control.recv(64)  # a request is a few bytes; a 64 KiB buffer is pages
        except ConnectionError:
            data = b""
        if not data:
            return False  # the pool closed the control socket: shut down
        try:
            op, run_id, timeout_s = read_request(data)
        except MalformedMessage:
            return True  # the pool is trusted; a garbled request is dropped, not fatal
        if op == START:
            self.request(run_id, timeout_s)
        elif op == KILL:
            self.kill(run_id)
        return True

    def shutdown(self) -> None:
        for child in [*self.idle, *self.running.values()]:
            _kill(child.pid)
            _reap(child.pid)


def warm_up(facades: Mapping[str, Facade]) -> None:
    """Run a child's trusted steps in trusted code before forking: every lazy import
    happens here (a confined child can't import), and each step runs often enough to be
    quickened. CPython 3.11 rewrites a function's bytecode into its specialised form on
    its 8th call; a child running code the zygote never quickened writes to those code
    objects, so it copies their pages, and runs them unspecialised."""
    preset = {"data": np.linspace(0.0, 1.0, 4), "rate": 0.1, "label": "warm-up"}
    probes = {"w": "w", "loss": "mse(y, w * x)"}
    frame = encode_frame(make_job(_WARM_UP, preset, probes, Limits(output_lines=50)))
    for _ in range(_WARM_UP_RUNS):
        result = execute_job(decode_body(frame[HEADER.size :]), facades, policy=True)
        encode_frame({"result": result})


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None  # an old kernel: the loop polls instead


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


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    # Terminal signals are for the bot; the zygote dies with it instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Set here, not in each child (which inherits it): signal.signal's enum conversions
    # cost a fresh child some 30 copied pages.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    raw = control.recv(65536)
    if not raw:
        return  # the pool went away before it configured us
    config = Config.from_json(raw.decode())
    # Nothing is read from or written to the standard streams: point them at /dev/null.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    if not config.policy:
        import subprocess  # noqa: F401  - test mode: unrestricted code may reach it

    # With a PID namespace this returns in a new process, PID 1 of it; this one only waits.
    os_layers.prepare_zygote(config.layers)
    zygote = Zygote(config, control, devnull)
    warm_up(zygote.facades)
    # A probe child applies and checks every layer, as each run's child will.
    statuses = os_layers.probe(config.layers)
    zygote.expected_active = frozenset(s.name for s in statuses if s.active)
    zygote.reseed.prepare()
    zygote.fork.choose()  # last: the imports, warm-up and probe are what could start threads
    gc.collect()
    gc.freeze()  # children share these pages instead of touching them
    zygote.send_json(
        {
            "op": "hello",
            "pid": os.getpid(),
            "layers": [s.to_json() for s in statuses],
            "raw_fork": zygote.fork.raw,
        }
    )
    try:
        zygote.serve()
    finally:
        zygote.shutdown()
