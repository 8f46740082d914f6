"""The released exercises: generated from the solutions, free of their secrets, wired to hidden
checks."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import nbformat
import pytest
from grading_support import (
    HIDDEN_REGION,
    ROOT,
    alternative_notebook,
    alternative_styles,
    leaked_functions,
    public_text,
    secret_lines,
)
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.checks import load_registry
from autograder.course import assignments
from autograder.release import release

ASSIGNMENTS = assignments(ROOT)


def source_notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)


def test_is_there_an_exercise_for_every_solution():
    assert ASSIGNMENTS, "no assignments found in solutions/"
    assert sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir()) == ASSIGNMENTS


def test_are_the_committed_exercises_what_release_generates(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions", course / "solutions")
    release(course, release_dir=tmp_path / "generated")
    comparison = filecmp.dircmp(tmp_path / "generated", ROOT / "exercises")

    def drift(cmp) -> list[str]:
        found = cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files
        return found + [f for sub in cmp.subdirs.values() for f in drift(sub)]

    assert drift(comparison) == [], (
        "exercises/ drifted from solutions/: run `python -m autograder release`"
    )


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_does_no_solution_or_hidden_test_reach_the_exercise(name):
    released = (ROOT / "exercises" / name / f"{name}.ipynb").read_text()
    lines = secret_lines(name)
    assert lines, "the secret lines should be found in the source"
    assert [line for line in lines if line in released] == []
    assert leaked_functions(released, allowed=public_text()) == []
    for marker in (
        "BEGIN SOLUTION",
        "END SOLUTION",
        "BEGIN HIDDEN TESTS",
        "END HIDDEN TESTS",
        "BEGIN MARK SCHEME",
        "END MARK SCHEME",
    ):
        assert marker not in released


def test_does_no_hidden_reference_reach_the_student_package():
    package = "\n".join(p.read_text() for p in (ROOT / "student").rglob("*.py"))
    assert leaked_functions(package, ("reference",)) == []


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_is_every_graded_cell_wired_to_hidden_checks(name):
    nb = source_notebook(name)
    test_cells = {
        c.metadata.nbgrader["grade_id"]: c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")
    }
    registry = load_registry(name)
    assert set(test_cells) == set(registry.groups)
    for grade_id, cell in test_cells.items():
        assert HIDDEN_REGION.search(cell.source), f"{grade_id} has no hidden-tests marker"
        assert cell.metadata.nbgrader["points"] > 0


def run_notebook(nb: nbformat.NotebookNode, cwd: Path) -> None:
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_do_the_visible_tests_pass_on_the_solution(name):
    run_notebook(source_notebook(name), ROOT / "solutions" / name)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,style", [(name, style) for name in ASSIGNMENTS for style in alternative_styles(name)]
)
def test_do_the_visible_tests_pass_on_every_alternative_correct_solution(name, style):
    """A right answer written differently from the solution is not told it is wrong."""
    run_notebook(alternative_notebook(name, style), ROOT / "exercises" / name)


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_do_the_visible_tests_stop_the_stub(name):
    released = nbformat.read(ROOT / "exercises" / name / f"{name}.ipynb", as_version=4)
    with pytest.raises(CellExecutionError, match="NotImplementedError"):
        run_notebook(released, ROOT / "exercises" / name)


def test_would_the_leak_checks_see_a_leak():
    """The leak tests above can fail: a copy of the hidden code or of a solution is seen."""
    for path in sorted((ROOT / "autograder" / "reference").glob("[!_]*.py")):
        assert leaked_functions(path.read_text(), ("reference",)), path.name
    for name in ASSIGNMENTS:
        source = "\n".join(cell.source for cell in source_notebook(name).cells)
        assert all(line in source for line in secret_lines(name)) and secret_lines(name), name
