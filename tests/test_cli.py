"""The instructor's commands, run as an instructor runs them, and nbgrader's own tools on the
result."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from grading_support import (
    ROOT,
    full_marks,
    make_course,
    released,
    run_command,
    solution,
    submit,
    venv_environment,
    without_written_answers,
)

from autograder.records import read_record

ASSIGNMENT = "gradients"
AUTOMATIC = full_marks(ASSIGNMENT)  # the hidden checks' points
# The grade cells of the notebook: its test cells and its written answers (graded by hand).
GRADED = [
    c.metadata["nbgrader"]
    for c in solution(ASSIGNMENT).cells
    if c.metadata.get("nbgrader", {}).get("grade")
]
TEST_CELLS = [m["grade_id"] for m in GRADED if not m.get("solution")]
WRITTEN = [(m["grade_id"], m["points"]) for m in GRADED if m.get("solution")]
TOTAL = AUTOMATIC + sum(points for _, points in WRITTEN)  # with the written answers


def answered():
    """The solution with its written answers left as released (scored 0, nothing pending): graded
    at once on its automatic points, TOTAL the most it could get."""
    return without_written_answers(solution(ASSIGNMENT), ASSIGNMENT)


def autograder(*args: str, cwd) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS``, run in ``cwd``."""
    return run_command(sys.executable, "-m", "autograder", *args, cwd=cwd)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("course"), ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    submit(course, "ada", ASSIGNMENT, solution(ASSIGNMENT))
    submit(course, "bob", ASSIGNMENT, released(ASSIGNMENT))
    return course


