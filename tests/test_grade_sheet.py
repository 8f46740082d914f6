"""The grade sheet tells graded, not graded, refused and not submitted apart, and is never
stale."""

from __future__ import annotations

import csv
import shutil
import sys

import pytest
from grading_support import ROOT, full_marks, released, run_command, solution, submit
from nbgrader.api import Gradebook

from autograder.grade_sheet import NBGRADER_COLUMNS
from autograder.gradebook import gradebook_url
from autograder.grading import grade, summary
from autograder.options import GradingOptions
from autograder.preprocessors import run_hidden_checks
from autograder.sandbox.session import InfrastructureError

GRADED_ASSIGNMENT, OTHER_ASSIGNMENT = "gradients", "random_search"


def sheet(path) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, newline="") as handle:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}


def machine_failure(*args, **kwargs):
    raise InfrastructureError("the student process was killed from outside the grader 3 times")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """ada: graded in both assignments; bob: graded in one, nothing submitted for the other; eve:
    sent another exercise's notebook (refused); cyd: the machine failed while grading (not
    graded)."""
    course = tmp_path_factory.mktemp("course")
    for assignment in (GRADED_ASSIGNMENT, OTHER_ASSIGNMENT):
        shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    submit(course, "ada", GRADED_ASSIGNMENT, solution(GRADED_ASSIGNMENT))
    submit(course, "ada", OTHER_ASSIGNMENT, solution(OTHER_ASSIGNMENT))
    submit(course, "bob", GRADED_ASSIGNMENT, released(GRADED_ASSIGNMENT))
    submit(course, "eve", GRADED_ASSIGNMENT, solution(OTHER_ASSIGNMENT))
    submit(course, "cyd", GRADED_ASSIGNMENT, solution(GRADED_ASSIGNMENT))
    grade(course, GRADED_ASSIGNMENT, GradingOptions(students=["ada", "bob", "eve"], jobs=2))
    grade(course, OTHER_ASSIGNMENT, GradingOptions(jobs=1))
    with pytest.MonkeyPatch.context() as patch:  # the forked workers inherit it
        patch.setattr(run_hidden_checks, "run_checks", machine_failure)
        grade(course, GRADED_ASSIGNMENT, GradingOptions(students=["cyd"], jobs=1))
    return course


def test_does_the_sheet_keep_nbgraders_columns_and_add_status_reason_and_the_two_parts(course):
    with open(course / "grades.csv", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == NBGRADER_COLUMNS + [
        "status",
        "reason",
        "auto_score",
        "max_auto_score",
        "manual_score",
        "max_manual_score",
    ]


def test_does_the_sheet_tell_the_four_standings_apart(course):
    rows = sheet(course / "grades.csv")
    standing = {key: (row["status"], row["score"]) for key, row in rows.items()}
    # ada's written answer awaits an instructor: no total yet, the automatic part in full.
    assert standing[GRADED_ASSIGNMENT, "ada"] == ("awaiting manual grading", "")
    assert float(rows[GRADED_ASSIGNMENT, "ada"]["auto_score"]) == full_marks(GRADED_ASSIGNMENT)
    assert standing[GRADED_ASSIGNMENT, "bob"] == ("graded", "0.0")  # a real zero: the stubs
    assert standing[GRADED_ASSIGNMENT, "eve"] == ("refused", "")
    assert standing[GRADED_ASSIGNMENT, "cyd"] == ("not graded", "")
    assert standing[OTHER_ASSIGNMENT, "bob"] == ("not submitted", "")
    assert "is not the gradients exercise" in rows[GRADED_ASSIGNMENT, "eve"]["reason"]
    assert "killed from outside the grader" in rows[GRADED_ASSIGNMENT, "cyd"]["reason"]


def test_do_rows_without_a_grade_leave_every_score_empty(course):
    for row in sheet(course / "grades.csv").values():
        if row["status"] != "graded":
            assert row["raw_score"] == row["late_submission_penalty"] == row["score"] == "", row


def test_does_nbgrader_export_write_the_same_sheet(course):
    result = run_command("nbgrader", "export", "--to", "exported.csv", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sheet(course / "exported.csv") == sheet(course / "grades.csv")


def test_is_a_submission_the_machine_failed_on_graded_by_the_next_run(course, tmp_path):
    again = grade(course, GRADED_ASSIGNMENT, GradingOptions(jobs=1))
    outcomes = {o.student: o for o in again.outcomes}
    assert outcomes["cyd"].graded and outcomes["cyd"].auto_score == full_marks(GRADED_ASSIGNMENT)
    assert "unchanged since it was graded" in outcomes["ada"].problem
    assert sheet(course / "grades.csv")[GRADED_ASSIGNMENT, "cyd"]["status"] == (
        "awaiting manual grading"
    )


def set_manual_score(course, assignment: str, student: str, cell: str, points: float) -> None:
    """What formgrader does when an instructor overrides a cell's score."""
    with Gradebook(gradebook_url(course)) as gb:
        grade_row = gb.find_grade(cell, assignment, assignment, student)
        grade_row.manual_score = points
        gb.db.commit()


def test_does_export_bring_a_manual_grade_to_the_sheet(course):
    set_manual_score(course, GRADED_ASSIGNMENT, "bob", "test_svm_loss", 2.5)
    assert (
        sheet(course / "grades.csv")[GRADED_ASSIGNMENT, "bob"]["score"] == "0.0"
    )  # written before it
    result = run_command(sys.executable, "-m", "autograder", "export", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sheet(course / "grades.csv")[GRADED_ASSIGNMENT, "bob"]["score"] == "2.5"


def test_does_a_regrade_say_which_manual_grades_it_flagged(course):
    set_manual_score(course, GRADED_ASSIGNMENT, "ada", "test_relative_error", 1.5)
    run_ = grade(course, GRADED_ASSIGNMENT, GradingOptions(students=["ada"], jobs=1))
    (ada,) = run_.outcomes
    assert ada.manual_grades_flagged == ["test_relative_error (manual 1.5 points kept)"]
    assert "manual grades flagged for review in formgrader: test_relative_error" in summary(run_)
    row = sheet(course / "grades.csv")[GRADED_ASSIGNMENT, "ada"]
    # Her written answer is still to grade: the reason names it, and formgrader shows the flag.
    assert row["status"] == "awaiting manual grading" and "explain_" in row["reason"]


def test_does_no_score_show_as_a_test_cells_output(course):
    import nbformat

    notebook = nbformat.read(
        course / "autograded" / "ada" / GRADED_ASSIGNMENT / f"{GRADED_ASSIGNMENT}.ipynb",
        as_version=4,
    )
    tests = [
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    ]
    assert tests and all(c.outputs for c in tests)
    assert all(
        o.output_type == "stream" for c in tests for o in c.outputs
    )  # the report, no `Out[ ]: 4.0`


def test_does_formgraders_feedback_carry_nothing_of_the_grader(course):
    result = run_command("nbgrader", "generate_feedback", GRADED_ASSIGNMENT, "--force", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    files = sorted(p.name for p in (course / "feedback").rglob("*") if p.is_file())
    assert files and all(
        name == f"{GRADED_ASSIGNMENT}.html" or name == f"{OTHER_ASSIGNMENT}.html" for name in files
    ), files
