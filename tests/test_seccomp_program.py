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
OPENAT = {"x86_64": 257, "aarch64": 56}
HEADERS = {
    "x86_64": Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
    "aarch64": Path("/usr/include/asm-generic/unistd.h"),  # arm64 uses the generic table
}

# The allowlist, written down independently of sandbox/os_layers/syscall_tables.py (from the
# strace derivation in the README). A call added to or dropped from the table without
# changing this list fails below.
INDEPENDENT_ALLOWLIST = frozenset(
    """read write close lseek mmap munmap mremap brk madvise clock_gettime futex exit_group
    exit getpid gettid rt_sigprocmask rt_sigreturn getrandom fstat""".split()
)
# Allowed only for some arguments; checked in tests of their own.
ARGUMENT_CHECKED = frozenset(
    "open openat openat2 kill tkill tgkill rt_sigqueueinfo rt_tgsigqueueinfo prlimit64".split()
)
# What the sandbox issue names as left out, and more, whatever else changes.
ISSUE_DENIED = """setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr
flistxattr removexattr lremovexattr fremovexattr utimensat fchmod fchmodat fchown fchownat
shmget shmat shmdt shmctl msgget msgsnd msgrcv msgctl semget semop semtimedop semctl prctl
ptrace clone clone3 execve execveat socket socketpair connect bind listen accept accept4
mount umount2 pivot_root chroot setns unshare bpf perf_event_open userfaultfd keyctl
io_uring_setup init_module finit_module mknodat linkat symlinkat unlinkat renameat renameat2
mkdirat truncate ftruncate statx getdents64 readlinkat getpgid getsid setpgid
setpriority sched_setaffinity clock_nanosleep ioctl openat openat2 newfstatat capget
getuid getgid getresuid getppid""".split()
X86_64_ONLY_DENIED = """open fork vfork utime utimes futimesat chmod chown lchown stat lstat
mknod link symlink unlink rename mkdir rmdir creat readlink getdents getpgrp""".split()


def kernel_numbers(machine: str) -> dict[str, int]:
    header = HEADERS[machine]
    if not header.exists():
        pytest.skip(f"{header} is not installed (linux-libc-dev)")
    defined: dict[str, int] = {}
    for match in re.finditer(r"#define __NR(?:3264)?_(\w+)\s+(\d+)", header.read_text()):
        defined.setdefault(match.group(1), int(match.group(2)))
    if machine == "aarch64":  # the generic table's name for the 64-bit fstatat
        defined["newfstatat"] = defined["fstatat"]
    return defined


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_filter_allows_exactly_the_independent_list(machine: str) -> None:
    numbers = kernel_numbers(machine)
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    allowed = {numbers[name] for name in INDEPENDENT_ALLOWLIST}
    checked = {numbers[name] for name in ARGUMENT_CHECKED if name in numbers}
    for nr in set(range(512)) - checked:
        expected = seccomp.RET_ALLOW if nr in allowed else EPERM
        assert run_filter(program, arch.audit_arch, nr) == expected, nr
    i386 = 0x40000003
    assert run_filter(program, i386, 0) == seccomp.RET_KILL_PROCESS


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_every_syscall_the_issue_names_is_denied(machine: str) -> None:
    numbers = kernel_numbers(machine)
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    names = ISSUE_DENIED + (X86_64_ONLY_DENIED if machine == "x86_64" else [])
    for name in names:
        # Every argument set, so no argument check can let it through.
        args = [0xFFFFFFFF] * 6
        assert run_filter(program, arch.audit_arch, numbers[name], *args) == EPERM, name


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_stat_by_path_is_denied_whatever_its_flags(machine: str) -> None:
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    newfstatat = kernel_numbers(machine)["newfstatat"]
    at_fdcwd = 0xFFFFFF9C  # -100
    # AT_EMPTY_PATH too: with a non-empty path the kernel ignores it and stats the path.
    for flags in (0, 0x100, 0x800, 0x1000):
        assert run_filter(program, arch.audit_arch, newfstatat, at_fdcwd, 0, 0, flags) == EPERM


@pytest.mark.parametrize("machine", sorted(syscall_tables.ARCHES))
def test_filter_refuses_opening_whatever_the_flags(machine: str) -> None:
    arch = syscall_tables.ARCHES[machine]
    program = seccomp.build_program(arch)
    openat = OPENAT[machine]
    for flags in (os.O_RDONLY, os.O_RDONLY | os.O_CLOEXEC | os.O_DIRECTORY, os.O_PATH, os.O_WRONLY):
        assert run_filter(program, arch.audit_arch, openat, 0, 0, flags) == EPERM, flags


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


def test_filter_on_x86_64_refuses_legacy_open_and_x32() -> None:
    arch = syscall_tables.X86_64
    program = seccomp.build_program(arch)
    assert run_filter(program, arch.audit_arch, 2, 0, os.O_RDONLY) == EPERM
    assert run_filter(program, arch.audit_arch, 0x40000000 | 39) == EPERM  # x32 getpid


@pytest.mark.parametrize("machine", sorted(HEADERS))
def test_syscall_numbers_match_the_kernel_headers(machine: str) -> None:
    defined = kernel_numbers(machine)
    arch = syscall_tables.ARCHES[machine]
    table = {**arch.allowed, "prlimit64": arch.prlimit64}
    assert {name: defined[name] for name in table} == table
