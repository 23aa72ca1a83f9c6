"""A private network namespace for the zygote, inherited by every child: no interfaces,
loopback down, so nothing can be reached. Pipes and socketpairs made before still work."""

from __future__ import annotations

import os

from sandbox.os_layers import _libc
from sandbox.os_layers.status import LayerStatus

NAME = "netns"
CLONE_NEWNET = 0x40000000

# Set in the zygote; forked children inherit both the namespace and this record of it.
_entered: LayerStatus | None = None
_host_namespace: str | None = None  # the one we left, for `left_host_namespace`
_NS_LINK = "/proc/self/ns/net"


def enter() -> LayerStatus:
    """unshare(CLONE_NEWNET) in the calling process. Needs CAP_SYS_ADMIN."""
    global _entered, _host_namespace
    if _entered is not None and _entered.active:
        return _entered
    try:
        before = os.readlink(_NS_LINK)
        _libc.unshare(CLONE_NEWNET)
    except OSError as exc:
        hint = " (needs CAP_SYS_ADMIN: root, outside a restricted container)"
        _entered = LayerStatus(NAME, False, f"unshare(CLONE_NEWNET) failed: {exc.strerror}{hint}")
    else:
        _host_namespace = before
        _entered = LayerStatus(NAME, True, "own network namespace: no interfaces, loopback down")
    return _entered


def left_host_namespace() -> bool:
    """Whether this process really is outside the namespace `enter` started from.
    Reads /proc: call it before Landlock."""
    return _host_namespace is not None and os.readlink(_NS_LINK) != _host_namespace


def inherited() -> LayerStatus:
    """What a child has: the namespace its zygote entered, if any."""
    if _entered is None:
        return LayerStatus(NAME, False, "the zygote did not enter a network namespace")
    return _entered
