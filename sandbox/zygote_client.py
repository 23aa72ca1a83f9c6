"""The pool's side of one zygote process: configure it, ask it for children, hear them exit.

The control channel is a SOCK_SEQPACKET unix socket: one message per packet (JSON for the
configuration and the hello, binary records per run: sandbox.control_messages),
and each started child's two pipe ends travel with its message as SCM_RIGHTS. The first
message is the zygote's configuration; it answers with a hello once it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
from dataclasses import dataclass
from typing import Any

from sandbox.control_messages import (
    MalformedMessage,
    kill_request,
    read_report,
    start_request,
)
from sandbox.zygote_launch import LaunchedZygote, launch_zygote

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 60.0
_PACKET = 65536


class SandboxUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class LayerReport:
    name: str
    active: bool
    detail: str
    missing: bool = False  # the host does not offer it (as opposed to: it failed)


@dataclass(frozen=True)
class ChildPipes:
    pid: int
    job_fd: int  # write the job here, then close it
    result_fd: int  # read the result here until end of file


class ZygoteClient:
    def __init__(
        self,
        process: subprocess.Popen[bytes],
        control: socket.socket,
        layers: list[LayerReport],
        *,
        raw_fork: bool = False,
    ) -> None:
        self.process = process
        self.control = control
        self.layers = layers
        self.raw_fork = raw_fork  # children forked with libc's fork (see sandbox.fresh_child)
        self._started: dict[int, asyncio.Future[ChildPipes]] = {}
        self._exited: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._open = True
        asyncio.get_running_loop().add_reader(control.fileno(), self._on_readable)

    @property
    def alive(self) -> bool:
        return self._open and self.process.poll() is None

    def begin(
        self, run_id: int, timeout_s: float
    ) -> tuple[asyncio.Future[ChildPipes], asyncio.Future[dict[str, Any]]]:
        """Ask for a child for this run; the futures resolve when it starts and exits.
        The zygote starts the run's clock when it hands the child over."""
        loop = asyncio.get_running_loop()
        started: asyncio.Future[ChildPipes] = loop.create_future()
        exited: asyncio.Future[dict[str, Any]] = loop.create_future()
        if not self.alive:
            raise SandboxUnavailable("the sandbox process stopped")
        self._started[run_id] = started
        self._exited[run_id] = exited
        self._send(start_request(run_id, timeout_s))
        return started, exited

    def forget(self, run_id: int) -> None:
        """The caller is gone: kill the child if it still runs, drop its futures."""
        self._started.pop(run_id, None)
        still_running = self._exited.pop(run_id, None) is not None
        if still_running and self.alive:
            self._send(kill_request(run_id))

    def _send(self, message: bytes) -> None:
        try:
            self.control.send(message)
        except OSError as exc:
            self._close(f"the sandbox control channel failed: {exc}")
            raise SandboxUnavailable(str(exc)) from exc

    def _on_readable(self) -> None:
        while self._open:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, _PACKET, 2)
            except BlockingIOError:
                return
            except OSError as exc:
                self._close(f"the sandbox control channel failed: {exc}")
                return
            if not data:
                self._close("the sandbox process stopped")
                return
            self._dispatch(data, fds)

    def _dispatch(self, data: bytes, fds: list[int]) -> None:
        try:
            message = read_report(data)
            run_id = int(message["id"])
        except MalformedMessage:
            log.error("the sandbox zygote sent a malformed message")
            _close_fds(fds)
            return
        if message.get("op") == "started":
            started = self._started.pop(run_id, None)
            if started is None or started.done() or len(fds) != 2:
                _close_fds(fds)  # the caller gave up meanwhile
                return
            started.set_result(ChildPipes(int(message["pid"]), fds[0], fds[1]))
        elif message.get("op") == "exited":
            exited = self._exited.pop(run_id, None)
            if exited is not None and not exited.done():
                exited.set_result(message)

    def _close(self, reason: str) -> None:
        if not self._open:
            return
        self._open = False
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(self.control.fileno())
        futures: list[asyncio.Future[Any]] = [*self._started.values(), *self._exited.values()]
        for future in futures:
            if not future.done():
                future.set_exception(SandboxUnavailable(reason))
        self._started.clear()
        self._exited.clear()

    async def stop(self) -> None:
        self._close("the sandbox is closing")
        self.control.close()  # the zygote sees end of file, kills its children and exits
        if not await wait_exited(self.process, timeout=5):
            self.process.kill()
            await wait_exited(self.process, timeout=None)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()


async def spawn_zygote(
    config: dict[str, Any], launched: LaunchedZygote | None = None
) -> ZygoteClient:
    """Configure a zygote (started now, or already by `launch_zygote`) and wait for its hello."""
    if launched is None:
        launched = launch_zygote()
    process, ours = launched.process, launched.control
    ours.setblocking(False)
    loop = asyncio.get_running_loop()
    try:
        await loop.sock_sendall(ours, json.dumps(config).encode())
        data = await asyncio.wait_for(loop.sock_recv(ours, _PACKET), timeout=_START_TIMEOUT_S)
        hello = json.loads(data) if data else None
    except (TimeoutError, ValueError, OSError) as exc:
        hello = None
        log.error("the sandbox process did not start: %r", exc)
    if not isinstance(hello, dict) or hello.get("op") != "hello":
        if process.poll() is None:
            process.kill()
        await wait_exited(process, timeout=None)
        ours.close()
        raise SandboxUnavailable("the sandbox process did not start (see the log above)")
    layers = [LayerReport(str(x["name"]), bool(x["active"]), str(x["detail"]),
                          bool(x.get("missing", False)))
              for x in hello.get("layers", [])]  # fmt: skip
    for layer in layers:
        if not layer.active and layer.detail != "disabled by configuration":
            log.warning("sandbox OS layer %s is not active: %s", layer.name, layer.detail)
    return ZygoteClient(process, ours, layers, raw_fork=bool(hello.get("raw_fork")))


async def wait_exited(process: subprocess.Popen[bytes], timeout: float | None) -> bool:
    """Wait without blocking the loop until the process has exited (and is reaped); False
    if it still runs after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    while process.poll() is None:
        if deadline is not None and loop.time() >= deadline:
            return False
        await asyncio.sleep(0.001)
    return True


def _close_fds(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
