"""Resource limits for one child: memory, CPU time, files, descriptors, processes."""

from __future__ import annotations

import os
import resource

from sandbox.os_layers.status import LayerStatus

NAME = "rlimits"
SPARE_FDS = 8  # room for Landlock's ruleset and path fds, which are opened after this layer
_MIB = 1024 * 1024
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


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


def cpu_seconds_for(timeout_s: float) -> int:
    """The CPU limit of a run with this wall-clock timeout (the zygote gives each child
    this): the wall clock ends a run first, CPU time is the backstop."""
    return int(timeout_s) + 1


def apply(*, memory_mb: int, cpu_seconds: int) -> LayerStatus:
    runtime = current_address_space()
    address_space = runtime + memory_mb * _MIB
    max_fds = highest_open_fd() + 1 + SPARE_FDS
    limits = [
        (resource.RLIMIT_AS, address_space, address_space),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        (resource.RLIMIT_FSIZE, 0, 0),
        (resource.RLIMIT_NOFILE, max_fds, max_fds),
        (resource.RLIMIT_CORE, 0, 0),
        # Root ignores this; after the uid drop it stops fork for the sandbox user.
        (resource.RLIMIT_NPROC, 0, 0),
    ]
    for which, soft, hard in limits:
        # Never above the current hard limit: raising it needs CAP_SYS_RESOURCE.
        current_hard = resource.getrlimit(which)[1]
        if current_hard != resource.RLIM_INFINITY:
            hard = min(hard, current_hard)
        resource.setrlimit(which, (min(soft, hard), hard))
    return LayerStatus(
        NAME,
        True,
        f"address space {address_space // _MIB} MiB (runtime {runtime // _MIB} + {memory_mb}), "
        f"CPU {cpu_seconds} s, file size 0, {max_fds} fds, no core dumps, "
        "no new processes once unprivileged",
    )
