"""Grading every exercise end to end that has no test module of its own: the same submissions
for each.

For every chapter of the table of chapters (optlab.chapters) without a
tests/test_<name>_grading.py (the gradients exercise has one): the solution and the alternative
correct solutions (tests/alternative_solutions/) score full marks, the points of the solution
notebook's graded cells; the stub, wrong answers (WRONG, one entry per chapter graded here: a
test of test_chapters.py names any chapter without one) and every cheat of the shared corpus
score zero. Then what the feedback says for named mistakes. Every chapter is graded by the
instructor's command on another machine's numerics (another OpenBLAS kernel, two threads).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from grading_support import (
    CHEATS,
    alternative_notebook,
    alternative_styles,
    cell_scores,
    feedback_text,
    full_marks,
    make_course,
    released,
    solution,
    stealing_answers,
    submit,
    submit_correct_solutions,
    total_score,
    venv_environment,
    with_answers,
)

from optlab.chapters import NAMES

TESTS = Path(__file__).resolve().parent
# The chapters whose exercise this module grades: those without a grading module of their own.
GRADED_HERE = tuple(name for name in NAMES if not (TESTS / f"test_{name}_grading.py").is_file())

WRONG = {
    "random_search": {
        "random_search": (
            "def random_search(loss, shape, num_samples, scale=1.0, seed=0):\n"
            "    w = np.zeros(shape)\n"
            "    return w, float(loss(w)), np.full(num_samples, loss(w))"
        ),
        "random_local_search": (
            "def random_local_search(loss, w0, num_steps, step_size=0.1, seed=0):\n"
            "    return w0, float(loss(w0)), np.full(num_steps + 1, loss(w0))"
        ),
    },
    "gradient_descent": {
        "gradient_descent": (
            "def gradient_descent(grad, w0, lr, num_steps):\n"
            "    return np.repeat(np.asarray(w0)[None], num_steps + 1, axis=0)"
        ),
    },
    "sgd": {
        "minibatch_indices": (
            "def minibatch_indices(num_examples, batch_size, num_epochs, seed=0):\n"
            "    return [np.arange(num_examples)] * num_epochs"
        ),
        "sgd_step": "def sgd_step(w, dw, lr):\n    return w",
    },
    "momentum": {
        "momentum_step": "def momentum_step(w, dw, v, lr, rho=0.9):\n    return w, v",
        "nesterov_step": "def nesterov_step(w, dw, v, lr, rho=0.9):\n    return w, v",
    },
    "adaptive": {
        "adagrad_step": "def adagrad_step(w, dw, h, lr, eps=1e-8):\n    return w - lr * dw, h",
        "rmsprop_step": (
            "def rmsprop_step(w, dw, h, lr, decay=0.99, eps=1e-8):\n    return w - lr * dw, h"
        ),
        "adam_step": (
            "def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    return w - lr * dw, m, v, t + 1"
        ),
        "adamw_step": (
            "def adamw_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, "
            "weight_decay=1e-2):\n"
            "    return w - lr * dw, m, v, t + 1"
        ),
    },
    "schedules": {
        "step_decay": "def step_decay(lr0, epoch, drop=0.5, every=10):\n    return lr0",
        "exponential_decay": "def exponential_decay(lr0, t, k):\n    return lr0",
        "inverse_time_decay": "def inverse_time_decay(lr0, t, k):\n    return lr0",
        "cosine_decay": "def cosine_decay(lr0, t, total_steps, lr_min=0.0):\n    return lr0",
        "linear_warmup": "def linear_warmup(lr0, t, warmup_steps):\n    return lr0",
        "decay_constants": (
            "def decay_constants(lr0, lr_end, total_steps):\n"
            "    return 1 / total_steps, 1 / total_steps"
        ),
    },
    "second_order": {
        "newton_step": "def newton_step(w, g, hessian):\n    return w - g",
        "bfgs_update": "def bfgs_update(H, s, grad_change):\n    return H",
        "lbfgs_direction": "def lbfgs_direction(g, s_list, grad_change_list):\n    return -g",
        "backtracking_line_search": (
            "def backtracking_line_search(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):\n"
            "    return 1e-3"
        ),
        "lbfgs": (
            "def lbfgs(f, grad, w0, m=10, tol=1e-6, max_iter=500):\n"
            "    return w0, 0, np.array([f(w0)])"
        ),
        "largest_weight_counts": (
            "def largest_weight_counts(memory_bytes, m):\n"
            "    return memory_bytes ** 0.5, memory_bytes / m"
        ),
    },
    "regularization": {
        "l2_penalty": "def l2_penalty(W, lam):\n    return 0.0, np.zeros_like(W)",
        "l1_penalty": "def l1_penalty(W, lam):\n    return 0.0, np.zeros_like(W)",
        "elastic_net_penalty": (
            "def elastic_net_penalty(W, lam, beta=0.5):\n    return 0.0, np.zeros_like(W)"
        ),
        "dropout_forward": (
            "def dropout_forward(x, drop_prob, rng, train=True, inverted=True):\n"
            "    return x, None"
        ),
        "dropout_backward": (
            "def dropout_backward(dout, mask, drop_prob, inverted=True):\n    return dout"
        ),
        "halving_steps": "def halving_steps(lr, lam):\n    return int(0.5 / (lr * lam))",
    },
    "augmentation": {
        "horizontal_flip": "def horizontal_flip(image):\n    return image.copy()",
        "random_crop": "def random_crop(image, size, rng):\n    return image[:size, :size].copy()",
        "ten_crops": (
            "def ten_crops(image, size):\n    return np.stack([image[:size, :size]] * 10)"
        ),
        "color_jitter": (
            "def color_jitter(image, brightness, contrast, rng):\n    return image.copy()"
        ),
        "rgb_principal_components": (
            "def rgb_principal_components(images):\n    return np.ones(3), np.eye(3)"
        ),
        "pca_color": (
            "def pca_color(image, eigenvalues, eigenvectors, sigma, rng):\n    return image.copy()"
        ),
        "training_crop_count": (
            "def training_crop_count(height, width, size):\n"
            "    return 2 * (height - size) * (width - size)"
        ),
    },
    "transfer": {
        "replace_head": "def replace_head(params, num_classes, rng):\n    return dict(params)",
        "learning_rates": (
            "def learning_rates(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):\n"
            "    return {name: lr for name in param_names}"
        ),
        "fine_tune_step": (
            "def fine_tune_step(params, grads, velocity, rates, rho=0.9):\n"
            "    return params, velocity"
        ),
        "trained_parameter_count": (
            "def trained_parameter_count(sizes, num_classes, num_trainable_layers):\n"
            "    return sizes[-2] * num_classes"
        ),
    },
}


USES_THE_COURSE_LOOP = """
from optlab.optimize import run as course_loop
def gradient_descent(grad, w0, lr, num_steps):
    return course_loop(lambda w, dw, lr: w - lr * dw, grad, w0, num_steps, lr=lr)
