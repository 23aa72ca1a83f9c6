"""The seccomp program itself, checked instruction by instruction in a small BPF interpreter
for every architecture we build it for, and its syscall numbers against the kernel headers.
(The filter in a real child is tested in test_os_layers.py.)"""

from __future__ import annotations

import errno
import os
import re
import struct
from pathlib import Path

import pytest

from sandbox.os_layers import seccomp, syscall_tables

# -- the seccomp program, checked instruction by instruction -----------------------------------


def run_filter(program: list[tuple[int, int, int, int]], arch: int, nr: int, *args: int) -> int:
    """A classic-BPF interpreter for the few opcodes the filter uses: what the kernel returns
    for one syscall. It checks both architectures, whatever this host is."""
    padded = [*args, *([0] * (6 - len(args)))]
    data = struct.pack("<iIQ6Q", nr, arch, 0, *padded)
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == 0x20:  # ld word at offset k
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
            continue
        if code == 0x06:  # ret k
            return k
        taken = {0x15: acc == k, 0x35: acc >= k, 0x45: bool(acc & k)}[code]
        pc += 1 + (jt if taken else jf)


EPERM = seccomp.RET_ERRNO | errno.EPERM
ALLOWED_SYSCALLS = {  # read, write, mmap, rt_sigreturn, futex, exit_group, getrandom
    "x86_64": [0, 1, 9, 15, 202, 231, 318],
    "aarch64": [63, 64, 222, 139, 98, 94, 278],
}
OPENAT = {"x86_64": 257, "aarch64": 56}


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_filter_denies_exactly_the_listed_syscalls(machine: str) -> None:
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    denied = set(arch.denied.values())
    special = {arch.openat2, arch.prlimit64, *arch.open_flags_arg, *arch.signal_senders}
    for nr in set(range(512)) - special:  # every syscall number either table uses
        expected = EPERM if nr in denied else seccomp.RET_ALLOW
        assert run_filter(program, arch.audit_arch, nr) == expected, nr
    for nr in ALLOWED_SYSCALLS[machine]:
        assert nr not in denied
    enosys = seccomp.RET_ERRNO | errno.ENOSYS
    assert run_filter(program, arch.audit_arch, arch.openat2) == enosys
    i386 = 0x40000003
    assert run_filter(program, i386, 0) == seccomp.RET_KILL_PROCESS


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_filter_allows_opening_for_reading_only(machine: str) -> None:
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    openat = OPENAT[machine]
    read_only = os.O_RDONLY | os.O_CLOEXEC | os.O_DIRECTORY | os.O_NOFOLLOW
    assert run_filter(program, arch.audit_arch, openat, 0, 0, read_only) == seccomp.RET_ALLOW
    for flag in (os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_TRUNC, os.O_APPEND):
        flags = os.O_CLOEXEC | flag
        assert run_filter(program, arch.audit_arch, openat, 0, 0, flags) == EPERM, flag
        # The flags argument's position matters: a write flag elsewhere is not a write.
        assert run_filter(program, arch.audit_arch, openat, flags, flags) == seccomp.RET_ALLOW


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_filter_lets_signals_reach_only_the_child_itself(machine: str) -> None:
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)  # OWN_PID is written in per child
    for nr in arch.signal_senders:
        assert run_filter(program, arch.audit_arch, nr, seccomp.OWN_PID, 9) == seccomp.RET_ALLOW
        for target in (0, 1, 0xFFFFFFFF - 1, 4242):  # 0: the process group
            assert run_filter(program, arch.audit_arch, nr, target, 9) == EPERM, (nr, target)


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_filter_lets_limits_change_only_for_the_child_itself(machine: str) -> None:
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    for own in (0, seccomp.OWN_PID):
        assert run_filter(program, arch.audit_arch, arch.prlimit64, own) == seccomp.RET_ALLOW
    assert run_filter(program, arch.audit_arch, arch.prlimit64, 4242) == EPERM


def test_filter_on_x86_64_checks_legacy_open_and_x32() -> None:
    arch = syscall_tables.X86_64
    program = seccomp.build_program(arch)
    assert run_filter(program, arch.audit_arch, 2, 0, os.O_RDONLY) == seccomp.RET_ALLOW
    assert run_filter(program, arch.audit_arch, 2, 0, os.O_WRONLY | os.O_CREAT) == EPERM
    assert run_filter(program, arch.audit_arch, 0x40000000 | 39) == EPERM  # x32 getpid


BRIEF_DENIED = """clone clone3 execve execveat socket socketpair connect bind listen accept accept4
ptrace process_vm_readv process_vm_writev mount umount2 pivot_root chroot setns unshare
kexec_load bpf perf_event_open userfaultfd keyctl add_key request_key io_uring_setup
init_module finit_module personality mknodat linkat symlinkat unlinkat renameat renameat2
mkdirat truncate ftruncate fchmod fchmodat fchown fchownat""".split()
X86_64_ONLY = "fork vfork mknod link symlink unlink rename mkdir rmdir chmod chown lchown creat"


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_every_syscall_the_design_names_is_denied(machine: str) -> None:
    names = BRIEF_DENIED + (X86_64_ONLY.split() if machine == "x86_64" else [])
    missing = set(names) - set(syscall_tables.ARCHES[machine].denied)
    assert not missing


HEADERS = {
    "x86_64": Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
    "aarch64": Path("/usr/include/asm-generic/unistd.h"),  # arm64 uses the generic table
}


@pytest.mark.parametrize("machine", sorted(HEADERS))
def test_syscall_numbers_match_the_kernel_headers(machine: str) -> None:
    header = HEADERS[machine]
    if not header.exists():
        pytest.skip(f"{header} is not installed (linux-libc-dev)")
    defined: dict[str, int] = {}
    for match in re.finditer(r"#define __NR(?:3264)?_(\w+)\s+(\d+)", header.read_text()):
        defined.setdefault(match.group(1), int(match.group(2)))
    arch = syscall_tables.ARCHES[machine]
    table = {**arch.denied, "openat2": arch.openat2}
    checked = {name: nr for name, nr in table.items() if name in defined}
    assert len(checked) > 50  # old headers may lack the newest calls (fchmodat2)
    assert {name: defined[name] for name in checked} == checked
