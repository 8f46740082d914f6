"""Grading the gradients exercise end to end, with nbgrader's gradebook: honest work, stubs,
cheats.

One class of submissions is graded once by a grader in this process (as root, normally) and
once by one running as an unprivileged user (the `graded` fixture); each test reads its
student's scores back from the gradebook and its feedback from feedback/.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import grading_support as support
import pytest
from unprivileged import AS_THIS_USER, AS_UNPRIVILEGED, graded_by

from autograder.grading import grade
from autograder.options import GradingOptions

ASSIGNMENT = "gradients"
# The automatic points: what a correct submission scores when graded. Its written answer (2
# points, graded by hand in formgrader) is pending until then, not counted.
FULL_MARKS = 12.0
WRITTEN, WRITTEN_POINTS = "explain_centered_difference", 2.0

# Wrong answers a cheat pairs its trick with: no trick may turn these into points.
WRONG = {
    "numeric_gradient": "def numeric_gradient(f, w, h=1e-5):\n    return np.zeros_like(w)",
    "relative_error": "def relative_error(a, n):\n    return 0.0",
    "gradient_check": "def gradient_check(f, grad_f, w, h=1e-5):\n    return 0.0",
    "svm_loss": "def svm_loss(W, X, y):\n    return 0.0, np.zeros_like(W)",
    # Right where the loss and its third derivative have one size (as in the visible tests),
    # wrong wherever their sizes differ.
    "best_h": (
        "def best_h(machine_epsilon, loss_value, third_derivative):\n"
        "    ratio = abs(loss_value) / abs(third_derivative)\n"
        "    return float(np.cbrt(3 * machine_epsilon) * np.sqrt(ratio))"
    ),
}

# Aimed at stock nbgrader: no-op assert helpers, and a gradient_check whose result passes any
# comparison.
PATCHES_THE_TEST_HELPERS = """
class Anything(float):
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = lambda self, other: True
    __hash__ = float.__hash__
as_array = as_float = as_pair = lambda value, *args, **kwargs: value
assert_close = lambda *args, **kwargs: None
"""
ANYTHING_GRADIENT_CHECK = dict(
    WRONG, gradient_check="def gradient_check(f, grad_f, w, h=1e-5):\n    return Anything(0.0)"
)

STEALING = support.stealing_answers(WRONG)

# Cheats aimed at this exercise's functions (the shared corpus is in grading_support).
GRADIENTS_CHEATS = {
    "returns_values_equal_to_anything": """
class Anything(float):
    __eq__ = lambda self, other: True
    __ne__ = lambda self, other: False
    __lt__ = __le__ = __gt__ = __ge__ = lambda self, other: True
    __sub__ = __rsub__ = __abs__ = lambda self, *a: Anything(0.0)
    __hash__ = float.__hash__

class AnyArray(np.ndarray):
    __eq__ = lambda self, other: np.ones(self.shape, dtype=bool)
    __array_priority__ = 1000

def numeric_gradient(f, w, h=1e-5):
    return np.zeros_like(w).view(AnyArray)

def relative_error(a, n):
    return Anything(0.0)

def gradient_check(f, grad_f, w, h=1e-5):
    return Anything(0.0)

def svm_loss(W, X, y):
    return Anything(0.0), np.zeros_like(W).view(AnyArray)
""",
    "exits_inside_the_functions": """
import sys
def numeric_gradient(f, w, h=1e-5):
    sys.exit(0)
def relative_error(a, n):
    raise SystemExit(0)
def gradient_check(f, grad_f, w, h=1e-5):
    exit()
def svm_loss(W, X, y):
    import os; os._exit(0)
""",
    "uses_the_course_package": """
import importlib, pkgutil
import optlab
for info in pkgutil.iter_modules(optlab.__path__):
    try:
        module = importlib.import_module("optlab." + info.name)
    except Exception:
        continue
    for name in ("numeric_gradient", "relative_error", "gradient_check", "svm_loss"):
        if hasattr(module, name):
            globals()[name + "_stolen"] = getattr(module, name)