def test_does_grade_print_a_summary_and_write_every_output(course):
    result = autograder("grade", ASSIGNMENT, cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    # In the order they finish: ada's written answer awaits a grader, bob's (left as released)
    # is scored 0.
    assert f"ada: {AUTOMATIC:g}/{AUTOMATIC:g} + written pending" in result.stderr, result.stderr
    assert f"bob: 0/{TOTAL:g}" in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    written_points = TOTAL - AUTOMATIC
    assert any(
        line.split()
        == ["ada", "automatic", f"{AUTOMATIC:g}", "/", f"{AUTOMATIC:g};", "written"]
        + [f"{written_points:g}", "points", "pending", "(grade", "in", "formgrader)"]
        for line in lines
    ), result.stdout
    assert any(
        line.split()[:4] == ["bob", "0", "/", f"{TOTAL:g}"]
        and f"(automatic 0 / {AUTOMATIC:g}, written 0 / {written_points:g})" in line
        for line in lines
    ), result.stdout
    per_cell = {line.split()[0]: line.split()[1:] for line in lines if line.split()}
    # test cell: points, full, partial, zero
    assert all(per_cell[name][1:] == ["1", "0", "1"] for name in TEST_CELLS), result.stdout
    # written answer: points, to grade, full, partial, zero
    for name, points in WRITTEN:
        assert per_cell[name] == [f"{points:g}", "1", "0", "0", "1"], result.stdout
    for student in ("ada", "bob"):
        assert (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()
        assert (course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert (course / "grades.csv").exists()


def test_does_nbgrader_export_read_the_grades(course):
    result = run_command("nbgrader", "export", "--to", "export.csv", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(course / "export.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    read = {
        name: (row["status"], row["score"], float(row["auto_score"])) for name, row in rows.items()
    }
    # ada's written answer awaits a grader: no total yet (not a zero), her automatic points apart.
    assert read == {
        "ada": ("awaiting manual grading", "", AUTOMATIC),
        "bob": ("graded", "0.0", 0.0),
    }


def test_does_regrading_one_student_keep_the_others(course):
    submit(course, "bob", ASSIGNMENT, solution(ASSIGNMENT))
    result = autograder("grade", ASSIGNMENT, "--student", "bob", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ada:" not in result.stderr
    assert f"[1/1] bob: {AUTOMATIC:g}/{AUTOMATIC:g} + written pending" in result.stderr
    # Both await the grading of their written answer: the automatic part is what stands.
    assert grades(course, "auto_score") == [("ada", AUTOMATIC), ("bob", AUTOMATIC)]
    assert {status for _, status in grades(course, "status", str)} == {"awaiting manual grading"}


def test_does_the_cli_refuse_an_unknown_assignment(course):
    result = autograder("grade", "nonexistent", cwd=course)
    assert result.returncode == 2
    assert "no such assignment: nonexistent (known: gradients)" in result.stderr


def test_does_release_regenerate_the_exercises(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    result = autograder("release", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "released gradients -> exercises/gradients/" in result.stdout
    generated = (course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
    assert generated == (ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()


def test_does_a_broken_submission_get_a_clear_reason_and_spare_the_others(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    submit(course, "ada", ASSIGNMENT, answered())
    submit(course, "empty", ASSIGNMENT, "")
    submit(course, "latin1", ASSIGNMENT, "caf\xe9".encode("latin-1"))
    submit(course, "notjson", ASSIGNMENT, "{ not json")
    submit(course, "notanotebook", ASSIGNMENT, '{"cells": 3}')
    (course / "submitted" / "renamed" / ASSIGNMENT).mkdir(parents=True)
    (course / "submitted" / "renamed" / ASSIGNMENT / "Copy of gradients.ipynb").write_text("{}")
    result = autograder("grade", ASSIGNMENT, cwd=course)
    assert result.returncode == 1, "a submission that cannot be graded makes the run's exit code 1"
    reasons = {line.split()[0]: line for line in result.stdout.splitlines() if "refused" in line}
    assert "gradients.ipynb is empty" in reasons["empty"]
    assert "gradients.ipynb is not UTF-8 text" in reasons["latin1"]
    assert "gradients.ipynb is not valid JSON" in reasons["notjson"]
    assert "gradients.ipynb is not a valid notebook" in reasons["notanotebook"]
    assert (
        "no gradients.ipynb in the submission (found: Copy of gradients.ipynb)"
        in reasons["renamed"]
    )
    assert any(
        line.split()[:4] == ["ada", f"{AUTOMATIC:g}", "/", f"{TOTAL:g}"]
        for line in result.stdout.splitlines()
    ), result.stdout


def grades(course, column: str = "score", kind=float) -> list[tuple[str, object]]:
    """Each student's ``column`` of grades.csv (the total, by default: only a graded row has
    one)."""
    with open(course / "grades.csv") as handle:
        return sorted((row["student_id"], kind(row[column])) for row in csv.DictReader(handle))


def test_does_a_second_run_grade_only_what_is_new_or_changed(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    submit(course, "ada", ASSIGNMENT, answered())
    submit(course, "bob", ASSIGNMENT, released(ASSIGNMENT))
    assert autograder("grade", ASSIGNMENT, "--jobs", "2", cwd=course).returncode == 0
    submit(course, "bob", ASSIGNMENT, answered())  # resubmitted
    submit(course, "cyd", ASSIGNMENT, released(ASSIGNMENT))  # new
    again = autograder("grade", ASSIGNMENT, "--jobs", "2", cwd=course)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "ada:" not in again.stderr, again.stderr
    assert f"bob: {AUTOMATIC:g}/{TOTAL:g}" in again.stderr, again.stderr
    assert f"cyd: 0/{TOTAL:g}" in again.stderr, again.stderr
    assert "unchanged since it was graded" in next(
        line for line in again.stdout.splitlines() if line.startswith("ada")
    )
    assert grades(course) == [("ada", AUTOMATIC), ("bob", AUTOMATIC), ("cyd", 0.0)]
    forced = autograder("grade", ASSIGNMENT, "--force", cwd=course)
    assert all(f"{name}:" in forced.stderr for name in ("ada", "bob", "cyd"))


def test_does_a_run_killed_midway_finish_when_started_again_counting_nothing_twice(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    names = [f"s{k:02d}" for k in range(8)]
    for name in names:
        submit(course, name, ASSIGNMENT, answered())
    first = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--jobs", "2"],
        cwd=course,
        env=venv_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    for line in first.stderr:  # the first finished submission: kill the grader and its workers
        if line.startswith("[1/8]"):
            os.killpg(first.pid, signal.SIGKILL)
            break
    first.wait(timeout=60)
    graded_before = sum(
        getattr(read_record(course, ASSIGNMENT, name), "status", None) == "graded"
        for name in names
    )
    assert 1 <= graded_before < len(names)
    again = autograder("grade", ASSIGNMENT, "--jobs", "2", cwd=course)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stderr.count(f": {AUTOMATIC:g}/{TOTAL:g}") == len(names) - graded_before
    assert grades(course) == [(name, AUTOMATIC) for name in names]


DUE = "2026-12-01 23:59"
STAMPS = {  # nbgrader's timestamp of each late course's submission
    "early": "2026-11-30 12:00:00.000000 UTC",
    "late": "2026-12-02 01:00:00.000000 UTC",
    "very_late": "2026-12-20 00:00:00.000000 UTC",
}


def submit_at(course, name: str, stamp: str) -> None:
    """A right submission of ``name``, collected at ``stamp``."""
    submit(course, name, ASSIGNMENT, answered())
    (course / "submitted" / name / ASSIGNMENT / "timestamp.txt").write_text(stamp)


def late_course(tmp_path, students=("early", "late")):
    course = make_course(tmp_path, ASSIGNMENT)
    for name in students:
        submit_at(course, name, STAMPS[name])
    return course


def grade_under_penalty(course, percent: str, *flags: str) -> subprocess.CompletedProcess:
    """Grade with the due date DUE and ``percent`` off per started day late."""
    return autograder(
        "grade", ASSIGNMENT, "--due", DUE, "--late-penalty-per-day", percent, *flags, cwd=course
    )


def test_is_late_work_penalized_by_the_stated_policy_on_nbgraders_timestamps(tmp_path):
    course = late_course(tmp_path, STAMPS)
    result = grade_under_penalty(course, "20")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.split()}
    late = AUTOMATIC * (1 - 0.20)  # one started day: 20% off
    assert lines["early"].split()[:4] == ["early", f"{AUTOMATIC:g}", "/", f"{TOTAL:g}"]
    assert "late by" not in lines["early"]
    assert (
        lines["late"].split()[:4] == ["late", f"{late:g}", "/", f"{TOTAL:g}"]
        and "late by 1 h 1 min" in lines["late"]
    )
    # 19 started days: all of it.
    assert lines["very_late"].split()[:4] == ["very_late", "0", "/", f"{TOTAL:g}"]
    assert grades(course) == [
        ("early", AUTOMATIC),
        ("late", pytest.approx(late)),
        ("very_late", 0.0),
    ]


def test_is_the_late_policy_kept_by_a_plain_rerun_and_shown(tmp_path):
    course = late_course(tmp_path)
    first = grade_under_penalty(course, "10")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "late policy: due 2026-12-01 23:59 UTC, 10% off per started day late" in first.stdout
    submit_at(course, "new", "2026-12-02 02:00:00.000000 UTC")
    again = autograder("grade", ASSIGNMENT, cwd=course)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "late policy: due 2026-12-01 23:59 UTC, 10% off per started day late" in again.stdout
    assert "early:" not in again.stderr and "late:" not in again.stderr  # nothing changed for them
    late = pytest.approx(AUTOMATIC * (1 - 0.10))  # one started day: 10% off
    assert grades(course) == [("early", AUTOMATIC), ("late", late), ("new", late)]


def test_does_a_changed_late_policy_regrade_everyone_under_it_even_with_student(tmp_path):
    course = late_course(tmp_path)
    assert grade_under_penalty(course, "10").returncode == 0
    changed = autograder(
        "grade", ASSIGNMENT, "--student", "early", "--late-penalty-per-day", "50", cwd=course
    )
    assert changed.returncode == 0, changed.stderr[-3000:]
    # Graded under the old policy: again.
    assert "early:" in changed.stderr and "late:" in changed.stderr
    assert (
        "50% off per started day late (changed by this run; was: due 2026-12-01 23:59 UTC, 10% off"
        in changed.stdout
    )
    assert grades(course) == [("early", AUTOMATIC), ("late", pytest.approx(AUTOMATIC * 0.5))]
    records = {name: read_record(course, ASSIGNMENT, name).policy for name in ("early", "late")}
    assert len(set(records.values())) == 1  # one assignment, one policy


def test_does_grading_a_student_without_a_submission_say_so(course):
    result = autograder("grade", ASSIGNMENT, "--student", "ghost", cwd=course)
    assert result.returncode == 2
    assert (
        "no submission of gradients from ghost (nothing in submitted/ghost/gradients/)"
        in result.stderr
    )


# `python -m autograder grade` with the sandbox's program redirected: isolation.bwrap() looks in
# /usr/bin before PATH, so a changed PATH cannot hide or replace it; this runs the real command
# line with that one function replaced (the first argument: the program it returns, or "" for
# none).
WITH_BWRAP = """
import sys
from autograder.sandbox import isolation
program = sys.argv.pop(1)
isolation.bwrap = lambda: program or None
from autograder.__main__ import main
sys.exit(main(sys.argv[1:]))
"""
UID_MAP_DENIED = "bwrap: setting up uid map: Permission denied"


def students_in_gradebook(course) -> list[str]:
    from nbgrader.api import Gradebook

    from autograder.gradebook import gradebook_url

    if not (course / "gradebook.db").exists():
        return []
    with Gradebook(gradebook_url(course)) as gb:
        return [student.id for student in gb.students]


@pytest.mark.parametrize("cause", ["bwrap missing", "user namespaces forbidden"])
def test_does_grade_refuse_to_start_where_the_sandbox_cannot_run(tmp_path, cause):
    from autograder.sandbox.isolation import BWRAP_MISSING

    course = make_course(tmp_path / "course", ASSIGNMENT)
    for name in ("ada", "bob"):
        submit(course, name, ASSIGNMENT, solution(ASSIGNMENT))
    # A bwrap that fails as Ubuntu's AppArmor (or a container's seccomp) makes it fail, in a folder
    # that anyone may enter (pytest's are closed to others): as root the grader runs bwrap as a
    # sandbox uid.
    folder = Path(tempfile.mkdtemp(prefix="fake-bwrap-"))
    try:
        fake = folder / "bwrap"
        fake.write_text(f"#!/bin/sh\necho '{UID_MAP_DENIED}' >&2\nexit 1\n")
        fake.chmod(0o755)
        folder.chmod(0o755)
        program = "" if cause == "bwrap missing" else str(fake)
        result = run_command(
            sys.executable, "-c", WITH_BWRAP, program, "grade", ASSIGNMENT, cwd=course
        )
    finally:
        shutil.rmtree(folder)
    said = result.stdout + result.stderr
    reason = BWRAP_MISSING if cause == "bwrap missing" else f"bwrap said: {UID_MAP_DENIED}"
    assert result.returncode == 4, said[-3000:]
    assert result.stdout == "" and any(
        line.startswith("not started: ") and reason in line for line in result.stderr.splitlines()
    ), said[-3000:]
    assert said.count(reason) == 1 and said.count("not started") == 1, said[
        -3000:
    ]  # once, for the run
    if cause == "user namespaces forbidden":
        assert "apparmor" in result.stderr.lower(), result.stderr  # what to do about it
    # Nothing was graded, recorded or written: no student was even entered in the gradebook.
    assert "ada:" not in said and "bob:" not in said and "not graded" not in said
    assert [read_record(course, ASSIGNMENT, name) for name in ("ada", "bob")] == [None, None]
    assert students_in_gradebook(course) == []
    for output in ("autograded", "feedback", "grades.csv", ".autograder/records"):
        assert not (course / output).exists(), output
