"""One quick check per layer, run in the probe child after the layers are applied: does
the layer block what it claims? A layer the kernel accepted but that does not hold shows
up in `doctor` as inactive, with what got through."""

from __future__ import annotations

import errno
import os
import resource
from collections.abc import Callable

from sandbox.os_layers import _libc, namespaces
from sandbox.os_layers.status import LayerStatus


def _rlimits() -> str | None:
    for name in ("RLIMIT_FSIZE", "RLIMIT_NPROC", "RLIMIT_CORE"):
        if resource.getrlimit(getattr(resource, name)) != (0, 0):
            return f"{name} is not 0"
    return None


def _uid() -> str | None:
    ids = {*os.getresuid(), *os.getresgid()}
    if ids != {65534}:
        return f"still running with ids {sorted(ids)}"
    if namespaces.in_user_namespace():  # unmapped groups show as 65534; they can't be shed
        if _libc.effective_capabilities():
            return "the child still has capabilities"
    elif os.getgroups():
        return f"still in groups {os.getgroups()}"
    return None


def _seccomp() -> str | None:
    try:
        pid = os.fork()
    except PermissionError:
        return None
    except OSError as exc:
        return f"fork failed with {errno.errorcode.get(exc.errno or 0)}, not EPERM"
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return "fork succeeded"


def _landlock() -> str | None:
    try:
        os.listdir("/")  # granted only if a readable path is "/" itself
    except PermissionError as exc:
        return None if exc.errno == errno.EACCES else f"listing / failed with {exc}"
    return "listing / succeeded"


CHECKS: dict[str, Callable[[], str | None]] = {
    "rlimits": _rlimits,
    "uid": _uid,
    "seccomp": _seccomp,
    "landlock": _landlock,
}


def verified(status: LayerStatus, *, on_host: set[str]) -> LayerStatus:
    """`status` unchanged if its layer holds (or is inactive), else inactive with why.
    `on_host`: the namespace layers whose namespace the caller saw unchanged (it read
    /proc before Landlock; this runs after)."""
    if not status.active:
        return status
    try:
        if status.name in namespaces.LAYERS:
            problem = f"still in the host's {status.name}" if status.name in on_host else None
        else:
            problem = CHECKS[status.name]()
    except Exception as exc:  # a check that cannot run proves nothing either way
        problem = f"the check failed to run: {exc}"
    if problem is None:
        return status
    return LayerStatus(status.name, False, f"applied, but it does not hold: {problem}")
