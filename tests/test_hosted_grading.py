"""Grading where instructors already grade, without those services: Gradescope's autograder
bundle run in a folder laid out as Gradescope lays it out, and PrairieLearn's external grader's
results.json; both against `python -m autograder grade` on the same submissions and seed, and
attacked by submissions that try to read the hidden checks or write the results themselves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import grading_support as support
import nbformat
import pytest
from test_gradients_grading import ONE_SIDED, STEALING, WRONG

from autograder import gradebook
from autograder.grading import grade
from autograder.options import GradingOptions

ASSIGNMENT = "gradients"
SEED = 20261204  # the same hidden problems for the service and for `grade`
# The fields the services' specifications document, and the visibilities Gradescope knows.
GRADESCOPE_FIELDS = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
GRADESCOPE_TEST_FIELDS = {
    "score",
    "max_score",
    "status",
    "name",
    "name_format",
    "number",
    "output",
    "output_format",
    "tags",
    "visibility",
    "extra_data",
}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
PRAIRIELEARN_FIELDS = {"succeeded", "gradable", "score", "message", "output", "images", "tests"}
PRAIRIELEARN_TEST_FIELDS = {"name", "description", "points", "max_points", "message", "output"}

# A cell of the student's own that goes after what the service's grader holds: the hidden
# reference and checks and the solution notebook (through the grader's working folder, as its
# other processes show it, or the interpreter's installation), and results.json, which it writes
# with full marks wherever Gradescope's or PrairieLearn's layout is found (the grader's folder
# is in both). Paired with answers that call what it stole (else wrong ones).
WRITES_THE_RESULTS = """
import json, os
fake = json.dumps({"score": 1000.0, "output": "all passed", "tests": []})
cwds = ["/proc/%s/cwd" % p for p in os.listdir("/proc") if p.isdigit()]
roots = ["/autograder", "/grade"] + [c + "/.." for c in cwds] + [c + "/../.." for c in cwds]
for root in roots:
    if os.path.isdir(root + "/submission") or os.path.isdir(root + "/student"):
        try:
            os.makedirs(root + "/results", exist_ok=True)
            with open(root + "/results/results.json", "w") as handle:
                handle.write(fake)
        except Exception:
            pass
"""
CHEAT = support.CHEATS["imports_or_reads_the_reference"] + WRITES_THE_RESULTS


def class_notebooks() -> dict[str, nbformat.NotebookNode]:
    stub = support.released(ASSIGNMENT)
    return {
        "honest": support.solution(ASSIGNMENT),
        "one_sided": support.with_answers(
            support.solution(ASSIGNMENT), {"numeric_gradient": ONE_SIDED}
        ),
        "wrong": support.with_answers(stub, WRONG),
        "cheat": support.with_answers(stub, STEALING, setup=CHEAT),
    }


@pytest.fixture(scope="module")
def by_grade(tmp_path_factory) -> dict[str, dict[str, float]]:
    """Each test cell's score of every notebook of the class, as `python -m autograder grade`
    gives it on SEED's problems."""
    course = support.make_course(tmp_path_factory.mktemp("course"), ASSIGNMENT)
    for student, notebook in class_notebooks().items():
        support.submit(course, student, ASSIGNMENT, notebook)
    run = grade(course, ASSIGNMENT, GradingOptions(seed=SEED), progress=lambda *_: None)
    assert all(outcome.graded for outcome in run.outcomes), run.outcomes
    return {
        student: gradebook.test_cell_scores(course, ASSIGNMENT, student)
        for student in class_notebooks()
    }


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The Gradescope autograder of the exercise, as `python -m autograder gradescope` writes
    it."""
    folder = tmp_path_factory.mktemp("bundle")
    result = support.run_command(
        sys.executable,
        "-m",
        "autograder",
        "gradescope",
        ASSIGNMENT,
        "--to",
        str(folder / "autograder.zip"),
        cwd=support.ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "autograder.zip"


def gradescope_layout(bundle: Path, where: Path) -> Path:
    """A folder laid out as Gradescope lays out /autograder: the bundle unpacked in source/ (its
    scripts executable), run_autograder copied beside it, submission/ and results/ empty."""
    root = where / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for entry in archive.infolist():
            os.chmod(root / "source" / entry.filename, (entry.external_attr >> 16) & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    return root


def run_autograder(root: Path, *args: str, **environment: str) -> subprocess.CompletedProcess:
    """Gradescope's run: ``run_autograder`` as root (whoever runs the tests), in /autograder, here
    ``root``; this test run's interpreter stands for the one setup.sh installs."""
    env = support.venv_environment() | environment
    env |= {"OPTGRADE_GRADESCOPE_ROOT": str(root), "OPTGRADE_PYTHON": sys.executable}
    return subprocess.run(
        [str(root / "run_autograder"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def results_of(root: Path) -> dict | None:
    path = root / "results" / "results.json"
    return json.loads(path.read_text()) if path.exists() else None


def assert_gradescope_format(results: dict) -> None:
    """``results`` holds only the fields Gradescope documents, of their types, with a score that
    is the sum of its tests'."""
    assert set(results) <= GRADESCOPE_FIELDS, set(results) - GRADESCOPE_FIELDS
    assert isinstance(results["score"], float)
    assert results.get("stdout_visibility", "visible") in VISIBILITIES
    for test in results["tests"]:
        assert set(test) <= GRADESCOPE_TEST_FIELDS, set(test) - GRADESCOPE_TEST_FIELDS
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] in VISIBILITIES
        assert test["status"] == ("passed" if test["score"] == test["max_score"] else "failed")
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))


