"""Hidden checks for the momentum exercise (solutions/momentum/momentum.ipynb).

    test_momentum_step  momentum_step(w, dw, v, lr, rho=0.9) -> (w, v)
    test_nesterov_step  nesterov_step(w, dw, v, lr, rho=0.9) -> (w, v)

Each rule is stepped beside the reference for many steps, fed its own weights and
velocity, with the gradient taken where its weights are; both outputs must match to
rtol 1e-9 at every step. The first step where they part is reported, and known wrong
versions (a flipped sign, PyTorch's buffer, plain momentum for Nesterov, a gradient
evaluated at the wrong point, the learning rate or rho in the wrong place, the old velocity
used) are named.
"""

from __future__ import annotations

import numpy as np

from optlab.problems import Rosenbrock, Saddle, quadratic

from ..reference import momentum as reference
from . import CheckFailed, Registry, as_float
from .mistakes import name_mistake
from .problems import digits_problem, random_quadratic
from .tasks import Setting, assert_predicted, assert_reaches, chosen_settings
from .update_rules import UpdateRule, telling_mistakes

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


def momentum_climbing(w, dw, v, lr, rho=0.9):
    v_new = rho * v + lr * dw
    return w + v_new, v_new


def momentum_dampened(w, dw, v, lr, rho=0.9):
    v_new = rho * v - (1 - rho) * lr * dw
    return w + v_new, v_new


