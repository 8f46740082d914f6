"""What /proc says about processes: their stat fields, their descendants, what they use, and
which ones run as a uid.

The sandbox's parts read it (isolation.py, uids.py, session.py's usage watch); this module
imports nothing of theirs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # the unit of CPU time in /proc/<pid>/stat


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid``, by their children, and so on (those of a sandbox: orphans
    in a PID namespace are adopted by its first process, bwrap's child)."""
    children = _children_by_listing if HAS_CHILDREN_LISTS else _children_by_scan()
    found, todo = [], [pid]
    while todo:
        more = children(todo.pop())
        found += more
        todo += more
    return found


HAS_CHILDREN_LISTS = os.path.exists(
    f"/proc/{os.getpid()}/task/{os.getpid()}/children"
)  # CONFIG_PROC_CHILDREN


def _children_by_listing(parent: int) -> list[int]:
    children = []
    try:
        threads = os.listdir(f"/proc/{parent}/task")
    except OSError:
        return children
    for thread in threads:
        try:
            with open(f"/proc/{parent}/task/{thread}/children") as listing:
                children += [int(child) for child in listing.read().split()]
        except (OSError, ValueError):
            continue
    return children


def stat_fields(process: int | str, thread: int | str | None = None) -> list[bytes]:
    """The fields of /proc/<process>[/task/<thread>]/stat after the command name (which may hold
    spaces and parentheses): state first, then the parent, ... (proc(5) numbers them from 3)."""
    path = f"/proc/{process}/stat" if thread is None else f"/proc/{process}/task/{thread}/stat"
    with open(path, "rb") as stat_file:
        return stat_file.read().rsplit(b")", 1)[1].split()


def _children_by_scan():
    """Without the kernel's lists of children: every process's parent, read from /proc once."""
    by_parent: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(stat_fields(entry)[1])
            except (OSError, ValueError, IndexError):
                continue
            by_parent.setdefault(parent, []).append(int(entry))
    return lambda parent: by_parent.get(parent, [])


@dataclass(frozen=True)
class Usage:
    memory_bytes: int  # of all the processes together (proportional set sizes: a page
    # that forked processes share counts once in all)
    cpu_seconds: float  # of all of them, those they have reaped included
    most_cpu_seconds: float  # of the one that used the most (the CPU limit of each process)


def usage(pid: int) -> Usage:
    """What the processes ``pid`` started use (those of a sandbox, when ``pid`` is its bwrap)."""
    memory, total, most = 0, 0.0, 0.0
    for process in descendants(pid):
        try:
            fields = stat_fields(process)
            own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
            total += (
                own + (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
            )  # and its reaped children's
            most = max(most, own)
            with open(f"/proc/{process}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        memory += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return Usage(memory, total, most)


def processes_of(uid: int) -> list[int]:
    """The pids of every living process whose real uid is ``uid`` (a zombie with threads still
    running, as when the main thread alone has exited, is living)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = dict(
                line.split(":", 1)
                for line in (entry / "status").read_text().splitlines()
                if ":" in line
            )
            if int(status["Uid"].split()[0]) == uid and _any_thread_alive(entry):
                pids.append(int(entry.name))
        except (OSError, KeyError, ValueError):
            continue  # gone meanwhile
    return pids


def _any_thread_alive(process: Path) -> bool:
    for task in (process / "task").iterdir():
        try:
            state = stat_fields(process.name, task.name)[0].decode()
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            return True
    return False
