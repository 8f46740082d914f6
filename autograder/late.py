"""The late-submission policy: a penalty per started day late, on nbgrader's own timestamps.

nbgrader records each submission's time (``timestamp.txt``, written by ``nbgrader
collect`` or the exchange) and the assignment's due date (in the gradebook), and its
`AssignLatePenalties` step asks a plugin for the penalty. Its built-in plugin only knows
"none" and "zero". This one takes ``percent_per_day`` of the score for every day or part
of a day late, up to the whole score: 0 means no penalty, 100 means zero once late.

The percentage is stored with the course, per assignment (records.py), like the due date
in the gradebook: it is set once, explicitly (``grade --late-penalty-per-day``), and every
grading of the assignment, by ``python -m autograder grade`` or by plain ``nbgrader
autograde``, applies it (`AssignStoredLatePenalties`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import AssignLatePenalties
from traitlets import Float, Unicode

from .gradebook import due_date
from .records import late_percent_per_day

DAY = 24 * 3600


class PenaltyPerDay(LateSubmissionPlugin):
    percent_per_day = Float(
        0.0,
        help="Percent of the score taken for each started day late "
        "(0: no penalty; 100: zero once late).",
    ).tag(config=True)

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float:
        days = math.ceil(total_seconds_late / DAY)
        return min(score, score * self.percent_per_day / 100 * days)


class AssignStoredLatePenalties(AssignLatePenalties):
    """nbgrader's AssignLatePenalties, with the penalty per day that the course stores for the
    assignment."""

    course_root = Unicode(".", help="The course directory, where the late policy is stored.").tag(
        config=True
    )

    def init_plugin(self) -> None:
        super().init_plugin()  # called by preprocess, once it has set assignment_id
        self.plugin_inst.percent_per_day = late_percent_per_day(
            Path(self.course_root), self.assignment_id
        )


def parse_due(text: str) -> datetime:
    """A due date as an instructor writes it ('2026-12-01 23:59', ISO 8601; UTC unless a zone is
    given)."""
    due = datetime.fromisoformat(text)
    return due if due.tzinfo else due.replace(tzinfo=UTC)


def late_policy(root: str | Path, assignment: str) -> str:
    """The policy a grade is given under (due date and penalty), in words: regrade when it
    changes."""
    due = due_date(root, assignment)
    percent = late_percent_per_day(Path(root), assignment)
    if due is None:
        return "no due date: nothing is late"
    return f"due {due:%Y-%m-%d %H:%M} UTC, " + (
        f"{percent:g}% off per started day late" if percent else "late work flagged, not penalized"
    )