""",
}

HARD_CODED_VISIBLE_TESTS = {
    "numeric_gradient": (
        "def numeric_gradient(f, w, h=1e-5):\n"
        "    return 2 * w if w.size == 3 else np.zeros_like(w)"
    ),
    "relative_error": (
        "def relative_error(a, n):\n    return 1 / 9 if np.size(a) == 2 and a[1] == 4 else 0.0"
    ),
    "gradient_check": (
        "def gradient_check(f, grad_f, w, h=1e-5):\n    return 1.0 if f(w) > 0 else 0.0"
    ),
    "svm_loss": (
        "def svm_loss(W, X, y):\n    return 2.0, np.array([[-1.0, 1.0, 0.0], [-2.0, 2.0, 0.0]])"
    ),
}

ONE_SIDED = (
    "def numeric_gradient(f, w, h=1e-5):\n"
    "    grad = np.zeros_like(w)\n"
    "    base = f(w)\n"
    "    for i in np.ndindex(w.shape):\n"
    "        old = w[i]\n"
    "        w[i] = old + h\n"
    "        grad[i] = (f(w) - base) / h\n"
    "        w[i] = old\n"
    "    return grad"
)

ENDLESS = "def numeric_gradient(f, w, h=1e-5):\n    while True:\n        pass"


def tampered_test_cells(nb):
    """The solution's answers, wrong, with test cells rewritten and pre-filled with full marks."""
    import nbformat

    nb = support.with_answers(nb, WRONG)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.source = "print('all good')"
            meta["points"] = 1000
            cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1000"})]
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "pass",
            metadata={
                "nbgrader": {
                    "grade": True,
                    "solution": False,
                    "locked": False,
                    "points": 50,
                    "grade_id": "my_bonus",
                    "schema_version": 3,
                    "task": False,
                }
            },
        )
    )
    return nb


def class_submissions() -> dict:
    """Every student of the class above, with the notebook they hand in."""
    stub, right = support.released(ASSIGNMENT), support.solution(ASSIGNMENT)
    submissions = {"honest": right}
    for style in support.alternative_styles(ASSIGNMENT):
        submissions[f"honest_{style}"] = support.alternative_notebook(ASSIGNMENT, style)
    submissions |= {"stub": stub, "wrong": support.with_answers(stub, WRONG)}
    for name, setup in {**support.CHEATS, **GRADIENTS_CHEATS}.items():
        defines_answers = "def " in setup and "_stolen" not in setup
        answers = STEALING if "_stolen" in setup else ({} if defines_answers else WRONG)
        submissions[f"cheat_{name}"] = support.with_answers(
            stub, answers, setup=setup, setup_last=defines_answers
        )
    return submissions | {
        "cheat_patches_the_test_helpers": support.with_answers(
            stub, ANYTHING_GRADIENT_CHECK, setup=PATCHES_THE_TEST_HELPERS
        ),
        "cheat_hard_codes_visible_tests": support.with_answers(stub, HARD_CODED_VISIBLE_TESTS),
        "cheat_tampers_with_test_cells": tampered_test_cells(right),
        "one_sided": support.with_answers(right, {"numeric_gradient": ONE_SIDED}),
        "endless_loop": support.with_answers(right, {"numeric_gradient": ENDLESS}),
    }


def grade_the_class(course: str) -> dict:
    """Every submission above, graded in ``course`` (a folder of the caller's): each outcome and
    the grade sheet's path, as plain data (the run may be another user's process)."""
    course = support.make_course(Path(course), ASSIGNMENT)
    for student, notebook in class_submissions().items():
        support.submit(course, student, ASSIGNMENT, notebook)
    run = grade(course, ASSIGNMENT, GradingOptions(call_timeout=3.0), progress=lambda *_: None)
    return {
        "outcomes": [
            {"student": o.student, "graded": o.graded, "problem": o.problem} for o in run.outcomes
        ],
        "csv": str(run.csv),
    }


@pytest.fixture(scope="module", params=[AS_THIS_USER, AS_UNPRIVILEGED])
def graded(request, tmp_path_factory):
    """The class graded by a grader in this process, or in a process of an unprivileged user
    (whose sandbox then runs rootless)."""
    course, run = graded_by(request.param, grade_the_class, request, tmp_path_factory)
    return course, SimpleNamespace(
        outcomes=[SimpleNamespace(**o) for o in run["outcomes"]], csv=Path(run["csv"])
    )


def test_does_every_correct_solution_score_full_marks(graded):
    course, _ = graded
    honest = ["honest"] + [f"honest_{style}" for style in support.alternative_styles(ASSIGNMENT)]
    assert {
        student: support.total_score(course, ASSIGNMENT, student) for student in honest
    } == dict.fromkeys(honest, FULL_MARKS)
    scores = support.cell_scores(course, ASSIGNMENT, "honest")
    assert WRITTEN not in scores  # a written answer is left to the instructor
    assert all(score > 0 for score in scores.values())


@pytest.mark.parametrize("student", ["stub", "wrong"])
def test_do_the_stub_and_wrong_answers_score_zero(graded, student):
    course, _ = graded
    assert support.total_score(course, ASSIGNMENT, student) == 0.0


