"""Hidden checks for the gradient-descent exercise
(solutions/gradient_descent/gradient_descent.ipynb).

    test_gradient_descent    gradient_descent(grad, w0, lr, num_steps) -> every iterate
    test_best_learning_rate  best_learning_rate(A) -> a learning rate

Trajectories must match the reference iterate by iterate (rtol 1e-9, atol 1e-12); the
first iterate that differs is reported, and the mistake named when the trajectory is a known
wrong version's (MISTAKES). A learning rate is a choice: the reference runs gradient descent
with it on a quadratic of the grader's, which must shrink the distance to the minimizer a
millionfold within 1.25 times the steps that the fastest learning rate needs; a learning rate
that fails is named when it is a known wrong formula's (RATE_MISTAKES).
"""

from __future__ import annotations

import math

import numpy as np

from optlab.problems import Rosenbrock, quadratic

from ..reference import gradient_descent as reference
from . import CheckFailed, Registry, as_array, problem_argument
from .mistakes import name_mistake
from .problems import digits_problem, random_quadratic
from .steps import compare_trajectory
from .tasks import finite_number

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


def stepped(grad, w0, lr, num_steps, step, dtype=np.float64):
    """Every iterate of the loop w = w - step(w, lr, grad(w)), from w0, kept in ``dtype``: the
    building block of gradient_descent's wrong versions."""
    trajectory = [np.array(w0, dtype=dtype)]
    for _ in range(num_steps):
        w = trajectory[-1]
        trajectory.append((w - step(w, lr, np.asarray(grad(w.copy())))).astype(dtype))
    return np.array(trajectory)


def stored_before_update(grad, w0, lr, num_steps):
    """Row t holds the iterate before step t: w0, w0, w1, ..., w_{num_steps - 1}."""
    trajectory = reference.gradient_descent(grad, w0, lr, num_steps)
    return np.concatenate([trajectory[:1], trajectory[:-1]])


def previous_gradient(grad, w0, lr, num_steps):
    """Each step takes the gradient of the iterate before the current one (the first, w0's)."""
    trajectory = [np.array(w0, dtype=np.float64)]
    previous = trajectory[0]
    for _ in range(num_steps):
        current = trajectory[-1]
        trajectory.append(current - lr * grad(previous.copy()))
        previous = current
    return np.array(trajectory)


def steps_count(grad, w0, lr, num_steps, count):
    """The reference's trajectory of ``count`` steps, not num_steps (no rows for a count below
    0)."""
    if count < 0:
        return np.empty((0, *np.shape(w0)))
    return reference.gradient_descent(grad, w0, lr, count)


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
    "each row is stored before its update, so the trajectory runs w0, w0, w1, ...: row t must "
    "hold w_t, the iterate after t steps, and row 0 alone holds w0": stored_before_update,
    "each step takes the gradient of the iterate before the current one: a step of gradient "
    "descent takes the gradient where it stands, w_{t+1} = w_t - lr * grad(w_t)": (
        previous_gradient
    ),
    "each step has length lr, along the normalized gradient grad(w) / |grad(w)|: gradient "
    "descent steps by lr times the gradient itself, so that its steps shrink as the slope "
    "flattens": lambda grad, w0, lr, n: stepped(
        grad, w0, lr, n, lambda w, lr, g: lr * g / np.linalg.norm(g)
    ),
    "the learning rate is left out, w - grad(w): a step of gradient descent is lr times the "
    "gradient, w - lr * grad(w)": lambda grad, w0, lr, n: stepped(
        grad, w0, lr, n, lambda w, lr, g: g
    ),
    "the learning rate is applied twice, w - lr**2 * grad(w): a step of gradient descent is "
    "lr times the gradient, w - lr * grad(w)": lambda grad, w0, lr, n: stepped(
        grad, w0, lr, n, lambda w, lr, g: lr * lr * g
    ),
    "the gradient is divided by the learning rate, w - grad(w) / lr: a step of gradient "
    "descent multiplies it, w - lr * grad(w)": lambda grad, w0, lr, n: stepped(
        grad, w0, lr, n, lambda w, lr, g: g / lr
    ),
    "the weights never change: each step's result, w - lr * grad(w), must become the w of "
    "the next step, and be kept in the trajectory": lambda grad, w0, lr, n: stepped(
        grad, w0, lr, n, lambda w, lr, g: 0.0 * w
    ),
    "the iterates are computed in float32, about 7 digits: gradient descent works in "
    "float64, as w0 is given": lambda grad, w0, lr, n: stepped(
        grad, w0, lr, n, lambda w, lr, g: lr * g, dtype=np.float32
    ),
    "the trajectory leaves out w0 (num_steps rows, from w1): its row 0 is w0 itself, and row t "
    "the iterate after t steps, num_steps + 1 rows in all": lambda grad, w0, lr, n: (
        reference.gradient_descent(grad, w0, lr, n)[1:]
    ),
    "this returns only the last iterate: the trajectory holds every iterate, "
    "an array of shape (num_steps + 1, *w0.shape) whose row t is w_t": (
        lambda grad, w0, lr, n: reference.gradient_descent(grad, w0, lr, n)[-1]
    ),
    "the trajectory stops one step short (num_steps rows): it holds w0 and the iterate after "
    "every one of the num_steps steps, num_steps + 1 rows": lambda grad, w0, lr, n: steps_count(
        grad, w0, lr, n, n - 1
    ),
    "the trajectory has one step too many (num_steps + 2 rows): it holds w0 and the iterate "
    "after every one of the num_steps steps, num_steps + 1 rows": lambda grad, w0, lr, n: (
        steps_count(grad, w0, lr, n, n + 1)
    ),
    "the iterates are stacked along the last axis: row t of the trajectory, along its first "
    "axis, is the iterate w_t (np.array(list_of_iterates) stacks them so)": (
        lambda grad, w0, lr, n: np.moveaxis(reference.gradient_descent(grad, w0, lr, n), 0, -1)
    ),
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
        named = name_mistake(got, MISTAKES, problem.grad, w0, lr, num_steps, right_answer=expected)
        raise CheckFailed(f"{failure}{named}") from None


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


