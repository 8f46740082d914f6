"""The grade sheet: every student and assignment of the course, with a status that an import
cannot mistake.

``grades.csv`` keeps the columns of nbgrader's CSV export (assignment, duedate, timestamp,
student_id, last_name, first_name, email, raw_score, late_submission_penalty, score,
max_score) and adds two:

- ``status``: ``graded``; ``not graded`` (submitted, but no score stands for it: the
  grading failed for a reason outside the student's work, or has not run yet);
  ``refused`` (the submission cannot be graded as it is: no notebook, another
  exercise's, not a notebook); ``not submitted``;
- ``reason``: why, for the three that are not ``graded``; on a graded row, what an
  instructor should know (late, flagged for manual grading, submitted again since).

and, for the two parts of a grade, counted apart: ``auto_score`` and ``max_auto_score`` (the
hidden checks' points), ``manual_score`` and ``max_manual_score`` (the written answers an
instructor grades by hand in formgrader; both empty for an exercise without any). A
submission whose written answers are not all graded yet has the status ``awaiting manual
grading``: its automatic part is on the row, its manual part and its total are empty (a
pending grade is not a zero), and ``reason`` names the answers to grade.

Only ``graded`` rows have a total: the others leave raw_score, late_submission_penalty and
score empty, so an LMS import records no grade rather than a zero. The sheet is written
from the gradebook whenever asked (`write_grade_sheet`, ``python -m autograder export``,
``nbgrader export`` through `GradeSheetExport`), so manual grades in formgrader reach it. What
it needs of the gradebook comes from gradebook.py (`sheet_entries`); the status, from the
grader's records (records.py) and the submitted folders.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

from .course import GRADES_CSV, SUBMITTED, folder_digest
from .gradebook import SheetEntry, read_sheet_entries, sheet_entries
from .late import PenaltyPerDay
from .records import (
    GRADED,
    NOT_GRADED,
    NOT_SUBMITTED,
    REFUSED,
    late_percent_per_day,
    read_record,
    write_atomically,
)

if TYPE_CHECKING:
    from nbgrader.api import Gradebook

NBGRADER_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]
COLUMNS = NBGRADER_COLUMNS + [
    "status",
    "reason",
    "auto_score",
    "max_auto_score",
    "manual_score",
    "max_manual_score",
]
# Graded by the hidden checks, with written answers left to grade by hand.
AWAITING_MANUAL = "awaiting manual grading"


@dataclass
class Row:
    assignment: str
    student_id: str
    status: str
    reason: str = ""
    duedate: object = ""
    timestamp: object = ""
    last_name: str | None = ""
    first_name: str | None = ""
    email: str | None = ""
    raw_score: float | None = None
    late_submission_penalty: float | None = None
    score: float | None = None
    max_score: float | None = None
    auto_score: float | None = None
    max_auto_score: float | None = None
    manual_score: float | None = None
    max_manual_score: float | None = None


def standing(root: Path, entry: SheetEntry) -> Row:
    """One student's row for one assignment: status, reason and (when graded) scores."""
    row = Row(
        entry.assignment,
        entry.student_id,
        NOT_SUBMITTED,
        duedate=entry.duedate or "",
        last_name=entry.last_name,
        first_name=entry.first_name,
        email=entry.email,
        max_score=entry.max_score,
        max_auto_score=entry.max_score - entry.max_manual_score,
        max_manual_score=entry.max_manual_score or None,
    )
    folder = Path(root, SUBMITTED, entry.student_id, entry.assignment)
    record = read_record(root, entry.assignment, entry.student_id)
    submission = entry.submission
    if submission is not None:
        row.timestamp = submission.timestamp or ""
    if record is not None and record.status in (NOT_GRADED, REFUSED):
        row.status, row.reason = record.status, record.reason
        return row
    if submission is None:
        if folder.is_dir():
            row.status, row.reason = NOT_GRADED, "submitted; not graded yet"
        return row
    if submission.unscored or not submission.has_notebooks:
        row.status = NOT_GRADED
        row.reason = (
            "the gradebook holds no score for " + ", ".join(sorted(submission.unscored))
            if submission.unscored
            else "the grading did not finish"
        )
        return row
    row.auto_score = submission.auto_score
    notes = []
    if submission.manual_pending:
        row.status = AWAITING_MANUAL
        notes.append(
            "written answers to grade in formgrader: "
            + ", ".join(submission.manual_pending)
            + "; then run python -m autograder export"
        )
    else:
        row.status = GRADED
        row.manual_score = submission.manual_score if entry.max_manual_score else None
        penalty = _late_penalty(root, entry, submission)
        row.raw_score, row.late_submission_penalty = submission.score, penalty
        row.score = max(0.0, submission.score - penalty)
        if submission.needs_manual_grade:
            notes.append("flagged for manual grading in formgrader")
    if submission.seconds_late > 0:
        notes.append(f"late by {submission.seconds_late / 3600:.1f} h")
    if (
        record is not None
        and folder.is_dir()
        and record.digest
        and record.digest != folder_digest(folder)
    ):
        notes.append("submitted again since it was graded: grade it again")
    row.reason = "; ".join(notes)
    return row


def _late_penalty(root: Path, entry: SheetEntry, submission) -> float:
    """The late penalty of a submission's whole score. nbgrader computes it when the submission
    is autograded, from the score then: without the written answers graded since in formgrader.
    The course's policy (late.PenaltyPerDay, a share of the score) is applied again to the
    score now."""
    if not entry.max_manual_score or submission.seconds_late <= 0:
        return submission.late_penalty
    policy = PenaltyPerDay(percent_per_day=late_percent_per_day(root, entry.assignment))
    return policy.late_submission_penalty(
        entry.student_id, submission.score, submission.seconds_late
    )


def sheet_text(root: Path, entries: list[SheetEntry]) -> str:
    """The rows of the gradebook's ``entries``, as CSV (quoted where needed: a name may hold a
    comma)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in (standing(root, entry) for entry in entries):
        writer.writerow(["" if getattr(row, c) is None else str(getattr(row, c)) for c in COLUMNS])
    return out.getvalue()


def write_grade_sheet(root: Path, to: Path | None = None) -> Path:
    """Write the course's grade sheet from its gradebook (to ``grades.csv`` at its root by
    default)."""
    path = Path(to) if to else Path(root, GRADES_CSV)
    write_atomically(path, sheet_text(root, read_sheet_entries(root)))
    return path


class GradeSheetExport(ExportPlugin):
    """``nbgrader export``'s plugin for this course: the grade sheet above, not nbgrader's bare
    CSV."""

    course_root = Unicode(".", help="The course directory.").tag(config=True)

    def export(self, gradebook: Gradebook) -> None:
        path = Path(self.to or GRADES_CSV)
        entries = sheet_entries(
            gradebook,
            [str(a) for a in self.assignment] or None,
            [str(s) for s in self.student] or None,
        )
        write_atomically(path, sheet_text(Path(self.course_root), entries))
        self.log.info("Exported the grade sheet to %s", path)