"""
MOMENTUM_SIGN_FLIPPED = (
    "def momentum_step(w, dw, v, lr, rho=0.9):\n    v = rho * v + lr * dw\n    return w - v, v"
)
MOMENTUM_NOT_CARRIED = (
    "def momentum_step(w, dw, v, lr, rho=0.9):\n    v = -lr * dw\n    return w + v, v"
)


def submissions(assignment: str) -> dict[str, object]:
    wrong = WRONG[assignment]
    subs = {
        "honest": solution(assignment),
        "stub": released(assignment),
        "wrong": with_answers(released(assignment), wrong),
    }
    subs.update(
        {
            f"honest_{style}": alternative_notebook(assignment, style)
            for style in alternative_styles(assignment)
        }
    )
    for name, setup in CHEATS.items():
        answers = stealing_answers(wrong) if "_stolen" in setup else wrong
        subs[f"cheat_{name}"] = with_answers(released(assignment), answers, setup=setup)
    if assignment == "gradient_descent":
        subs["cheat_uses_the_course_loop"] = with_answers(
            released(assignment), {}, setup=USES_THE_COURSE_LOOP, setup_last=True
        )
    if assignment == "momentum":
        subs["sign_flipped"] = with_answers(
            solution(assignment), {"momentum_step": MOMENTUM_SIGN_FLIPPED}
        )
        subs["not_carried"] = with_answers(
            solution(assignment), {"momentum_step": MOMENTUM_NOT_CARRIED}
        )
    return subs


def other_numerics_environment() -> dict[str, str]:
    """This test run's environment with another machine's numerics: another OpenBLAS kernel (or
    none pinned, where this machine pins one) and two threads."""
    from autograder.sandbox.numerics import PREFIXES, other_environment

    env = {
        name: value for name, value in venv_environment().items() if not name.startswith(PREFIXES)
    }
    env.update(other_environment())
    return env


def grade_by_command(course: Path, assignment: str) -> list[dict[str, str]]:
    """``assignment`` graded by the instructor's command on another machine's numerics (the
    reference's side as well as the students'); its rows of the grade sheet."""
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", assignment],
        cwd=course,
        env=other_numerics_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(course / "grades.csv") as handle:
        return [row for row in csv.DictReader(handle) if row["assignment"] == assignment]


@pytest.fixture(scope="module", params=GRADED_HERE)
def graded(request, tmp_path_factory):
    """Every submission of one chapter, graded on another machine's numerics: the correct
    solutions' full marks then show the checks fair to a grader whose numbers differ in the last
    bits (test_checks.py runs them through every check on this machine's numerics too)."""
    assignment = request.param
    course = make_course(tmp_path_factory.mktemp(assignment), assignment)
    names = submissions(assignment)
    for student, nb in names.items():
        submit(course, student, assignment, nb)
    rows = grade_by_command(course, assignment)
    assert sorted(row["student_id"] for row in rows) == sorted(names)
    # A written answer that differs from the released one awaits an instructor's hand.
    assert [
        row for row in rows if row["status"] not in ("graded", "awaiting manual grading")
    ] == []
    return assignment, course, names


def test_does_every_correct_solution_score_full_marks(graded):
    assignment, course, names = graded
    honest = [student for student in names if student.startswith("honest")]
    assert len(honest) >= 3
    scores = {student: total_score(course, assignment, student) for student in honest}
    assert scores == dict.fromkeys(honest, full_marks(assignment))


def test_do_the_stub_wrong_answers_and_every_cheat_score_zero(graded):
    assignment, course, names = graded
    zero = [s for s in names if s == "stub" or s == "wrong" or s.startswith("cheat_")]
    scores = {student: total_score(course, assignment, student) for student in zero}
    assert scores == dict.fromkeys(zero, 0.0)


@pytest.mark.parametrize("graded", ["momentum"], indirect=True)
def test_does_feedback_name_the_step_and_the_mistake(graded):
    assignment, course, _ = graded
    flipped = feedback_text(course, assignment, "sign_flipped")
    assert "momentum_step() parts from the reference at step 1 of 20 (0 steps matched" in flipped
    assert "Likely mistake: the velocity has the opposite sign" in flipped
    assert (
        "The book explains this function: "
        "book/momentum.html#velocity-a-running-average-of-the-gradients" in flipped
    )
    not_carried = feedback_text(course, assignment, "not_carried")
    assert "parts from the reference at step 2 of 20 (1 steps matched" in not_carried
    assert "Likely mistake: the old velocity is not carried" in not_carried
    scores = cell_scores(course, assignment, "sign_flipped")
    assert scores["test_momentum_step"] == 0.0 and scores["test_nesterov_step"] == 4.0


@pytest.mark.parametrize("assignment", [name for name in NAMES if name not in GRADED_HERE])
def test_does_every_correct_solution_score_full_marks_on_another_blas_kernel(tmp_path, assignment):
    """The chapters with a grading module of their own, graded as this module's fixture grades
    the others."""
    honest = submit_correct_solutions(tmp_path, [assignment])[assignment]
    rows = grade_by_command(tmp_path, assignment)
    assert {row["student_id"]: float(row["auto_score"]) for row in rows} == dict.fromkeys(
        honest, full_marks(assignment)
    )
