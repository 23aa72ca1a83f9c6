"""Which layers this host can provide, found out in a throwaway child process."""

from __future__ import annotations

import json
import os
import select
import signal
import time

from sandbox.os_layers import namespaces
from sandbox.os_layers.paths import default_readable_paths
from sandbox.os_layers.stack import (
    LAYER_NAMES,
    NAMESPACE_LAYERS,
    apply_child,
    check_names,
    prepare_zygote,
)
from sandbox.os_layers.status import LayerStatus
from sandbox.os_layers.verify import verified

PROBE_TIMEOUT_S = 10.0


class ProbeError(RuntimeError):
    """The probe child died or never answered: something is badly broken."""


def probe(
    enabled: frozenset[str] | None = None, *, memory_mb: int = 256, cpu_seconds: int = 5
) -> list[LayerStatus]:
    """Fork a child that does what the zygote and a sandbox child do, check that each
    applied layer holds, and report. The calling process is left unchanged. The rlimits
    are those of a run with `memory_mb` and `cpu_seconds` (see `cpu_seconds_for`)."""
    layers = frozenset(LAYER_NAMES) if enabled is None else enabled
    check_names(layers)
    paths = default_readable_paths()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        _child(layers, paths, read_fd, write_fd, memory_mb, cpu_seconds)
    os.close(write_fd)
    try:
        payload = _read_all(read_fd, pid)
    finally:
        os.close(read_fd)
    _, wait_status = os.waitpid(pid, 0)
    if not payload:
        raise ProbeError(f"probe child reported nothing (wait status {wait_status})")
    return [LayerStatus.from_json(item) for item in json.loads(payload)]


def _child(
    layers: frozenset[str],
    paths: list[str],
    read_fd: int,
    write_fd: int,
    memory_mb: int,
    cpu_seconds: int,
) -> None:
    code = 1
    try:
        os.close(read_fd)
        prepare_zygote(layers)  # may return in a new process: PID 1 of a new namespace
        # Before Landlock hides /proc: which namespaces really changed.
        on_host = {name for name in NAMESPACE_LAYERS if namespaces.still_on_the_host(name)}
        # Each layer is checked once it is on, the others before seccomp (which would refuse
        # the very calls their checks make), seccomp last.
        statuses = apply_child(
            layers,
            memory_mb=memory_mb,
            cpu_seconds=cpu_seconds,
            readable_paths=paths,
            before_seccomp=lambda applied: [verified(s, on_host=on_host) for s in applied],
        )
        statuses = [verified(s, on_host=on_host) if s.name == "seccomp" else s for s in statuses]
        data = json.dumps([status.to_json() for status in statuses]).encode()
        while data:
            data = data[os.write(write_fd, data) :]
        code = 0
    finally:
        os._exit(code)


def _read_all(fd: int, pid: int) -> bytes:
    chunks: list[bytes] = []
    deadline = time.monotonic() + PROBE_TIMEOUT_S
    while True:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(remaining, 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise ProbeError(f"probe child did not answer within {PROBE_TIMEOUT_S:.0f} s")
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
