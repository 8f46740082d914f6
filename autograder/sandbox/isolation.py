"""Isolation of a student process: what it may see, whom it may touch, what it may use.

Every student process runs in a sandbox made by bubblewrap (`bwrap`, Debian's and most
distributions' package `bubblewrap`), which needs no root: unprivileged user namespaces
are enough. The sandbox has its own user, mount, PID, network, IPC and UTS namespaces,
may not make user namespaces of its own, has no capabilities, and a seccomp filter (made
by libseccomp) refuses the system calls in `BLOCKED_SYSCALLS`. Its file system is built
from an allow-list:

- the interpreter's installation and environment (``sys.base_prefix``, ``sys.prefix``),
  ``/usr`` and the dynamic linker's cache, read-only, at their own paths;
- the grader's files for it (the harness and the student package), read-only, in `GRADER_DIR`;
- one private temporary file system of ``Limits.tmpfs_bytes`` at ``/tmp`` holding its working
  folder (`SANDBOX_DIR`), and a smaller one at ``/dev/shm``; nothing else is writable;
- its own ``/proc`` (its own processes only) and a minimal ``/dev``.

Nothing else of the machine is there: no home folders, no course (this one or any other
copy), no gradebook, no sockets, no ``/run``. Whatever it writes is gone when it ends.
Killing the bwrap process that the grader started ends every process of the sandbox:
the sandbox's first process dies with it, and the kernel kills the rest of its PID
namespace.

As root, the grader starts bwrap as a sandbox uid leased for the process (uids.py), so
that even outside its namespaces the student's code is nobody the machine knows; the
interpreter, wherever it is installed (pyenv under ``/root``), is made reachable to that
uid in a private mount namespace first. Without root, bwrap runs as the instructor.

Limits. The harness lowers its own resource limits before it runs any of the notebook's
code (`harness_limits`): address space, CPU time, processes (counted per user namespace,
so only the sandbox's own), open files and file size. Memory and CPU time of all the
sandbox's processes together are watched by the grader (session.py): cgroup v2 is not
delegated to unprivileged users on every machine (nor in every container), so a thread of
the grader sums the proportional set size of the sandbox's processes every `WATCH_SECONDS`
(processes.usage), during calls and between them, and stops the sandbox when it passes
``Limits.memory_bytes``. Between two looks a submission may use more, at most its
processes' address-space limit each.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MS_NOSUID = 0x2
MS_NODEV = 0x4
PR_SET_PDEATHSIG = 1
SIGKILL = 9
CPU_GRACE_SECONDS = 2  # from the CPU limit's SIGXCPU to its SIGKILL
WATCH_SECONDS = 0.05

SANDBOX_DIR = Path("/tmp/sandbox")  # the student process's working folder, in its private /tmp
GRADER_DIR = Path("/grader")  # the harness and the student package, read-only
SANDBOX_UID = 1000  # the student's uid inside the sandbox
SHM_BYTES = 16 * 1024**2


@dataclass(frozen=True)
class Limits:
    """Resource bounds for one sandbox (defaults suit the course's checks)."""

    memory_bytes: int = 2 * 1024**3  # all its processes together; each one's address space too
    cpu_seconds: int = 300  # each process (then SIGXCPU); each call also has a wall-clock limit
    processes: int = 32  # a fork bomb stops here
    open_files: int = 256
    file_bytes: int = 16 * 1024**2  # the largest file it may write (its output log included)
    tmpfs_bytes: int = 64 * 1024**2  # everything it may write in /tmp, its working folder included


def harness_limits(limits: Limits) -> dict[str, tuple[int, int]]:
    """The limits the harness sets on itself before the notebook's code runs: `resource` name:
    (soft, hard)."""
    return {
        "RLIMIT_AS": (limits.memory_bytes, limits.memory_bytes),
        # At the soft limit SIGXCPU, which says what happened; at the hard one (code that
        # ignores SIGXCPU) SIGKILL, which the grader reads by the CPU time used.
        "RLIMIT_CPU": (limits.cpu_seconds, limits.cpu_seconds + CPU_GRACE_SECONDS),
        "RLIMIT_NPROC": (limits.processes, limits.processes),
        "RLIMIT_NOFILE": (limits.open_files, limits.open_files),
        "RLIMIT_FSIZE": (limits.file_bytes, limits.file_bytes),
        "RLIMIT_CORE": (0, 0),
    }


class IsolationError(RuntimeError):
    """The grader cannot isolate student code on this machine (and says why, and what to do)."""


BWRAP_MISSING = (
    "bubblewrap (the program bwrap) is not installed, and the grader runs student code in its "
    "sandbox. Install it: `apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap` "
    "(Fedora), or run `python3 dev.py book` once as root, which installs it."
)
LIBSECCOMP_MISSING = (
    "the sandbox's system-call filter needs libseccomp ({why}): install it (`apt-get install "
    "libseccomp2` on Debian and Ubuntu, `dnf install libseccomp` on Fedora)."
)
NO_USER_NAMESPACES = (
    "bubblewrap cannot make a sandbox on this machine ({why}). It needs unprivileged user "
    "namespaces. On Ubuntu 23.10 and later, AppArmor forbids them to unconfined programs: allow "
    "them for bwrap with a profile (/etc/apparmor.d/bwrap: `abi <abi/4.0>, include "
    "<tunables/global> profile bwrap /usr/bin/bwrap flags=(unconfined) {{ userns, }}`, then "
    "`sudo apparmor_parser -r /etc/apparmor.d/bwrap`) or for all (`sudo sysctl "
    "kernel.apparmor_restrict_unprivileged_userns=0`). Elsewhere check "
    "`sysctl user.max_user_namespaces` (must be over 0) and, on older Debian kernels, "
    "`kernel.unprivileged_userns_clone=1`. In a container, allow user namespaces (Docker: "
    "`--security-opt seccomp=unconfined`, or run the grader as the container's root with "
    "CAP_SYS_ADMIN). Only code you trust may be graded with --no-isolation."
)


def bwrap() -> str | None:
    """The bwrap program: $OPTGRADE_BWRAP when set (a build of one's own), else the system's."""
    if os.environ.get("OPTGRADE_BWRAP"):
        return shutil.which(os.environ["OPTGRADE_BWRAP"])
    return shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin:" + os.environ.get("PATH", ""))


@functools.cache
def can_isolate() -> str | None:
    """None if this process can run student code in a sandbox, else why not and what to do.

    Starts one sandbox around this interpreter (some 50 ms), once per process."""
    if bwrap() is None:
        return BWRAP_MISSING
    try:
        syscall_filter()
    except (ImportError, OSError, AttributeError) as error:
        return LIBSECCOMP_MISSING.format(why=f"{type(error).__name__}: {error}")
    try:
        result = run_sandboxed(
            [sys.executable, "-I", "-c", "import encodings"], needed=interpreter_paths()
        )
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        return NO_USER_NAMESPACES.format(why=f"{type(error).__name__}: {error}")
    if result.returncode != 0:
        why = result.stderr.decode(errors="replace").strip() or f"exit code {result.returncode}"
        return NO_USER_NAMESPACES.format(why=f"bwrap said: {why}")
    return None


def run_sandboxed(command: list[str], *, needed: list[Path]) -> subprocess.CompletedProcess:
    """Run ``command`` to its end in a sandbox as grading starts one (as root, as a leased uid),
    showing ``needed`` read-only; its output captured."""
    lease, seccomp_fd = None, None
    try:
        if os.geteuid() == 0:
            from .uids import UidLease

            lease = UidLease()
        seccomp_fd = syscall_filter_fd()
        return subprocess.run(
            sandbox_command(
                command, needed=needed, files=None, limits=Limits(), seccomp_fd=seccomp_fd
            ),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            pass_fds=(seccomp_fd,),
            preexec_fn=None if lease is None else make_preexec(uid=lease.uid, reach=needed),
        )
    finally:
        if lease is not None:
            lease.release()
        if seccomp_fd is not None:
            os.close(seccomp_fd)


# Calls no student code needs, that reach the kernel's less travelled paths or outside the
# sandbox; each fails with EPERM (a list like Docker's default profile, for a sandbox with no
# capabilities: those that need one fail anyway, and fail earlier here).
BLOCKED_SYSCALLS = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "name_to_handle_at",
    "open_by_handle_at",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "syslog",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "clock_adjtime",
    "iopl",
    "ioperm",
    "uselib",
    "lookup_dcookie",
    "vhangup",
)


