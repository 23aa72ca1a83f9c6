"""Syscall numbers for the seccomp filter, per architecture (from the kernel's unistd tables).

Only what the filter names: calls it denies, and the open family whose flags it inspects.
aarch64 uses the generic table, which has no legacy calls (fork, open, mkdir, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_SYSCALL_BIT = 0x40000000


@dataclass(frozen=True)
class Arch:
    audit_arch: int
    denied: dict[str, int]  # always EPERM
    open_flags_arg: dict[int, int]  # syscall number -> index of its flags argument
    openat2: int  # takes a struct: ENOSYS, so libc falls back to openat
    has_x32: bool
    # Signal senders whose first argument is the target pid: allowed only towards itself.
    signal_senders: tuple[int, ...]
    # prlimit64(pid, ...): allowed for 0 and its own pid. Sibling runs share the uid, and
    # the kernel lets a process change the limits of any process of its own user.
    prlimit64: int


_COMMON = {  # same number on both architectures
    "clone3": 435,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_getfd": 438,
    "mount_setattr": 442,
    "fchmodat2": 452,
    # A pidfd would reach another process without naming its pid.
    "pidfd_send_signal": 424,
    "pidfd_open": 434,
}

X86_64 = Arch(
    audit_arch=AUDIT_ARCH_X86_64,
    denied={
        **_COMMON,
        "fork": 57, "vfork": 58, "clone": 56, "execve": 59, "execveat": 322,
        "socket": 41, "socketpair": 53, "connect": 42, "bind": 49, "listen": 50,
        "accept": 43, "accept4": 288,
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
        "setns": 308, "unshare": 272,
        "kexec_load": 246, "kexec_file_load": 320, "bpf": 321, "perf_event_open": 298,
        "userfaultfd": 323, "keyctl": 250, "add_key": 248, "request_key": 249,
        "init_module": 175, "finit_module": 313, "delete_module": 176,
        "personality": 135, "swapon": 167, "swapoff": 168, "reboot": 169,
        "name_to_handle_at": 303, "open_by_handle_at": 304,
        "mknod": 133, "mknodat": 259, "link": 86, "linkat": 265,
        "symlink": 88, "symlinkat": 266, "unlink": 87, "unlinkat": 263,
        "rename": 82, "renameat": 264, "renameat2": 316,
        "mkdir": 83, "mkdirat": 258, "rmdir": 84, "truncate": 76, "ftruncate": 77,
        "chmod": 90, "fchmod": 91, "fchmodat": 268,
        "chown": 92, "fchown": 93, "lchown": 94, "fchownat": 260,
        "creat": 85,  # always creates a file
        # Host-wide IPC objects outlive the child: a leak, or a channel between runs.
        "shmget": 29, "semget": 64, "msgget": 68, "mq_open": 240,
        "syslog": 103, "modify_ldt": 154, "uselib": 134,
        # Same-user processes may slow each other down: none of this is needed to compute.
        "setpriority": 141, "sched_setparam": 142, "sched_setscheduler": 144,
        "sched_setaffinity": 203, "ioprio_set": 251, "sched_setattr": 314,
    },
    open_flags_arg={2: 1, 257: 2},  # open(path, flags), openat(dirfd, path, flags)
    openat2=437,
    has_x32=True,
    signal_senders=(62, 200, 234, 129, 297),  # kill tkill tgkill rt_(tg)sigqueueinfo
    prlimit64=302,
)  # fmt: skip

AARCH64 = Arch(
    audit_arch=AUDIT_ARCH_AARCH64,
    denied={
        **_COMMON,
        "clone": 220, "execve": 221, "execveat": 281,
        "socket": 198, "socketpair": 199, "bind": 200, "listen": 201, "accept": 202,
        "connect": 203, "accept4": 242,
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51,
        "setns": 268, "unshare": 97,
        "kexec_load": 104, "kexec_file_load": 294, "bpf": 280, "perf_event_open": 241,
        "userfaultfd": 282, "keyctl": 219, "add_key": 217, "request_key": 218,
        "init_module": 105, "finit_module": 273, "delete_module": 106,
        "personality": 92, "swapon": 224, "swapoff": 225, "reboot": 142,
        "name_to_handle_at": 264, "open_by_handle_at": 265,
        "mknodat": 33, "linkat": 37, "symlinkat": 36, "unlinkat": 35,
        "renameat": 38, "renameat2": 276, "mkdirat": 34,
        "truncate": 45, "ftruncate": 46,
        "fchmod": 52, "fchmodat": 53, "fchown": 55, "fchownat": 54,
        "shmget": 194, "semget": 190, "msgget": 186, "mq_open": 180, "syslog": 116,
        "setpriority": 140, "sched_setparam": 118, "sched_setscheduler": 119,
        "sched_setaffinity": 122, "ioprio_set": 30, "sched_setattr": 274,
    },
    open_flags_arg={56: 2},  # openat(dirfd, path, flags)
    openat2=437,
    has_x32=False,
    signal_senders=(129, 130, 131, 138, 240),  # kill tkill tgkill rt_(tg)sigqueueinfo
    prlimit64=261,
)  # fmt: skip

ARCHES = {"x86_64": X86_64, "aarch64": AARCH64}
