"""Hidden checks for the adaptive-methods exercise (solutions/adaptive/adaptive.ipynb).

    test_adagrad_step  adagrad_step(w, dw, h, lr, eps=1e-8) -> (w, h)
    test_rmsprop_step  rmsprop_step(w, dw, h, lr, decay=0.99, eps=1e-8) -> (w, h)
    test_adam_step     adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                 eps=1e-8) -> (w, m, v, t)
    test_adamw_step    adamw_step(..., weight_decay=1e-2) -> (w, m, v, t)
    test_rmsprop_steady_step  rmsprop_steady_step(g, lr, decay, t) -> a step's size

Each rule is stepped beside the reference for many steps on random problems (fed its own
state): in float64 (rtol 1e-9), in float32 (rtol 1e-4, and the dtype kept), and with
zero gradients. Each rule's catalog names its known wrong versions in their own words (for
Adam: a missing or misplaced bias correction, t incremented after use or never, eps
inside the square root or out of the denominator, the moments' weights, the state returned);
eps placement is tested where it matters, with gradients of order 1e-4. The size of RMSProp's
t-th step under a steady gradient is a prediction, compared with the exact value to rtol
1e-4, and a known wrong formula for it is named.
"""

from __future__ import annotations

import inspect

import numpy as np

from optlab.problems import Rosenbrock, quadratic

from ..reference import adaptive as reference
from . import Registry, as_float
from .mistakes import name_mistake
from .problems import digits_problem, random_quadratic
from .tasks import compare_prediction
from .update_rules import UpdateRule, telling_mistakes

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
    "t is never incremented": "why-t-is-incremented-before-it-is-used",
    "t comes back unchanged": "why-t-is-incremented-before-it-is-used",
    "Keras's and TensorFlow's form": "our-forms-and-pytorch-s",
}
CHECKS = Registry(
    "adaptive",
    sections=SECTIONS,
    mistake_sections=MISTAKE_SECTIONS,
    returns_new=frozenset({"adagrad_step", "rmsprop_step", "adam_step"}),
)


def _divided(
    w,
    dw,
    h,
    lr,
    eps,
    average,
    *,
    root=np.sqrt,
    step_with_old=False,
    returns="new",
    sign=-1.0,
    eps_to_weights=False,
):
    """AdaGrad's or RMSProp's step with one part swapped for a student's: ``average(h, dw)``
    the new h, ``root`` what the denominator takes of h, the h the step divides by (the old
    one if ``step_with_old``), the h returned ("new", "old" or "root", the new one's square
    root), the step's sign, and eps added to the weights (``w - lr * dw / sqrt(h) + eps``)
    instead of to the denominator."""
    h_new = average(h, dw)
    divided_by = root(h if step_with_old else h_new)
    if eps_to_weights:
        w_new = w + sign * lr * dw / divided_by + eps
    else:
        w_new = w + sign * lr * dw / (divided_by + eps)
    return w_new, {"new": h_new, "old": h, "root": np.sqrt(h_new)}[returns]


def _adagrad(w, dw, h, lr, eps=1e-8, average=lambda h, dw: h + dw * dw, **parts):
    return _divided(w, dw, h, lr, eps, average, **parts)


def _rmsprop(w, dw, h, lr, decay=0.99, eps=1e-8, average=None, **parts):
    average = average or (lambda h, dw: decay * h + (1 - decay) * dw * dw)
    return _divided(w, dw, h, lr, eps, average, **parts)


def _adam(
    w,
    dw,
    m,
    v,
    t,
    lr=1e-3,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    *,
    t_used=lambda t: t + 1,
    t_returned=lambda t: t + 1,
    m_of=lambda m, dw, beta1: beta1 * m + (1 - beta1) * dw,
    v_of=lambda v, dw, m_new, beta2: beta2 * v + (1 - beta2) * dw * dw,
    corrections=lambda beta1, beta2, t: (1 - beta1**t, 1 - beta2**t),
    step_of=lambda m_hat, v_hat, eps, beta2, t: m_hat / (np.sqrt(v_hat) + eps),
    moves=lambda w, step, lr, eps: w - lr * step,
    step_with_old=False,
    returns_corrected=False,
):
    """Adam with one part swapped for a student's: the t of the corrections and the t
    returned, the moments' updates, the corrections' divisors, the step from the corrected
    moments, the move of the weights by it, the moments the step is taken from (the old ones
    if ``step_with_old``) and those returned (the corrected ones if ``returns_corrected``)."""
    m_new = m_of(m, dw, beta1)
    v_new = v_of(v, dw, m_new, beta2)
    m_divisor, v_divisor = corrections(beta1, beta2, t_used(t))
    m_step, v_step = (m, v) if step_with_old else (m_new, v_new)
    step = step_of(m_step / m_divisor, v_step / v_divisor, eps, beta2, t_used(t))
    w_new = moves(w, step, lr, eps)
    if returns_corrected:
        return w_new, m_new / m_divisor, v_new / v_divisor, t_returned(t)
    return w_new, m_new, v_new, t_returned(t)


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


