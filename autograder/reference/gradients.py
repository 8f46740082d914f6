"""Reference for the gradients exercise: what the hidden checks compare students against.

The numeric gradient, the relative error and the gradient check are what the exercise asks
students to write, so they live here, hidden, and nowhere in the student package. The book
uses them to check gradients on its pages; the exercises' visible tests check gradients with
`optlab.testing.assert_gradient` instead, which measures slopes along a few random directions
and so does not answer this exercise.

Conventions (CS231n's gradient check: its assignment code's relative error, its notes' thresholds):
    numeric gradient   df/dw_i ~ (f(w + h e_i) - f(w - h e_i)) / (2h), h about 1e-5, float64
    relative error     max over elements of |a - n| / max(1e-8, |a| + |n|), a analytic, n numeric
    thresholds         about 1e-7 or less: the gradient is right;
                       1e-7 to 1e-2: look closer (kinks in the loss, float32);
                       over 1e-2: the gradient is wrong (`optlab.testing.verdict`, public:
                       no exercise asks for them).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def centered_difference(
    f: Callable[[np.ndarray], float], w: np.ndarray, index: tuple, h: float
) -> float:
    """(f(w + h e_i) - f(w - h e_i)) / (2h) for the entry ``index`` of ``w``, restored
    afterwards."""
    saved = w[index]
    w[index] = saved + h
    f_plus = f(w)
    w[index] = saved - h
    f_minus = f(w)
    w[index] = saved
    return (f_plus - f_minus) / (2 * h)


def numeric_gradient(
    f: Callable[[np.ndarray], float], w: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Centered-difference gradient of the scalar function ``f`` at ``w`` (any shape).

    Costs 2 evaluations of ``f`` per element of ``w``. ``w`` is perturbed in place and
    restored, and must be a float64 array so that the perturbation h is not lost to
    rounding.
    """
    w = np.asarray(w)
    if w.dtype != np.float64:
        raise TypeError(f"w must be float64 (got {w.dtype}): h = 1e-5 is lost to float32 rounding")
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        grad[index] = centered_difference(f, w, index, h)
    return grad


def relative_error(a: np.ndarray, n: np.ndarray) -> float:
    """rel(a, n) = max(|a - n| / max(1e-8, |a| + |n|)), elementwise, between an analytic
    gradient ``a`` and a numeric one ``n``, as CS231n's assignment code (rel_error) computes it
    (CS231n's notes divide by max(|a|, |n|) instead)."""
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"shapes differ: {a.shape} and {n.shape}")
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad_f: Callable[[np.ndarray], np.ndarray],
    w: np.ndarray,
    h: float = 1e-5,
) -> float:
    """Relative error between the analytic gradient ``grad_f(w)`` and the numeric one."""
    return relative_error(grad_f(w), numeric_gradient(f, w, h))


def svm_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Multiclass SVM (hinge) loss of a linear classifier, averaged over examples, and its
    gradient.

    Scores s = X W (X: N x D, W: D x C). Each example pays
    sum over j != y_i of max(0, s_j - s_{y_i} + 1). At a kink (margin exactly 0) the
    subgradient 0 is used. No regularization.
    """
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    loss = float(np.sum(margins * active) / n)
    coefficients = active
    coefficients[rows, y] = -active.sum(axis=1)
    return loss, X.T @ coefficients / n


def best_h(machine_epsilon: float, loss_value: float, third_derivative: float) -> float:
    """The step h that makes the centered difference's error model h^2/6 |L'''| + eps |L| / h
    smallest (book/gradients.md, section "Choosing h"): its derivative h/3 |L'''| - eps |L| / h^2
    vanishes at h^3 = 3 eps |L| / |L'''|."""
    balance = 3.0 * machine_epsilon * abs(loss_value) / abs(third_derivative)
    return float(np.cbrt(balance))