def test_does_the_bundle_hold_what_gradescope_asks_and_no_more(bundle):
    with zipfile.ZipFile(bundle) as archive:
        entries = {entry.filename: entry for entry in archive.infolist()}
        setup = archive.read("setup.sh").decode()
        requirements = archive.read("requirements.txt").decode().split()
    # At the root of the archive, executable.
    for script in ("setup.sh", "run_autograder", "run_prairielearn"):
        assert (entries[script].external_attr >> 16) & 0o111 == 0o111, script
    assert "bubblewrap" in setup and "libseccomp2" in setup
    assert subprocess.run(["bash", "-n", "-c", setup]).returncode == 0
    pinned = (support.ROOT / "requirements.txt").read_text()
    assert requirements and all("==" in line and line in pinned for line in requirements)
    assert {
        "autograder/checks/gradients.py",
        "autograder/reference/gradients.py",
        "student/optlab/testing.py",
        f"solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
        "constraints.txt",
    } <= set(entries)
    # No other exercise's solution, no tests, no released notebooks, nothing compiled.
    assert not [
        name
        for name in entries
        if name.startswith(("tests/", "exercises/", "book/"))
        or (name.startswith("solutions/") and not name.startswith(f"solutions/{ASSIGNMENT}/"))
        or "__pycache__" in name
    ]


@pytest.mark.parametrize("student", list(class_notebooks()))
def test_does_gradescope_score_each_test_cell_as_grade_does(bundle, by_grade, tmp_path, student):
    root = gradescope_layout(bundle, tmp_path)
    nbformat.write(class_notebooks()[student], root / "submission" / f"{ASSIGNMENT}.ipynb")
    result = run_autograder(root, "--seed", str(SEED))
    assert result.returncode == 0, result.stderr[-3000:]
    results = results_of(root)
    assert_gradescope_format(results)
    assert {test["name"]: test["score"] for test in results["tests"]} == by_grade[student]
    assert results["score"] == sum(by_grade[student].values())
    assert results["stdout_visibility"] == "hidden"  # the grader's log is the instructor's
    shown = json.dumps(results, ensure_ascii=False)  # all that students see
    assert [line for line in support.secret_lines(ASSIGNMENT) if line in shown] == []
    assert support.leaked_functions(shown) == []
    if student == "honest":
        assert results["score"] == support.full_marks(ASSIGNMENT) > 0
        assert "explain_centered_difference" in results["output"]  # left to a grader's hand
    if student == "one_sided":
        failed = {test["name"]: test for test in results["tests"] if test["status"] == "failed"}
        assert "✘" in failed["test_numeric_gradient"]["output"]  # the feedback says which check
        assert 0 < results["score"] < support.full_marks(ASSIGNMENT)
    if student in ("wrong", "cheat"):
        assert results["score"] == 0.0


def test_does_a_link_to_the_solution_in_the_upload_get_nothing(bundle, tmp_path):
    root = gradescope_layout(bundle, tmp_path)
    solution = root / "source" / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    (root / "submission" / f"{ASSIGNMENT}.ipynb").symlink_to(solution)
    result = run_autograder(root)
    assert result.returncode == 0, result.stderr[-3000:]
    results = results_of(root)
    assert_gradescope_format(results)
    assert results["score"] == 0.0 and results["tests"] == []
    assert f"no {ASSIGNMENT}.ipynb in the submission" in results["output"]


