"""Submissions that are damaged or odd: each ends with the score it deserves and a message that
says why."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from grading_support import (
    cell_scores,
    feedback_text,
    full_marks,
    make_course,
    released,
    solution,
    submit,
    with_answers,
)
from unprivileged import AS_THIS_USER, AS_UNPRIVILEGED, graded_by

from autograder.grading import grade

ASSIGNMENT = "schedules"
FULL = full_marks(ASSIGNMENT)  # the automatic points; the written answer awaits an instructor


def answered():
    """The released notebook, filled in with right answers: what an honest student submits."""
    sol = solution(ASSIGNMENT)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in sol.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    return with_answers(released(ASSIGNMENT), answers)


def without(nb, grade_id):
    nb = nbformat.from_dict(copy.deepcopy(nb))
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def duplicated(nb, grade_id):
    nb = nbformat.from_dict(copy.deepcopy(nb))
    index = next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    twin = copy.deepcopy(nb.cells[index])
    twin["id"] = "twin"
    nb.cells.insert(index, twin)
    return nb


def with_stray_hidden_tests(nb):
    nb = nbformat.from_dict(copy.deepcopy(nb))
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "x = 1\n### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS"
        )
    )
    return nb


def grade_the_corpus(course: str) -> dict:
    """Every submission above, graded in ``course`` (a folder of the caller's): each student's
    outcome, as plain data (the run may be another user's process)."""
    course = make_course(Path(course), ASSIGNMENT)
    honest = answered()
    submissions = {
        "honest": honest,
        "deleted_test_cell": without(honest, "test_step_decay"),
        "deleted_answer_cell": without(honest, "step_decay"),
        "duplicated_test_cell": duplicated(honest, "test_cosine_decay"),
        "duplicated_answer_cell": duplicated(honest, "cosine_decay"),
        "renamed_function": with_answers(
            honest,
            {
                "step_decay": "def step_decay_v2(lr0, epoch, drop=0.5, every=10):\n"
                "    return lr0 * drop ** (epoch // every)"
            },
        ),
        "wrong_signature": with_answers(
            honest,
            {"step_decay": "def step_decay(lr0, epoch):\n    return lr0 * 0.5 ** (epoch // 10)"},
        ),
        "stray_hidden_tests": with_stray_hidden_tests(honest),
        "other_assignment": released("sgd"),
    }
    for student, nb in submissions.items():
        submit(course, student, ASSIGNMENT, nb)
    (course / "submitted" / "honest" / ASSIGNMENT / "scratch.ipynb").write_text(
        "{}"
    )  # an extra file
    run = grade(course, ASSIGNMENT, progress=lambda *_: None)
    return {
        o.student: {"graded": o.graded, "score": o.score, "problem": o.problem}
        for o in run.outcomes
    }


@pytest.fixture(scope="module", params=[AS_THIS_USER, AS_UNPRIVILEGED])
def graded(request, tmp_path_factory):
    """The corpus graded by a grader in this process, or in a process of an unprivileged user
    (whose sandbox then runs rootless)."""
    course, outcomes = graded_by(request.param, grade_the_corpus, request, tmp_path_factory)
    return course, {student: SimpleNamespace(**outcome) for student, outcome in outcomes.items()}


def test_does_an_honest_submission_with_an_extra_file_score_full_marks(graded):
    course, outcomes = graded
    assert outcomes["honest"].graded and outcomes["honest"].score == FULL


def test_is_a_deleted_test_cell_restored_so_that_working_code_keeps_its_points(graded):
    course, outcomes = graded
    assert outcomes["deleted_test_cell"].score == FULL
    assert "test_step_decay" in [c for c in cell_scores(course, ASSIGNMENT, "deleted_test_cell")]


def test_does_a_deleted_answer_cost_only_its_function_and_say_so(graded):
    course, outcomes = graded
    scores = cell_scores(course, ASSIGNMENT, "deleted_answer_cell")
    assert scores["test_step_decay"] == 0.0 and sum(scores.values()) == FULL - 1
    assert "no function named 'step_decay' is defined in the notebook" in feedback_text(
        course, ASSIGNMENT, "deleted_answer_cell"
    )


@pytest.mark.parametrize(
    "student", ["duplicated_test_cell", "duplicated_answer_cell", "stray_hidden_tests"]
)
def test_do_duplicated_cells_and_stray_markers_still_get_full_marks_and_feedback(graded, student):
    course, outcomes = graded
    assert (
        outcomes[student].graded
        and outcomes[student].score == FULL
        and not outcomes[student].problem
    )
    assert "Hidden checks: 1 of 1 passed" in feedback_text(course, ASSIGNMENT, student)


@pytest.mark.parametrize(
    "student,lost,message",
    [
        (
            "renamed_function",
            -1.0,
            "step_decay() raised NameError: "
            "no function named 'step_decay' is defined in the notebook",
        ),
        # Its fixed drop and period are the defaults: the check of the defaults (half the cell)
        # passes.
        (
            "wrong_signature",
            -0.5,
            "step_decay() raised TypeError: "
            "step_decay() got an unexpected keyword argument 'drop'",
        ),
    ],
)
def test_do_renamed_functions_and_wrong_signatures_cost_their_cell_with_a_clear_message(
    graded, student, lost, message
):
    course, outcomes = graded
    assert outcomes[student].score == FULL + lost
    assert message in feedback_text(course, ASSIGNMENT, student)


def test_is_another_assignments_notebook_refused_with_a_reason(graded):
    _, outcomes = graded
    other = outcomes["other_assignment"]
    assert not other.graded
    assert other.problem.startswith(
        "schedules.ipynb is not the schedules exercise: it has none of its answer cells"
    )
