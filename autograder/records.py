"""What the grader keeps about a course beside nbgrader's gradebook, in ``.autograder/``.

    .autograder/records/<assignment>/<student>.json   how the last grading of a submission ended
    .autograder/late_policy.json                      each assignment's penalty per day late
    .autograder/locks/<assignment>.lock               held by the grading run of that assignment
    .autograder/locks/gradebook.lock                  held while an assignment enters the gradebook

The instructor may add ``.autograder/gradebook_url``: where the gradebook is (gradebook.py).

A record says whether the submission was graded, not graded (and why: the machine failed,
the gradebook stayed locked) or refused (and why: no notebook, another exercise's), with
a digest of the submitted files and the late policy it was graded under; the grade sheet
and the next run read it. It lives outside ``autograded/`` so that nbgrader's feedback,
which copies that folder to students, never carries it. Every file is replaced whole
(written aside, then renamed), so a run killed midway leaves the old one or the new one.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .held_lock import HeldLock

STATE = ".autograder"

GRADED, NOT_GRADED, REFUSED, NOT_SUBMITTED = "graded", "not graded", "refused", "not submitted"


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one step: a reader sees the old file or the new, never
    half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class Record:
    """How the last grading of one submission ended."""

    status: str  # GRADED, NOT_GRADED or REFUSED
    reason: str = ""  # why it was not graded or refused; a note on a graded one
    digest: str = ""  # of the submitted files it was about (course.folder_digest)
    policy: str = ""  # the late policy it was graded under (late.late_policy)
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0  # grading it, all in
    student_seconds: float = 0.0  # of which waiting for the student's code
    at: float = 0.0  # when (Unix time)


def record_path(root: Path, assignment: str, student: str) -> Path:
    return Path(root, STATE, "records", assignment, f"{student}.json")


def read_record(root: Path, assignment: str, student: str) -> Record | None:
    try:
        data = json.loads(record_path(root, assignment, student).read_text())
        known = {f.name for f in fields(Record)}
        return Record(**{k: v for k, v in data.items() if k in known})
    except (OSError, ValueError, TypeError):
        return None


def write_record(root: Path, assignment: str, student: str, record: Record) -> None:
    record.at = record.at or time.time()
    write_atomically(record_path(root, assignment, student), json.dumps(asdict(record), indent=1))


def late_percent_per_day(root: Path, assignment: str) -> float:
    """The assignment's stored penalty per started day late, in percent (0 when none was set)."""
    return float(_late_policies(root).get(assignment, 0.0))


def set_late_percent_per_day(root: Path, assignment: str, percent: float) -> None:
    policies = _late_policies(root)
    policies[assignment] = float(percent)
    write_atomically(
        Path(root, STATE, "late_policy.json"), json.dumps(policies, indent=1, sort_keys=True)
    )


def _late_policies(root: Path) -> dict[str, float]:
    try:
        return dict(json.loads(Path(root, STATE, "late_policy.json").read_text()))
    except (OSError, ValueError, TypeError):
        return {}


def _lock_file(root: Path, name: str) -> int:
    """An open descriptor of the course's lock file ``name``, created as needed."""
    path = Path(root, STATE, "locks", f"{name}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


@contextmanager
def course_lock(root: Path, name: str):
    """Hold the course's lock ``name`` (waiting for it): one process at a time does what it
    guards."""
    fd = _lock_file(root, name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class GradingUnderWay(RuntimeError):
    """Another grading run of the same assignment of the same course holds its lock."""


class AssignmentLock(HeldLock):
    """Held by the one grading run of an assignment of a course while it grades.

    An exclusive `flock` on the lock file: the kernel releases it when the holder ends, however
    it ends, so a killed run never leaves the assignment locked. ``python -m autograder grade``
    holds it for its whole run and refuses to start while another holds it; plain ``nbgrader
    autograde`` (and formgrader) wait for it and hold it while they run a notebook's checks
    (``wait``; RunHiddenChecks), so the two never grade the assignment at the same time. The
    holder writes its pid and start time into the file, for the message the other shows.
    """

    def __init__(
        self, root: Path, assignment: str, wait: bool = False, on_wait=lambda holder: None
    ) -> None:
        self._fd = _lock_file(root, assignment)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = (
                os.pread(self._fd, 200, 0).decode(errors="replace").strip() or "another process"
            )
            if not wait:
                os.close(self._fd)
                raise GradingUnderWay(
                    f"{assignment} is being graded in this course by {holder}; "
                    "wait until it ends (or stop it), then run this again"
                ) from None
            on_wait(holder)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.ftruncate(self._fd, 0)
        os.pwrite(
            self._fd, f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0
        )
