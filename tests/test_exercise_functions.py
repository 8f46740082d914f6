"""optlab.exercises: a chapter's notebook takes the student's own functions from the exercise
notebooks, runs only their definitions, and names the exercise to finish when one is missing,
unfinished or broken."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from optlab import exercises
from optlab.exercises import ExerciseNotFinished, exercise_functions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def student_folder(tmp_path, monkeypatch):
    """A fresh folder as the current one, outside the course's repository, with neither the
    search path nor the website's answers package set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(exercises.SEARCH_PATH_VARIABLE, raising=False)
    monkeypatch.delenv(exercises.ANSWERS_PACKAGE_VARIABLE, raising=False)
    return tmp_path


def write_notebook(path: Path, *cells: nbformat.NotebookNode) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=list(cells))
    nbformat.write(notebook, path)
    return path


def test_does_it_return_the_functions_a_released_notebook_defines_once_solved(student_folder):
    shutil.copy(ROOT / "solutions" / "momentum" / "momentum.ipynb", student_folder)
    momentum_step, nesterov_step = exercise_functions("momentum", "momentum_step", "nesterov_step")
    import numpy as np

    w, v = momentum_step(np.ones(2), np.ones(2), np.zeros(2), lr=0.1, rho=0.9)
    assert np.allclose(v, -0.1) and np.allclose(w, 0.9)
    assert callable(nesterov_step)


def test_is_one_name_one_function_and_several_a_tuple(student_folder):
    write_notebook(
        student_folder / "toy.ipynb",
        nbformat.v4.new_code_cell("def a():\n    return 1\n\ndef b():\n    return 2"),
    )
    assert exercise_functions("toy", "a")() == 1
    assert [f() for f in exercise_functions("toy", "b", "a")] == [2, 1]


def test_does_a_released_stub_name_the_exercise_to_finish(student_folder):
    shutil.copy(ROOT / "exercises" / "momentum" / "momentum.ipynb", student_folder)
    with pytest.raises(
        ExerciseNotFinished, match=r"Finish exercise 'momentum' first: `momentum_step`.*stub"
    ):
        exercise_functions("momentum", "momentum_step")


def test_does_a_missing_notebook_say_which_exercise_and_where_it_looked(student_folder):
    with pytest.raises(ExerciseNotFinished) as raised:
        exercise_functions("sgd", "sgd_step")
    message = str(raised.value)
    assert "exercise 'sgd'" in message and "`sgd_step`" in message
    assert str(student_folder / "sgd.ipynb") in message


def test_does_a_missing_function_name_it(student_folder):
    write_notebook(student_folder / "toy.ipynb", nbformat.v4.new_code_cell("def a():\n    pass"))
    with pytest.raises(ExerciseNotFinished, match="`b`, which .* does not define"):
        exercise_functions("toy", "a", "b")


def test_does_a_syntax_error_name_the_cell(student_folder):
    write_notebook(
        student_folder / "toy.ipynb",
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("def a(:\n    pass"),
    )
    with pytest.raises(ExerciseNotFinished, match="code cell 2, has a syntax error"):
        exercise_functions("toy", "a")


def test_are_only_definitions_run_not_tests_prints_or_experiments(student_folder):
    """Test cells, prints, loops and lower-case assignments do not run; imports, functions,
    classes and UPPER_CASE constants do; magics are skipped."""
    test_cell = nbformat.v4.new_code_cell("raise AssertionError('a test ran')")
    test_cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True}
    write_notebook(
        student_folder / "toy.ipynb",
        nbformat.v4.new_code_cell("%matplotlib inline\nimport math\nSCALE = 3"),
        nbformat.v4.new_code_cell(
            "def a():\n    return SCALE * math.pi\n\nclass Box:\n    pass\n\n"
            "print(1 / 0)\nresult = 1 / 0\nfor _ in range(1):\n    raise RuntimeError('ran')"
        ),
        test_cell,
    )
    a, box = exercise_functions("toy", "a", "Box")
    assert a() == pytest.approx(3 * 3.141592653589793) and isinstance(box, type)


def test_is_a_function_defined_again_later_no_longer_a_stub(student_folder):
    write_notebook(
        student_folder / "toy.ipynb",
        nbformat.v4.new_code_cell("def a():\n    raise NotImplementedError()"),
        nbformat.v4.new_code_cell("def a():\n    return 5"),
    )
    assert exercise_functions("toy", "a")() == 5


def test_is_a_raise_inside_a_branch_not_a_stub(student_folder):
    write_notebook(
        student_folder / "toy.ipynb",
        nbformat.v4.new_code_cell(
            "def a(x):\n    if x < 0:\n        raise NotImplementedError\n    return x"
        ),
    )
    assert exercise_functions("toy", "a")(2) == 2


def test_is_the_notebook_read_again_when_it_changes(student_folder):
    path = write_notebook(
        student_folder / "toy.ipynb", nbformat.v4.new_code_cell("def a():\n    return 1")
    )
    assert exercise_functions("toy", "a")() == 1
    write_notebook(path, nbformat.v4.new_code_cell("def a():\n    return 22"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert exercise_functions("toy", "a")() == 22


@pytest.mark.parametrize(
    "place",
    ["toy.ipynb", "toy/toy.ipynb", "../toy/toy.ipynb", "../../exercises/toy/toy.ipynb", "search"],
)
def test_does_it_find_the_notebook_where_students_keep_it(student_folder, monkeypatch, place):
    """Beside the chapter, in the folder an exercise's download makes (here or beside this
    folder), in the course repository's exercises/ above, or on the search path."""
    here = student_folder / "course" / "chapters" / "momentum_chapter"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    if place == "search":
        elsewhere = student_folder / "elsewhere"
        monkeypatch.setenv(exercises.SEARCH_PATH_VARIABLE, str(elsewhere))
        path = elsewhere / "toy.ipynb"
    else:
        path = here / place
    write_notebook(path, nbformat.v4.new_code_cell("def a():\n    return 'found'"))
    assert exercise_functions("toy", "a")() == "found"


def test_does_the_search_path_come_before_the_current_folder(student_folder, monkeypatch):
    write_notebook(
        student_folder / "toy.ipynb", nbformat.v4.new_code_cell("def a():\n    return 1")
    )
    elsewhere = student_folder / "elsewhere"
    write_notebook(elsewhere / "toy.ipynb", nbformat.v4.new_code_cell("def a():\n    return 2"))
    monkeypatch.setenv(exercises.SEARCH_PATH_VARIABLE, str(elsewhere))
    assert exercise_functions("toy", "a")() == 2


def test_does_the_answers_package_stand_in_for_the_notebooks(student_folder, monkeypatch):
    """The website's build: the functions come from <package>.<exercise>, no notebook needed."""
    monkeypatch.setenv(exercises.ANSWERS_PACKAGE_VARIABLE, "autograder.reference")
    monkeypatch.syspath_prepend(str(ROOT))
    from autograder.reference.momentum import momentum_step

    assert exercise_functions("momentum", "momentum_step") is momentum_step
