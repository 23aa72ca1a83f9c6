"""How a server owner turns on each layer this host lacks: for `doctor` and the refusal
to start."""

from __future__ import annotations

from sandbox.os_layers.namespaces import USERNS_HINT

_NAMESPACES = (
    f"run the bot as an ordinary user on a host that allows unprivileged user namespaces "
    f"({USERNS_HINT.split(': ', 1)[1]}), or as root outside a container that drops "
    "CAP_SYS_ADMIN"
)

HOW_TO_ENABLE = {
    "rlimits": "needs only Linux; a failure here means the hard limits are locked lower",
    "uid": _NAMESPACES,
    "netns": _NAMESPACES,
    "ipcns": _NAMESPACES,
    "pidns": _NAMESPACES,
    "seccomp": "needs Linux on x86_64 or aarch64 with CONFIG_SECCOMP_FILTER=y",
    "landlock": (
        "needs Linux 5.13+ with CONFIG_SECURITY_LANDLOCK=y and landlock in the lsm= boot "
        "parameter (6.7+ also denies TCP, 6.12+ scopes signals)"
    ),
}


def how_to_enable(name: str) -> str:
    return HOW_TO_ENABLE.get(name, "see the README's OS isolation layers")
