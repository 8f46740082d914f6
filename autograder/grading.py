"""Grade every submission of an assignment: scores in the gradebook, feedback, the grade sheet.

For each ``submitted/<student>/<assignment>/`` nbgrader's autograde runs with the trusted
`RunHiddenChecks` step (students are created as needed), then nbgrader's
generate_feedback writes ``feedback/<student>/<assignment>/*.html`` with the hidden
tests removed; finally the grade sheet (grade_sheet.py) is written from the gradebook.
One submission that cannot be graded is reported and does not stop the others.

Submissions are graded in parallel by ``jobs`` worker processes. Each worker grades one
submission at a time (its student process runs as a sandbox uid leased for the machine,
sandbox/uids.py, so that killing what a student started never touches another student of
this run or of any other), and writes to the one gradebook (SQLite's, or a PostgreSQL server's
that other graders may share: gradebook.py), whose writers wait for each other. With a Dask
scheduler (``options.scheduler``), the workers are a cluster's instead, and this process alone
writes the course (cluster.py). One run at a time grades an assignment of a course
(records.AssignmentLock).

Every grading of a submission ends in a record (records.py), written by this process:
graded, not graded (the machine or the gradebook failed: nothing of it is scored, and the
next run grades it again) or refused (the submission cannot be graded as it is), with a
digest of the submitted files and the late policy. A later run skips what was graded,
unchanged, under the same policy, so a run that was killed can be started again and finishes
the rest.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import InvalidEntry
from nbgrader.apps import NbGraderAPI
from sqlalchemy.exc import OperationalError

from . import gradebook
from .checks import load_registry
from .cluster import graded_on_cluster, scheduler_address
from .course import AUTOGRADED, SOURCE, SUBMITTED, folder_digest
from .grade_sheet import write_grade_sheet
from .late import late_policy
from .nbgrader_setup import nbgrader_api
from .options import GradingOptions
from .preprocessors import run_hidden_checks
from .records import (
    GRADED,
    NOT_GRADED,
    REFUSED,
    AssignmentLock,
    Record,
    read_record,
    set_late_percent_per_day,
    write_record,
)
from .release import enter_in_gradebook
from .sandbox.isolation import IsolationError, can_isolate

# nbgrader 0.9 relies on SQLAlchemy 1.x's cascade of backrefs; under 2.x each save says so.
# Its records are complete either way (the tests read the gradebook back), so silence it.
warnings.filterwarnings(
    "ignore", message=r"Object of type <\w+> not in session, add operation along"
)


@dataclass
class Outcome:
    student: str
    graded: bool
    score: float = 0.0
    max_score: float = 0.0
    problem: str = ""
    refused: bool = False  # the submission cannot be graded as it is (problem says why)
    seconds_late: float = 0.0  # after the due date, by nbgrader's timestamp
    penalty: float = 0.0  # points taken for it (already out of score)
    seconds: float = 0.0  # grading this submission, all in (0 when skipped)
    student_seconds: float = 0.0  # of which waiting for the student's code
    # The manual grades this grading put up for review.
    manual_grades_flagged: list[str] = field(default_factory=list)
    # The two parts of the score, counted apart (before the late penalty): the hidden checks'
    # and the written answers', graded by hand in formgrader; those not graded yet are pending.
    auto_score: float = 0.0
    max_auto_score: float = 0.0
    manual_score: float = 0.0
    max_manual_score: float = 0.0
    manual_pending: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return GRADED if self.graded else REFUSED if self.refused else NOT_GRADED


@dataclass
class GradingRun:
    assignment: str
    policy: str = ""  # the late policy, in words
    policy_changed: str = ""  # what changed in it, when this run changed it
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unchanged since an earlier run graded them
    cells: list[gradebook.CellSummary] = field(default_factory=list)
    csv: Path | None = None


def submission_problem(root: Path, assignment: str, student: str) -> str | None:
    """Why a submission cannot be graded, in words for the instructor; None if it can."""
    folder = Path(root, SUBMITTED, student, assignment)
    for expected in sorted(Path(root, SOURCE, assignment).glob("*.ipynb")):
        path = folder / expected.name
        if not path.is_file():
            found = sorted(p.name for p in folder.glob("*.ipynb"))
            return f"no {expected.name} in the submission" + (
                f" (found: {', '.join(found)})" if found else ""
            )
        data = path.read_bytes()
        if not data.strip():
            return f"{expected.name} is empty"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            return f"{expected.name} is not UTF-8 text (byte {error.start})"
        try:
            json.loads(text)
        except ValueError as error:
            return f"{expected.name} is not valid JSON ({error})"
        try:
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
        except Exception as error:  # noqa: BLE001 - any reason nbformat refuses it
            return f"{expected.name} is not a valid notebook ({str(error).splitlines()[0][:200]})"
        if not _answer_ids(notebook) & _answer_ids(nbformat.read(expected, as_version=4)):
            return (
                f"{expected.name} is not the {assignment} exercise: it has none of its answer "
                "cells (another assignment's notebook, or one started from scratch?)"
            )
    return None


def _answer_ids(notebook) -> set[str]:
    """The grade ids of a notebook's answer cells (the cells nbgrader marks as solutions)."""
    roles = [cell.get("metadata", {}).get("nbgrader", {}) for cell in notebook.cells]
    return {role.get("grade_id") for role in roles if role.get("solution")} - {None}


