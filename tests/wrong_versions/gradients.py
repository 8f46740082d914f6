"""Wrong versions of numeric_gradient, relative_error, gradient_check and svm_loss."""

import numpy as np

from autograder.checks import gradients as checks
from autograder.reference import gradients as reference


def one_sided(f, w, h=1e-5):
    base, grad = f(w), np.zeros_like(w)
    for i in np.ndindex(w.shape):
        old = w[i]
        w[i] = old + h
        grad[i] = (f(w) - base) / h
        w[i] = old
    return grad


def not_restored(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        w[i] += h
        f_plus = f(w)
        w[i] -= 2 * h
        grad[i] = (f_plus - f(w)) / (2 * h)
    return grad


def svm_without_mean(W, X, y):
    loss, dW = reference.svm_loss(W, X, y)
    return loss * X.shape[0], dW * X.shape[0]


def svm_counting_the_true_class(W, X, y):
    loss, dW = reference.svm_loss(W, X, y)
    return loss + 1.0, dW


def svm_without_the_true_class_term(W, X, y):
    scores = X @ W
    margins = scores - scores[np.arange(len(y)), y][:, None] + 1
    margins[np.arange(len(y)), y] = 0
    active = (margins > 0).astype(float)
    return float(np.sum(margins * active) / len(y)), X.T @ active / len(y)


def svm_margin_zero_active(W, X, y):
    """The course's loops, with a margin of exactly 0 counted as violated (>= 0 for > 0)."""
    n, loss, dW = X.shape[0], 0.0, np.zeros_like(W)
    for i in range(n):
        scores = X[i] @ W
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin >= 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / n, dW / n


MUTANTS = {
    "test_numeric_gradient": {
        "one-sided difference": one_sided,
        "w not restored": not_restored,
        "divides by h, not 2h": lambda f, w, h=1e-5: 2 * reference.numeric_gradient(f, w, h),
        "ignores the h it is given": lambda f, w, h=1e-5: reference.numeric_gradient(f, w, 1e-5),
    },
    "test_relative_error": {
        "no floor": lambda a, n: float(np.max(np.abs(a - n) / (np.abs(a) + np.abs(n)))),
        "mean, not max": lambda a, n: float(
            np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
        ),
        "returns the array": lambda a, n: np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)),
        "absolute error": lambda a, n: float(np.max(np.abs(a - n))),
    },
    "test_gradient_check": {
        "always zero": lambda f, grad_f, w, h=1e-5: 0.0,
        "a verdict": lambda f, grad_f, w, h=1e-5: reference.gradient_check(f, grad_f, w, h) < 1e-7,
        "a verdict of Python's": lambda f, grad_f, w, h=1e-5: bool(
            reference.gradient_check(f, grad_f, w, h) < 1e-2
        ),
        "ignores h": lambda f, grad_f, w, h=1e-5: reference.gradient_check(f, grad_f, w),
        "absolute error": lambda f, grad_f, w, h=1e-5: float(
            np.max(np.abs(grad_f(w) - reference.numeric_gradient(f, w, h)))
        ),
    },
    "test_svm_loss": {
        "no mean over examples": svm_without_mean,
        "counts the true class": svm_counting_the_true_class,
        "gradient misses the true-class term": svm_without_the_true_class_term,
        "a margin of 0 counted as violated": svm_margin_zero_active,
        "transposed gradient shape": lambda W, X, y: (
            reference.svm_loss(W, X, y)[0],
            reference.svm_loss(W, X, y)[1].T.copy(),
        ),
    },
}
SEEDS = (0, 1, 2)

MUTANTS["test_best_h"] = {
    "the round-off scale alone": lambda eps, loss, third: eps ** (1 / 3),
    "the one-sided difference's": lambda eps, loss, third: np.sqrt(
        4 * eps * abs(loss) / abs(third)
    ),
    "where the two terms are equal": lambda eps, loss, third: np.cbrt(
        6 * eps * abs(loss) / abs(third)
    ),
    "without the 3": lambda eps, loss, third: np.cbrt(eps * abs(loss) / abs(third)),
    "signs kept": lambda eps, loss, third: np.cbrt(3 * eps * loss / third),
}
CATALOGS = {
    "numeric_gradient": checks.NUMERIC_MISTAKES,
    "relative_error": checks.RELATIVE_MISTAKES,
    "gradient_check": checks.CHECK_MISTAKES,
    "svm_loss": checks.SVM_MISTAKES,
    "best_h": checks.BEST_H_MISTAKES,
}
FEEDBACK = {
    "test_svm_loss": {
        "a margin of 0 counted as violated": "Likely mistake: a margin of exactly 0 counts as "
        "violated"
    },
    "test_gradient_check": {
        "a verdict": "Likely mistake: this returns a verdict (True or False)",
        "a verdict of Python's": "Likely mistake: this returns a verdict (True or False)",
    },
}
SECTIONS = {
    "test_numeric_gradient": {"the weights were perturbed in float32": "float32-ruins-the-check"},
    "test_svm_loss": {
        "the sum counts the correct class too": "exercise",
        "the margin of 1 is missing": "exercise",
    },
}