def _adamw(
    w,
    dw,
    m,
    v,
    t,
    lr=1e-3,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    weight_decay=1e-2,
    *,
    decay_of=lambda w, w_new, lr, weight_decay: lr * weight_decay * w,
    gradient_of=lambda dw, w, weight_decay: dw,
    returned=lambda old, new: new,
):
    """AdamW with one part swapped for a student's: the decay subtracted beside Adam's step
    (from the weights before it and after it), the gradient Adam's step is taken on, and the
    state returned, of the old (m, v, t) and Adam's new one."""
    w_new, *state = reference.adam_step(
        w, gradient_of(dw, w, weight_decay), m, v, t, lr, beta1, beta2, eps
    )
    return w_new - decay_of(w, w_new, lr, weight_decay), *returned((m, v, t), tuple(state))


def adamw_decay_without_lr(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = reference.adam_step(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - weight_decay * w, m, v, t


def adamw_decay_scaled_like_the_gradient(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = reference.adam_step(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w / (np.sqrt(v / (1 - beta2**t)) + eps), m, v, t


def adamw_decay_corrected_like_m(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = reference.adam_step(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w / (1 - beta1**t), m, v, t


def adam_with_betas_swapped(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return reference.adam_step(w, dw, m, v, t, lr, beta2, beta1, eps)


def adam_ignoring_lr(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return reference.adam_step(w, dw, m, v, t, 1e-3, beta1, beta2, eps)


def adam_ignoring_eps(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return reference.adam_step(w, dw, m, v, t, lr, beta1, beta2)


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
# Explanations AdaGrad and RMSProp share: what their step does with h, whatever h holds.
DIVIDED_STEP_MISTAKES = {
    "the step divides by h, not by its square root: w = w - lr * dw / (sqrt(h) + eps), so "
    "that the first step moves every weight by about lr": {"root": lambda h: h},
    "the step divides by the old h, before this gradient is added (at the first step h is 0, "
    "and eps alone is left): update h first, then divide by its square root": {
        "step_with_old": True
    },
    "the h returned is the old one: return the new h with the new weights, so that the next "
    "step carries it": {"returns": "old"},
    "the state returned is sqrt(h): return h itself, the squared gradients it gathers; only "
    "the step takes its square root": {"returns": "root"},
    "the step goes uphill: the weights move against the gradient, "
    "w = w - lr * dw / (sqrt(h) + eps)": {"sign": 1.0},
    "eps is added to the weights, not to the denominator (parentheses missing in "
    "w - lr * dw / np.sqrt(h) + eps): the step is lr * dw / (sqrt(h) + eps)": {
        "eps_to_weights": True
    },
}


def _with_parts(rule, parts: dict):
    """``rule`` (``_adagrad`` or ``_rmsprop``) with ``parts`` swapped for a student's."""
    return lambda *args, **settings: rule(*args, **settings, **parts)


ADAGRAD_MISTAKES = {
    "h must add up the squares: h = h + dw * dw (not a decaying average, not |dw|)": (
        lambda w, dw, h, lr, eps=1e-8: reference.rmsprop_step(w, dw, h, lr, 0.99, eps)
    ),
    EPS_INSIDE: adagrad_eps_inside,
    "h is overwritten with dw * dw, so every earlier gradient is forgotten: h adds up the "
    "squared gradients of all the steps so far, h = h + dw * dw (equation adagrad)": (
        _with_parts(_adagrad, {"average": lambda h, dw: dw * dw})
    ),
    "h is (h + dw)**2: only the gradient is squared, h = h + dw * dw": _with_parts(
        _adagrad, {"average": lambda h, dw: (h + dw) ** 2}
    ),
    "h adds up |dw|, not the squared gradients: h = h + dw * dw, whose square root has the "
    "gradient's units": _with_parts(_adagrad, {"average": lambda h, dw: h + np.abs(dw)}),
    "one h is kept for all the weights (the sum of every squared entry of dw): AdaGrad keeps "
    "a sum for each weight, elementwise, h = h + dw * dw, so that each weight gets a "
    "learning rate of its own": _with_parts(
        _adagrad, {"average": lambda h, dw: h + np.sum(dw * dw)}
    ),
    **{why: _with_parts(_adagrad, parts) for why, parts in DIVIDED_STEP_MISTAKES.items()},
    "the eps passed in is ignored (a fixed eps is used, such as the default 1e-8): the "
    "denominator is sqrt(h) + eps, with the caller's eps": lambda w, dw, h, lr, eps=1e-8: (
        reference.adagrad_step(w, dw, h, lr)
    ),
}
RMSPROP_MISTAKES = {
    "h must decay: h = decay * h + (1 - decay) * dw * dw (this is AdaGrad's sum)": (
        lambda w, dw, h, lr, decay=0.99, eps=1e-8: reference.adagrad_step(w, dw, h, lr, eps)
    ),
    EPS_INSIDE.replace("of the sum", "of the average"): rmsprop_eps_inside,
    "decay and 1 - decay are swapped: the old h keeps the fraction decay, and the new "
    "squared gradient gets 1 - decay, h = decay * h + (1 - decay) * dw * dw (equation "
    "rmsprop)": lambda w, dw, h, lr, decay=0.99, eps=1e-8: _rmsprop(w, dw, h, lr, 1 - decay, eps),
    "the squared gradient is added whole (h = decay * h + dw * dw), so h grows to about "
    "1 / (1 - decay) times the mean square: it enters with the weight 1 - decay, "
    "h = decay * h + (1 - decay) * dw * dw": lambda w, dw, h, lr, decay=0.99, eps=1e-8: _rmsprop(
        w, dw, h, lr, decay, eps, average=lambda h, dw: decay * h + dw * dw
    ),
    "the old h is not carried (h = (1 - decay) * dw * dw): h is a decaying average of all the "
    "squared gradients so far, h = decay * h + (1 - decay) * dw * dw": (
        lambda w, dw, h, lr, decay=0.99, eps=1e-8: _rmsprop(
            w, dw, h, lr, decay, eps, average=lambda h, dw: (1 - decay) * dw * dw
        )
    ),
    "h averages |dw| (or dw), not the squared gradients: h = decay * h + (1 - decay) * dw * dw, "
    "whose square root has the gradient's units": (
        lambda w, dw, h, lr, decay=0.99, eps=1e-8: _rmsprop(
            w, dw, h, lr, decay, eps, average=lambda h, dw: decay * h + (1 - decay) * np.abs(dw)
        )
    ),
    "one h is kept for all the weights (the average of every squared entry of dw): RMSProp "
    "keeps an average for each weight, elementwise, so that each weight gets a learning "
    "rate of its own": lambda w, dw, h, lr, decay=0.99, eps=1e-8: _rmsprop(
        w, dw, h, lr, decay, eps, average=lambda h, dw: decay * h + (1 - decay) * np.sum(dw * dw)
    ),
    **{why: _with_parts(_rmsprop, parts) for why, parts in DIVIDED_STEP_MISTAKES.items()},
    "the decay passed in is ignored (0.99 is used): h keeps the fraction decay of itself, "
    "the decay the caller gives": lambda w, dw, h, lr, decay=0.99, eps=1e-8: (
        reference.rmsprop_step(w, dw, h, lr, eps=eps)
    ),
    "the eps passed in is ignored (a fixed eps is used, such as the default 1e-8): the "
    "denominator is sqrt(h) + eps, with the caller's eps": (
        lambda w, dw, h, lr, decay=0.99, eps=1e-8: reference.rmsprop_step(w, dw, h, lr, decay)
    ),
}


def _adam_with(**parts):
    return lambda *args, **settings: _adam(*args, **settings, **parts)


ADAM_MISTAKES = {
    "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step": (
        adam_without_correction
    ),
    "t is incremented after it is used: increment it first, so the first step has t = 1": (
        adam_t_after_use
    ),
    "eps is inside the square root: the course's form is sqrt(v_hat) + eps": adam_eps_inside,
    "t is never incremented, so the first step's corrections divide by zero (t = 0): "
    "increment t first, so the first step has t = 1, and return it": _adam_with(
        t_used=lambda t: t, t_returned=lambda t: t
    ),
    "t comes back unchanged (the corrections use t + 1, the t returned does not): return "
    "the incremented t, so that the next step counts on": _adam_with(t_returned=lambda t: t),
    "only m is bias-corrected: divide v by (1 - beta2**t) too": _adam_with(
        corrections=lambda beta1, beta2, t: (1 - beta1**t, 1.0)
    ),
    "only v is bias-corrected: divide m by (1 - beta1**t) too": _adam_with(
        corrections=lambda beta1, beta2, t: (1.0, 1 - beta2**t)
    ),
    "the bias corrections are swapped: m is divided by (1 - beta1**t), the missing weight of "
    "its own average, and v by (1 - beta2**t)": _adam_with(
        corrections=lambda beta1, beta2, t: (1 - beta2**t, 1 - beta1**t)
    ),
    "the bias correction is 1 - beta * t: the weight the zero start took from the moments "
    "after t steps is beta**t, so divide by (1 - beta1**t) and (1 - beta2**t)": _adam_with(
        corrections=lambda beta1, beta2, t: (1 - beta1 * t, 1 - beta2 * t)
    ),
    "beta1 and beta2 are swapped: m averages the gradients with beta1 (0.9 by default), v the "
    "squared gradients with beta2 (0.999)": adam_with_betas_swapped,
    "m adds the whole gradient (m = beta1 * m + dw): it enters with the weight 1 - beta1, "
    "m = beta1 * m + (1 - beta1) * dw": _adam_with(m_of=lambda m, dw, beta1: beta1 * m + dw),
    "v adds the whole squared gradient (v = beta2 * v + dw * dw): it enters with the weight "
    "1 - beta2, v = beta2 * v + (1 - beta2) * dw * dw": _adam_with(
        v_of=lambda v, dw, m_new, beta2: beta2 * v + dw * dw
    ),
    "v averages |dw|, not the squared gradients: v = beta2 * v + (1 - beta2) * dw * dw": (
        _adam_with(v_of=lambda v, dw, m_new, beta2: beta2 * v + (1 - beta2) * np.abs(dw))
    ),
    "v averages m * m, the squared first moment: it averages the squared gradients, "
    "v = beta2 * v + (1 - beta2) * dw * dw": _adam_with(
        v_of=lambda v, dw, m_new, beta2: beta2 * v + (1 - beta2) * m_new * m_new
    ),
    "the step divides by v_hat, not by its square root: w = w - lr * m_hat / "
    "(sqrt(v_hat) + eps)": _adam_with(
        step_of=lambda m_hat, v_hat, eps, beta2, t: m_hat / (v_hat + eps)
    ),
    "eps is added to the root of the uncorrected v (Keras's and TensorFlow's form, the Adam "
    "paper's eps-hat): the course adds it to the root of the corrected v_hat, "
    "sqrt(v_hat) + eps": _adam_with(
        step_of=lambda m_hat, v_hat, eps, beta2, t: (
            m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - beta2**t))
        )
    ),
    "the moments returned are the bias-corrected ones: return m and v themselves, and "
    "correct them anew at every step": _adam_with(returns_corrected=True),
    "the step uses the moments from before this gradient: update m and v with dw first, "
    "then correct them and step": _adam_with(step_with_old=True),
    "the step goes uphill: the weights move against the first moment, "
    "w = w - lr * m_hat / (sqrt(v_hat) + eps)": _adam_with(
        moves=lambda w, step, lr, eps: w + lr * step
    ),
    "eps is added to the weights, not to the denominator (parentheses missing in "
    "w - lr * m_hat / np.sqrt(v_hat) + eps): the step is lr * m_hat / (sqrt(v_hat) + eps)": (
        _adam_with(
            step_of=lambda m_hat, v_hat, eps, beta2, t: m_hat / np.sqrt(v_hat),
            moves=lambda w, step, lr, eps: w - lr * step + eps,
        )
    ),
    "eps is added to the step, not to the denominator (w - (lr * m_hat / sqrt(v_hat) + eps)): "
    "the step is lr * m_hat / (sqrt(v_hat) + eps)": _adam_with(
        step_of=lambda m_hat, v_hat, eps, beta2, t: m_hat / np.sqrt(v_hat),
        moves=lambda w, step, lr, eps: w - (lr * step + eps),
    ),
    "the lr passed in is ignored (1e-3 is used): the step is the caller's lr times "
    "m_hat / (sqrt(v_hat) + eps)": adam_ignoring_lr,
    "the eps passed in is ignored (a fixed eps is used, such as the default 1e-8): the "
    "denominator is sqrt(v_hat) + eps, with the caller's eps": adam_ignoring_eps,
}
# t incremented twice (the corrections at t + 2, t + 1 returned) is left to the diagnosis, which
# says the step count is one off (tests/test_diagnosis.py holds it to those words).


def _adamw_with(**parts):
    return lambda *args, **settings: _adamw(*args, **settings, **parts)


ADAMW_MISTAKES = {
    "this is L2 inside Adam (weight_decay * w added to the gradient), "
    "not decoupled weight decay": adam_with_l2,
    "the decay is missing its learning rate: w -= lr * weight_decay * w": adamw_decay_without_lr,
    "this is L2 inside Adam with the penalty's gradient 2 * weight_decay * w added to dw, not "
    "decoupled weight decay: Adam's step is taken on dw alone, and the decay "
    "lr * weight_decay * w is subtracted beside it": _adamw_with(
        gradient_of=lambda dw, w, weight_decay: dw + 2 * weight_decay * w,
        decay_of=lambda w, w_new, lr, weight_decay: 0.0,
    ),
    "the weights are decayed twice, by an L2 term in the gradient (weight_decay * w added to "
    "dw) and beside Adam's step: the decay is decoupled, Adam's step taken on dw alone": (
        _adamw_with(gradient_of=lambda dw, w, weight_decay: dw + weight_decay * w)
    ),
    "there is no weight decay: this is Adam's step alone, and AdamW also subtracts "
    "lr * weight_decay * w": _adamw_with(decay_of=lambda w, w_new, lr, weight_decay: 0.0),
    "the decay makes the weights grow: AdamW subtracts lr * weight_decay * w": _adamw_with(
        decay_of=lambda w, w_new, lr, weight_decay: -lr * weight_decay * w
    ),
    "the decay uses the weights after Adam's step: it shrinks the weights from before the "
    "step, w_new = w - lr * weight_decay * w - (Adam's step)": _adamw_with(
        decay_of=lambda w, w_new, lr, weight_decay: lr * weight_decay * w_new
    ),
    "the decay subtracts lr * weight_decay without the weights: it shrinks each weight in "
    "proportion to itself, lr * weight_decay * w": _adamw_with(
        decay_of=lambda w, w_new, lr, weight_decay: lr * weight_decay
    ),
    "the decay is divided by sqrt(v_hat) + eps like the gradient: decoupled weight decay "
    "leaves Adam's scaling out, lr * weight_decay * w": adamw_decay_scaled_like_the_gradient,
    "the decay is divided by m's bias correction (1 - beta1**t): the decay is "
    "lr * weight_decay * w, with no correction": adamw_decay_corrected_like_m,
    "the moments returned are the old ones: return Adam's new m and v with the new "
    "weights": _adamw_with(returned=lambda old, new: (*old[:2], new[2])),
    "t comes back unchanged: return Adam's incremented t, so that the next step counts "
    "on": _adamw_with(returned=lambda old, new: (*new[:2], old[2])),
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
        # The mistakes whose first step is the same wrong one are not named here (see
        # UpdateRule.untied_at): on float32 weights they cannot be told apart by stepping on.
        first_gradient = np.asarray(Rosenbrock().grad(w0), dtype=np.float32)
        rule.untied_at(w0, first_gradient, initial_state(rule, w0), base_hyper).follow_reference(
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
        # A zero gradient makes 0 / 0 of every mistake that leaves eps out of a denominator,
        # and NaN stays NaN: those mistakes are not named here (see UpdateRule.untied_at).
        rule.untied_at(
            w0, np.zeros_like(w0), initial_state(rule, w0), base_hyper
        ).follow_reference(
            student, gradient, w0, 8, base_hyper, initial_state=initial_state(rule, w0)
        )

    @CHECKS.check(
        grade_id,
        "Does it match with small gradients, where eps's place matters, and on real digits?",
    )
    def small_gradients(student, rng, rule=rule, base_hyper=base_hyper):
        problem = quadratic(10.0, dim=3, seed=int(rng.integers(2**31)))
        w0 = problem.minimizer + rng.standard_normal(3) * 1e-4
        hyper, state = dict(base_hyper, lr=1e-5), initial_state(rule, w0)
        # Steps of 1e-5 move the weights by a millionth of themselves or less: the mistakes
        # closer than 1e-4 (relative) to the right first step or to each other are not named
        # here (see UpdateRule.untied_at).
        rule.untied_at(w0, problem.grad(w0), state, hyper, resolution=1e-4).follow_reference(
            student, problem.grad, w0, 10, hyper, initial_state=state
        )
        digits = digits_problem(rng)
        W0 = rng.standard_normal(digits.shape) * 0.01
        rule.follow_reference(
            student, digits.grad, W0, 5, base_hyper, initial_state=initial_state(rule, W0)
        )


# --- predicting RMSProp's steps ---------------------------------------------------------------

SECTIONS["test_rmsprop_steady_step"] = "the-decay-rate"
STEADY_RTOL = 1e-4


def _filled_share(decay, t):
    """The share of g**2 that h holds after t steps of a steady gradient: 1 - decay**t."""
    return 1.0 - decay**t


# Wrong predictions of the t-th step's size, as functions of the check's arguments.
STEADY_MISTAKES = {
    "this is lr, the size of a step once h has filled up: while it fills, h is only "
    "(1 - decay**t) g**2, and the step is larger": lambda g, lr, decay, t: lr,
    "every step is as large as the first, lr / sqrt(1 - decay): h goes on filling up after "
    "the first step, to (1 - decay**t) g**2 after t steps": lambda g, lr, decay, t: (
        lr / np.sqrt(1 - decay)
    ),
    "the square root is missing: the step divides by sqrt(h), and h holds "
    "(1 - decay**t) g**2 after t steps": lambda g, lr, decay, t: lr / _filled_share(decay, t),
    "the ratio is upside down (lr * sqrt(1 - decay**t)): the step divides by sqrt(h), and h "
    "holds less than g**2 while it fills up, so the step is larger than lr, not smaller": (
        lambda g, lr, decay, t: lr * np.sqrt(_filled_share(decay, t))
    ),
    "this counts one step too many (decay**(t + 1)): after the t-th step h holds "
    "(1 - decay**t) g**2, and the first step (t = 1) is lr / sqrt(1 - decay)": (
        lambda g, lr, decay, t: lr / np.sqrt(_filled_share(decay, t + 1))
    ),
    "this counts one step too few (decay**(t - 1)): after the t-th step h holds "
    "(1 - decay**t) g**2, and the first step (t = 1) is lr / sqrt(1 - decay)": (
        lambda g, lr, decay, t: lr / np.sqrt(_filled_share(decay, t - 1))
    ),
    "g does not cancel: the step is lr * g / sqrt(h), and sqrt(h) is proportional to |g|, so "
    "the size is the same for every gradient": lambda g, lr, decay, t: (
        lr * g / np.sqrt(_filled_share(decay, t))
    ),
    "|g| does not cancel: the step is lr * g / sqrt(h), and sqrt(h) is proportional to |g|, "
    "so the size is the same for every gradient": lambda g, lr, decay, t: (
        lr * abs(g) / np.sqrt(_filled_share(decay, t))
    ),
    "this is AdaGrad's step, lr / sqrt(t): RMSProp's h is a decaying average, "
    "(1 - decay) (g**2 + decay g**2 + ... + decay**(t - 1) g**2), not a sum": (
        lambda g, lr, decay, t: lr / np.sqrt(t)
    ),
    "the old squared gradients in h are not decayed (h = t (1 - decay) g**2): each step "
    "multiplies the old h by decay, so the gradient of j steps ago counts with decay**j": (
        lambda g, lr, decay, t: lr / np.sqrt(t * (1 - decay))
    ),
}


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
    mistakes = telling_mistakes(STEADY_MISTAKES, g, lr, decay, t)
    if np.isfinite(number):
        hint += name_mistake(number, mistakes, g, lr, decay, t, right_answer=expected)
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
