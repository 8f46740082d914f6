"""A gradebook in PostgreSQL: grading gives the scores it gives into SQLite, graders writing at
once lose nothing and count nothing twice, and nbgrader's export and formgrader read it.

The server is started by the tests, throwaway (tests/postgresql_server.py); each course gets a
database of its own, named in its .autograder/gradebook_url as an instructor would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from grading_support import (
    ROOT,
    alternative_notebook,
    cell_scores,
    full_marks,
    make_course,
    released,
    run_command,
    solution,
    submit,
    total_score,
    venv_environment,
    with_answers,
)
from postgresql_server import start_server

from autograder.gradebook import GRADEBOOK, GRADEBOOK_URL_FILE, open_gradebook
from autograder.grading import grade
from autograder.options import GradingOptions

ASSIGNMENT = "gradients"
WRONG_SVM = "def svm_loss(W, X, y):\n    return 0.0, np.zeros_like(W)\n"
# Right, one function wrong, nothing done, and right in another style: full, partial and no marks.
SUBMISSIONS = {
    "ada": solution(ASSIGNMENT),
    "bob": with_answers(solution(ASSIGNMENT), {"svm_loss": WRONG_SVM}),
    "cyd": released(ASSIGNMENT),
    "dee": alternative_notebook(ASSIGNMENT, "copies_and_einsum"),
}


@pytest.fixture(scope="module")
def server():
    with start_server() as server:
        yield server


def in_postgresql(course, server, database: str):
    """The course's gradebook made a new database of the server, as an instructor names it."""
    (course / GRADEBOOK_URL_FILE).parent.mkdir(parents=True, exist_ok=True)
    (course / GRADEBOOK_URL_FILE).write_text(server.create_database(database) + "\n")
    return course