def momentum_stepping_back(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - v_new, v_new


def momentum_rho_on_gradient_too(w, dw, v, lr, rho=0.9):
    v_new = rho * (v - lr * dw)
    return w + v_new, v_new


def momentum_rho_on_step(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + rho * v_new, v_new


def momentum_lr_twice(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + lr * v_new, v_new


def momentum_lr_in_step(w, dw, v, lr, rho=0.9):
    v_new = rho * v - dw
    return w + lr * v_new, v_new


def momentum_without_lr(w, dw, v, lr, rho=0.9):
    v_new = rho * v - dw
    return w + v_new, v_new


def momentum_without_friction(w, dw, v, lr, rho=0.9):
    v_new = v - lr * dw
    return w + v_new, v_new


def momentum_keeping_one_minus_rho(w, dw, v, lr, rho=0.9):
    v_new = (1 - rho) * v - lr * dw
    return w + v_new, v_new


def momentum_moving_by_old_velocity(w, dw, v, lr, rho=0.9):
    return w + v, rho * v - lr * dw


def momentum_as_average(w, dw, v, lr, rho=0.9):
    v_new = rho * v + (1 - rho) * dw
    return w - lr * v_new, v_new


def momentum_outputs_swapped(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return v_new, w + v_new


def nesterov_climbing(w, dw, v, lr, rho=0.9):
    v_new = rho * v + lr * dw
    return w - rho * v + (1 + rho) * v_new, v_new


def nesterov_velocities_swapped(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v_new + (1 + rho) * v, v_new


def nesterov_one_minus_rho(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + (1 - rho) * v_new, v_new


def nesterov_returning_weights(w, dw, v, lr, rho=0.9):
    return w - lr * dw, rho * v - lr * dw


def nesterov_keeping_old_look_ahead(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + (1 + rho) * v_new, v_new


def nesterov_rho_for_one_plus_rho(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + rho * v_new, v_new


def nesterov_adding_old_look_ahead(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + rho * v + (1 + rho) * v_new, v_new


def nesterov_rho_squared(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho**2 * v + (1 + rho) * v_new, v_new


def nesterov_lr_in_step(w, dw, v, lr, rho=0.9):
    v_new = rho * v - dw
    return w - rho * v + (1 + rho) * lr * v_new, v_new


def nesterov_as_pytorch(w, dw, v, lr, rho=0.9):
    buffer = rho * v + dw
    return w - lr * (dw + rho * buffer), buffer


def nesterov_correction_flipped(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + v_new - rho * (v_new - v), v_new


def nesterov_correction_without_rho(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + v_new + (v_new - v), v_new


MOMENTUM_MISTAKES = {
    "the velocity has the opposite sign: the course's is v = rho * v - lr * dw, "
    "then w = w + v": momentum_with_flipped_velocity,
    "this is PyTorch's form, a buffer of raw gradients (b = rho * b + dw; w -= lr * b); "
    "the course's velocity is v = rho * v - lr * dw": momentum_as_pytorch,
    "the old velocity is not carried: v must be the v passed in, times rho, "
    "minus lr * dw": momentum_without_old_velocity,
    "the velocity adds the gradient step instead of subtracting it, so the weights climb the "
    "loss: the velocity keeps rho of itself and moves against the gradient": (momentum_climbing),
    "the gradient is damped by 1 - rho, as in an average of the gradients: the velocity adds "
    "the whole gradient step, the learning rate times the gradient, and only the old "
    "velocity is scaled by rho": momentum_dampened,
    "the weights move against the new velocity: the velocity already points downhill, so "
    "the step adds it to the weights": momentum_stepping_back,
    "rho multiplies the gradient step too (v = rho * (v - lr * dw)): in the course's velocity "
    "(equation momentum) only the old velocity is scaled by rho, "
    "v = rho * v - lr * dw": momentum_rho_on_gradient_too,
    "the weights move by rho times the new velocity: they move by the whole new velocity, "
    "w = w + v (equation momentum), and rho only scales the old velocity inside "
    "it": momentum_rho_on_step,
    "the learning rate is applied twice (w + lr * v): the velocity already holds the step, "
    "v = rho * v - lr * dw, so the weights move by the velocity itself, w = w + v": (
        momentum_lr_twice
    ),
    "the velocity leaves out the learning rate (v = rho * v - dw) and the step puts it back "
    "(w + lr * v): the weights come out right, but the velocity returned is not the course's, "
    "which holds the step itself, v = rho * v - lr * dw, with w = w + v": momentum_lr_in_step,
    "the learning rate is missing: the velocity subtracts the learning rate times the "
    "gradient, v = rho * v - lr * dw": momentum_without_lr,
    "the old velocity is not scaled by rho, so nothing slows it down: the velocity keeps the "
    "fraction rho of itself, v = rho * v - lr * dw": momentum_without_friction,
    "the old velocity is scaled by 1 - rho: the friction rho is the fraction of the velocity "
    "that each step keeps, v = rho * v - lr * dw": momentum_keeping_one_minus_rho,
    "the weights move by the old velocity: the velocity is updated first, "
    "v = rho * v - lr * dw, then the weights move by the new one, w = w + v": (
        momentum_moving_by_old_velocity
    ),
    "this is the exponential-average form (v = rho * v + (1 - rho) * dw; w -= lr * v), whose "
    "steps are 1 - rho times the course's: the course's velocity adds the whole gradient "
    "step, v = rho * v - lr * dw, then w = w + v": momentum_as_average,
    "this is Nesterov's step, w - rho * v + (1 + rho) * v_new: plain momentum moves the "
    "weights by the new velocity alone, w = w + v": reference.nesterov_step,
    "the outputs are swapped: return the weights first, then the velocity, (w, v)": (
        momentum_outputs_swapped
    ),
    "the rho passed in is ignored (0.9 is used): the velocity keeps the fraction rho of "
    "itself, the rho the caller gives": (
        lambda w, dw, v, lr, rho=0.9: reference.momentum_step(w, dw, v, lr)
    ),
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
    "the velocity adds the gradient step instead of subtracting it, so the weights climb the "
    "loss: the new velocity keeps rho of the old one and moves against the gradient": (
        nesterov_climbing
    ),
    "the old and the new velocity are swapped in the step: the look-ahead of the old "
    "velocity (rho times it) is taken back, and the new velocity is added (1 + rho) times, "
    "as the change of variables gives": nesterov_velocities_swapped,
    "the new velocity is added 1 - rho times: the new look-ahead point is the new weights "
    "plus rho times the new velocity, so it counts 1 + rho times in all": (nesterov_one_minus_rho),
    "the new velocity is added rho times: the new look-ahead point is the new weights "
    "(w - rho * v + v_new) plus rho times the new velocity, so the new velocity counts "
    "1 + rho times in all": nesterov_rho_for_one_plus_rho,
    "the old look-ahead rho * v is added instead of taken back, so the next gradient is "
    "evaluated at the wrong point: the weights under the look-ahead point are w - rho * v, "
    "and the new look-ahead point is w - rho * v + (1 + rho) * v_new": (
        nesterov_adding_old_look_ahead
    ),
    "rho**2 * v is taken back: the look-ahead of the old velocity is rho * v, so the weights "
    "under the look-ahead point are w - rho * v, and the new look-ahead point "
    "w - rho * v + (1 + rho) * v_new": nesterov_rho_squared,
    "the velocity leaves out the learning rate (v_new = rho * v - dw) and the step multiplies "
    "it back in: the course's velocity holds the step itself, v_new = rho * v - lr * dw, and "
    "the step is w - rho * v + (1 + rho) * v_new": nesterov_lr_in_step,
    "this is PyTorch's form with nesterov=True, a buffer of raw gradients "
    "(b = rho * b + dw; w -= lr * (dw + rho * b)): the course's velocity is "
    "v_new = rho * v - lr * dw, and the step w - rho * v + (1 + rho) * v_new": (
        nesterov_as_pytorch
    ),
    "the correction rho * (v_new - v) is subtracted: Nesterov's step is a momentum step plus "
    "the correction, w + v_new + rho * (v_new - v)": nesterov_correction_flipped,
    "the correction v_new - v is missing its rho: Nesterov's step is a momentum step plus "
    "rho times the change of the velocity, w + v_new + rho * (v_new - v)": (
        nesterov_correction_without_rho
    ),
    "the rho passed in is ignored (0.9 is used): the velocity keeps the fraction rho of "
    "itself, the rho the caller gives": (
        lambda w, dw, v, lr, rho=0.9: reference.nesterov_step(w, dw, v, lr)
    ),
}
# Returning the velocity given (momentum_step) and (v, w) for (w, v) (nesterov_step) are left
# to the diagnosis, which names both in its words (tests/test_diagnosis.py holds it to them);
# returning the velocity given, the argument itself, is refused by the sandbox as a view.
# The section that explains a named mistake better than its function's, by a phrase of the
# mistake's explanation above.
MISTAKE_SECTIONS = {
    "this is PyTorch's form": "pytorch-s-form",
    "this is plain momentum": "the-change-of-variables",
    "evaluated at the wrong point": "the-change-of-variables",
    "the correction": "the-change-of-variables",
    "this is Nesterov's step": "the-change-of-variables",
}
CHECKS = Registry(
    "momentum",
    sections=SECTIONS,
    mistake_sections=MISTAKE_SECTIONS,
    returns_new=frozenset({"momentum_step", "nesterov_step"}),
)


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


# --- Tasks of another kind: choosing the tuning, predicting from the theory (checks/tasks.py) ---
#
#     test_choose_momentum     choose_momentum(mu, nu_max) -> (lr, rho)
#     test_momentum_speedup    momentum_speedup(rho, t) -> float
#
# A choice is scored by running the reference momentum with it on a quadratic drawn now, whose
# Hessian's eigenvalues run from mu to nu_max: the loss above its minimum must fall to TARGET
# of its start within STEPS_PER_ROOT_KAPPA * sqrt(kappa) steps. The theory's tuning (the book's
# heavy-ball) gets there in at most 8 sqrt(kappa) on every draw, and so do choices near it
# (a learning rate 20% smaller, a friction (sqrt(kappa) - 1) / (sqrt(kappa) + 1)); a fixed
# friction fails on one band of condition numbers or another, gradient descent on every band.
# A choice that fails and is a slip of the heavy-ball tuning (CHOICE_MISTAKES: a square or a
# square root left out, the outputs swapped) is named; a wrong prediction, by SPEEDUP_MISTAKES.
SECTIONS["test_choose_momentum"] = "the-best-momentum-for-a-quadratic"
SECTIONS["test_momentum_speedup"] = "velocity-a-running-average-of-the-gradients"

TUNING = (
    Setting("lr", low=0.0, words="a positive number"),
    Setting("rho", low=0.0, high=1.0, low_included=True, words="at least 0 and less than 1"),
)
TARGET = 1e-8
STEPS_PER_ROOT_KAPPA = 12
CONDITION_BANDS = ((20.0, 80.0), (150.0, 600.0), (2000.0, 5000.0))


def tuning_problem(rng, band: tuple[float, float]):
    """A quadratic with a condition number drawn log-uniformly from ``band`` and a smallest
    eigenvalue from 0.01 to 10: (problem, mu, nu_max, kappa)."""
    kappa = float(np.exp(rng.uniform(np.log(band[0]), np.log(band[1]))))
    mu = float(10 ** rng.uniform(-2, 1))
    problem = quadratic(
        kappa, dim=int(rng.integers(10, 31)), seed=int(rng.integers(2**31)), smallest_eigenvalue=mu
    )
    return problem, mu, float(problem_eigenvalues(problem)[-1]), kappa


def problem_eigenvalues(problem) -> np.ndarray:
    return np.linalg.eigvalsh(problem.A)


def loss_fractions(problem, lr: float, rho: float, steps: int) -> np.ndarray:
    """The loss above its minimum, as a fraction of its start, after 0, 1, ..., ``steps`` steps of
    the reference momentum from the problem's start (stopped once it is not finite)."""
    w_star = np.linalg.solve(problem.A, problem.b)
    error = problem.start - w_star
    start = error @ problem.A @ error
    w, v = problem.start.copy(), np.zeros_like(problem.start)
    fractions = [1.0]
    for _ in range(steps):
        w, v = reference.momentum_step(w, problem.grad(w), v, lr, rho)
        error = w - w_star
        fractions.append(float(error @ problem.A @ error / start))
        if not np.isfinite(fractions[-1]):
            break
    return np.array(fractions)


def _heavy_ball_lr(mu, nu_max):
    return reference.choose_momentum(mu, nu_max)[0]


def _heavy_ball_rho(mu, nu_max):
    return reference.choose_momentum(mu, nu_max)[1]


# Wrong tunings that fail the target, each a slip in the heavy-ball tuning (equation
# heavy-ball): a choice that still reaches the target is slower, not wrong, and named nowhere.
CHOICE_MISTAKES = {
    "the square covers only the 2 of the learning rate (4 / (sqrt(nu_max) + sqrt(mu))): the "
    "heavy-ball learning rate (equation heavy-ball) is the whole fraction "
    "2 / (sqrt(nu_max) + sqrt(mu)), squared": lambda mu, nu_max: (
        4 / (nu_max**0.5 + mu**0.5),
        _heavy_ball_rho(mu, nu_max),
    ),
    "the learning rate is not squared (2 / (sqrt(nu_max) + sqrt(mu))): the heavy-ball "
    "learning rate (equation heavy-ball) is that fraction squared": lambda mu, nu_max: (
        2 / (nu_max**0.5 + mu**0.5),
        _heavy_ball_rho(mu, nu_max),
    ),
    "the square (sqrt(nu_max) + sqrt(mu))**2 is taken as nu_max + mu (lr = 4 / (nu_max + mu)), "
    "without its cross term 2 sqrt(nu_max mu): the heavy-ball learning rate (equation "
    "heavy-ball) is (2 / (sqrt(nu_max) + sqrt(mu)))**2": lambda mu, nu_max: (
        4 / (nu_max + mu),
        _heavy_ball_rho(mu, nu_max),
    ),
    "the square roots are missing from the learning rate ((2 / (nu_max + mu))**2): the "
    "heavy-ball learning rate (equation heavy-ball) squares 2 over the sum of the square "
    "roots of the extreme curvatures": lambda mu, nu_max: (
        (2 / (nu_max + mu)) ** 2,
        _heavy_ball_rho(mu, nu_max),
    ),
    "the learning rate is 1 / nu_max, gradient descent's safe rate: the heavy-ball friction "
    "comes with its own learning rate (equation heavy-ball), about 4 times larger on an "
    "ill-conditioned problem": lambda mu, nu_max: (1 / nu_max, _heavy_ball_rho(mu, nu_max)),
    "the friction uses kappa where it needs sqrt(kappa) (((kappa - 1) / (kappa + 1))**2), "
    "which puts it far too close to 1: the heavy-ball friction (equation heavy-ball) is "
    "built from the square root of the condition number": lambda mu, nu_max: (
        _heavy_ball_lr(mu, nu_max),
        ((nu_max / mu - 1) / (nu_max / mu + 1)) ** 2,
    ),
    "the friction is (kappa - 1) / (kappa + 1), gradient descent's convergence factor at its "
    "best learning rate: the heavy-ball friction (equation heavy-ball) is built from "
    "sqrt(kappa), and is squared": lambda mu, nu_max: (
        _heavy_ball_lr(mu, nu_max),
        (nu_max / mu - 1) / (nu_max / mu + 1),
    ),
    "the outputs are swapped: return the learning rate first, then the friction, "
    "(lr, rho)": lambda mu, nu_max: reference.choose_momentum(mu, nu_max)[::-1],
}


def named_choice(returned, mu: float, nu_max: float) -> str:
    """A line naming the cataloged wrong tuning that ``returned`` (what choose_momentum gave)
    is, or ''."""
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        return ""
    try:
        got = tuple(as_float(part, "choose_momentum()") for part in returned)
    except AssertionError:  # not numbers: no mistake of the catalog returns them
        return ""
    return name_mistake(
        got,
        telling_mistakes(CHOICE_MISTAKES, mu, nu_max),
        mu,
        nu_max,
        right_answer=reference.choose_momentum(mu, nu_max),
    )


for band in CONDITION_BANDS:

    @CHECKS.check(
        "test_choose_momentum",
        f"Does momentum with your lr and rho reach the target on a quadratic of condition "
        f"number {band[0]:g} to {band[1]:g}?",
    )
    def reaches_target(student, rng, band=band):
        problem, mu, nu_max, kappa = tuning_problem(rng, band)
        returned = student.call("choose_momentum", mu, nu_max)
        try:
            chosen = chosen_settings(returned, TUNING, "choose_momentum")
        except CheckFailed as failure:
            raise CheckFailed(f"{failure}" + named_choice(returned, mu, nu_max)) from None
        steps = int(np.ceil(STEPS_PER_ROOT_KAPPA * np.sqrt(kappa)))
        achieved = loss_fractions(problem, chosen["lr"], chosen["rho"], steps)[-1]
        tuned = loss_fractions(problem, *reference.choose_momentum(mu, nu_max), steps)
        assert_reaches(
            achieved,
            TARGET,
            chosen,
            on=f"on a quadratic whose Hessian's eigenvalues run from mu={mu:.4g} to "
            f"nu_max={nu_max:.4g} (condition number {kappa:.0f})",
            measured=f"the loss above its minimum after {steps} steps, as a fraction of its "
            "start,",
            hint=f"Tuned for this condition number, momentum gets there in "
            f"{int(np.argmax(tuned <= TARGET))} steps (gradient descent at its best learning "
            f"rate needs about {kappa * np.log(1 / TARGET) / 4:.0f})."
            + named_choice((chosen["lr"], chosen["rho"]), mu, nu_max),
        )


SPEEDUP_RTOL = 1e-6
SPEEDUP_MISTAKES = {
    "this is the limit 1/(1 - rho), which the steps approach only after many steps; "
    "the t-th step is shorter": lambda rho, t: 1 / (1 - rho),
    "this counts one step too many: the first step (t = 1) is an SGD step, "
    "as v starts at zero": lambda rho, t: reference.momentum_speedup(rho, t + 1),
    "this counts one step too few: the first step (t = 1) is an SGD step, "
    "as v starts at zero": lambda rho, t: reference.momentum_speedup(rho, t - 1),
    "this is rho**t, the weight of the first gradient in the velocity, "
    "not the length of the step": lambda rho, t: rho**t,
    "this is rho**(t - 1), the weight of the oldest gradient in the t-th step, not the "
    "length of the step: the step adds up the weights of all t gradients": (
        lambda rho, t: rho ** (t - 1)
    ),
    "this is 1 - rho**t, the geometric series' numerator alone: the series "
    "1 + rho + ... + rho**(t - 1) is that divided by 1 - rho": lambda rho, t: 1 - rho**t,
    "the sum starts at rho (rho + ... + rho**t), one power too high: the newest gradient "
    "counts with weight 1, the one before with rho, and so on back to the first": (
        lambda rho, t: rho * (1 - rho**t) / (1 - rho)
    ),
    "this is t, as if the friction lost nothing: each step keeps only the fraction rho of "
    "the velocity, so the gradient of j steps ago counts with weight rho**j": (
        lambda rho, t: float(t)
    ),
    "this is 1 / (1 + rho), the limit when the gradient flips sign at every step: here it is "
    "the same at every step, and the steps grow toward 1 / (1 - rho)": (
        lambda rho, t: 1 / (1 + rho)
    ),
    "this is the distance covered in t steps, the lengths of the first t steps added up: the "
    "t-th step alone is asked for": lambda rho, t: sum(
        reference.momentum_speedup(rho, k) for k in range(1, t + 1)
    ),
}


def speedup_case(rng) -> dict:
    """A friction and a step at which the t-th step is still well short of its limit (rho**t
    from 0.05 to 0.9), so that the limit and a step off by one are told apart."""
    rho = float(rng.uniform(0.3, 0.995))
    t = max(2, int(np.ceil(np.log(rng.uniform(0.05, 0.9)) / np.log(rho))))
    return {"rho": rho, "t": t}


@CHECKS.check(
    "test_momentum_speedup",
    "Does it predict the t-th step's length on random frictions and steps?",
    weight=2,
)
def predicts_speedup(student, rng):
    for _ in range(5):
        given = speedup_case(rng)
        assert_predicted(
            student.call("momentum_speedup", **given),
            reference.momentum_speedup(**given),
            rtol=SPEEDUP_RTOL,
            function="momentum_speedup",
            given=given,
            mistakes=telling_mistakes(SPEEDUP_MISTAKES, **given),
        )


@CHECKS.check(
    "test_momentum_speedup",
    "Is the first step an SGD step, and every step one without friction?",
)
def predicts_edges(student, rng):
    cases = [
        {"rho": float(rng.uniform(0.0, 0.99)), "t": 1},
        {"rho": 0.0, "t": int(rng.integers(2, 50))},
        {"rho": 0.9, "t": 2000},
    ]
    for given in cases:
        assert_predicted(
            student.call("momentum_speedup", **given),
            reference.momentum_speedup(**given),
            rtol=SPEEDUP_RTOL,
            function="momentum_speedup",
            given=given,
            mistakes=telling_mistakes(SPEEDUP_MISTAKES, **given),
        )
