"""Syscall numbers for the seccomp allowlist, per architecture (from the kernel's unistd
tables). Everything not named here is denied with EPERM.

How the list was made (see the README's "seccomp allowlist"): every lesson's reference
solution (`python -m bot check-lessons`), the sandbox and grading tests, and NumPy-heavy
runs were traced with `strace -f`; what each child called after installing its filter is
the list below, minus calls a child copes without (ioctl: isatty reads any failure as "not
a terminal"; prctl: the parent-death signal is now set before the filter; clone: only the
layer check tries it; newfstatat and openat: only to show source lines in warnings that
go to /dev/null. A stat by path shows sizes and owners outside the readable trees, and
seccomp cannot tell it from an fstat because it cannot read the path; an open outside them
fails with EACCES or ENOENT, which tells which names exist), plus a few the
runtime needs on paths the traces did not take, each with its reason. aarch64 uses the
generic table, which has no legacy calls (open, stat).
"""

from __future__ import annotations

from dataclasses import dataclass

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_SYSCALL_BIT = 0x40000000


@dataclass(frozen=True)
class Arch:
    audit_arch: int
    allowed: dict[str, int]  # allowed whatever their arguments
    has_x32: bool
    # Signal senders whose first argument is the target pid: allowed only towards itself.
    signal_senders: tuple[int, ...]
    # prlimit64(pid, ...): allowed for 0 and its own pid. Sibling runs share the uid, and
    # the kernel lets a process change the limits of any process of its own user.
    prlimit64: int


# Seen in the traces: reading the job and writing the result, memory (NumPy's arrays,
# malloc, realloc of big blocks, MADV_HUGEPAGE), the CPU clock, exit, a futex wait, abort()
# blocking signals and finding itself before it raises SIGABRT at itself. Not seen but
# needed: rt_sigreturn (returning from any signal handler), exit (a thread's end),
# getrandom (np.random.default_rng() with no seed), fstat (older glibc's fstat). The id
# calls the layer checks made are gone since those checks run before the filter.
_TRACED_AND_NEEDED = (
    "read write close lseek mmap munmap mremap brk madvise clock_gettime futex exit_group "
    "getpid gettid rt_sigprocmask rt_sigreturn exit getrandom fstat"
).split()

X86_64_NUMBERS = {
    "read": 0, "write": 1, "close": 3, "fstat": 5, "lseek": 8, "mmap": 9, "munmap": 11,
    "brk": 12, "rt_sigprocmask": 14, "rt_sigreturn": 15, "mremap": 25, "madvise": 28,
    "getpid": 39, "exit": 60, "getuid": 102, "getgid": 104, "geteuid": 107, "getegid": 108,
    "getppid": 110, "getgroups": 115, "getresuid": 118, "getresgid": 120, "capget": 125,
    "gettid": 186, "futex": 202, "clock_gettime": 228, "exit_group": 231, "getrandom": 318,
}  # fmt: skip

AARCH64_NUMBERS = {
    "read": 63, "write": 64, "close": 57, "fstat": 80, "lseek": 62, "mmap": 222,
    "munmap": 215, "brk": 214, "rt_sigprocmask": 135, "rt_sigreturn": 139, "mremap": 216,
    "madvise": 233, "getpid": 172, "exit": 93, "getuid": 174, "getgid": 176, "geteuid": 175,
    "getegid": 177, "getppid": 173, "getgroups": 158, "getresuid": 148, "getresgid": 150,
    "capget": 90, "gettid": 178, "futex": 98, "clock_gettime": 113, "exit_group": 94,
    "getrandom": 278,
}  # fmt: skip

X86_64 = Arch(
    audit_arch=AUDIT_ARCH_X86_64,
    allowed={name: X86_64_NUMBERS[name] for name in _TRACED_AND_NEEDED},
    has_x32=True,
    signal_senders=(62, 200, 234, 129, 297),  # kill tkill tgkill rt_(tg)sigqueueinfo
    prlimit64=302,
)

AARCH64 = Arch(
    audit_arch=AUDIT_ARCH_AARCH64,
    allowed={name: AARCH64_NUMBERS[name] for name in _TRACED_AND_NEEDED},
    has_x32=False,
    signal_senders=(129, 130, 131, 138, 240),  # kill tkill tgkill rt_(tg)sigqueueinfo
    prlimit64=261,
)

ARCHES = {"x86_64": X86_64, "aarch64": AARCH64}
