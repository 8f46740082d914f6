"""The late-submission policy: a penalty per started day late, on nbgrader's own timestamps.

nbgrader records each submission's time (``timestamp.txt``, written by ``nbgrader
collect`` or the exchange) and the assignment's due date (in the gradebook), and its
`AssignLatePenalties` step asks a plugin for the penalty. Its built-in plugin only knows
"none" and "zero". This one takes ``percent_per_day`` of the score for every day or part
of a day late, up to the whole score: 0 means no penalty, 100 means zero once late.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from nbgrader.api import Gradebook
from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

DAY = 24 * 3600


class PenaltyPerDay(LateSubmissionPlugin):
    percent_per_day = Float(0.0, help="Percent of the score taken for each started day late "
                                      "(0: no penalty; 100: zero once late).").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        days = math.ceil(total_seconds_late / DAY)
        return min(score, score * self.percent_per_day / 100 * days)


def parse_due(text: str) -> datetime:
    """A due date as an instructor writes it ('2026-12-01 23:59', ISO 8601; UTC unless a zone is given)."""
    due = datetime.fromisoformat(text)
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def set_due_date(db_url: str, assignment: str, due: datetime) -> None:
    """Store the due date in the gradebook, where nbgrader computes lateness from it (naive UTC)."""
    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(assignment, duedate=due.astimezone(timezone.utc).replace(tzinfo=None))


def late_policy(db_url: str, assignment: str, percent_per_day: float) -> str:
    """The policy a grade was given under (due date and penalty), in words: regrade when it changes."""
    with Gradebook(db_url) as gb:
        due = gb.find_assignment(assignment).duedate
    return f"due {due or 'never'} UTC, {percent_per_day:g}% per day late"