# --- choosing the learning rate --------------------------------------------------------------

SECTIONS["test_best_learning_rate"] = "measuring-the-limit"
# The target: shrink the distance to the minimizer this much, within SLACK times the steps that
# the fastest learning rate needs from the worst start.
SHRINK, SLACK = 1e-6, 1.25


def rotated_quadratic(rng, mu: float, nu_max: float, dim: int):
    """(A, minimizer, start): curvatures mu and nu_max and dim - 2 between, in a random
    orientation; the start's error has the same size along every eigenvector, the worst case's
    share along the extreme ones included."""
    curvatures = np.concatenate([[mu, nu_max], rng.uniform(mu, nu_max, dim - 2)])
    Q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    A = (Q * curvatures) @ Q.T
    A = (A + A.T) / 2
    minimizer = rng.standard_normal(dim)
    start = minimizer + Q @ rng.choice([-1.0, 1.0], dim)
    return A, minimizer, start


def steps_allowed(mu: float, nu_max: float) -> tuple[int, int]:
    """(the steps the fastest learning rate needs to shrink the error SHRINK-fold from the worst
    start, the steps allowed: SLACK times as many)."""
    best_rate = (nu_max - mu) / (nu_max + mu)
    if best_rate < 1e-12:
        return 1, 1
    needed = math.log(SHRINK) / math.log(best_rate)
    return math.ceil(needed), math.ceil(SLACK * needed)


def extremes(A) -> tuple[float, float]:
    """The smallest and the largest curvature of the quadratic of Hessian A, mu and nu_max."""
    curvatures = np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))
    return float(curvatures[0]), float(curvatures[-1])


def unsorted_ends(A) -> float:
    """2 / (first + last) of the eigenvalues as np.linalg.eigvals lists them, in no order."""
    curvatures = np.linalg.eigvals(np.asarray(A, dtype=np.float64)).real
    return float(2.0 / (curvatures[0] + curvatures[-1]))


def diagonal_ends(A) -> float:
    """2 / (smallest + largest) of the diagonal entries of A, taken for its curvatures."""
    diagonal = np.diag(np.asarray(A, dtype=np.float64))
    return float(2.0 / (diagonal.min() + diagonal.max()))