def submissions(root: Path, assignment: str) -> list[str]:
    return sorted(
        p.parent.name for p in Path(root, SUBMITTED).glob(f"*/{assignment}") if p.is_dir()
    )


def submission_digest(root: Path, assignment: str, student: str) -> str:
    """A digest of every file of a submission (names and bytes), to tell whether it changed."""
    return folder_digest(Path(root, SUBMITTED, student, assignment))


def already_graded(root: Path, assignment: str, student: str, policy: str) -> bool:
    """Was this very submission graded to the end (scores and feedback), under this late
    ``policy``, by an earlier run?"""
    record = read_record(root, assignment, student)
    return (
        record is not None
        and record.status == GRADED
        and record.policy == policy
        and record.digest == submission_digest(root, assignment, student)
    )


def graded_under_another_policy(root: Path, assignment: str, student: str, policy: str) -> bool:
    record = read_record(root, assignment, student)
    return record is not None and record.status == GRADED and record.policy != policy


def default_jobs() -> int:
    """One worker per core this process may use."""
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


class NoSubmission(ValueError):
    """A student named for grading has no submission of the assignment."""


def grade(
    root: Path,
    assignment: str,
    options: GradingOptions | None = None,
    progress=lambda done, total, outcome: None,
) -> GradingRun:
    """Grade the submissions of ``assignment`` (or of ``options.students`` only) with
    ``options.jobs`` workers (``options``: by default, `GradingOptions`' defaults).

    Submissions graded by an earlier run and unchanged since are skipped, unless
    ``options.force`` or named in ``options.students`` (re-grading a student replaces their
    scores). ``options.due`` sets the assignment's due date in the gradebook and
    ``options.late_percent_per_day`` its penalty per started day late (both are kept for later
    runs; None keeps what is stored). Under a changed policy every submission graded under the
    old one is graded again, named in ``students`` or not, so that no assignment is graded
    under two. The seed, the limits and the isolation go to `RunHiddenChecks`. With
    ``options.scheduler`` (or $AUTOGRADER_SCHEDULER) the submissions are graded on the workers
    of that Dask cluster (cluster.py), which are asked whether they can run a sandbox.
    ``progress(done, total, outcome)`` is called as each submission is finished.
    Raises `GradingUnderWay` while another run grades the same assignment of this course,
    `NoSubmission` for a named student without a submission, `IsolationError` (before
    grading anything) when ``options.isolate`` and this machine cannot run a sandbox.
    """
    root = Path(root).resolve()
    options = options or GradingOptions()
    # On a cluster, its workers run the sandboxes, and are asked instead (cluster.py).
    if options.isolate and not scheduler_address(options) and (reason := can_isolate()):
        raise IsolationError(reason)
    with AssignmentLock(root, assignment):
        return _grade(root, assignment, options, progress)


