"""Hidden checks for the adaptive-methods exercise (solutions/adaptive/adaptive.ipynb).

    test_adagrad_step  adagrad_step(w, dw, h, lr, eps=1e-8) -> (w, h)
    test_rmsprop_step  rmsprop_step(w, dw, h, lr, decay=0.99, eps=1e-8) -> (w, h)
    test_adam_step     adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                 eps=1e-8) -> (w, m, v, t)
    test_adamw_step    adamw_step(..., weight_decay=1e-2) -> (w, m, v, t)
    test_rmsprop_steady_step  rmsprop_steady_step(g, lr, decay, t) -> a step's size

Each rule is stepped beside the reference for many steps on random problems (fed its own
state): in float64 (rtol 1e-9), in float32 (rtol 1e-4, and the dtype kept), and with
zero gradients. Adam's checks name a missing bias correction, t incremented after use
and eps inside the square root, each in its own words; eps placement is tested where it
matters, with gradients of order 1e-4. The size of RMSProp's t-th step under a steady
gradient is a prediction, compared with the exact value to rtol 1e-4.
"""

from __future__ import annotations

import inspect

import numpy as np

from optlab.problems import Rosenbrock, quadratic

from ..reference import adaptive as reference
from . import Registry, as_float
from .problems import digits_problem, random_quadratic
from .tasks import compare_prediction
from .update_rules import UpdateRule

# The section of book/adaptive.md that explains each function, for feedback.
SECTIONS = {
    "test_adagrad_step": "adagrad",
    "test_rmsprop_step": "rmsprop",
    "test_adam_step": "the-bias-of-zero-initialized-moments",
    "test_adamw_step": "adamw-weight-decay-decoupled",
}
MISTAKE_SECTIONS = {
    "no bias correction": "the-bias-of-zero-initialized-moments",
    "t is incremented after it is used": "why-t-is-incremented-before-it-is-used",
    "eps is inside the square root": "our-forms-and-pytorch-s",
}
CHECKS = Registry(
    "adaptive",
    sections=SECTIONS,
    mistake_sections=MISTAKE_SECTIONS,
    returns_new=frozenset({"adagrad_step", "rmsprop_step", "adam_step"}),
)


def adam_without_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (np.sqrt(v) + eps), m, v, t + 1


