"""Hidden checks for the momentum exercise (solutions/momentum/momentum.ipynb).

    test_momentum_step  momentum_step(w, dw, v, lr, rho=0.9) -> (w, v)
    test_nesterov_step  nesterov_step(w, dw, v, lr, rho=0.9) -> (w, v)

Each rule is stepped beside the reference for many steps, fed its own weights and
velocity, with the gradient taken where its weights are; both outputs must match to
rtol 1e-9 at every step. The first step where they part is reported, and known wrong
versions (a flipped sign, PyTorch's buffer, plain momentum for Nesterov, a gradient
evaluated at the wrong point) are named.
"""

from __future__ import annotations

from optlab.problems import Rosenbrock, Saddle

from ..reference import momentum as reference
from . import Registry
from .problems import digits_problem, random_quadratic
from .update_rules import UpdateRule

# The section of book/momentum.md that explains each function, for feedback.
SECTIONS = {
    "test_momentum_step": "velocity-a-running-average-of-the-gradients",
    "test_nesterov_step": "the-change-of-variables",
}


def momentum_with_flipped_velocity(w, dw, v, lr, rho=0.9):
    v_new = rho * -v + lr * dw
    return w - v_new, v_new


def momentum_as_pytorch(w, dw, v, lr, rho=0.9):
    v_new = rho * v + dw
    return w - lr * v_new, v_new


def momentum_without_old_velocity(w, dw, v, lr, rho=0.9):
    return w - lr * dw, -lr * dw


def nesterov_returning_weights(w, dw, v, lr, rho=0.9):
    return w - lr * dw, rho * v - lr * dw


def nesterov_keeping_old_look_ahead(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + (1 + rho) * v_new, v_new


MOMENTUM_MISTAKES = {
    "the velocity has the opposite sign: the course's is v = rho * v - lr * dw, "
    "then w = w + v": momentum_with_flipped_velocity,
    "this is PyTorch's form, a buffer of raw gradients (b = rho * b + dw; w -= lr * b); "
    "the course's velocity is v = rho * v - lr * dw": momentum_as_pytorch,
    "the old velocity is not carried: v must be the v passed in, times rho, "
    "minus lr * dw": momentum_without_old_velocity,
}
NESTEROV_MISTAKES = {
    "this is plain momentum (w + v_new): Nesterov's look-ahead form is "
    "w - rho * v + (1 + rho) * v_new": reference.momentum_step,
    "the old velocity is not carried: v must be the v passed in": (
        lambda w, dw, v, lr, rho=0.9: reference.nesterov_step(w, dw, 0 * v, lr, rho)
    ),
    "this returns the weights w - rho * v + v_new, not the look-ahead point, "
    "so the next gradient is evaluated at the wrong point: "
    "return w - rho * v + (1 + rho) * v_new": nesterov_returning_weights,
    "the old look-ahead rho * v is not taken back (w + (1 + rho) * v_new), "
    "so the next gradient is evaluated at the wrong point: the weights are w - rho * v, "
    "and the new look-ahead w - rho * v + (1 + rho) * v_new": nesterov_keeping_old_look_ahead,
}
# The section that explains a named mistake better than its function's, by a phrase of the
# mistake's explanation above.
MISTAKE_SECTIONS = {
    "this is PyTorch's form": "pytorch-s-form",
    "this is plain momentum": "the-change-of-variables",
    "evaluated at the wrong point": "the-change-of-variables",
}
CHECKS = Registry("momentum", sections=SECTIONS, mistake_sections=MISTAKE_SECTIONS)


def random_case(rng):
    problem = random_quadratic(rng, (5, 50), (2, 6))
    lr = float(rng.uniform(0.05, 0.5)) / problem.eigenvalues[-1]
    return (
        problem,
        rng.standard_normal(problem.A.shape[0]),
        {"lr": lr, "rho": float(rng.uniform(0.5, 0.95))},
    )


for rule in (
    UpdateRule("momentum_step", reference.momentum_step, ("v",), MOMENTUM_MISTAKES),
    UpdateRule("nesterov_step", reference.nesterov_step, ("v",), NESTEROV_MISTAKES),
):
    grade_id = f"test_{rule.name}"
    # Each check binds this rule as a default argument (a closure would see the loop's last).

    @CHECKS.check(
        grade_id, "Does it follow the reference for 20 steps on a random quadratic?", weight=2
    )
    def on_quadratic(student, rng, rule=rule):
        problem, w0, hyper = random_case(rng)
        rule.follow_reference(student, problem.grad, w0, 20, hyper)

    @CHECKS.check(
        grade_id, "Does it roll off the saddle and along Rosenbrock's valley like the reference?"
    )
    def on_hard_landscapes(student, rng, rule=rule):
        saddle = Saddle()
        rule.follow_reference(
            student,
            saddle.grad,
            saddle.start + rng.normal(0, 1e-3, 2),
            25,
            {"lr": 0.05, "rho": 0.9},
        )
        rule.follow_reference(
            student, Rosenbrock().grad, rng.uniform(-1.5, 1.5, 2), 25, {"lr": 1e-4, "rho": 0.95}
        )

    @CHECKS.check(grade_id, "Does rho default to 0.9?")
    def default_rho(student, rng, rule=rule):
        problem, w0, hyper = random_case(rng)
        rule.follow_reference(student, problem.grad, w0, 5, {"lr": hyper["lr"]})

    @CHECKS.check(grade_id, "Does it step weight matrices (a classifier on real digits)?")
    def on_digits(student, rng, rule=rule):
        problem = digits_problem(rng)
        rule.follow_reference(
            student,
            problem.grad,
            rng.standard_normal(problem.shape) * 0.01,
            6,
            {"lr": 0.5, "rho": 0.9},
        )