def _grade(root: Path, assignment: str, options: GradingOptions, progress) -> GradingRun:
    students = options.students
    missing = [s for s in students or [] if not Path(root, SUBMITTED, s, assignment).is_dir()]
    if missing:
        raise NoSubmission(
            f"no submission of {assignment} from {', '.join(missing)} "
            f"(nothing in {', '.join(f'{SUBMITTED}/{s}/{assignment}/' for s in missing)})"
        )
    enter_in_gradebook(root, assignment)
    run = GradingRun(assignment)
    old_policy = late_policy(root, assignment)
    if options.due is not None:
        gradebook.set_due_date(root, assignment, options.due)
    if options.late_percent_per_day is not None:
        set_late_percent_per_day(root, assignment, options.late_percent_per_day)
    run.policy = late_policy(root, assignment)
    if run.policy != old_policy:
        run.policy_changed = f"was: {old_policy}"
    everyone = submissions(root, assignment)
    if students:
        todo = list(
            dict.fromkeys(
                students
                + [
                    s
                    for s in everyone
                    if graded_under_another_policy(root, assignment, s, run.policy)
                ]
            )
        )
    else:
        todo = [
            s
            for s in everyone
            if options.force or not already_graded(root, assignment, s, run.policy)
        ]
    run.skipped = [s for s in (students or everyone) if s not in todo]
    for student in run.skipped:
        outcome = _score(root, assignment, student)
        outcome.problem = outcome.problem or "unchanged since it was graded; kept"
        run.outcomes.append(outcome)
    load_registry(assignment)
    address = scheduler_address(options)
    graded = (
        graded_on_cluster(address, root, assignment, todo, options)
        if address
        else _graded_here(root, assignment, todo, options)
    )
    for done, (student, digest, result) in enumerate(graded, start=1):
        try:
            outcome = result()
        except Exception as error:  # noqa: BLE001 - a worker that died must not stop the batch
            outcome = Outcome(
                student, False, problem=f"the grader failed on this submission: {error!r}"
            )
        _record(root, assignment, student, outcome, digest, run.policy)
        run.outcomes.append(outcome)
        progress(done, len(todo), outcome)
    run.outcomes.sort(key=lambda o: o.student)
    run.cells = gradebook.cell_summary(
        root, assignment, [o.student for o in run.outcomes if o.graded]
    )
    run.csv = write_grade_sheet(root)
    return run


def _graded_here(root: Path, assignment: str, students: list[str], options: GradingOptions):
    """Grade ``students``' submissions in ``options.jobs`` worker processes of this machine; as
    each is graded, yield (student, digest of its files as graded, a function that returns its
    Outcome or raises what its grading raised)."""
    workers = max(1, min(options.jobs or default_jobs(), len(students) or 1))
    # Workers are forked once everything they need is imported (nbgrader, the checks and
    # what they import), which saves each of them seconds of start-up. The parent holds no
    # database connection at this point (gradebook.py closes each session it opens).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker
    ) as pool:
        futures = {
            pool.submit(grade_one, root, assignment, student, options): (
                student,
                submission_digest(root, assignment, student),
            )
            for student in students
        }
        for future in as_completed(futures):
            student, digest = futures[future]
            yield student, digest, future.result


_WORKER_APIS: dict = {}


def _start_worker() -> None:
    warnings.filterwarnings(
        "ignore", message=r"Object of type <\w+> not in session, add operation along"
    )


