"""Hidden checks for the gradient-descent exercise
(solutions/gradient_descent/gradient_descent.ipynb).

    test_gradient_descent  gradient_descent(grad, w0, lr, num_steps) -> every iterate

Trajectories must match the reference iterate by iterate (rtol 1e-9, atol 1e-12); the
first iterate that differs is reported.
"""

from __future__ import annotations

import numpy as np

from optlab.problems import Rosenbrock, quadratic

from ..reference import gradient_descent as reference
from . import CheckFailed, Registry, as_array, problem_argument
from .mistakes import name_mistake
from .problems import digits_problem, random_quadratic
from .steps import compare_trajectory

# The section of book/gradient_descent.md that explains each function, for feedback.
SECTIONS = {
    "test_gradient_descent": "following-the-negative-gradient",
}
CHECKS = Registry("gradient_descent", sections=SECTIONS)


def uphill(grad, w0, lr, num_steps):
    return reference.gradient_descent(lambda w: -grad(w), w0, lr, num_steps)


def starts_after_the_first_step(grad, w0, lr, num_steps):
    return reference.gradient_descent(grad, w0, lr, num_steps + 1)[1:]


def gradient_at_start(grad, w0, lr, num_steps):
    """Every step takes the gradient at w0."""
    w0 = np.array(w0, dtype=np.float64)
    step = lr * np.asarray(grad(w0.copy()), dtype=np.float64)
    return np.array([w0 - t * step for t in range(num_steps + 1)])


def every_row_the_last(grad, w0, lr, num_steps):
    """One array, updated in place and kept at every step: every row is the last iterate."""
    trajectory = reference.gradient_descent(grad, w0, lr, num_steps)
    return np.repeat(trajectory[-1:], num_steps + 1, axis=0)


def summed_gradients(grad, w0, lr, num_steps):
    """Each step goes by the sum of every gradient so far."""
    trajectory = [np.array(w0, dtype=np.float64)]
    total = np.zeros_like(trajectory[0])
    for _ in range(num_steps):
        total = total + grad(trajectory[-1].copy())
        trajectory.append(trajectory[-1] - lr * total)
    return np.array(trajectory)


MISTAKES = {
    "the steps go up the slope: gradient descent subtracts, w = w - lr * grad(w)": uphill,
    "the trajectory starts after the first step: its first row must be w0 itself "
    "(num_steps + 1 rows in all)": starts_after_the_first_step,
    "every step takes the gradient at w0: each step of gradient descent takes the gradient "
    "where it stands, at the current iterate w_t": gradient_at_start,
    "every row is the last iterate: the trajectory holds one array, changed in place at every "
    "step; each row must keep the iterate of its own step": every_row_the_last,
    "each step goes by the sum of all the gradients so far: a step of gradient descent goes "
    "by the current gradient alone": summed_gradients,
}


def check(student, problem, w0, lr, num_steps, what):
    what = f"gradient_descent {what} (lr={lr:.3g}, {num_steps} steps)"
    got = as_array(
        student.call("gradient_descent", problem_argument(problem, "grad"), w0, lr, num_steps),
        what,
    )
    expected = reference.gradient_descent(problem.grad, w0, lr, num_steps)
    try:
        compare_trajectory(got, expected, what)
    except AssertionError as failure:
        raise CheckFailed(
            f"{failure}{name_mistake(got, MISTAKES, problem.grad, w0, lr, num_steps)}"
        ) from None


@CHECKS.check(
    "test_gradient_descent", "Does it follow the reference on a random quadratic?", weight=2
)
def on_quadratic(student, rng):
    problem = random_quadratic(rng, (2, 30), (2, 6))
    lr = float(rng.uniform(0.1, 1.9)) / problem.eigenvalues[-1]
    check(
        student,
        problem,
        rng.standard_normal(problem.A.shape[0]),
        lr,
        int(rng.integers(5, 25)),
        "on a quadratic",
    )


@CHECKS.check(
    "test_gradient_descent", "Does it keep every iterate, the start included, on Rosenbrock?"
)
def on_rosenbrock(student, rng):
    check(
        student,
        Rosenbrock(),
        rng.uniform(-1.5, 1.5, 2),
        float(rng.uniform(1e-4, 1e-3)),
        30,
        "on Rosenbrock",
    )


@CHECKS.check(
    "test_gradient_descent", "Does it work for weight matrices (a classifier on real digits)?"
)
def on_digits(student, rng):
    problem = digits_problem(rng)
    check(student, problem, rng.standard_normal(problem.shape) * 0.01, 0.5, 8, "on digits")


@CHECKS.check(
    "test_gradient_descent",
    "Does it report divergence honestly, without clipping, and handle 0 steps?",
)
def diverging_and_empty(student, rng):
    problem = quadratic(10.0, dim=2, seed=int(rng.integers(2**31)))
    w0 = rng.standard_normal(2)
    check(student, problem, w0, 3.0 / problem.eigenvalues[-1], 15, "with lr above 2/nu_max")
    check(student, problem, w0, 0.1, 0, "with no steps")
