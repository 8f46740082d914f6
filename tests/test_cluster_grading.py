"""Grading on a Dask cluster (autograder/cluster.py): a real `dask scheduler` and three `dask
worker` processes on 127.0.0.1, over TCP, graded through as an instructor grades."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from grading_support import (
    ROOT,
    feedback_text,
    full_marks,
    make_course,
    released,
    run_command,
    sandbox_required,
    solution,
    submit,
    venv_environment,
    without_written_answers,
)

from autograder import cluster
from autograder.gradebook import open_gradebook
from autograder.options import GradingOptions

ASSIGNMENT = "gradients"
AUTOMATIC = full_marks(ASSIGNMENT)
WORKERS = 3
WRITTEN = next(  # the written answer, graded by hand
    c.metadata.nbgrader["grade_id"]
    for c in solution(ASSIGNMENT).cells
    if c.metadata.get("nbgrader", {}).get("grade") and c.metadata.nbgrader.get("solution")
)
GATE = "AUTOGRADER_TEST_GATE"

pytestmark = sandbox_required()


def answered():
    return without_written_answers(solution(ASSIGNMENT), ASSIGNMENT)


def dask(*args: str, env: dict, log: Path) -> subprocess.Popen:
    """The ``dask`` command of this environment, started in the repository (so that its workers
    import the grader of this checkout), its output in ``log``."""
    with log.open("w") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "dask"), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler and WORKERS single-threaded workers without nannies (a killed one stays dead),
    each with the test gate preloaded; (scheduler address, gate folder, worker processes)."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("cluster")
    gate = folder / "gate"
    gate.mkdir()
    env = venv_environment() | {GATE: f"{gate}:gated"}
    scheduler_file = folder / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    processes = [
        dask(
            "scheduler",
            "--port",
            "0",
            "--scheduler-file",
            str(scheduler_file),
            *common,
            env=env,
            log=folder / "scheduler.log",
        )
    ]
    try:
        for k in range(WORKERS):
            processes.append(
                dask(
                    "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                    "--no-nanny", "--preload", str(ROOT / "tests" / "cluster_gate.py"),
                    "--local-directory", str(folder / f"worker{k}"), *common,
                    env=env, log=folder / f"worker{k}.log",
                )
            )  # fmt: skip
        with Client(scheduler_file=str(scheduler_file), timeout="300s") as client:
            client.wait_for_workers(WORKERS, timeout=600)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:"), address
        yield address, gate, processes[1:]
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def autograder(*args: str, cwd, env=None) -> subprocess.CompletedProcess:
    return run_command(sys.executable, "-m", "autograder", *args, cwd=cwd, env=env)


def sheet(course: Path) -> dict[str, dict]:
    with open(course / "grades.csv") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_does_a_cluster_grade_what_this_machine_grades(dask_cluster, tmp_path):
    address, _, _ = dask_cluster
    courses = {}
    for where in ("here", "cluster"):
        course = courses[where] = make_course(tmp_path / where, ASSIGNMENT)
        submit(course, "ada", ASSIGNMENT, solution(ASSIGNMENT))  # written answer pending
        submit(course, "bob", ASSIGNMENT, released(ASSIGNMENT))
        submit(course, "cyd", ASSIGNMENT, answered())
        (course / "submitted" / "cyd" / ASSIGNMENT / "timestamp.txt").write_text(
            "2026-12-02 01:00:00.000000 UTC"  # late by a started day
        )
        submit(course, "dan", ASSIGNMENT, "{ not json")
    late = ("--due", "2026-12-01 23:59", "--late-penalty-per-day", "25", "--seed", "7")
    here = autograder("grade", ASSIGNMENT, *late, cwd=courses["here"])
    # Chosen by the environment variable alone.
    env = venv_environment() | {cluster.SCHEDULER_ENV: address}
    there = autograder("grade", ASSIGNMENT, *late, cwd=courses["cluster"], env=env)
    assert there.returncode == here.returncode == 1, there.stderr[-3000:]  # dan is refused
    assert there.stdout == here.stdout, there.stdout
    assert sheet(courses["cluster"]) == sheet(courses["here"])
    assert float(sheet(courses["cluster"])["cyd"]["score"]) == pytest.approx(AUTOMATIC * 0.75)
    # ada's written answer graded by hand, then her submission graded again: the manual score
    # is kept and flagged for review in both.
    for course in courses.values():
        with open_gradebook(course) as gb:
            gb.find_grade(WRITTEN, ASSIGNMENT, ASSIGNMENT, "ada").manual_score = 1.5
            gb.db.commit()
    again = ("--student", "ada", "--seed", "7")
    here = autograder("grade", ASSIGNMENT, *again, cwd=courses["here"])
    there = autograder("grade", ASSIGNMENT, *again, cwd=courses["cluster"], env=env)
    assert there.returncode == here.returncode == 0, there.stderr[-3000:]
    assert there.stdout == here.stdout
    assert f"{WRITTEN} (manual 1.5 points kept)" in there.stdout, there.stdout
    assert sheet(courses["cluster"]) == sheet(courses["here"])
    for student in ("ada", "bob", "cyd"):
        assert feedback_text(courses["cluster"], ASSIGNMENT, student) == feedback_text(
            courses["here"], ASSIGNMENT, student
        )
        graded = [
            nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
            for course in courses.values()
        ]
        assert graded[0].cells == graded[1].cells
        assert graded[0].metadata.autograder.seed == graded[1].metadata.autograder.seed == "7"


def test_does_a_worker_killed_midway_cost_nothing_and_count_nothing_twice(dask_cluster, tmp_path):
    address, gate, workers = dask_cluster
    course = make_course(tmp_path, ASSIGNMENT)
    students = ["gated"] + [f"s{k}" for k in range(5)]
    for name in students:
        submit(course, name, ASSIGNMENT, answered())
    run = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--scheduler", address],
        cwd=course,
        env=venv_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The worker that picked the gated submission holds it until the gate opens: kill it.
        while not (picked := list(gate.glob("picked-*"))) and run.poll() is None:
            time.sleep(0.1)  # waits for the file; how long matters to nothing
        assert picked, run.communicate()[1][-3000:]
        victim = int(picked[0].name.removeprefix("picked-"))
        assert victim in {w.pid for w in workers}
        os.kill(victim, signal.SIGKILL)
        (gate / "open").touch()
        stdout, stderr = run.communicate(timeout=1200)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, stderr[-3000:]
    # Picked again by a worker that lives, and graded there.
    pickers = {int(p.name.removeprefix("picked-")) for p in gate.glob("picked-*")}
    assert len(pickers) == 2 and victim in pickers, pickers
    # Each submission recorded once, and scored once.
    finished = [
        line.split("] ", 1)[1].split(":")[0]
        for line in stderr.splitlines()
        if line.startswith("[")
    ]
    assert sorted(finished) == sorted(students), stderr[-3000:]
    assert {k: float(row["score"]) for k, row in sheet(course).items()} == dict.fromkeys(
        students, AUTOMATIC
    )
    for name in students:
        assert (course / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()


def test_does_a_worker_with_other_grader_code_refuse_to_grade(tmp_path):
    from autograder.release import enter_in_gradebook

    course = make_course(tmp_path, ASSIGNMENT)
    submit(course, "ada", ASSIGNMENT, answered())
    enter_in_gradebook(course, ASSIGNMENT)
    sent = replace(cluster.assignment_files(course, ASSIGNMENT), code="another checkout")
    files = cluster.submission_files(course, ASSIGNMENT, "ada")
    with pytest.raises(cluster.WrongGraderCode, match="other grader code"):
        cluster.grade_files(sent, "ada", files, GradingOptions(), {})
