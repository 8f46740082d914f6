"""The shared gradebook under contention: writers wait their turn, and a wait too long loses
nothing."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from grading_support import full_marks, make_course, solution, submit, total_score

from autograder import gradebook
from autograder.grading import grade
from autograder.options import GradingOptions
from autograder.records import read_record
from autograder.release import enter_in_gradebook

ASSIGNMENT = "schedules"
STUDENTS = ["ada", "bob", "cyd"]
FULL = full_marks(ASSIGNMENT)  # the automatic points; the written answer awaits an instructor


@pytest.fixture
def course(tmp_path, monkeypatch):
    course = make_course(tmp_path, ASSIGNMENT)
    for student in STUDENTS:
        submit(course, student, ASSIGNMENT, solution(ASSIGNMENT))
    enter_in_gradebook(course, ASSIGNMENT)
    # Forked workers see it; 5 times the brief hold.
    monkeypatch.setattr(gradebook, "GRADEBOOK_WAIT_SECONDS", 5)
    return course


def hold_write_lock(course, seconds: float) -> subprocess.Popen:
    """Another process writes to the gradebook for ``seconds`` (readers may still read); returns
    once it holds it.

    A separate process, as another grader would be: SQLite's locks must not be inherited by
    the forked workers.
    """
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys, time\n"
                f"db = sqlite3.connect({str(course / 'gradebook.db')!r}, isolation_level=None)\n"
                "db.execute('BEGIN IMMEDIATE')\n"
                "print('holding', flush=True)\n"
                f"time.sleep({seconds})\n"
                "db.rollback()\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_do_workers_wait_for_a_writer_that_holds_the_gradebook_briefly(course):
    holder = hold_write_lock(course, seconds=1)
    run = grade(course, ASSIGNMENT, GradingOptions(jobs=2))
    holder.wait()
    assert [(o.student, o.graded, o.score, o.problem) for o in run.outcomes] == [
        (s, True, FULL, "") for s in STUDENTS
    ]


def test_is_a_submission_that_waited_too_long_reported_and_graded_by_the_next_run(course):
    holder = hold_write_lock(course, seconds=30)
    started = time.monotonic()
    try:
        blocked = grade(course, ASSIGNMENT, GradingOptions(jobs=2))
    finally:
        holder.kill()
        holder.wait()
    assert (
        time.monotonic() - started < 30
    )  # each writer gave up after its wait, not when the lock went
    assert [o.graded for o in blocked.outcomes] == [False] * len(STUDENTS)
    assert all(
        "gradebook stayed locked by other writers for more than 5 s" in o.problem
        and "run the command again" in o.problem
        for o in blocked.outcomes
    ), [o.problem for o in blocked.outcomes]
    assert [read_record(course, ASSIGNMENT, s).status for s in STUDENTS] == ["not graded"] * len(
        STUDENTS
    )

    again = grade(course, ASSIGNMENT, GradingOptions(jobs=2))
    assert [(o.student, o.graded, o.score) for o in again.outcomes] == [
        (s, True, FULL) for s in STUDENTS
    ]
    assert [total_score(course, ASSIGNMENT, s) for s in STUDENTS] == [FULL] * len(STUDENTS)


def test_is_a_new_gradebook_stamped_with_the_schema_version_that_nbgraders_alembic_gives(tmp_path):
    """The grader reads the version in-process (gradebook.gradebook_schema_version); nbgrader
    would run `alembic heads`. Both must agree, or `nbgrader db upgrade` would migrate wrongly."""
    import sqlite3
    from pathlib import Path

    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////nonexistent.db") as alembic_ini:
        heads = subprocess.run(
            [Path(sys.executable).parent / "alembic", "-c", alembic_ini, "heads"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    with gradebook.open_gradebook(tmp_path):
        pass
    with sqlite3.connect(tmp_path / gradebook.GRADEBOOK) as db:
        (stamped,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert heads.split()[0] == stamped