# Wrong formulas for the best learning rate, each with its explanation (tried in this order).
RATE_MISTAKES = {
    "this is 2 / nu_max, the edge of stability, where the steepest direction's error flips "
    "sign without shrinking: the fastest rate balances the shallowest and the steepest "
    "directions, lr = 2 / (mu + nu_max)": lambda A: 2.0 / extremes(A)[1],
    "this is 1 / nu_max, which settles the steepest direction in one step but leaves the "
    "shallowest shrinking by only 1 - mu / nu_max per step: the fastest rate balances "
    "the two, lr = 2 / (mu + nu_max)": lambda A: 1.0 / extremes(A)[1],
    "this is 1 / mu, which settles the shallowest direction but makes the steepest diverge: "
    "the fastest rate balances the two, lr = 2 / (mu + nu_max)": lambda A: 1.0 / extremes(A)[0],
    "the 2 is missing: the rates |1 - lr mu| and |1 - lr nu_max| cross where "
    "lr = 2 / (mu + nu_max)": lambda A: 1.0 / sum(extremes(A)),
    "this is (mu + nu_max) / 2, the mean of the extreme curvatures, upside down: the fastest "
    "learning rate is 2 / (mu + nu_max)": lambda A: sum(extremes(A)) / 2.0,
    "this is momentum's tuning, (2 / (sqrt(mu) + sqrt(nu_max)))**2, too large for plain "
    "gradient descent: its fastest learning rate is 2 / (mu + nu_max)": lambda A: (
        (2.0 / (np.sqrt(extremes(A)[0]) + np.sqrt(extremes(A)[1]))) ** 2
    ),
    "this takes the first and the last eigenvalue of np.linalg.eigvals, which lists them in "
    "no order: mu and nu_max are the smallest and the largest (np.linalg.eigvalsh sorts "
    "them)": unsorted_ends,
    "this takes the diagonal entries of A for its curvatures: the curvatures are the "
    "eigenvalues of A, and the diagonal's extremes lie between mu and nu_max": diagonal_ends,
}


def check_learning_rate(student, rng, mu: float, nu_max: float, dim: int, what: str) -> None:
    A, minimizer, start = rotated_quadratic(rng, mu, nu_max, dim)
    what = f"best_learning_rate(A) {what} (curvatures {mu:.3g} to {nu_max:.3g}, dimension {dim})"
    lr = finite_number(student.call("best_learning_rate", A), what)
    named = name_mistake(lr, RATE_MISTAKES, A, right_answer=reference.best_learning_rate(A))
    if lr <= 0:
        raise CheckFailed(f"{what}: expected a positive learning rate, got {lr:.6g}{named}")
    needed, allowed = steps_allowed(mu, nu_max)
    path = reference.gradient_descent(lambda w: A @ (w - minimizer), start, lr, allowed)
    distances = np.linalg.norm(path - minimizer, axis=1)
    shrunk = distances[-1] / distances[0]
    if shrunk <= SHRINK:
        return
    shallow, steep = abs(1 - lr * mu), abs(1 - lr * nu_max)
    slowest = "shallowest" if shallow >= steep else "steepest"
    advice = (
        "the learning rate is too small for the shallowest direction"
        if shallow >= steep
        else "the learning rate is too large for the steepest direction"
    )
    raise CheckFailed(
        f"{what}: gradient descent with lr = {lr:.6g} shrank the distance to the minimizer to "
        f"{shrunk:.3g} of its start in {allowed} steps; the target is {SHRINK:g} within "
        f"{allowed} steps ({SLACK:g} times the {needed} that the fastest learning rate needs "
        f"from this start). Per step, the error along the shallowest eigenvector was "
        f"multiplied by {shallow:.4g} and along the steepest by {steep:.4g}; the {slowest} one "
        f"set the pace: {advice}{named}"
    )


@CHECKS.check(
    "test_best_learning_rate",
    "Does gradient descent with it reach the target on a mildly conditioned quadratic?",
)
def best_learning_rate_mild(student, rng):
    mu = float(np.exp(rng.uniform(np.log(1e-2), np.log(1e2))))
    kappa = float(rng.uniform(2.0, 20.0))
    check_learning_rate(student, rng, mu, kappa * mu, int(rng.integers(2, 12)), "mild")


@CHECKS.check(
    "test_best_learning_rate",
    "Does gradient descent with it reach the target on an ill-conditioned quadratic?",
)
def best_learning_rate_ill(student, rng):
    mu = float(np.exp(rng.uniform(np.log(1e-2), np.log(1e2))))
    kappa = float(np.exp(rng.uniform(np.log(100.0), np.log(1000.0))))
    check_learning_rate(student, rng, mu, kappa * mu, int(rng.integers(2, 12)), "ill-conditioned")


@CHECKS.check(
    "test_best_learning_rate",
    "Where every curvature is the same, does one step reach the minimizer?",
)
def best_learning_rate_round(student, rng):
    nu = float(np.exp(rng.uniform(np.log(1e-2), np.log(1e2))))
    check_learning_rate(student, rng, nu, nu, int(rng.integers(2, 12)), "on a round bowl")
