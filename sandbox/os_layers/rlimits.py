"""Resource limits for one child: memory, CPU time, files, descriptors, processes."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

from sandbox.os_layers.status import LayerStatus

NAME = "rlimits"
SPARE_FDS = 8  # headroom above the descriptors the child holds when it measures
_MIB = 1024 * 1024
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Runtime:
    """What the limits are relative to, measured by the child itself before Landlock
    (which hides /proc): the address space the runtime (with NumPy) already maps, and the
    highest descriptor it holds."""

    address_space: int
    highest_fd: int


def current_address_space() -> int:
    """VmSize in bytes: what the runtime (with numpy) already maps before learner code runs.
    The first field of /proc/self/statm is VmSize in pages; it is much cheaper than
    /proc/self/status, and raw os calls keep this child's start-up short."""
    fd = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
    try:
        return int(os.read(fd, 128).split()[0]) * _PAGE_SIZE
    finally:
        os.close(fd)


def highest_open_fd() -> int:
    return max(int(name) for name in os.listdir("/proc/self/fd"))


def measure() -> Runtime:
    return Runtime(current_address_space(), highest_open_fd())


def cpu_seconds_for(timeout_s: float) -> int:
    """The CPU limit of a run with this wall-clock timeout (the zygote gives each child
    this): the wall clock ends a run first, CPU time is the backstop."""
    return int(timeout_s) + 1


def apply(runtime: Runtime, *, memory_mb: int, cpu_seconds: int) -> LayerStatus:
    """Set the limits relative to `runtime` (measured before Landlock). Only ever lowers a
    limit, so it works after the uid drop too."""
    address_space = runtime.address_space + memory_mb * _MIB
    max_fds = runtime.highest_fd + 1 + SPARE_FDS
    limits = [
        (resource.RLIMIT_AS, address_space, address_space),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        (resource.RLIMIT_FSIZE, 0, 0),
        (resource.RLIMIT_NOFILE, max_fds, max_fds),
        (resource.RLIMIT_CORE, 0, 0),
        # Root ignores this; for the sandbox user it stops fork.
        (resource.RLIMIT_NPROC, 0, 0),
    ]
    for which, soft, hard in limits:
        # Never above the current hard limit: raising it needs CAP_SYS_RESOURCE.
        current_hard = resource.getrlimit(which)[1]
        if current_hard != resource.RLIM_INFINITY:
            hard = min(hard, current_hard)
        resource.setrlimit(which, (min(soft, hard), hard))
    runtime_mib = runtime.address_space // _MIB
    return LayerStatus(
        NAME,
        True,
        f"address space {address_space // _MIB} MiB (runtime {runtime_mib} + {memory_mb}), "
        f"CPU {cpu_seconds} s, file size 0, {max_fds} fds, no core dumps, "
        "no new processes once unprivileged",
    )
