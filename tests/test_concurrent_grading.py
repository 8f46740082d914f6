"""Grading runs side by side on one machine: none touches another's students, none corrupts a
gradebook.

Each course has honest students and one whose function never returns: every call to it
times out, and after each timeout the grader kills everything of that student's sandbox
uid. Were two runs to share a uid, those kills would land on the other run's honest
students (as they did when uids were fixed per worker slot).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import contextmanager

from grading_support import (
    ROOT,
    full_marks,
    run_command,
    solution,
    submit,
    total_score,
    venv_environment,
    with_answers,
)

from autograder.release import enter_in_gradebook

HONEST = [f"honest{k}" for k in range(4)]
FAST_LIMITS = {"call_timeout": 2, "check_timeout": 4}  # many timeouts, hence many kills, quickly
ENDLESS = "def {name}(*args, **kwargs):\n    while True:\n        pass\n"
ENDLESS_FUNCTION = {"gradients": "svm_loss", "random_search": "random_search"}
FULL = {assignment: full_marks(assignment) for assignment in ENDLESS_FUNCTION}


def course_with(root, *assignments: str):
    """A course with the assignments' sources, honest submissions and one that loops forever in
    each."""
    for assignment in assignments:
        shutil.copytree(ROOT / "solutions" / assignment, root / "solutions" / assignment)
        for student in HONEST:
            submit(root, student, assignment, solution(assignment))
        name = ENDLESS_FUNCTION[assignment]
        submit(
            root,
            "looper",
            assignment,
            with_answers(solution(assignment), {}, ENDLESS.format(name=name), setup_last=True),
        )
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


def grade_command(assignment: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        assignment,
        "--jobs",
        "2",
        *(f"--{limit.replace('_', '-')}={value}" for limit, value in FAST_LIMITS.items()),
        *extra,
    ]


def plain_command(assignment: str, *extra: str) -> list[str]:
    """Plain ``nbgrader autograde`` of ``assignment``, with the same fast limits."""
    limits = (f"--RunHiddenChecks.{limit}={value}" for limit, value in FAST_LIMITS.items())
    return ["nbgrader", "autograde", assignment, *extra, *limits]


def start(command: list[str], cwd) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=venv_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def paused(process: subprocess.Popen, at_most: float = 300.0):
    """``process`` stopped while the block runs (at most ``at_most`` seconds), then continued. A
    stopped run keeps its assignment lock, however long a loaded machine takes to start the
    other one."""
    os.kill(process.pid, signal.SIGSTOP)
    deadline = threading.Timer(at_most, os.kill, (process.pid, signal.SIGCONT))
    deadline.start()
    try:
        yield
    finally:
        deadline.cancel()
        os.kill(process.pid, signal.SIGCONT)


def read_until(process: subprocess.Popen, said: str) -> str:
    """What ``process`` writes to stderr, up to the line that holds ``said`` or to its end."""
    lines = []
    for line in process.stderr:
        lines.append(line)
        if said in line:
            break
    return "".join(lines)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=900)
    return process.returncode, out, err


def finish_both(ours: subprocess.Popen, plain: subprocess.Popen) -> str:
    """Wait for our run and plain nbgrader's, which must both succeed; what plain nbgrader said."""
    code, _, err = finish(ours)
    plain_code, _, plain_err = finish(plain)
    assert code == 0, err[-3000:]
    assert plain_code == 0, plain_err[-3000:]
    return plain_err


def assert_honest_at_full_marks(course, assignment: str) -> None:
    scores = {s: total_score(course, assignment, s) for s in HONEST}
    assert scores == {s: FULL[assignment] for s in HONEST}, scores


def test_do_two_courses_graded_at_once_by_both_tools_leave_each_others_students_alone(tmp_path):
    first = course_with(tmp_path / "first", "gradients")
    second = course_with(tmp_path / "second", "random_search")
    enter_in_gradebook(second, "random_search")  # what nbgrader needs before a plain autograde
    ours = start(grade_command("gradients"), first)
    plain = start(plain_command("random_search"), second)
    finish_both(ours, plain)
    assert_honest_at_full_marks(first, "gradients")
    assert_honest_at_full_marks(second, "random_search")


def test_do_two_assignments_of_one_course_graded_at_once_both_finish_at_full_marks(tmp_path):
    course = course_with(tmp_path, "gradients", "random_search")
    runs = [
        start(grade_command(assignment), course) for assignment in ("gradients", "random_search")
    ]
    results = [finish(process) for process in runs]
    assert all(code == 0 for code, _, _ in results), [err[-3000:] for _, _, err in results]
    for assignment in ("gradients", "random_search"):
        assert_honest_at_full_marks(course, assignment)
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_is_a_second_run_of_the_same_assignment_refused_while_the_first_grades(tmp_path):
    course = course_with(tmp_path, "gradients")
    first = start(grade_command("gradients"), course)
    first.stderr.readline()  # one submission finished: the run holds its lock
    with paused(first):
        second = run_command(*grade_command("gradients"), cwd=course)
    code, _, err = finish(first)
    assert second.returncode == 3
    assert "gradients is being graded in this course by pid" in second.stderr, second.stderr
    assert "wait until it ends" in second.stderr
    assert code == 0, err[-3000:]
    assert_honest_at_full_marks(course, "gradients")
    again = run_command(*grade_command("gradients"), cwd=course)
    assert again.returncode == 0, again.stderr[-3000:]  # the lock went with the first run


def test_does_plain_nbgrader_wait_for_a_run_of_the_same_assignment(tmp_path):
    course = course_with(tmp_path, "gradients")
    ours = start(grade_command("gradients"), course)
    ours.stderr.readline()  # one submission finished: the run holds its lock
    waiting = "Waiting: gradients is being graded by pid"
    with paused(ours):  # until plain nbgrader waits, or ends without waiting
        plain = start(plain_command("gradients", "--force"), course)
        plain_err = read_until(plain, waiting)
    plain_err += finish_both(ours, plain)
    assert waiting in plain_err, plain_err[-3000:]
    assert_honest_at_full_marks(course, "gradients")