def course_with_submissions(course):
    make_course(course, ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for student, notebook in SUBMISSIONS.items():
        submit(course, student, ASSIGNMENT, notebook)
    return course


@pytest.fixture(scope="module")
def graded(server, tmp_path_factory):
    """The same submissions graded into SQLite (the default) and into PostgreSQL: the two
    courses."""
    sqlite = course_with_submissions(tmp_path_factory.mktemp("sqlite"))
    postgresql = in_postgresql(
        course_with_submissions(tmp_path_factory.mktemp("postgresql")), server, "graded"
    )
    for course in (sqlite, postgresql):
        run = grade(course, ASSIGNMENT, GradingOptions(jobs=2))
        assert all(o.graded for o in run.outcomes), [o.problem for o in run.outcomes]
    return sqlite, postgresql


def test_does_a_grade_run_into_postgresql_give_the_scores_it_gives_into_sqlite(graded):
    sqlite, postgresql = graded
    assert (sqlite / GRADEBOOK).exists()
    assert not (postgresql / GRADEBOOK).exists()  # every score went to the server
    for student in SUBMISSIONS:
        assert cell_scores(postgresql, ASSIGNMENT, student) == cell_scores(
            sqlite, ASSIGNMENT, student
        ), student
        assert total_score(postgresql, ASSIGNMENT, student) == total_score(
            sqlite, ASSIGNMENT, student
        )
    # Full, partial and no marks: the comparison covers each kind of score.
    totals = {s: total_score(postgresql, ASSIGNMENT, s) for s in SUBMISSIONS}
    assert totals["ada"] == totals["dee"] == full_marks(ASSIGNMENT)
    assert 0 < totals["bob"] < full_marks(ASSIGNMENT)
    assert totals["cyd"] == 0
    assert (postgresql / "grades.csv").read_text() == (sqlite / "grades.csv").read_text()


def test_do_nbgrader_export_and_the_autograders_export_read_a_postgresql_gradebook(graded):
    sqlite, postgresql = graded
    expected = (sqlite / "grades.csv").read_text()
    plain = run_command("nbgrader", "export", "--to", "plain.csv", cwd=postgresql)
    assert plain.returncode == 0, plain.stderr[-3000:]
    ours = run_command(
        sys.executable, "-m", "autograder", "export", "--to", "ours.csv", cwd=postgresql
    )
    assert ours.returncode == 0, ours.stderr[-3000:]
    assert (postgresql / "plain.csv").read_text() == expected
    assert (postgresql / "ours.csv").read_text() == expected
    assert not (postgresql / GRADEBOOK).exists()


def test_does_formgraders_api_read_a_postgresql_gradebook(graded):
    """nbgrader's API as formgrader makes it: from the course's nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    sqlite, postgresql = graded

    def submissions(course) -> dict[str, tuple]:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        if course == postgresql:
            assert api.coursedir.db_url.startswith("postgresql+psycopg://")
        return {
            s["student"]: (s["score"], s["max_score"], s["needs_manual_grade"])
            for s in api.get_submissions(ASSIGNMENT)
        }

    seen = submissions(postgresql)
    assert seen == submissions(sqlite)
    assert seen["ada"][0] == full_marks(ASSIGNMENT)


def grading(course, assignment: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", assignment, "--jobs", "2"],
        cwd=course,
        env=venv_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_do_graders_writing_to_one_postgresql_gradebook_at_once_lose_nothing_nor_count_twice(
    server, tmp_path
):
    """Two runs, of two assignments with the same students, each with two workers: four
    writers at once, two of them entering the same students."""
    students = [f"s{k}" for k in range(4)]
    assignments = ["gradients", "random_search"]
    course = in_postgresql(tmp_path, server, "shared")
    for assignment in assignments:
        make_course(course, assignment)
        for student in students:
            submit(course, student, assignment, solution(assignment))
    runs = [grading(course, assignment) for assignment in assignments]
    results = [run.communicate(timeout=1800) + (run.returncode,) for run in runs]
    assert all(code == 0 for _, _, code in results), [err[-3000:] for _, err, _ in results]
    for assignment in assignments:
        for student in students:
            assert total_score(course, assignment, student) == full_marks(assignment)
    with open_gradebook(course) as gb:
        assert sorted(s.id for s in gb.students) == students
        for assignment in assignments:
            entered = gb.find_assignment(assignment)
            assert sorted(s.student.id for s in entered.submissions) == students
            cells = sum(len(notebook.grade_cells) for notebook in entered.notebooks)
            grades = [g for s in entered.submissions for n in s.notebooks for g in n.grades]
            assert len(grades) == cells * len(students)
    with server.connect("shared") as db:
        # Nothing twice, whichever path nbgrader's objects take: the rows themselves.
        rows = db.execute(
            "select count(*), count(distinct (assignment_id, student_id))"
            " from submitted_assignment"
        ).fetchone()
        assert rows == (len(students) * len(assignments),) * 2
    assert not (course / GRADEBOOK).exists()


ENTER = """
import json, sys
from autograder.gradebook import add_students
print("ready", flush=True)
sys.stdin.readline()  # every process is ready: all enter the students at once
add_students(sys.argv[1], json.loads(sys.argv[2]))
"""


def test_do_graders_entering_the_same_students_at_once_enter_each_once(server, tmp_path):
    """Graders (the workers of runs of two assignments) enter the same students into the
    gradebook at the same moment: each finds those the others entered, none fails."""
    course = in_postgresql(tmp_path, server, "entering")
    with open_gradebook(course):
        pass  # the gradebook's tables, as a release makes them before any grading
    students = [f"student{k:02d}" for k in range(30)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ENTER, str(course), json.dumps(students)],
            env=venv_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    # Each has imported what it needs (seconds) before any is told to go.
    for process in processes:
        assert process.stdout.readline() == "ready\n", process.communicate()[1][-3000:]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    errors = [process.communicate(timeout=600)[1] for process in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), errors
    assert errors == [""] * len(processes)  # nothing to alarm an instructor either
    with open_gradebook(course) as gb:
        assert sorted(s.id for s in gb.students) == students


# A student's cell that writes to the gradebook's server if it can reach it (it knows where the
# server's socket is, as an attacker who guessed it would); its answer says what happened.
REACH_THE_SERVER = """
def _reach_the_server():
    try:
        import psycopg
        with psycopg.connect(
            host={socket!r}, user="grader", dbname={database!r}, autocommit=True,
            connect_timeout=20,
        ) as db:
            db.execute("create table forged (score float)")
        return "wrote to the gradebook"
    except Exception as error:
        return "refused: " + type(error).__name__
"""
REACHING_ANSWER = {
    "svm_loss": "def svm_loss(W, X, y):\n"
    "    raise RuntimeError('server: ' + _reach_the_server())\n"
}


def graded_attacker(server, course, database: str, isolate: bool) -> tuple[bool, str]:
    """A student who tries to write to the course's gradebook in PostgreSQL, graded with or
    without the sandbox: whether the server holds what it wrote, and its feedback."""
    from grading_support import feedback_text

    make_course(course, ASSIGNMENT)
    in_postgresql(course, server, database)
    setup = REACH_THE_SERVER.format(socket=server.socket_folder, database=database)
    submit(course, "eve", ASSIGNMENT, with_answers(solution(ASSIGNMENT), REACHING_ANSWER, setup))
    run = grade(course, ASSIGNMENT, GradingOptions(jobs=1, isolate=isolate))
    assert [o.graded for o in run.outcomes] == [True], [o.problem for o in run.outcomes]
    with server.connect(database) as db:
        forged = db.execute("select to_regclass('public.forged') is not null").fetchone()[0]
    return forged, feedback_text(course, ASSIGNMENT, "eve")


def test_can_student_code_reach_the_gradebooks_postgresql_server(server, tmp_path):
    """No: the sandbox has no network and no sockets of the machine. Without the sandbox the
    same submission writes to the gradebook: the attack is real."""
    forged, feedback = graded_attacker(server, tmp_path / "sandboxed", "sandboxed", True)
    assert "server: refused: " in feedback, feedback[-3000:]
    assert not forged
    forged, feedback = graded_attacker(server, tmp_path / "unsandboxed", "unsandboxed", False)
    assert "server: wrote to the gradebook" in feedback, feedback[-3000:]
    assert forged


HOLD_THE_STUDENTS = """
import sys, time, psycopg
db = psycopg.connect(host=sys.argv[1], user="grader", dbname=sys.argv[2])
db.execute("lock table student in exclusive mode")  # others may read it, not write to it
print("holding", flush=True)
time.sleep(3600)
"""


def test_is_a_submission_that_waited_too_long_for_postgresqls_lock_graded_by_the_next_run(
    server, tmp_path, monkeypatch
):
    """Another writer holds the gradebook's table of students until the test ends it: each
    writer gives up after its wait, nothing of its submission is kept, the next run grades it."""
    from autograder import gradebook
    from autograder.release import enter_in_gradebook

    course = in_postgresql(make_course(tmp_path, ASSIGNMENT), server, "locked")
    for student in ("ada", "bob"):
        submit(course, student, ASSIGNMENT, solution(ASSIGNMENT))
    enter_in_gradebook(course, ASSIGNMENT)
    monkeypatch.setattr(gradebook, "GRADEBOOK_WAIT_SECONDS", 5)  # forked workers see it
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_STUDENTS, server.socket_folder, "locked"],
        env=venv_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        blocked = grade(course, ASSIGNMENT, GradingOptions(jobs=2))
    finally:
        holder.kill()
        holder.wait()
    assert [o.graded for o in blocked.outcomes] == [False, False]
    assert all(
        "gradebook stayed locked by other writers for more than 5 s" in o.problem
        for o in blocked.outcomes
    ), [o.problem for o in blocked.outcomes]
    again = grade(course, ASSIGNMENT, GradingOptions(jobs=2))
    assert [(o.student, o.graded) for o in again.outcomes] == [("ada", True), ("bob", True)]
    assert [total_score(course, ASSIGNMENT, s) for s in ("ada", "bob")] == [
        full_marks(ASSIGNMENT)
    ] * 2