def _worker_api(root: Path, options: GradingOptions) -> NbGraderAPI:
    """This worker's nbgrader API (made once: setting it up costs as much as grading a
    notebook)."""
    # This run holds the assignment's lock: its workers must not wait for it.
    overrides = {
        "RunHiddenChecks.take_assignment_lock": False,
        **run_hidden_checks.configuration(options),
    }
    key = (str(root), tuple(sorted(overrides.items())))
    if key not in _WORKER_APIS:
        _WORKER_APIS[key] = nbgrader_api(root, **overrides)
    return _WORKER_APIS[key]


def grade_one(root: Path, assignment: str, student: str, options: GradingOptions) -> Outcome:
    """Autograde one submission and write its feedback, in a worker process; its outcome."""
    started = time.monotonic()
    outcome = _grade_one(root, assignment, student, options)
    outcome.seconds = time.monotonic() - started
    return outcome


def _record(
    root: Path, assignment: str, student: str, outcome: Outcome, digest: str, policy: str
) -> None:
    """Record how the grading of a submission (of files whose digest is ``digest``) ended."""
    write_record(
        root,
        assignment,
        student,
        Record(
            outcome.status,
            outcome.problem,
            digest,
            policy,
            outcome.score if outcome.graded else None,
            outcome.max_score if outcome.graded else None,
            outcome.seconds,
            outcome.student_seconds,
        ),
    )


def _grade_one(root: Path, assignment: str, student: str, options: GradingOptions) -> Outcome:
    problem = submission_problem(root, assignment, student)
    if problem is not None:
        # Listed in the gradebook and on the sheet, as refused.
        gradebook.add_student(root, student)
        return Outcome(student, False, problem=problem, refused=True)
    # Autograding again keeps a manual score but flags its cell for review in formgrader
    # (nbgrader's SaveAutoGrades): the summary names them.
    manual_before = gradebook.manual_grades(root, assignment, student)
    try:
        # Before autograde, which fails when a run of another assignment enters the same
        # student at the same moment (gradebook.add_student finds them entered instead).
        gradebook.add_student(root, student)
    except (OperationalError, InvalidEntry) as error:  # reported as autograde's failures are
        return Outcome(student, False, problem=_last_error({"error": str(error)}))
    api = _worker_api(root, options)
    result = api.autograde(assignment, student, force=True, create=True)
    if not result["success"]:
        return Outcome(student, False, problem=_last_error(result))
    feedback = api.generate_feedback(assignment, student, force=True)
    outcome = _score(root, assignment, student)
    outcome.student_seconds = student_seconds(root, assignment, student)
    outcome.manual_grades_flagged = [
        f"{name} (manual {score:g} points kept)" for name, score in manual_before.items()
    ]
    if not feedback["success"]:
        outcome.problem = "graded, but no feedback was written: " + _last_error(feedback)
    return outcome


def student_seconds(root: Path, assignment: str, student: str) -> float:
    """Seconds the grading of a submission waited for the student's code, as its autograded
    notebooks record them."""
    return sum(
        run_hidden_checks.student_seconds(
            nbformat.read(Path(root, AUTOGRADED, student, assignment, source.name), as_version=4)
        )
        for source in Path(root, SOURCE, assignment).glob("*.ipynb")
    )


def _score(root: Path, assignment: str, student: str) -> Outcome:
    submission = gradebook.find_submission(root, assignment, student)
    if submission is None:
        return Outcome(student, False, problem="no submission recorded in the gradebook")
    return Outcome(
        student,
        True,
        submission.score - submission.late_penalty,
        submission.max_score,
        seconds_late=submission.seconds_late,
        penalty=submission.late_penalty,
        auto_score=submission.auto_score,
        max_auto_score=submission.max_auto_score,
        manual_score=submission.manual_score,
        max_manual_score=submission.max_manual_score,
        manual_pending=submission.manual_pending,
    )


