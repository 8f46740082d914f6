"""Isolation of a student process: what it may see, whom it may touch, what it may use.

The grader runs as root; each student process is forked from it and, before it runs
any Python, is put in its own mount, network and IPC namespaces and dropped to an
unprivileged uid of its own. In its view of the file system:

- every hidden directory (the course's and the grader's own: reference, solutions, hidden
  tests, gradebook, other submissions, .git) is covered, as a whole, by an empty tmpfs
  that nobody may read, so files that appear in it later (SQLite's journal, another
  student's submission) are hidden too, and files that vanish from it cannot stop a start;
- /tmp, /var/tmp, /dev/shm and /run/lock (every directory anybody may write to) are small
  private tmpfs;
- the interpreter's install and environment stay reachable where they are, even under a
  hidden directory (a virtual environment inside the course), under a directory closed to
  others (pyenv under /root) or under /tmp: the covering tmpfs holds just them, bound
  back into it.

With its own uid it cannot signal, trace or write to the grader or to other students'
processes; with no network it cannot call out; resource limits bound its memory, CPU
time, processes, open files and file sizes.
"""

from __future__ import annotations

import ctypes
import os
import resource
import stat
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
SIGKILL = 9
CPU_GRACE_SECONDS = 2  # from the CPU limit's SIGXCPU to its SIGKILL

@dataclass(frozen=True)
class Limits:
    """Resource bounds for one student process (defaults suit the course's checks)."""

    memory_bytes: int = 2 * 1024**3      # address space; numpy and IPython need ~0.5 GiB
    cpu_seconds: int = 300               # whole process (then SIGXCPU); each call also has a wall-clock limit
    processes: int = 32                  # a fork bomb stops here
    open_files: int = 256
    file_bytes: int = 16 * 1024**2       # the largest file it may write
    tmpfs_bytes: int = 64 * 1024**2      # its private /tmp


class IsolationError(RuntimeError):
    """The grader cannot isolate student code on this machine (and says why)."""


def can_isolate() -> str | None:
    """None if this process can isolate student code, else the reason it cannot."""
    if os.geteuid() != 0:
        return ("grading untrusted code needs root, to give each student process its own "
                "unprivileged user and namespaces (run as root, e.g. in the course's container)")
    return None


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
        self.lib.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                   ctypes.c_ulong, ctypes.c_char_p]

    def check(self, result: int, what: str) -> None:
        if result != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"{what}: {os.strerror(errno)}")

    def unshare(self, flags: int) -> None:
        self.check(self.lib.unshare(flags), "unshare")

    def mount(self, source: str | None, target: str | Path, fstype: str | None, flags: int,
              data: str | None = None) -> None:
        encode = lambda s: None if s is None else os.fsencode(str(s))  # noqa: E731
        self.check(self.lib.mount(encode(source), encode(target), encode(fstype), flags, encode(data)),
                   f"mount {target}")

    def prctl(self, option: int, value: int) -> None:
        self.check(self.lib.prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


SANDBOX_DIR = Path("/tmp/sandbox")  # where the student process sees its work directory
# Every directory anybody may write to: private, so that no file a student leaves there reaches
# another student, now or under the same uid later.
PRIVATE_TMP = (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/run/lock"), Path("/var/lock"))


def make_preexec(*, uid: int, workdir: Path, hidden: list[Path], needed: list[Path], limits: Limits):
    """The function the forked child runs, as root, before it execs the student interpreter.

    ``hidden`` (directories or files) are covered up; ``needed`` (the interpreter's install
    and environment) stay visible at their paths even where a cover (a hidden directory, a
    closed one, the private /tmp) hides them; ``workdir`` appears as SANDBOX_DIR.
    Everything is computed beforehand: after fork only system calls happen here.
    """
    libc = _Libc()
    for path in hidden:
        if any(path == n or n in path.parents for n in needed):
            raise IsolationError(f"cannot hide {path}: the interpreter needs it ({', '.join(map(str, needed))})")
    hidden = [p for p in hidden if not any(h in p.parents for h in hidden)]  # the outermost suffice
    hidden_dirs = [p for p in hidden if p.is_dir() and not p.is_symlink()]
    hidden_files = [p for p in hidden if p.is_file() and not p.is_symlink()]
    closed = closed_ancestors(needed)
    private_tmp = sorted({p.resolve() for p in PRIVATE_TMP if p.is_dir()})  # /var/lock is often /run/lock
    covers = hidden_dirs + closed + private_tmp
    rebind = [p for p in needed if any(c in p.parents for c in covers)]
    # A hidden directory with the interpreter inside must be traversable to reach it.
    hidden_modes = {p: "0755" if any(p in n.parents for n in rebind) else "0000" for p in hidden_dirs}

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, SIGKILL)  # the student process dies with its grader
        libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC)
        libc.mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing below leaks to the host
        # Handles to what is about to be covered, opened in this namespace so they can be bound.
        handles = [f"/proc/self/fd/{os.open(p, os.O_PATH | os.O_DIRECTORY)}" for p in rebind + [workdir]]
        for path, mode in hidden_modes.items():
            read_only = MS_RDONLY if mode == "0000" else 0  # the other kind gets the interpreter bound in
            libc.mount("tmpfs", path, "tmpfs", read_only | MS_NOSUID | MS_NODEV, f"size=64k,mode={mode}")
        for path in hidden_files:
            libc.mount("/dev/null", path, None, MS_BIND)
        for path in closed:
            libc.mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
        for path in private_tmp:
            libc.mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.tmpfs_bytes},mode=1777")
        for handle, path in zip(handles, rebind):
            os.makedirs(path, mode=0o755, exist_ok=True)
            libc.mount(handle, path, None, MS_BIND | MS_REC)
        os.makedirs(SANDBOX_DIR, mode=0o700)
        libc.mount(handles[-1], SANDBOX_DIR, None, MS_BIND)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1)
        for which, soft, hard in ((resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
                                  # At the soft limit SIGXCPU, which says what happened; at the hard one
                                  # (code that ignores SIGXCPU) SIGKILL, which the grader reads by the CPU time used.
                                  (resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + CPU_GRACE_SECONDS),
                                  (resource.RLIMIT_NPROC, limits.processes, limits.processes),
                                  (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
                                  (resource.RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
                                  (resource.RLIMIT_CORE, 0, 0)):
            resource.setrlimit(which, (soft, hard))
        os.chdir(SANDBOX_DIR)

    return preexec