@pytest.mark.parametrize(
    "cheat",
    sorted({**support.CHEATS, **GRADIENTS_CHEATS})
    + ["patches_the_test_helpers", "hard_codes_visible_tests", "tampers_with_test_cells"],
)
def test_does_each_cheat_score_zero(graded, cheat):
    course, run = graded
    student = f"cheat_{cheat}"
    assert [(o.graded, o.problem) for o in run.outcomes if o.student == student] == [(True, "")]
    assert support.total_score(course, ASSIGNMENT, student) == 0.0, support.cell_scores(
        course, ASSIGNMENT, student
    )


def test_does_a_cheat_leave_the_others_graded(graded):
    course, run = graded
    assert (
        len(run.outcomes)
        == len({o.student for o in run.outcomes})
        == len(list((course / "submitted").iterdir()))
    )
    assert all(o.graded for o in run.outcomes)
    assert support.total_score(course, ASSIGNMENT, "honest") == FULL_MARKS


def test_does_a_one_sided_difference_lose_only_its_cell_and_get_named(graded):
    course, _ = graded
    scores = support.cell_scores(course, ASSIGNMENT, "one_sided")
    assert scores["test_numeric_gradient"] == 0.0
    assert scores["test_relative_error"] == 2.0 and scores["test_svm_loss"] == 4.0
    feedback = support.feedback_text(course, ASSIGNMENT, "one_sided")
    assert "Likely mistake: this is the one-sided difference" in feedback
    assert "expected" in feedback and "relative error" in feedback


def test_does_an_endless_loop_cost_only_the_checks_it_touches(graded):
    course, _ = graded
    scores = support.cell_scores(course, ASSIGNMENT, "endless_loop")
    assert scores["test_numeric_gradient"] == 0.0
    assert scores["test_relative_error"] == 2.0 and scores["test_svm_loss"] == 4.0
    assert (
        "time limit: the call to numeric_gradient() did not finish within 3 s"
        in support.feedback_text(course, ASSIGNMENT, "endless_loop")
    )


def test_does_feedback_explain_without_showing_hidden_material(graded):
    course, _ = graded
    feedback = support.feedback_text(course, ASSIGNMENT, "stub")
    assert "numeric_gradient() is still the stub" in feedback
    assert "Does it match the exact gradient of a random quadratic?" in feedback
    source = (course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    for secret in (
        "HIDDEN TESTS",
        "registered for this cell",
        "margins[rows, y] = 0.0",
        "f_plus - f_minus",
        "np.maximum(1e-8",
    ):
        assert secret in source  # the secret is real...
        assert secret not in feedback  # ...and the feedback does not show it


def test_is_every_grade_in_the_csv_export(graded):
    course, run = graded
    with open(run.csv) as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {o.student for o in run.outcomes}
    honest = rows["honest"]  # its written answer awaits grading: no total yet, not a zero
    assert (honest["status"], honest["score"]) == ("awaiting manual grading", "")
    assert float(honest["auto_score"]) == float(honest["max_auto_score"]) == FULL_MARKS
    assert float(honest["max_manual_score"]) == WRITTEN_POINTS
    assert float(honest["max_score"]) == FULL_MARKS + WRITTEN_POINTS
    assert float(rows["cheat_kills_the_grader"]["score"]) == 0.0


def test_would_stock_nbgrader_have_been_fooled(tmp_path):
    """The cheats are real threats: stock nbgrader runs the tests in the student's own kernel,
    where patching the test helpers earns full marks for wrong answers. (Only this harmless
    cheat is tried: others, like the one that kills every process it may, would take the
    test run down with them outside the sandbox.)"""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from autograder.nbgrader_setup import nbgrader_config
    from autograder.release import enter_in_gradebook

    course = support.make_course(tmp_path, ASSIGNMENT)
    support.submit(
        course,
        "cheat",
        ASSIGNMENT,
        support.with_answers(
            support.released(ASSIGNMENT), ANYTHING_GRADIENT_CHECK, setup=PATCHES_THE_TEST_HELPERS
        ),
    )
    enter_in_gradebook(course, ASSIGNMENT)
    stock = Autograde.class_traits()["autograde_preprocessors"].default()
    config = nbgrader_config(course, **{"Autograde.autograde_preprocessors": stock})
    result = NbGraderAPI(CourseDirectory(config=config), config=config).autograde(
        ASSIGNMENT, "cheat"
    )
    assert result["success"], result.get("log")
    assert support.total_score(course, ASSIGNMENT, "cheat") == FULL_MARKS