@functools.cache
def syscall_filter() -> bytes:
    """The sandbox's seccomp program (BPF), made by libseccomp through its ctypes binding."""
    import errno
    import tempfile

    import pyseccomp as seccomp

    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in BLOCKED_SYSCALLS:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except OSError:  # no such call on this architecture
            continue
    with tempfile.TemporaryFile() as program:
        rules.export_bpf(program)
        program.seek(0)
        return program.read()


def syscall_filter_fd() -> int:
    """A new file descriptor to read the seccomp program from (bwrap's --seccomp), at its start."""
    memfd = os.memfd_create("optgrade-seccomp", os.MFD_CLOEXEC)
    os.write(memfd, syscall_filter())
    os.lseek(memfd, 0, os.SEEK_SET)
    fd = fcntl.fcntl(
        memfd, fcntl.F_DUPFD_CLOEXEC, 10
    )  # clear of 0-4, which the child's stdio and channel take
    os.close(memfd)
    return fd


def interpreter_paths() -> list[Path]:
    """What the student's interpreter needs besides /usr: its installation and environment."""
    return outermost({Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()})


def outermost(paths) -> list[Path]:
    paths = sorted(set(paths))
    return [p for p in paths if not any(q in p.parents for q in paths)]


def sandbox_command(
    command: list[str], *, needed: list[Path], files: Path | None, limits: Limits, seccomp_fd: int
) -> list[str]:
    """The bwrap command line that runs ``command`` in a sandbox.

    ``needed``: directories shown read-only at their paths (the interpreter's); ``files``: the
    folder shown read-only as GRADER_DIR (the harness and the student package); ``seccomp_fd``:
    where bwrap reads the system-call filter (`syscall_filter_fd`), inheritable."""
    args = [
        bwrap(),
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--seccomp",
        str(seccomp_fd),
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    if os.path.isfile("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    args += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(SHM_BYTES),
        "--perms",
        "1777",
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--size",
        str(limits.tmpfs_bytes),
        "--perms",
        "1777",
        "--tmpfs",
        "/tmp",
        "--perms",
        "0700",
        "--dir",
        str(SANDBOX_DIR),
    ]
    # After the private /tmp: an interpreter installed under /tmp (a checkout there) is bound into
    # it.
    for path in needed:
        if Path("/usr") not in path.parents and path != Path("/usr"):
            args += ["--ro-bind", str(path), str(path)]
    if files is not None:
        args += ["--ro-bind", str(files), str(GRADER_DIR)]
    return args + ["--remount-ro", "/", "--chdir", str(SANDBOX_DIR), "--", *command]


def _closed_to_others(path: Path) -> bool:
    return not (path.stat().st_mode & stat.S_IXOTH)


def closed_ancestors(paths: list[Path]) -> list[Path]:
    """For each path, the highest directory on the way to it that others may not traverse."""
    found = set()
    for path in paths:
        for ancestor in reversed(path.parents):
            if ancestor != Path("/") and _closed_to_others(ancestor):
                found.add(ancestor)
                break
    return sorted(found)


class _Libc:
    def __init__(self) -> None:
        self.lib = ctypes.CDLL(None, use_errno=True)
        self.lib.mount.argtypes = [
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_ulong,
            ctypes.c_char_p,
        ]

    def check(self, result: int, what: str) -> None:
        if result != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"{what}: {os.strerror(errno)}")

    def unshare(self, flags: int) -> None:
        self.check(self.lib.unshare(flags), "unshare")

    def mount(
        self,
        source: str | None,
        target: str | Path,
        fstype: str | None,
        flags: int,
        data: str | None = None,
    ) -> None:
        encode = lambda s: None if s is None else os.fsencode(str(s))  # noqa: E731
        self.check(
            self.lib.mount(encode(source), encode(target), encode(fstype), flags, encode(data)),
            f"mount {target}",
        )

    def prctl(self, option: int, value: int) -> None:
        self.check(self.lib.prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


def make_preexec(*, uid: int, reach: list[Path]):
    """As root: the function the forked child runs before it execs bwrap as ``uid``.

    ``reach`` (the interpreter's directories, the grader's files for the sandbox) may lie under
    directories closed to others (pyenv under /root, a mkdtemp folder): in a private mount
    namespace each such directory is covered by an empty tmpfs that others may traverse, and
    the paths in ``reach`` under it are bound back. Computed beforehand: after fork only system
    calls happen here.
    """
    libc = _Libc()
    closed = closed_ancestors(reach)
    rebind = [p for p in reach if any(c in p.parents for c in closed)]

    def preexec() -> None:
        libc.prctl(
            PR_SET_PDEATHSIG, SIGKILL
        )  # bwrap dies with its grader, and the sandbox with bwrap
        if closed:
            libc.unshare(CLONE_NEWNS)
            libc.mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing below leaks to the host
            # Handles to what is about to be covered, opened in this namespace so they can be
            # bound.
            handles = [f"/proc/self/fd/{os.open(p, os.O_PATH | os.O_DIRECTORY)}" for p in rebind]
            for path in closed:
                libc.mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
            for handle, path in zip(handles, rebind):
                os.makedirs(path, mode=0o755, exist_ok=True)
                libc.mount(handle, path, None, MS_BIND | MS_REC)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)

    return preexec
