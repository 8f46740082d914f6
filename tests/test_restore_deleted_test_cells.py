"""Test cells that lost something, to the student or to the release, are graded as the source has
them, and only a real edit is reported."""

from __future__ import annotations

import copy
import logging
import re
import shutil
import sys

import nbformat
import pytest
from grading_support import ROOT, grade_id, make_course, run_command, solution, submit

from autograder.course import assignments
from autograder.gradebook import gradebook_url
from autograder.nbgrader_setup import nbgrader_config
from autograder.release import release

ASSIGNMENT = "gradients"
EDITED_CELL = "test_svm_loss"
CHANGED_CHECKSUM = re.compile(r"Attribute 'checksum' for cell (\S+) has changed")


def with_edited_test_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with a visible test of one test cell weakened, as a student might."""
    nb = nbformat.from_dict(copy.deepcopy(nb))
    cell = next(c for c in nb.cells if grade_id(c) == EDITED_CELL)
    cell.source = "assert True  # the student's own test\n" + cell.source
    return nb


def changed_checksums_by_student(log: str) -> dict[str, list[str]]:
    """The cells whose checksum nbgrader's autograde log reports as changed, for each student it
    graded."""
    parts = re.split(r"Creating/updating student with ID '([^']+)'", log)
    return {
        student: CHANGED_CHECKSUM.findall(text) for student, text in zip(parts[1::2], parts[2::2])
    }


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    """A course released as instructors release it, three submissions autograded by plain
    `nbgrader autograde`: the course, and the cells each student's log says changed."""
    course = make_course(tmp_path_factory.mktemp("course"), ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    released = run_command(sys.executable, "-m", "autograder", "release", cwd=course)
    assert released.returncode == 0, released.stderr[-3000:]
    exercise = nbformat.read(
        course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    submit(course, "untouched", ASSIGNMENT, exercise)
    submit(course, "solution", ASSIGNMENT, solution(ASSIGNMENT))
    submit(course, "edited", ASSIGNMENT, with_edited_test_cell(exercise))
    result = run_command("nbgrader", "autograde", ASSIGNMENT, "--force", cwd=course)
    assert result.returncode == 0, result.stderr[-3000:]
    changed = changed_checksums_by_student(result.stderr)
    assert sorted(changed) == ["edited", "solution", "untouched"], result.stderr[-3000:]
    return course, changed


def test_does_autograding_an_untouched_release_warn_of_no_changed_checksum(autograded):
    course, changed = autograded
    assert changed["untouched"] == []


def test_does_autograding_the_solution_warn_of_no_changed_checksum(autograded):
    course, changed = autograded
    assert changed["solution"] == []


def test_is_a_really_edited_test_cell_still_reported_and_graded_as_the_source_has_it(autograded):
    course, changed = autograded
    assert changed["edited"] == [EDITED_CELL]
    graded = nbformat.read(
        course / "autograded" / "edited" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    source = next(c for c in solution(ASSIGNMENT).cells if grade_id(c) == EDITED_CELL)
    assert next(c for c in graded.cells if grade_id(c) == EDITED_CELL).source == source.source


def test_does_the_untouched_release_get_its_hidden_test_regions_back(autograded):
    course, changed = autograded
    graded = nbformat.read(
        course / "autograded" / "untouched" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    sources = {
        grade_id(c): c.source
        for c in solution(ASSIGNMENT).cells
        if "BEGIN HIDDEN TESTS" in c.source
    }
    assert sources, "the source should have hidden-test regions"
    assert {grade_id(c): c.source for c in graded.cells if grade_id(c) in sources} == sources


@pytest.fixture(scope="module")
def released_course(tmp_path_factory):
    """Every assignment released into a course of its own, entered in its gradebook."""
    course = tmp_path_factory.mktemp("all")
    shutil.copytree(ROOT / "solutions", course / "solutions")
    release(course)
    return course


class WarningsKept(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def sanitizing_warnings(course, name: str, nb: nbformat.NotebookNode) -> list[str]:
    """The warnings that the course's autograde sanitizing, run in process, logs on the
    notebook."""
    config = nbgrader_config(course)
    kept = WarningsKept()
    log = logging.getLogger(f"sanitize-{name}")
    log.addHandler(kept)
    resources = {
        "nbgrader": {"notebook": name, "assignment": name, "db_url": gradebook_url(course)}
    }
    nb = nbformat.from_dict(copy.deepcopy(nb))
    for preprocessor in config.Autograde.sanitize_preprocessors:
        nb, resources = preprocessor(config=config, log=log).preprocess(nb, resources)
    log.removeHandler(kept)
    return kept.messages


@pytest.mark.parametrize("name", assignments(ROOT))
def test_does_sanitizing_report_no_changed_checksum_in_any_exercise_as_released_or_solved(
    released_course, name
):
    exercise = nbformat.read(released_course / "exercises" / name / f"{name}.ipynb", as_version=4)
    for nb in (exercise, solution(name)):
        warnings = sanitizing_warnings(released_course, name, nb)
        assert [w for w in warnings if "checksum" in w] == []
