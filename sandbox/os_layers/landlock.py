"""Landlock: read-only access beneath a few paths, no writes anywhere, no TCP, scoped signals.

Raw syscalls (same numbers on x86_64 and aarch64). Every access right the running kernel's
ABI knows is "handled", so whatever no rule grants is denied.
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Sequence

from sandbox.os_layers import _libc
from sandbox.os_layers.status import LayerStatus

NAME = "landlock"

SYS_CREATE_RULESET = 444
SYS_ADD_RULE = 445
SYS_RESTRICT_SELF = 446
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
# Access rights added by each ABI version: (first ABI, mask).
_FS_RIGHTS_BY_ABI = (
    (1, (1 << 13) - 1),  # EXECUTE .. MAKE_SYM
    (2, 1 << 13),  # REFER
    (3, 1 << 14),  # TRUNCATE
    (5, 1 << 15),  # IOCTL_DEV
)
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
NET_ABI = 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1
SCOPE_ABI = 6


class _RulesetAttr(ctypes.Structure):
    # Always passed whole: older kernels accept a larger struct whose unknown fields are 0.
    _fields_ = (
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    )


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


# Found once in the zygote (see `prepare`); children inherit it and skip the syscall.
_abi: int | None = None


def abi_version() -> int:
    """The kernel's Landlock ABI; raises OSError (ENOSYS, EOPNOTSUPP) when unavailable."""
    if _abi is not None:
        return _abi
    return _libc.syscall(SYS_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)


def prepare() -> None:
    """In the zygote: remember the ABI version, so each child saves a syscall."""
    global _abi
    try:
        _abi = abi_version()
    except OSError:
        _abi = None  # each child asks again, and reports why Landlock is missing


def handled_fs(abi: int) -> int:
    mask = 0
    for first_abi, rights in _FS_RIGHTS_BY_ABI:
        if abi >= first_abi:
            mask |= rights
    return mask


def _unavailable(exc: OSError) -> LayerStatus:
    reasons = {
        errno.ENOSYS: "the kernel has no Landlock (Linux 5.13+ with CONFIG_SECURITY_LANDLOCK)",
        errno.EOPNOTSUPP: "Landlock is built in but disabled at boot (add it to lsm=)",
    }
    detail = reasons.get(exc.errno or 0, f"unavailable: {exc.strerror}")
    return LayerStatus(NAME, False, detail, missing=True)


def apply(readable_paths: Sequence[str]) -> LayerStatus:
    try:
        abi = abi_version()
    except OSError as exc:
        return _unavailable(exc)
    attr = _RulesetAttr(handled_access_fs=handled_fs(abi))
    if abi >= NET_ABI:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP  # no rule: all TCP denied
    if abi >= SCOPE_ABI:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    ruleset = _libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    try:
        granted = sum(_allow_read(ruleset, path) for path in readable_paths)
        # Without CAP_SYS_ADMIN (not root, or root in a container) the kernel insists on
        # no_new_privs first. It only affects execve, which no child may do anyway.
        _libc.set_no_new_privs()
        _libc.syscall(SYS_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)
    extras = []
    if abi >= NET_ABI:
        extras.append("TCP bind/connect denied")
    if abi >= SCOPE_ABI:
        extras.append("signals and abstract sockets scoped")
    return LayerStatus(
        NAME,
        True,
        f"ABI {abi}: read-only beneath {granted} paths, all writes denied"
        + "".join(f", {e}" for e in extras),
    )


def _allow_read(ruleset: int, path: str) -> bool:
    """Grant reading beneath `path`; False (and no rule) when it cannot be opened: missing,
    or not reachable by us. Skipping only ever grants less."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        rule = _PathBeneathAttr(allowed_access=FS_READ_FILE | FS_READ_DIR, parent_fd=fd)
        try:
            _libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            # A regular file cannot take READ_DIR. Asking first (fstat) would cost every
            # child a syscall for the rare file entry.
            rule.allowed_access = FS_READ_FILE
            _libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(fd)
    return True