def adam_t_after_use(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    with np.errstate(all="ignore"):
        step = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w - step, m, v, t + 1


def adam_eps_inside(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v, t


def adam_with_l2(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return reference.adam_step(w, dw + weight_decay * w, m, v, t, lr, beta1, beta2, eps)


def adamw_decay_without_lr(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = reference.adam_step(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - weight_decay * w, m, v, t


def adagrad_eps_inside(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w - lr * dw / np.sqrt(h + eps), h


def rmsprop_eps_inside(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / np.sqrt(h + eps), h


# The explanation of eps added under the square root, for AdaGrad and RMSProp.
EPS_INSIDE = (
    "eps is inside the square root: the step divides by the square root of the sum, and "
    "then adds eps, only to keep the division away from zero"
)
ADAGRAD_MISTAKES = {
    "h must add up the squares: h = h + dw * dw (not a decaying average, not |dw|)": (
        lambda w, dw, h, lr, eps=1e-8: reference.rmsprop_step(w, dw, h, lr, 0.99, eps)
    ),
    EPS_INSIDE: adagrad_eps_inside,
}
RMSPROP_MISTAKES = {
    "h must decay: h = decay * h + (1 - decay) * dw * dw (this is AdaGrad's sum)": (
        lambda w, dw, h, lr, decay=0.99, eps=1e-8: reference.adagrad_step(w, dw, h, lr, eps)
    ),
    EPS_INSIDE.replace("of the sum", "of the average"): rmsprop_eps_inside,
}
ADAM_MISTAKES = {
    "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step": (
        adam_without_correction
    ),
    "t is incremented after it is used: increment it first, so the first step has t = 1": (
        adam_t_after_use
    ),
    "eps is inside the square root: the course's form is sqrt(v_hat) + eps": adam_eps_inside,
}
ADAMW_MISTAKES = {
    "this is L2 inside Adam (weight_decay * w added to the gradient), "
    "not decoupled weight decay": adam_with_l2,
    "the decay is missing its learning rate: w -= lr * weight_decay * w": adamw_decay_without_lr,
}
# Each rule, with the settings its checks step it with.
RULES = (
    (
        UpdateRule("adagrad_step", reference.adagrad_step, ("h",), ADAGRAD_MISTAKES),
        {"lr": 0.5},
    ),
    (
        UpdateRule("rmsprop_step", reference.rmsprop_step, ("h",), RMSPROP_MISTAKES),
        {"lr": 0.05, "decay": 0.9},
    ),
    (UpdateRule("adam_step", reference.adam_step, ("m", "v", "t"), ADAM_MISTAKES), {"lr": 0.05}),
    (
        UpdateRule("adamw_step", reference.adamw_step, ("m", "v", "t"), ADAMW_MISTAKES),
        {"lr": 0.05, "weight_decay": 0.1},
    ),
)


# Away from their defaults, so that a rule ignoring one of them fails (the other checks use
# the defaults).
SETTINGS = {
    "beta1": lambda rng: float(rng.uniform(0.5, 0.95)),
    "beta2": lambda rng: float(rng.uniform(0.9, 0.995)),
    "eps": lambda rng: float(10 ** rng.uniform(-4, -1)),
    "decay": lambda rng: float(rng.uniform(0.5, 0.95)),
    "weight_decay": lambda rng: float(rng.uniform(0.02, 0.3)),
}


def drawn_settings(rule, rng) -> dict[str, float]:
    """A random value of each optional setting of ``rule`` but the learning rate."""
    return {
        name: SETTINGS[name](rng)
        for name in inspect.signature(rule).parameters
        if name in SETTINGS
    }


def initial_state(rule: UpdateRule, w):
    return tuple(0 if name == "t" else np.zeros_like(w) for name in rule.state_names)


for rule, base_hyper in RULES:
    grade_id = f"test_{rule.name}"
    # Each check binds this rule's values as default arguments (a closure would see the loop's
    # last).

    @CHECKS.check(
        grade_id,
        "Does it follow the reference for 30 steps on a random quadratic, "
        "with every setting drawn?",
        weight=2,
    )
    def on_quadratic(student, rng, rule=rule, base_hyper=base_hyper):
        problem = random_quadratic(rng, (5, 100), (2, 6))
        w0 = rng.standard_normal(problem.A.shape[0])
        hyper = {
            k: v * float(rng.uniform(0.5, 1.5)) if k == "lr" else v for k, v in base_hyper.items()
        }
        hyper.update(drawn_settings(rule.reference, rng))
        rule.follow_reference(
            student, problem.grad, w0, 30, hyper, initial_state=initial_state(rule, w0)
        )

    @CHECKS.check(grade_id, "Does it work in float32, keeping the dtype?")
    def in_float32(student, rng, rule=rule, base_hyper=base_hyper):
        w0 = rng.uniform(-1.5, 1.5, 2).astype(np.float32)
        rule.follow_reference(
            student,
            Rosenbrock().grad,
            w0,
            15,
            base_hyper,
            rtol=1e-4,
            atol=1e-6,
            initial_state=initial_state(rule, w0),
        )

    @CHECKS.check(
        grade_id,
        "Do zero gradients, then real ones, keep it on the reference's path (eps in place)?",
    )
    def zero_gradient(student, rng, rule=rule, base_hyper=base_hyper):
        problem = quadratic(10.0, dim=3, seed=int(rng.integers(2**31)))
        calls = iter(range(10**6))

        def gradient(w):  # zero at the first two steps
            return np.zeros_like(w) if next(calls) < 2 else problem.grad(w)

        w0 = rng.standard_normal(3)
        rule.follow_reference(
            student, gradient, w0, 8, base_hyper, initial_state=initial_state(rule, w0)
        )

    @CHECKS.check(
        grade_id,
        "Does it match with small gradients, where eps's place matters, and on real digits?",
    )
    def small_gradients(student, rng, rule=rule, base_hyper=base_hyper):
        problem = quadratic(10.0, dim=3, seed=int(rng.integers(2**31)))
        w0 = problem.minimizer + rng.standard_normal(3) * 1e-4
        rule.follow_reference(
            student,
            problem.grad,
            w0,
            10,
            dict(base_hyper, lr=1e-5),
            initial_state=initial_state(rule, w0),
        )
        digits = digits_problem(rng)
        W0 = rng.standard_normal(digits.shape) * 0.01
        rule.follow_reference(
            student, digits.grad, W0, 5, base_hyper, initial_state=initial_state(rule, W0)
        )


# --- predicting RMSProp's steps ---------------------------------------------------------------

SECTIONS["test_rmsprop_steady_step"] = "the-decay-rate"
STEADY_RTOL = 1e-4


def check_steady_step(student, g: float, lr: float, decay: float, t: int, what: str) -> None:
    call = f"rmsprop_steady_step({g:.6g}, {lr:.6g}, {decay:.6g}, {t})"
    expected = float(reference.rmsprop_steady_step(g, lr, decay, t))
    got = student.call("rmsprop_steady_step", g, lr, decay, t)
    hint = ""
    number = as_float(got, call)
    if np.isfinite(number) and number > 0:
        hint = (
            f"; that is {number / lr:.6g} times the learning rate, where {expected / lr:.6g} "
            "times was expected"
        )
    compare_prediction(got, expected, STEADY_RTOL, f"{call} {what}", hint)


def drawn_gradient(rng) -> float:
    return float(rng.choice([-1.0, 1.0]) * np.exp(rng.uniform(np.log(0.01), np.log(100.0))))


def drawn_lr(rng) -> float:
    return float(np.exp(rng.uniform(np.log(1e-4), np.log(1.0))))


@CHECKS.check(
    "test_rmsprop_steady_step",
    "Does it predict the size of a step while h fills up, for any gradient and decay rate?",
)
def steady_step_while_filling(student, rng):
    for _ in range(6):
        decay = 1.0 - float(np.exp(rng.uniform(np.log(1e-3), np.log(0.5))))
        t = int(rng.integers(2, max(3, int(3 / (1 - decay))) + 1))
        check_steady_step(
            student, drawn_gradient(rng), drawn_lr(rng), decay, t, "(h still filling up)"
        )


@CHECKS.check(
    "test_rmsprop_steady_step",
    "Does it give the first step, and a step long after the first?",
)
def steady_step_first_and_late(student, rng):
    decay = 1.0 - float(np.exp(rng.uniform(np.log(1e-3), np.log(0.5))))
    check_steady_step(student, drawn_gradient(rng), drawn_lr(rng), decay, 1, "(the first step)")
    late = int(np.ceil(30 / (1 - decay))) + int(rng.integers(0, 100))
    check_steady_step(
        student, drawn_gradient(rng), drawn_lr(rng), decay, late, "(long after the first step)"
    )
