"""Grading on a Dask cluster: submissions graded on other machines, recorded on this one.

``python -m autograder grade ASSIGNMENT --scheduler tcp://host:8786`` (or
``$AUTOGRADER_SCHEDULER``) sends each submission to a worker of that Dask cluster (`dask
scheduler` and `dask worker` started by hand, by Slurm through dask-jobqueue or on Kubernetes
through dask-kubernetes) instead of to a process of this machine.

What a worker does is a function of plain data (`grade_files`): the assignment (its source
files, due date, penalty per day late, the site's address: `AssignmentFiles`), the bytes of
one submission and the manual scores the gradebook holds of it go in; it grades them the way
a local worker does (`grading._grade_one`: nbgrader's autograde with the hidden checks in the
sandbox, the same limits, then the feedback), in a scratch course of its own with a scratch
gradebook (in the worker's own folder, which Dask removes), and returns plain data: the
outcome, the autograded files, the feedback files and the grades (gradebook.
autograded_grades). This coordinator alone writes the course: the gradebook (gradebook.
save_autograded, then nbgrader's late-penalty step on it), ``autograded/``, ``feedback/`` and
the record (grading.py, as for a local worker).

Workers need no copy of the course, only the grader's code: the same checkout of this
repository and its environment (a shared file system on Slurm, the same image on Kubernetes),
with ``autograder`` importable (``PYTHONPATH=<course root> dask worker ...``). Each task
carries a digest of the grader's code (`grader_code_digest`), and a worker whose code differs
grades nothing: the submission is left not graded, with the reason.

A worker lost midway (killed, its machine gone) costs nothing: it had written nothing, and the
scheduler gives its submission to another worker. Each submission is one task, named by its
submission's digest, whose result the coordinator records once, under that digest.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import nbformat

from . import gradebook
from .course import (
    AUTOGRADED,
    FEEDBACK,
    SOURCE,
    SUBMITTED,
    book_base_url,
    files_digest,
    folder_files,
)
from .options import GradingOptions
from .records import late_percent_per_day, set_late_percent_per_day

SCHEDULER_ENV = "AUTOGRADER_SCHEDULER"
# Folders whose code decides a grade: the grader's, and optlab's, which the student's process
# imports.
GRADER_CODE = [Path(__file__).resolve().parent, Path(__file__).resolve().parents[1] / "student"]


class WrongGraderCode(RuntimeError):
    """A worker's grader code is not the coordinator's."""


def scheduler_address(options: GradingOptions) -> str | None:
    """The Dask scheduler to grade on: ``options.scheduler``, else $AUTOGRADER_SCHEDULER; None for
    this machine."""
    return options.scheduler or os.environ.get(SCHEDULER_ENV) or None


@functools.cache
def grader_code_digest() -> str:
    """A digest of the Python files that decide a grade (GRADER_CODE), as this process sees
    them."""
    digest = hashlib.sha256()
    for folder in GRADER_CODE:
        for path in sorted(folder.rglob("*.py")):
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class AssignmentFiles:
    """What a worker needs of an assignment: plain data, sent with every submission."""

    name: str
    source: dict[str, bytes]  # solutions/<assignment>/, by relative path
    due: str | None  # the gradebook's due date (naive UTC, ISO), None when it has none
    late_percent_per_day: float
    base_url: str  # the site's address, for the feedback's links to the book
    code: str  # grader_code_digest() of the coordinator


def assignment_files(root: Path, assignment: str) -> AssignmentFiles:
    due = gradebook.due_date(root, assignment)
    return AssignmentFiles(
        assignment,
        folder_files(Path(root, SOURCE, assignment)),
        due.isoformat() if due else None,
        late_percent_per_day(root, assignment),
        book_base_url(root),
        grader_code_digest(),
    )


def submission_files(root: Path, assignment: str, student: str) -> dict[str, bytes]:
    """The files of ``submitted/<student>/<assignment>/``, by relative path."""
    return folder_files(Path(root, SUBMITTED, student, assignment))


# --- on a worker --------------------------------------------------------------------------------

_SCRATCH: dict[tuple, Path] = {}  # (thread, assignment) -> a scratch course with its gradebook


def _local_directory() -> str | None:
    """The Dask worker's own folder, which it removes when it ends (and which the next worker
    started on the machine removes when this one was killed); None outside a worker: the
    system's temporary folder."""
    from distributed import get_worker

    try:
        return get_worker().local_directory
    except ValueError:
        return None


def _scratch_course(assignment: AssignmentFiles) -> Path:
    """This thread's scratch course for ``assignment``, its gradebook holding the assignment
    (entered once, as a template: entering it runs nbgrader's generate_assignment)."""
    from .release import enter_in_gradebook

    key = (
        threading.get_ident(),
        assignment.name,
        files_digest(assignment.source),
        assignment.due,
        assignment.late_percent_per_day,
        assignment.base_url,
    )
    if key not in _SCRATCH:
        course = Path(tempfile.mkdtemp(prefix="autograder-course-", dir=_local_directory()))
        for name, data in assignment.source.items():
            path = course / SOURCE / assignment.name / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if assignment.base_url:
            (course / "_config.yml").write_text(f"html:\n  baseurl: {assignment.base_url}\n")
        enter_in_gradebook(course, assignment.name)
        if assignment.due:
            gradebook.set_due_date(course, assignment.name, datetime.fromisoformat(assignment.due))
        set_late_percent_per_day(course, assignment.name, assignment.late_percent_per_day)
        shutil.copy(course / gradebook.GRADEBOOK, course / "template.db")
        _SCRATCH[key] = course
    return _SCRATCH[key]


