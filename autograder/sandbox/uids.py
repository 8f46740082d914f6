"""Sandbox uids, leased per machine: no two student processes on this machine share one.

Only a grader that runs as root leases them: it starts each sandbox (isolation.py) as a uid
of its own, so that outside its namespaces too the student's code is nobody the machine
knows. A grader without root runs its sandboxes as itself; their PID namespaces keep them
apart.

After every failed call the grader kills everything its student's uid runs (whatever the
code forked or left behind), so a uid must belong to one student process at a time, across
every grading run on the machine: `python -m autograder grade`, plain `nbgrader
autograde`, formgrader, other courses. Fixing uids per worker slot is not enough (two runs
have the same slots), so a uid is leased instead: its holder keeps an exclusive `flock` on
its lock file in `LEASE_DIR`, a directory only root may enter. The kernel drops the lock
when the holder closes it or dies, so a grader killed midway leaves nothing to clean up;
what its student processes left running is killed by the next holder before it starts.
(A process the holder forks shares the lock until it exits or execs: the uid then stays
leased longer, never to two holders.)
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
from collections.abc import Sequence
from pathlib import Path

from ..held_lock import HeldLock
from .processes import processes_of

SANDBOX_UID_BASE = 2_000_000  # uids from here on: none has a home, a name or files
SANDBOX_UIDS = 60_000  # how many there are to lease
LEASE_DIR = Path("/run/optgrade-sandbox-uids")


class NoUidLeft(RuntimeError):
    """Every sandbox uid is leased (more student processes at once than SANDBOX_UIDS)."""


def lease_directory(directory: Path = LEASE_DIR) -> Path:
    """The lock directory, created root's and closed to others; refuses one anybody else could
    plant."""
    try:
        directory.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        pass  # checked below, whatever it is
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise PermissionError(
            f"{directory} must be a directory of uid {os.geteuid()} closed to others "
            f"(mode {stat.filemode(info.st_mode)}, uid {info.st_uid}): remove it"
        )
    return directory


class UidLease(HeldLock):
    """One sandbox uid, this process's until `release` (or until it dies).

    ``uids``: the uids to try, in order (by default every sandbox uid).
    """

    def __init__(self, directory: Path = LEASE_DIR, uids: Sequence[int] | None = None) -> None:
        directory = lease_directory(directory)
        for uid in (
            range(SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UIDS) if uids is None else uids
        ):
            fd = os.open(
                directory / f"{uid}.lock",
                os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW,
                0o600,
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            kill_processes_of(uid)  # left by an earlier holder that died
            return
        raise NoUidLeft(
            f"all {SANDBOX_UIDS if uids is None else len(uids)} sandbox uids tried are in use "
            "on this machine"
        )

    def release(self) -> None:
        """Kill whatever still runs as the uid, then let it go."""
        if self.held:
            kill_processes_of(self.uid)
        super().release()


def kill_processes_of(uid: int, rounds: int = 100) -> None:
    """SIGKILL every process of ``uid``, again until none is left (one may fork between scan and
    kill)."""
    for _ in range(rounds):
        pids = processes_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