def test_does_an_upload_that_is_no_notebook_get_the_reason(bundle, tmp_path):
    root = gradescope_layout(bundle, tmp_path)
    (root / "submission" / f"{ASSIGNMENT}.ipynb").write_text("{ not json")
    result = run_autograder(root)
    assert result.returncode == 0, result.stderr[-3000:]
    results = results_of(root)
    assert_gradescope_format(results)
    assert results["score"] == 0.0
    assert f"{ASSIGNMENT}.ipynb is not valid JSON" in results["output"]


def test_does_gradescope_get_no_score_where_no_sandbox_can_be_made(bundle, tmp_path):
    root = gradescope_layout(bundle, tmp_path)
    nbformat.write(support.solution(ASSIGNMENT), root / "submission" / f"{ASSIGNMENT}.ipynb")
    result = run_autograder(root, OPTGRADE_BWRAP=str(tmp_path / "no-such-bwrap"))
    assert result.returncode == 4, result.stderr[-3000:]
    assert "bubblewrap" in result.stderr and "not graded" in result.stderr
    assert results_of(root) is None  # Gradescope shows a failed run, not a score


def prairielearn_layout(bundle: Path, where: Path) -> Path:
    """A folder laid out as PrairieLearn lays out /grade for an external grader: the bundle in
    serverFilesCourse/optgrade/ (the course's files students never get), student/ holding the
    upload, results/ empty."""
    grade_root = where / "grade"
    unpacked = gradescope_layout(bundle, where)
    shutil.move(unpacked / "source", grade_root / "serverFilesCourse" / "optgrade")
    (grade_root / "student").mkdir()
    return grade_root


def run_prairielearn(grade_root: Path, *args: str, **environment: str):
    """PrairieLearn's run: the question's entrypoint, the bundle's ``run_prairielearn``, with this
    test run's interpreter for the image's; its results.json (None when it wrote none)."""
    env = support.venv_environment() | environment
    env |= {"OPTGRADE_GRADE_ROOT": str(grade_root), "OPTGRADE_PYTHON": sys.executable}
    result = subprocess.run(
        [str(grade_root / "serverFilesCourse" / "optgrade" / "run_prairielearn"), *args],
        cwd=grade_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    path = grade_root / "results" / "results.json"
    return result, json.loads(path.read_text()) if path.exists() else None


def assert_prairielearn_format(results: dict) -> None:
    assert set(results) <= PRAIRIELEARN_FIELDS, set(results) - PRAIRIELEARN_FIELDS
    assert 0.0 <= results["score"] <= 1.0
    assert isinstance(results["succeeded"], bool) and isinstance(results["gradable"], bool)
    for test in results["tests"]:
        assert set(test) <= PRAIRIELEARN_TEST_FIELDS, set(test) - PRAIRIELEARN_TEST_FIELDS
        assert 0 <= test["points"] <= test["max_points"]


@pytest.mark.parametrize("student", ["one_sided", "cheat"])
def test_does_prairielearn_get_the_score_grade_gives(bundle, by_grade, tmp_path, student):
    grade_root = prairielearn_layout(bundle, tmp_path)
    nbformat.write(class_notebooks()[student], grade_root / "student" / f"{ASSIGNMENT}.ipynb")
    result, results = run_prairielearn(grade_root, "--seed", str(SEED))
    assert result.returncode == 0, result.stderr[-3000:]
    assert_prairielearn_format(results)
    assert results["succeeded"] and results["gradable"]
    assert {test["name"]: test["points"] for test in results["tests"]} == by_grade[student]
    expected = sum(by_grade[student].values()) / support.full_marks(ASSIGNMENT)
    assert results["score"] == pytest.approx(expected)


@pytest.mark.parametrize("cause", ["refused", "no sandbox"])
def test_does_prairielearn_tell_an_upload_it_cannot_grade_from_a_zero(bundle, tmp_path, cause):
    grade_root = prairielearn_layout(bundle, tmp_path)
    notebook = grade_root / "student" / f"{ASSIGNMENT}.ipynb"
    if cause == "refused":
        notebook.write_text("")
        result, results = run_prairielearn(grade_root)
    else:
        nbformat.write(support.solution(ASSIGNMENT), notebook)
        result, results = run_prairielearn(grade_root, OPTGRADE_BWRAP=str(tmp_path / "no-bwrap"))
    assert_prairielearn_format(results)
    if cause == "refused":  # invalid, not an attempt: the student is told why
        assert result.returncode == 0, result.stderr[-3000:]
        assert results["succeeded"] and not results["gradable"]
        assert f"{ASSIGNMENT}.ipynb is empty" in results["message"]
    else:  # the grading failed: no score stands
        assert result.returncode == 4, result.stderr[-3000:]
        assert not results["succeeded"] and "bubblewrap" in results["message"]
