"""The seccomp filter in a real child (policy off, only this layer): each call on the
independent allowlist gets through, each call the sandbox issue names is refused with EPERM.
The calls are really issued, with arguments that make the kernel fail harmlessly if the
filter lets them through (EBADF, EFAULT, EINVAL, ...), so only the filter answers EPERM."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path
from typing import Any

import pytest

from sandbox.os_layers import _libc
from tests.test_os_layers import Attempt, require_active, run_in_child
from tests.test_seccomp_program import (
    INDEPENDENT_ALLOWLIST,
    ISSUE_DENIED,
    X86_64_ONLY_DENIED,
    kernel_numbers,
)

pytestmark = pytest.mark.skipif(
    _libc.MACHINE not in ("x86_64", "aarch64"), reason="no seccomp filter for this machine"
)

NEVER_ISSUED = {  # would end the child, or start one if the filter let them through
    "exit", "exit_group", "rt_sigreturn", "fork", "vfork",
}  # fmt: skip
FD_FIRST = """ftruncate connect bind listen accept accept4 fgetxattr fsetxattr flistxattr
fremovexattr fchmod fchown getdents64 getdents ioctl utimensat futimesat execveat setns
shmat shmctl msgsnd msgrcv msgctl semop semtimedop semctl finit_module read write close
lseek fstat""".split()
ARGUMENTS: dict[str, tuple[int, ...]] = {
    "clone": (0x20200,),  # CLONE_NEWNS | CLONE_FS: EINVAL
    "clone3": (0, 0),
    "ptrace": (-1, 0),  # an unknown request for pid 0: ESRCH
    "prctl": (1, 0),  # PR_SET_PDEATHSIG 0: clearing the parent-death signal
    "shmget": (0x7FFFFFF1, 4096, 0),  # a key nobody made: ENOENT
    "msgget": (0x7FFFFFF1, 0),
    "semget": (0x7FFFFFF1, 1, 0),
    "userfaultfd": (0xFFFF,),
    "keyctl": (0xFFFF,),
    "bpf": (0xFFFF, 0, 0),
    "sched_setaffinity": (0, 0, 0),
    "futex": (0, 0, 1),  # FUTEX_WAIT on NULL: EFAULT
    "clock_nanosleep": (0, 0, 0, 0),
    **{name: (-1, 0, 0) for name in FD_FIRST},
}


def issue(number: int, args: tuple[int, ...]) -> Attempt:
    return lambda: _libc.syscall(number, *args)


def probe_calls(names: list[str]) -> dict[str, dict[str, Any]]:
    numbers = kernel_numbers(_libc.MACHINE)
    attempts = {
        name: issue(numbers[name], ARGUMENTS.get(name, (0, 0, 0, 0)))
        for name in names
        if name not in NEVER_ISSUED
    }
    report = run_in_child({"seccomp"}, attempts)
    require_active(report, "seccomp")
    return report.outcomes


def test_every_allowed_call_gets_through() -> None:
    outcomes = probe_calls(sorted(INDEPENDENT_ALLOWLIST))
    assert len(outcomes) >= len(INDEPENDENT_ALLOWLIST) - 3
    refused = {name: o for name, o in outcomes.items() if o.get("errno") == errno.EPERM}
    assert not refused


def test_every_call_the_issue_names_is_refused_when_really_issued() -> None:
    names = ISSUE_DENIED + (X86_64_ONLY_DENIED if _libc.MACHINE == "x86_64" else [])
    outcomes = probe_calls(names)
    let_through = {name: o for name, o in outcomes.items() if o.get("errno") != errno.EPERM}
    assert not let_through


def test_no_path_is_opened_or_stated_even_with_a_raw_call(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    numbers = kernel_numbers(_libc.MACHINE)
    opened_before: list[int] = []

    def read_a_file_opened_before_the_filter() -> str:
        return os.read(opened_before[0], 10).decode()

    def raw_stat_with_empty_path_flag() -> int:
        buffer = ctypes.create_string_buffer(256)
        return _libc.syscall(numbers["newfstatat"], -100, b"/etc/passwd", buffer, 0x1000)

    report = run_in_child(
        {"seccomp"},
        {
            "read_open_fd": read_a_file_opened_before_the_filter,
            "open_read_only": lambda: os.open(target, os.O_RDONLY),
            "open_o_path": lambda: os.open("/etc/passwd", os.O_PATH),
            "openat2": lambda: _libc.syscall(437, -100, b"/etc/passwd", None, 0),
            "stat": lambda: os.stat("/etc/passwd").st_size,
            "lstat": lambda: os.lstat("/etc/passwd").st_size,
            "raw_stat": raw_stat_with_empty_path_flag,
            "missing": lambda: os.stat("/no/such/file").st_size,  # same answer: no existence
            "exists": lambda: os.path.exists("/etc/passwd"),
        },
        before=lambda: opened_before.append(os.open(target, os.O_RDONLY)),
    )
    require_active(report, "seccomp")
    assert report.outcomes.pop("read_open_fd") == {"ok": True, "value": "x"}
    assert report.outcomes.pop("exists") == {"ok": True, "value": False}
    for name, outcome in report.outcomes.items():
        assert outcome["errno"] == errno.EPERM, (name, outcome)


def test_the_parent_death_signal_cannot_be_cleared() -> None:
    libc = ctypes.CDLL(None, use_errno=True)

    def clear() -> int:
        if libc.prctl(1, 0, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
        return 0

    report = run_in_child({"seccomp"}, {"clear": clear})
    require_active(report, "seccomp")
    assert report.outcomes["clear"]["errno"] == errno.EPERM