def grade_files(
    assignment: AssignmentFiles,
    student: str,
    files: dict[str, bytes],
    options: GradingOptions,
    manual_grades: dict[str, float],
) -> dict:
    """Grade one submission (``files``: its files by relative path; ``manual_grades``: what the
    course's gradebook holds of its cells graded by hand) as a local worker does, in a scratch
    course; return plain data: ``outcome`` (grading.Outcome's fields), ``autograded`` and
    ``feedback`` (files by relative path) and ``grades`` (gradebook.autograded_grades; None when
    nothing was graded)."""
    from .grading import _grade_one

    if assignment.code != grader_code_digest():
        raise WrongGraderCode(
            f"the worker on {os.uname().nodename} (pid {os.getpid()}) runs other grader code "
            "than the coordinator: start every worker from the same checkout of the course"
        )
    started = time.monotonic()
    course = _scratch_course(assignment)
    for folder in (SUBMITTED, AUTOGRADED, FEEDBACK):
        shutil.rmtree(course / folder, ignore_errors=True)
    shutil.copy(course / "template.db", course / gradebook.GRADEBOOK)
    if manual_grades:  # kept, flagged for review and shown in the feedback, as here
        gradebook.enter_manual_grades(course, assignment.name, student, manual_grades)
    for name, data in files.items():
        path = course / SUBMITTED / student / assignment.name / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    outcome = _grade_one(course, assignment.name, student, options)
    outcome.seconds = time.monotonic() - started

    def written(folder: str) -> dict[str, bytes]:
        return folder_files(course / folder / student / assignment.name)

    graded = outcome.graded
    return {
        "outcome": asdict(outcome),
        "autograded": written(AUTOGRADED) if graded else {},
        "feedback": written(FEEDBACK) if graded else {},
        "grades": gradebook.autograded_grades(course, assignment.name, student)
        if graded
        else None,
    }


# --- on the coordinator -------------------------------------------------------------------------


def graded_on_cluster(
    address: str, root: Path, assignment: str, students: list[str], options: GradingOptions
) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """Send every submission of ``students`` to the cluster of the scheduler at ``address``; as
    each is graded, yield (student, digest of the files sent, a function that writes its result
    into the course and returns its grading.Outcome, or raises what the grading raised)."""
    from distributed import Client, as_completed

    from .sandbox.isolation import IsolationError, can_isolate

    with Client(address, timeout="60s") as client:
        reasons = {r for r in client.run(can_isolate).values() if r} if options.isolate else ()
        if reasons:
            raise IsolationError("on the cluster's workers: " + "; ".join(sorted(reasons)))
        sent = assignment_files(root, assignment)
        futures = {}
        for student in students:
            files = submission_files(root, assignment, student)
            digest = files_digest(files)
            # Named by the submission: a task run again after its worker died is the same one.
            key = f"grade-{assignment}-{student}-{digest[:16]}"
            manual = gradebook.manual_grades(root, assignment, student)
            future = client.submit(grade_files, sent, student, files, options, manual, key=key)
            futures[future] = (student, digest)
        for future in as_completed(futures):
            student, digest = futures[future]
            yield student, digest, functools.partial(_save, root, assignment, student, future)


def _save(root: Path, assignment: str, student: str, future):
    """Write one submission's result (a future of `grade_files`) into the course; its Outcome."""
    from .grading import Outcome, _score

    result = future.result()
    worker = Outcome(**result["outcome"])
    if not worker.graded:
        if worker.refused:
            gradebook.add_student(root, student)  # listed in the gradebook and on the sheet
        return worker
    manual_before = gradebook.manual_grades(root, assignment, student)
    gradebook.save_autograded(root, assignment, student, result["grades"])
    _assign_late_penalties(root, assignment, student, result["grades"]["notebooks"])
    for folder in (AUTOGRADED, FEEDBACK):
        target = Path(root, folder, student, assignment)
        shutil.rmtree(target, ignore_errors=True)
        for name, data in result[folder].items():
            path = target / name
            # Names come from the worker: none may reach outside the submission's folder.
            if ".." in Path(name).parts or Path(name).is_absolute():
                raise ValueError(f"a worker sent a file outside {target}: {name!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    outcome = _score(root, assignment, student)
    outcome.problem = worker.problem
    outcome.seconds, outcome.student_seconds = worker.seconds, worker.student_seconds
    outcome.manual_grades_flagged = [
        f"{name} (manual {score:g} points kept)" for name, score in manual_before.items()
    ]
    return outcome


def _assign_late_penalties(root: Path, assignment: str, student: str, notebooks) -> None:
    """The course's late-penalty step of autograde (late.AssignStoredLatePenalties), on the
    course's gradebook, for each notebook of the submission."""
    from .late import AssignStoredLatePenalties
    from .nbgrader_setup import nbgrader_config

    step = AssignStoredLatePenalties(config=nbgrader_config(root))
    for notebook in notebooks:
        resources = {
            "nbgrader": {
                "notebook": notebook,
                "assignment": assignment,
                "student": student,
                "db_url": gradebook.gradebook_url(root),
            }
        }
        step.preprocess(nbformat.v4.new_notebook(), resources)
