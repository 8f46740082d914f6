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
    make_course,
    released,
    run_command,
    solution,
    submit,
    venv_environment,
)

from autograder.records import read_record

ASSIGNMENT = "gradients"


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
    assert (
        "ada: 10/10" in result.stderr and "bob: 0/10" in result.stderr
    )  # in the order they finish
    lines = result.stdout.splitlines()
    assert any(line.split() == ["ada", "10", "/", "10"] for line in lines), result.stdout
    assert any(line.split() == ["bob", "0", "/", "10"] for line in lines), result.stdout
    per_cell = [
        line.split() for line in lines if line.startswith("test_")
    ]  # cell, points, full, partial, zero
    assert len(per_cell) == 4 and all(row[2:] == ["1", "0", "1"] for row in per_cell), (
        result.stdout
    )
    for student in ("ada", "bob"):
        assert (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()
        assert (course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert (course / "grades.csv").exists()


def test_does_nbgrader_export_read_the_grades(course):
    result = run_command("nbgrader", "export", "--to", "export.csv", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(course / "export.csv") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == {"ada": 10.0, "bob": 0.0}


def test_does_regrading_one_student_keep_the_others(course):
    submit(course, "bob", ASSIGNMENT, solution(ASSIGNMENT))
    result = autograder("grade", ASSIGNMENT, "--student", "bob", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ada:" not in result.stderr and "[1/1] bob: 10/10" in result.stderr
    with open(course / "grades.csv") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == {"ada": 10.0, "bob": 10.0}


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
    submit(course, "ada", ASSIGNMENT, solution(ASSIGNMENT))
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
    assert any(line.split() == ["ada", "10", "/", "10"] for line in result.stdout.splitlines())


def grades(course) -> list[tuple[str, float]]:
    with open(course / "grades.csv") as handle:
        return sorted((row["student_id"], float(row["score"])) for row in csv.DictReader(handle))


def test_does_a_second_run_grade_only_what_is_new_or_changed(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    submit(course, "ada", ASSIGNMENT, solution(ASSIGNMENT))
    submit(course, "bob", ASSIGNMENT, released(ASSIGNMENT))
    assert autograder("grade", ASSIGNMENT, "--jobs", "2", cwd=course).returncode == 0
    submit(course, "bob", ASSIGNMENT, solution(ASSIGNMENT))  # resubmitted
    submit(course, "cyd", ASSIGNMENT, released(ASSIGNMENT))  # new
    again = autograder("grade", ASSIGNMENT, "--jobs", "2", cwd=course)
    assert again.returncode == 0, again.stderr[-3000:]
    assert (
        "ada:" not in again.stderr and "bob: 10/10" in again.stderr and "cyd: 0/10" in again.stderr
    )
    assert "unchanged since it was graded" in next(
        line for line in again.stdout.splitlines() if line.startswith("ada")
    )
    assert grades(course) == [("ada", 10.0), ("bob", 10.0), ("cyd", 0.0)]
    forced = autograder("grade", ASSIGNMENT, "--force", cwd=course)
    assert all(f"{name}:" in forced.stderr for name in ("ada", "bob", "cyd"))


def test_does_a_run_killed_midway_finish_when_started_again_counting_nothing_twice(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    names = [f"s{k:02d}" for k in range(8)]
    for name in names:
        submit(course, name, ASSIGNMENT, solution(ASSIGNMENT))
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
    assert again.stderr.count(": 10/10") == len(names) - graded_before
    assert grades(course) == [(name, 10.0) for name in names]


DUE = "2026-12-01 23:59"
STAMPS = {  # nbgrader's timestamp of each late course's submission
    "early": "2026-11-30 12:00:00.000000 UTC",
    "late": "2026-12-02 01:00:00.000000 UTC",
    "very_late": "2026-12-20 00:00:00.000000 UTC",
}


def submit_at(course, name: str, stamp: str) -> None:
    """A right submission of ``name``, collected at ``stamp``."""
    submit(course, name, ASSIGNMENT, solution(ASSIGNMENT))
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
    assert lines["early"].split() == ["early", "10", "/", "10"]
    assert (
        lines["late"].split()[:4] == ["late", "8", "/", "10"]
        and "late by 1 h 1 min" in lines["late"]
    )
    # 19 started days: all of it.
    assert lines["very_late"].split()[:4] == ["very_late", "0", "/", "10"]
    assert grades(course) == [("early", 10.0), ("late", 8.0), ("very_late", 0.0)]


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
    assert grades(course) == [("early", 10.0), ("late", 9.0), ("new", 9.0)]


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
    assert grades(course) == [("early", 10.0), ("late", 5.0)]
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