def score_text(o: Outcome) -> str:
    """A graded submission's score in the summary: with written answers, its automatic and its
    manual part apart, and a manual part not graded yet as pending, never as a zero."""
    if not o.max_manual_score:
        return f"{o.score:g} / {o.max_score:g}"
    automatic = f"automatic {o.auto_score:g} / {o.max_auto_score:g}"
    if o.manual_pending:
        return f"{automatic}; written {o.max_manual_score:g} points pending (grade in formgrader)"
    return (
        f"{o.score:g} / {o.max_score:g} ({automatic}, "
        f"written {o.manual_score:g} / {o.max_manual_score:g})"
    )


def _last_error(result: dict) -> str:
    """What went wrong, in a line: the last exception nbgrader logged (its last line only says
    'see above')."""
    text = "\n".join(result.get(key) or "" for key in ("log", "error")).strip()
    text = "\n".join(
        line for line in text.splitlines() if "Please see the the above traceback" not in line
    )
    if any(message in text for message in gradebook.LOCKED_MESSAGES):
        return (
            "the gradebook stayed locked by other writers for more than "
            f"{gradebook.GRADEBOOK_WAIT_SECONDS:g} s; nothing of this submission was kept: "
            "run the command again to grade it"
        )
    exceptions = re.findall(
        r"^\s*((?:\w+\.)*\w*(?:Error|Exception|Entry)\b: .+)$", text, flags=re.M
    )
    return (
        exceptions[-1].strip()
        if exceptions
        else (text.splitlines()[-1] if text else "unknown error")
    )


def summary(run: GradingRun) -> str:
    """The table an instructor reads at the end: the late policy, per test cell, then per
    student."""
    lines = [
        f"late policy: {run.policy}"
        + (f" (changed by this run; {run.policy_changed})" if run.policy_changed else ""),
        "",
    ]
    tests = [c for c in run.cells if not c.manual]
    if tests:
        width = max(len("test cell"), *(len(c.grade_id) for c in tests))
        lines += [
            f"{'test cell':<{width}}  points  full  partial  zero",
            f"{'-' * width}  ------  ----  -------  ----",
        ]
        lines += [
            f"{c.grade_id:<{width}}  {c.max_score:6g}  {c.full:4d}  {c.partial:7d}  {c.zero:4d}"
            for c in tests
        ]
        lines.append("")
    written = [c for c in run.cells if c.manual]
    if written:
        width = max(len("written answer"), *(len(c.grade_id) for c in written))
        lines += [
            f"{'written answer':<{width}}  points  to grade  full  partial  zero",
            f"{'-' * width}  ------  --------  ----  -------  ----",
        ]
        lines += [
            f"{c.grade_id:<{width}}  {c.max_score:6g}  {c.pending:8d}  {c.full:4d}  "
            f"{c.partial:7d}  {c.zero:4d}"
            for c in written
        ]
        lines.append(
            "(graded by hand in formgrader; then `python -m autograder export` writes the sheet)"
        )
        lines.append("")
    width = max([len("student")] + [len(o.student) for o in run.outcomes])
    lines += [f"{'student':<{width}}  score", f"{'-' * width}  -----"]
    for o in run.outcomes:
        score = score_text(o) if o.graded else o.status
        notes = [o.problem] if o.problem else []
        if o.manual_grades_flagged:
            notes.append(
                "manual grades flagged for review in formgrader: "
                + ", ".join(o.manual_grades_flagged)
            )
        if o.seconds_late > 0:
            notes.append(
                f"late by {_duration(o.seconds_late)}"
                + (f": {o.penalty:g} points off" if o.penalty else "")
            )
        lines.append(
            f"{o.student:<{width}}  {score}" + (f"  ({'; '.join(notes)})" if notes else "")
        )
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    days, rest = divmod(int(round(seconds)), 24 * 3600)
    hours, rest = divmod(rest, 3600)
    return (
        f"{days} d {hours} h"
        if days
        else f"{hours} h {rest // 60} min"
        if hours
        else f"{rest // 60} min {rest % 60} s"
    )
