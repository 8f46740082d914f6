"""A written answer: an nbgrader manually graded cell, with its rubric secret from students and
shown to the instructor in formgrader, and its points counted apart from the automatic ones
(pending, not zero, until graded by hand). The momentum exercise has one: explain_friction."""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest
from grading_support import (
    feedback_text,
    make_course,
    released,
    solution,
    submit,
    venv_environment,
)

from autograder.gradebook import open_gradebook

ASSIGNMENT, ANSWER, QUESTION = "momentum", "explain_friction", "explain_friction_question"
RUBRIC = "Rubric (instructor only"


def sheet(course) -> dict[str, dict[str, str]]:
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def command(course, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=course,
        env=venv_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """ada wrote an answer (the solution's), bob left it as released (and every stub)."""
    course = make_course(tmp_path_factory.mktemp("written"), ASSIGNMENT)
    submit(course, "ada", ASSIGNMENT, solution(ASSIGNMENT))
    submit(course, "bob", ASSIGNMENT, released(ASSIGNMENT))
    result = command(course, "grade", ASSIGNMENT)
    assert result.returncode == 0, result.stderr[-3000:]
    return course, result.stdout


def cell(notebook, grade_id: str):
    (found,) = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return found


def test_is_the_written_answer_a_manually_graded_cell_in_the_gradebook(graded):
    course, _ = graded
    role = cell(solution(ASSIGNMENT), ANSWER).metadata.nbgrader
    assert role["grade"] and role["solution"] and role["points"] > 0
    with open_gradebook(course) as gb:
        grades = {
            student: {
                g.name: g
                for nb in gb.find_submission(ASSIGNMENT, student).notebooks
                for g in nb.grades
            }
            for student in ("ada", "bob")
        }
        ada, bob = grades["ada"][ANSWER], grades["bob"][ANSWER]
        assert ada.auto_score is None and ada.needs_manual_grade  # left to the instructor
        assert bob.auto_score == 0.0 and not bob.needs_manual_grade  # no answer: nbgrader's zero


def test_is_the_rubric_in_the_source_and_what_formgrader_shows_but_not_in_the_release_or_feedback(
    graded,
):
    course, _ = graded
    assert RUBRIC in cell(solution(ASSIGNMENT), QUESTION).source
    assert RUBRIC not in nbformat.writes(released(ASSIGNMENT))
    for student in ("ada", "bob"):
        # formgrader shows the autograded notebook
        shown = nbformat.read(
            course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
        )
        assert RUBRIC in cell(shown, QUESTION).source
        feedback = feedback_text(course, ASSIGNMENT, student)
        assert "A written answer (graded by hand" in feedback
        assert RUBRIC not in feedback and "MARK SCHEME" not in feedback


def test_is_the_rubric_restored_without_a_changed_checksum_warning(graded):
    course, _ = graded
    log = (course / ".autograder").exists() and command(course, "grade", ASSIGNMENT, "--force")
    assert log and log.returncode == 0
    assert "checksum" not in log.stderr and QUESTION not in log.stderr


def test_do_the_summary_and_the_sheet_count_a_pending_written_answer_apart_not_as_zero(graded):
    course, stdout = graded
    assert "ada      automatic 13 / 13; written 2 points pending (grade in formgrader)" in stdout
    assert (
        "explain_friction       2         1" in stdout
    )  # the table of written answers: 1 to grade
    rows = sheet(course)
    ada = rows["ada"]
    assert ada["status"] == "awaiting manual grading"
    assert ada["raw_score"] == ada["score"] == ada["manual_score"] == ""
    assert (ada["auto_score"], ada["max_auto_score"], ada["max_manual_score"]) == (
        "13.0",
        "13.0",
        "2.0",
    )
    assert "explain_friction" in ada["reason"]
    bob = rows["bob"]
    assert (bob["status"], bob["score"], bob["manual_score"]) == ("graded", "0.0", "0.0")


def test_does_export_bring_the_hand_graded_points_to_the_sheet(graded, tmp_path):
    course, _ = graded
    with open_gradebook(course) as gb:
        gb.find_grade(ANSWER, ASSIGNMENT, ASSIGNMENT, "ada").manual_score = 1.5
        gb.db.commit()
    result = command(course, "export", "--to", str(tmp_path / "after.csv"))
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "after.csv", newline="") as handle:
        ada = {row["student_id"]: row for row in csv.DictReader(handle)}["ada"]
    assert (ada["status"], ada["score"], ada["auto_score"], ada["manual_score"]) == (
        "graded",
        "14.5",
        "13.0",
        "1.5",
    )
