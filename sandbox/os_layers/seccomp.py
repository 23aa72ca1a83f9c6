"""A classic-BPF seccomp ALLOWLIST: the few calls a run makes (see syscall_tables), a few
more with their arguments checked, and EPERM for everything else (Python raises
PermissionError): processes, exec, sockets, opening or stat-ing any path, metadata changes
(xattrs, times, modes, owners), SysV IPC, prctl, ptrace, mounts, namespaces, bpf, ..."""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import sys

from sandbox.os_layers import _libc
from sandbox.os_layers.status import LayerStatus
from sandbox.os_layers.syscall_tables import ARCHES, X32_SYSCALL_BIT, Arch

NAME = "seccomp"

# BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h).
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6].
_OFF_NR = 0
_OFF_ARCH = 4
_OFF_ARGS = 16

# Stands for the child's own pid until `apply` writes it in: the filter is built once in
# the zygote, before the pid is known. No syscall number or arch has this value.
OWN_PID = 0xFFFFFFFF


class _SockFilter(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    )


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


Insn = tuple[int, int, int, int]  # (code, jt, jf, k), as in struct sock_filter
Target = int | str  # a relative jump offset, or the name of a label
_Item = tuple[int, Target, Target, int] | str  # an instruction, or a label marking a position


def _stmt(code: int, k: int) -> _Item:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: Target = 0, jf: Target = 0) -> _Item:
    return (code, jt, jf, k)


def _assemble(items: list[_Item]) -> list[Insn]:
    """Resolve label names into the relative (8-bit) offsets classic BPF jumps use."""
    labels: dict[str, int] = {}
    position = 0
    for item in items:
        if isinstance(item, str):
            labels[item] = position
        else:
            position += 1
    program: list[Insn] = []
    for item in items:
        if isinstance(item, str):
            continue
        code, jt, jf, k = item
        pc = len(program)
        offsets = [labels[t] - pc - 1 if isinstance(t, str) else t for t in (jt, jf)]
        if not all(0 <= offset <= 255 for offset in offsets):
            raise ValueError(f"BPF jump out of range at instruction {pc}: {offsets}")
        program.append((code, offsets[0], offsets[1], k))
    return program


def _search_tree(numbers: list[int], prefix: str = "n") -> list[_Item]:
    """Binary search over sorted syscall numbers: a hit is allowed, a miss gets EPERM.
    Installing a filter makes the kernel evaluate it for every syscall number (to cache
    "always allow"), in every child; a tree keeps that walk short, halving the install."""
    if len(numbers) <= 3:
        *firsts, last = numbers
        return [
            *(_jump(_JEQ_K, nr, jt="allow") for nr in firsts),
            _jump(_JEQ_K, last, jt="allow", jf="eperm"),
        ]
    middle = len(numbers) // 2
    upper = f"{prefix}u"
    return [
        _jump(_JGE_K, numbers[middle], jt=upper),
        *_search_tree(numbers[:middle], f"{prefix}l"),
        upper,
        *_search_tree(numbers[middle:], upper),
    ]


def build_program(arch: Arch) -> list[Insn]:
    """Arch check, the calls whose arguments decide, then a search of the allowed set."""
    items: list[_Item] = [
        _stmt(_LD_W_ABS, _OFF_ARCH),
        _jump(_JEQ_K, arch.audit_arch, jt=1),
        _stmt(_RET_K, RET_KILL_PROCESS),  # another ABI (i386, arm32) would dodge the table
        _stmt(_LD_W_ABS, _OFF_NR),
    ]
    if arch.has_x32:
        items.append(_jump(_JGE_K, X32_SYSCALL_BIT, jt="eperm"))
    # Signals only to itself: kill(0 or -1, ...) would reach every sibling run as `nobody`
    # (Landlock's signal scoping covers this too, but only from ABI 6).
    for nr in arch.signal_senders:
        after = f"after_signal_{nr}"
        items += [
            _jump(_JEQ_K, nr, jf=after),
            _stmt(_LD_W_ABS, _OFF_ARGS),
            _jump(_JEQ_K, OWN_PID, jt="allow", jf="eperm"),
            after,
        ]
    items += [
        _jump(_JEQ_K, arch.prlimit64, jf="after_prlimit"),
        _stmt(_LD_W_ABS, _OFF_ARGS),
        _jump(_JEQ_K, 0, jt="allow"),  # 0 means the caller itself
        _jump(_JEQ_K, OWN_PID, jt="allow", jf="eperm"),
        "after_prlimit",
    ]
    items += _search_tree(sorted(set(arch.allowed.values())))
    items += [
        "allow",
        _stmt(_RET_K, RET_ALLOW),
        "eperm",
        _stmt(_RET_K, RET_ERRNO | errno.EPERM),
    ]
    return _assemble(items)


@functools.cache
def _compiled(machine: str) -> tuple[ctypes.Array[_SockFilter], tuple[int, ...]]:
    """The filter as the kernel takes it, and the positions of its OWN_PID placeholders."""
    program = build_program(ARCHES[machine])
    own_pid_slots = tuple(i for i, (_, _, _, k) in enumerate(program) if k == OWN_PID)
    return (_SockFilter * len(program))(*(_SockFilter(*insn) for insn in program)), own_pid_slots


def _unsupported() -> LayerStatus | None:
    if sys.byteorder != "little" or _libc.MACHINE not in ARCHES:
        return LayerStatus(
            NAME, False, f"no filter for architecture {_libc.MACHINE!r}", missing=True
        )
    return None


def prepare() -> None:
    """In the zygote: build the filter once, so each child only installs it."""
    if _unsupported() is None:
        _compiled(_libc.MACHINE)


def apply() -> LayerStatus:
    unsupported = _unsupported()
    if unsupported is not None:
        return unsupported
    program, own_pid_slots = _compiled(_libc.MACHINE)
    pid = os.getpid()
    for slot in own_pid_slots:  # this child's private copy of the zygote's filter
        program[slot].k = pid
    _libc.set_no_new_privs()  # required for an unprivileged filter; harmless as root
    fprog = _SockFprog(len(program), program)
    try:
        _libc.prctl(_libc.PR_SET_SECCOMP, _libc.SECCOMP_MODE_FILTER, ctypes.byref(fprog))
    except OSError as exc:  # EINVAL: a kernel built without CONFIG_SECCOMP_FILTER
        missing = exc.errno == errno.EINVAL
        return LayerStatus(NAME, False, f"prctl(PR_SET_SECCOMP) failed: {exc.strerror}", missing)
    return LayerStatus(
        NAME,
        True,
        f"allowlist ({len(program)} instructions), everything else EPERM: no processes, exec, "
        "sockets, opening or stat-ing any path, metadata changes, SysV IPC, prctl, ptrace",
    )
