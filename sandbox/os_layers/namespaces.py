"""Network, IPC and PID namespaces of the zygote's own, inside a user namespace when not root.

Entered once, by the zygote before it forks any child; every child inherits them.
- netns: no interfaces, loopback down, so nothing can be reached. Pipes and socketpairs
  made before still work.
- ipcns: no host SysV IPC object (shared memory, queues, semaphores) or POSIX message
  queue can be named.
- pidns: the zygote becomes PID 1 of a namespace of its own. Its children see no host PID,
  and when it dies the kernel kills every one of them, so no child can outlive it (for
  example by clearing its parent-death signal).
- When not root, a user namespace comes with them: an ordinary user gets all three, and
  the children run as uid/gid 65534 inside (the bot's own user outside). The zygote drops
  every capability as soon as the namespaces exist, so no child has any.
"""

from __future__ import annotations

import errno
import os
import signal
from dataclasses import dataclass

from sandbox.os_layers import _libc
from sandbox.os_layers.status import LayerStatus

CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
CLONE_NEWUSER = 0x10000000
SANDBOX_ID = 65534  # uid and gid of a child inside the user namespace

LAYERS = {"netns": CLONE_NEWNET, "ipcns": CLONE_NEWIPC, "pidns": CLONE_NEWPID}
_KINDS = {"netns": "net", "ipcns": "ipc", "pidns": "pid", "userns": "user"}
_WHAT = {
    "netns": "own network namespace: no interfaces, loopback down",
    "ipcns": "own IPC namespace: no host SysV IPC objects or message queues",
    "pidns": "own PID namespace: no host PIDs visible, every child dies with the zygote",
}
USERNS_HINT = (
    "unprivileged user namespaces are off on this host: allow them (sysctl "
    "kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, and on Ubuntu "
    "kernel.apparmor_restrict_unprivileged_userns=0), or run the bot as root"
)


@dataclass(frozen=True)
class Entered:
    statuses: dict[str, LayerStatus]
    host: dict[str, str]  # namespace kind -> /proc/self/ns link before entering
    user_namespace: bool


# Set in the zygote; forked children inherit both the namespaces and this record of them.
_entered: Entered | None = None


def enter(enabled: frozenset[str]) -> dict[str, LayerStatus]:
    """Enter the enabled namespaces in the calling process, once. With a PID namespace this
    forks: the calling process stays behind as a waiter that exits with the new process's
    status, and this function returns in the new process, PID 1 of the namespace."""
    global _entered
    if _entered is not None:
        return _entered.statuses
    wanted = [name for name in LAYERS if name in enabled]
    host = {name: _link(name) for name in (*wanted, "userns")}
    user_namespace = os.geteuid() != 0 and bool(wanted or "uid" in enabled)
    flags = sum(LAYERS[name] for name in wanted) | (CLONE_NEWUSER if user_namespace else 0)
    euid, egid = os.geteuid(), os.getegid()
    try:
        if flags:
            _libc.unshare(flags)
        if user_namespace:
            _map_ids(euid, egid)
    except OSError as exc:
        reason = _why_not(exc, user_namespace)
        missing = exc.errno in _HOST_LACKS
        statuses = {name: LayerStatus(name, False, reason, missing) for name in wanted}
        _entered = Entered(statuses, host, user_namespace=False)
        return statuses
    if "pidns" in wanted:
        _become_pid_one()
    if user_namespace:
        _libc.drop_capabilities()  # all three namespaces exist: nothing needs them now
    inside = " (in a user namespace)" if user_namespace else ""
    statuses = {name: LayerStatus(name, True, _WHAT[name] + inside) for name in wanted}
    _entered = Entered(statuses, host, user_namespace)
    return statuses


def inherited(name: str) -> LayerStatus:
    """What a child has: the namespace its zygote entered, if any."""
    if _entered is None or name not in _entered.statuses:
        return LayerStatus(name, False, f"the zygote did not enter a {_KINDS[name]} namespace")
    return _entered.statuses[name]


def in_user_namespace() -> bool:
    return _entered is not None and _entered.user_namespace


def still_on_the_host(name: str) -> bool:
    """Whether this process is still in the namespace `enter` started from. Reads /proc:
    call it before Landlock."""
    if _entered is None or name not in _entered.host:
        return True
    return _link(name) == _entered.host[name]


def _link(name: str) -> str:
    return os.readlink(f"/proc/self/ns/{_KINDS[name]}")


def _map_ids(euid: int, egid: int) -> None:
    """Inside, the bot's user and group are SANDBOX_ID. An unprivileged process may map
    only its own ids, and must give up setgroups first."""
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{SANDBOX_ID} {euid} 1\n"),
        ("gid_map", f"{SANDBOX_ID} {egid} 1\n"),
    ):
        fd = os.open(f"/proc/self/{name}", os.O_WRONLY | os.O_CLOEXEC)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)


def _become_pid_one() -> None:
    """Fork the namespace's first process and return in it; the caller waits for it."""
    pid = os.fork()
    if pid == 0:
        _libc.prctl(_libc.PR_SET_PDEATHSIG, signal.SIGKILL)  # dies with the waiter
        return
    os.closerange(3, 1 << 20)  # the waiter holds nothing: the control socket is PID 1's
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:  # pragma: no cover - PEP 475 retries already
            continue
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


# What unshare answers when the host does not allow it, as opposed to a failure.
_HOST_LACKS = (errno.EPERM, errno.ENOSPC, errno.EACCES, errno.ENOSYS)


def _why_not(exc: OSError, user_namespace: bool) -> str:
    base = f"unshare failed: {exc.strerror}"
    if user_namespace and exc.errno in (errno.EPERM, errno.ENOSPC, errno.EINVAL, errno.EACCES):
        return f"{base}; {USERNS_HINT}"
    if exc.errno == errno.EPERM:
        return f"{base} (needs CAP_SYS_ADMIN: root outside a restricted container)"
    return base
