"""Raw syscalls and prctl through ctypes: the few kernel calls the stdlib does not wrap."""

from __future__ import annotations

import ctypes
import os
from typing import Any

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.restype = ctypes.c_int

MACHINE = os.uname().machine  # "x86_64" or "aarch64" are the ones we know

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


def _arg(value: Any) -> Any:
    # Variadic C calls: a bare Python int would be passed as a 32-bit int.
    return ctypes.c_long(value) if isinstance(value, int) else value


def syscall(number: int, *args: Any) -> int:
    """Call syscall(2); raise OSError with the kernel's errno on failure."""
    result = int(_libc.syscall(ctypes.c_long(number), *(_arg(a) for a in args)))
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def prctl(option: int, *args: Any) -> int:
    padded = [*args, *([0] * (4 - len(args)))]
    result = int(_libc.prctl(ctypes.c_int(option), *(_arg(a) for a in padded)))
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def set_no_new_privs() -> None:
    """After this, execve can never grant privileges (setuid bits, file caps)."""
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def unshare(flags: int) -> None:
    if _libc.unshare(ctypes.c_int(flags)) == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


_CAPABILITY_VERSION_3 = 0x20080522  # two _CapData: capabilities 0-31 and 32-63


def drop_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets of the calling thread."""
    data = (_CapData * 2)()
    if _libc.capset(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), data) == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def effective_capabilities() -> int:
    data = (_CapData * 2)()
    if _libc.capget(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), data) == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return int(data[0].effective) | int(data[1].effective) << 32
