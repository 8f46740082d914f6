"""Hidden checks for the gradients exercise (solutions/gradients/gradients.ipynb).

Grade cells and what their checks ask:
    test_numeric_gradient  numeric_gradient(f, w, h=1e-5)  centered, any shape, honours h
    test_relative_error    relative_error(a, n)             the lecture's formula, its 1e-8 floor,
                                                            entries of opposite signs
    test_gradient_check    gradient_check(f, grad_f, w, h)  small for a right gradient, large for a
                                                            wrong one
    test_svm_loss          svm_loss(W, X, y)                loss and analytic gradient, random and
                                                            real data, and whole numbers where
                                                            some margins are exactly 0 (inactive)
    test_best_h            best_h(machine_epsilon, loss_value, third_derivative)  the h that
                                                            minimizes the error model

Tolerances (elementwise |got - expected| <= atol + rtol |expected|, stated in every message):
    numeric gradient   rtol 1e-6, atol 1e-8 against the exact gradient of a quadratic (a centered
                       difference is exact there up to round-off); rtol 1e-7 against the
                       reference's centered difference on Rosenbrock with h = 1e-3 or 1e-4
    relative error     rtol 1e-9 (the same formula, so only round-off may differ), on entries
                       of the size of a small gradient (1e-6 to 1e-4), where adding 1e-8 to a
                       denominator shows and the floor is not reached
    gradient check     rtol 1e-3 on a measurable truncation error (h = 1e-3), 1e-4 on a wrong
                       gradient
    SVM loss           loss rtol 1e-9, atol 1e-12; gradient rtol 1e-7, atol 1e-10
    best h             rtol 1e-2 (a prediction: a careful numerical minimization passes too)

A failure names the mistake when the answer is what a cataloged wrong version gives
(NUMERIC_MISTAKES, RELATIVE_MISTAKES, CHECK_MISTAKES, SVM_MISTAKES, BEST_H_MISTAKES; a wrong
loss is named by the whole answer first, then by the loss alone, whatever the gradient; a
gradient check that returns True or False is told it returns a verdict). Where two wrong
versions give the same answer on a check's problem (on a quadratic, a centered difference is
exact, so dividing by h and stepping 2h away both double it), the student's function is run
once more on a probe (PROBE_W on Rosenbrock, PROBE_A and PROBE_N, PROBE_CHECK) that tells them
apart; a tie that no probe breaks names nothing.
"""

from __future__ import annotations

import numpy as np

from optlab.problems import Quadratic, Rosenbrock
from optlab.testing import assert_close

from ..reference import gradients as reference
from . import CheckFailed, Registry, as_array, as_float, as_tuple, draw_until, problem_argument
from .diagnosis import LIKELY_MISTAKE
from .mistakes import name_mistake, telling_mistake, unrecorded_call
from .problems import digits_problem, random_quadratic
from .tasks import compare_prediction

# The section of book/gradients.md that explains each function, for feedback.
SECTIONS = {
    "test_numeric_gradient": "the-numeric-gradient",
    "test_relative_error": "the-gradient-check",
    "test_gradient_check": "the-gradient-check",
    "test_svm_loss": "the-analytic-gradient",
}


# --- named mistakes -------------------------------------------------------------------------


def one_sided_gradient(f, w, h=1e-5) -> np.ndarray:
    w = np.array(w, dtype=np.float64)
    grad, base = np.zeros_like(w), f(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        grad[index] = (f(w) - base) / h
        w[index] = saved
    return grad


def every_entry_at_once(f, w, h=1e-5) -> np.ndarray:
    w = np.array(w, dtype=np.float64)
    return np.full_like(w, (f(w + h) - f(w - h)) / (2 * h))


def in_float32(f, w, h=1e-5) -> np.ndarray:
    w32, grad = np.array(w, dtype=np.float32), np.zeros(np.shape(w))
    for index in np.ndindex(w32.shape):
        saved = w32[index]
        w32[index] = saved + np.float32(h)
        f_plus = f(w32)
        w32[index] = saved - np.float32(h)
        f_minus = f(w32)
        w32[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def whole_rows(f, w, h=1e-5) -> np.ndarray:
    w = np.array(w, dtype=np.float64)
    grad = np.zeros_like(w)
    for i in range(len(w)):
        saved = w[i].copy()
        w[i] = saved + h
        f_plus = f(w)
        w[i] = saved - h
        f_minus = f(w)
        w[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def entrywise(f, w, h, quotient, step=1.0, restore=True) -> np.ndarray:
    """A numeric gradient that moves each entry to w + step * h and w - step * h in turn and
    combines the two losses (and the loss at w) by ``quotient(f_plus, f_minus, f_w, h)``;
    with ``restore`` False, each entry is left at its minus point. The building block of
    numeric_gradient's wrong versions."""
    w = np.array(w, dtype=np.float64)
    grad, base = np.zeros_like(w), f(w.copy())
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + step * h
        f_plus = f(w)
        w[index] = saved - step * h
        f_minus = f(w)
        if restore:
            w[index] = saved
        grad[index] = quotient(f_plus, f_minus, base, h)
    return grad


NUMERIC_MISTAKES = {
    "the parentheses are missing: f_plus - f_minus / (2 * h) divides only the loss at w - h; "
    "the centered difference divides the whole difference, "
    "(f_plus - f_minus) / (2 * h)": lambda f, w, h=1e-5: entrywise(
        f, w, h, lambda plus, minus, base, h: plus - minus / (2 * h)
    ),
    "this multiplies by h: Python reads (f_plus - f_minus) / 2 * h as ((f_plus - f_minus) / "
    "2) * h; the centered difference divides by 2h, (f_plus - f_minus) / (2 * h)": (
        lambda f, w, h=1e-5: entrywise(
            f, w, h, lambda plus, minus, base, h: (plus - minus) / 2 * h
        )
    ),
    "h is missing from the denominator, (f_plus - f_minus) / 2: the centered difference "
    "divides the difference of the losses by the distance 2h between its two points": (
        lambda f, w, h=1e-5: entrywise(f, w, h, lambda plus, minus, base, h: (plus - minus) / 2)
    ),
    "this is the second difference (f(w + h) - 2 f(w) + f(w - h)) / h**2, an estimate of the "
    "second derivative: the gradient is the first derivative, the centered difference "
    "(f(w + h) - f(w - h)) / (2h)": lambda f, w, h=1e-5: entrywise(
        f, w, h, lambda plus, minus, base, h: (plus - 2 * base + minus) / h**2
    ),
    "the two points are w + 2h and w - 2h, 4h apart, but the difference is divided by 2h, "
    "which doubles the slope: the centered difference steps h on either side of w and "
    "divides by 2h": lambda f, w, h=1e-5: entrywise(
        f, w, h, lambda plus, minus, base, h: (plus - minus) / (2 * h), step=2.0
    ),
    "the centered difference is divided by h instead of 2h, which doubles the slope: its two "
    "points, w + h and w - h, are 2h apart": lambda f, w, h=1e-5: entrywise(
        f, w, h, lambda plus, minus, base, h: (plus - minus) / h
    ),
    "this is the backward difference (f(w) - f(w - h)) / h, whose error shrinks only like h: "
    "the numeric gradient takes the centered difference, the loss at w + h minus the loss at "
    "w - h, over 2h": lambda f, w, h=1e-5: entrywise(
        f, w, h, lambda plus, minus, base, h: (base - minus) / h
    ),
    "the sign is flipped, (f(w - h) - f(w + h)) / (2h): the centered difference is the loss "
    "at w + h minus the loss at w - h, over 2h, so that it points uphill": (
        lambda f, w, h=1e-5: entrywise(
            f, w, h, lambda plus, minus, base, h: (minus - plus) / (2 * h)
        )
    ),
    "each entry is left at w - h after its difference, so every later entry is "
    "differentiated at a moved point: put each entry back to its value before moving to the "
    "next": lambda f, w, h=1e-5: entrywise(
        f, w, h, lambda plus, minus, base, h: (plus - minus) / (2 * h), restore=False
    ),
    "this is the one-sided difference, whose error shrinks only like h: the numeric gradient "
    "takes the centered difference, the loss at w + h minus the loss at "
    "w - h, over 2h": one_sided_gradient,
    "the minus point is w itself, not w - h: after adding h, subtracting h only restores the "
    "entry; the centered difference compares the loss one step h on "
    "either side of w": lambda f, w, h=1e-5: one_sided_gradient(f, w, h) / 2,
    "this moves every weight at once and gives each entry the same slope, along the diagonal: "
    "each partial derivative moves one weight alone, holding the others fixed": (
        every_entry_at_once
    ),
    "the weights were perturbed in float32, where h is lost to rounding: the numeric gradient "
    "works in float64": in_float32,
    "this perturbs whole rows of w at once: the numeric gradient moves one entry at a time, "
    "for every index of w whatever its shape": whole_rows,
}

RELATIVE_MISTAKES = {
    "this divides by the larger of |a| and |n|, the form of CS231n's notes: the course's "
    "relative error divides by their sum": lambda a, n: float(
        np.max(np.abs(a - n) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(n))))
    ),
    "the denominator has no floor of 1e-8: entries where a and n are both tiny then count as "
    "wholly wrong; in the relative error a denominator below 1e-8 is "
    "raised to 1e-8": lambda a, n: float(np.max(np.abs(a - n) / (np.abs(a) + np.abs(n)))),
    "this adds 1e-8 to every denominator, which shifts every entry's error: the floor of the "
    "relative error raises only a denominator below 1e-8": lambda a, n: float(
        np.max(np.abs(a - n) / (np.abs(a) + np.abs(n) + 1e-8))
    ),
    "this compares the norms of the whole arrays: the relative error is "
    "taken entry by entry, and the largest one reported, so that one wrong weight cannot "
    "hide behind many right ones": lambda a, n: float(
        np.linalg.norm(a - n) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(n))
    ),
    "this is the error of every entry: the relative error is the largest "
    "of them, one number": lambda a, n: np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)),
    "the difference a - n is taken with its sign, so entries where n is the larger count "
    "as agreeing: the relative error divides its size |a - n|": (
        lambda a, n: float(np.max((a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))
    ),
    "this divides by |a + n|, which vanishes where a and n have opposite signs: the relative "
    "error divides by |a| + |n|, so that a sign error counts 1": (
        lambda a, n: float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a + n))))
    ),
    "this divides by |n| alone, the numeric gradient's size: the relative error divides by "
    "|a| + |n|, the size of both, so that the two gradients count alike": (
        lambda a, n: float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(n))))
    ),
    "this divides by |a| alone, the analytic gradient's size: the relative error divides by "
    "|a| + |n|, the size of both, so that the two gradients count alike": (
        lambda a, n: float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a))))
    ),
    "the difference is squared, (a - n)**2: the relative error divides the difference itself, "
    "|a - n|, by |a| + |n|, so that it has no units": lambda a, n: float(
        np.max((a - n) ** 2 / np.maximum(1e-8, np.abs(a) + np.abs(n)))
    ),
    "this divides the largest |a - n| by the largest |a| + |n|, which can come from another "
    "entry: the relative error divides each entry's difference by that entry's own size, and "
    "then takes the largest ratio": lambda a, n: float(
        np.max(np.abs(a - n)) / max(1e-8, np.max(np.abs(a) + np.abs(n)))
    ),
    "this is the mean of the entries' errors: the relative error is the largest of them, so "
    "that one wrong entry cannot hide among many right ones": lambda a, n: float(
        np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
    ),
    "this sums the entries' errors: the relative error is the largest of them, a number "
    "between 0 and 1 whatever the size of the gradient": lambda a, n: float(
        np.sum(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
    ),
    "this is the smallest of the entries' errors (a min for the max): the relative error is "
    "the largest, so that one wrong entry shows": lambda a, n: float(
        np.min(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
    ),
    "this divides by the mean size (|a| + |n|) / 2, twice the course's error: the relative "
    "error divides by the sum |a| + |n|": lambda a, n: float(
        np.max(np.abs(a - n) / np.maximum(1e-8, (np.abs(a) + np.abs(n)) / 2))
    ),
    "the floor is np.minimum(1e-8, ...), which divides every entry by 1e-8 or less: the "
    "floor takes the larger, np.maximum(1e-8, |a| + |n|), raising only a denominator below "
    "1e-8": lambda a, n: float(np.max(np.abs(a - n) / np.minimum(1e-8, np.abs(a) + np.abs(n)))),
}


def check_with(numeric, error=reference.relative_error):
    """A gradient check that takes ``numeric(f, w, h)`` for the numeric gradient and ``error``
    for the comparison: the building block of the check's wrong versions."""

    def wrong(f, grad_f, w, h=1e-5):
        w = np.array(w, dtype=np.float64)
        return error(grad_f(w.copy()), numeric(f, w.copy(), h))

    return wrong


def entries_left_moved(f, grad_f, w, h=1e-5):
    """Each entry left at w - h after its centered difference, and the analytic gradient taken
    where the loop left w."""
    moved = np.array(w, dtype=np.float64)
    numeric = np.zeros_like(moved)
    for index in np.ndindex(moved.shape):
        saved = moved[index]
        moved[index] = saved + h
        f_plus = f(moved)
        moved[index] = saved - h
        numeric[index] = (f_plus - f(moved)) / (2 * h)
    return reference.relative_error(grad_f(moved), numeric)


CHECK_MISTAKES = {
    "this ignores the h it is given: the numeric gradient of the check takes the step h that "
    "the call passes": lambda f, grad_f, w, h=1e-5: check_with(reference.numeric_gradient)(
        f, grad_f, w
    ),
    "the numeric gradient of the check is the one-sided difference, whose error shrinks only "
    "like h: the check compares with the centered difference": check_with(one_sided_gradient),
    "this is the absolute error, the largest |a - n|: the check reports the relative error, "
    "which means the same whatever the size of the gradient": check_with(
        reference.numeric_gradient, lambda a, n: float(np.max(np.abs(a - n)))
    ),
    "the entries are not restored after their perturbation, and the analytic gradient is "
    "taken where the loop left w: restore each entry, and take both gradients at the w "
    "given": entries_left_moved,
    "the numeric gradient is twice the slope (a centered difference over h instead of 2h): "
    "the check compares with the centered difference over 2h": check_with(
        lambda f, w, h: 2 * reference.numeric_gradient(f, w, h)
    ),
    "this divides by |a| alone: the relative error divides by |a| + |n|": check_with(
        reference.numeric_gradient,
        lambda a, n: float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a)))),
    ),
    "this divides by |n| alone, the numeric gradient's size: the relative error divides by "
    "|a| + |n|": check_with(
        reference.numeric_gradient,
        lambda a, n: float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(n)))),
    ),
    "this divides the largest |a - n| by the length of the analytic gradient: the check "
    "reports rel(a, n), each entry's |a - n| over its own |a| + |n|, the largest of them": (
        check_with(
            reference.numeric_gradient,
            lambda a, n: float(np.max(np.abs(a - n)) / max(1e-8, np.linalg.norm(a))),
        )
    ),
    "this compares the lengths of the whole gradients, |a - n| / (|a| + |n|): the check takes "
    "the relative error entry by entry, and reports the largest": check_with(
        reference.numeric_gradient,
        lambda a, n: float(
            np.linalg.norm(a - n) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(n))
        ),
    ),
    "this sums the entries' relative errors: the check reports the largest of them, "
    "rel(a, n)": check_with(
        reference.numeric_gradient,
        lambda a, n: float(np.sum(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))),
    ),
    "this is the mean of the entries' relative errors: the check reports the largest of "
    "them, rel(a, n), so that one wrong entry shows": check_with(
        reference.numeric_gradient,
        lambda a, n: float(np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))),
    ),
    "this returns every entry's relative error: the check returns one number, their "
    "largest, rel(a, n)": check_with(
        reference.numeric_gradient,
        lambda a, n: np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)),
    ),
    "the numeric gradient of the check is the backward difference (f(w) - f(w - h)) / h, "
    "whose error shrinks only like h: the check compares with the centered difference": (
        check_with(
            lambda f, w, h: entrywise(f, w, h, lambda plus, minus, base, h: (base - minus) / h)
        )
    ),
}
# A gradient check that returns True or False: its own message says so (no catalog can hold
# every threshold a verdict is taken at).
VERDICT = (
    "this returns a verdict (True or False): gradient_check returns the relative error "
    "rel(a, n) itself, a number; the thresholds (about 1e-7 or less: right; over 1e-2: wrong) "
    "are for reading it"
)


def svm_with(
    W, X, y, correct_scores=None, margin=1.0, flipped=False, squared=False, zero_active=False
):
    """The SVM loss and the gradient that follows from its violated margins, with one part of
    the loss changed: the correct classes' scores, the margin, the sign of each term, its
    square, a margin of exactly 0 counted as active (>= 0 for > 0). The building block of
    svm_loss's wrong versions."""
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    correct = scores[rows, y] if correct_scores is None else correct_scores(scores)
    terms = scores - correct[:, None] + margin
    terms = -terms + 2 * margin if flipped else terms
    terms[rows, y] = -1.0 if zero_active else 0.0  # the correct class's own term, never active
    active = (terms >= 0 if zero_active else terms > 0).astype(np.float64)
    loss = float(np.sum((terms * active) ** (2 if squared else 1)) / n)
    coefficients = active.copy()
    coefficients[rows, y] = -active.sum(axis=1)
    return loss, X.T @ coefficients / n


def svm_gradient_with(W, X, y, correct_column):
    """The right loss, and a gradient whose correct-class column is ``correct_column(active)``
    times x_i; the other columns right."""
    loss, _ = reference.svm_loss(W, X, y)
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    active = (scores - scores[rows, y][:, None] + 1.0 > 0).astype(np.float64)
    active[rows, y] = 0.0
    coefficients = active.copy()
    coefficients[rows, y] = correct_column(active)
    return loss, X.T @ coefficients / n


def svm_features_of_class_index(W, X, y):
    """The gradient of each violated term (example i, class j) made of x_j, not x_i."""
    loss, _ = reference.svm_loss(W, X, y)
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    active = scores - scores[rows, y][:, None] + 1.0 > 0
    active[rows, y] = False
    dW = np.zeros_like(W, dtype=np.float64)
    for i, j in zip(*np.nonzero(active)):
        dW[:, j] += X[j % n]
        dW[:, y[i]] -= X[j % n]
    return loss, dW / n


def svm_worst_class(W, X, y):
    """Only each example's largest violation counted (Crammer and Singer's multiclass hinge),
    with its gradient."""
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    worst = np.argmax(margins, axis=1)
    active = (margins[rows, worst] > 0).astype(np.float64)
    coefficients = np.zeros_like(scores, dtype=np.float64)
    coefficients[rows, worst] += active
    coefficients[rows, y] -= active
    return float(np.sum(margins[rows, worst] * active) / n), X.T @ coefficients / n


def svm_margin_weighted(W, X, y):
    """The right loss, and a gradient whose violated terms are weighted by their margins (the
    squared hinge's gradient, halved)."""
    loss, _ = reference.svm_loss(W, X, y)
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    coefficients = np.maximum(margins, 0.0)
    coefficients[rows, y] = -coefficients.sum(axis=1)
    return loss, X.T @ coefficients / n


def svm_penalized(W, X, y, strength):
    """The SVM loss plus the penalty strength * sum(W**2), and its gradient."""
    loss, dW = reference.svm_loss(W, X, y)
    return loss + strength * float(np.sum(W * W)), dW + 2 * strength * W


def softmax_loss(W, X, y):
    """The softmax (cross-entropy) loss of the chapter's classifier, averaged over examples,
    and its gradient X^T (P - Y) / N."""
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.log(P[rows, y])))
    P[rows, y] -= 1.0
    return loss, X.T @ P / n


def svm_scaled(W, X, y, loss_factor, gradient_factor):
    """The SVM loss and its gradient, each times a factor (a mean left out, or taken twice)."""
    loss, dW = reference.svm_loss(W, X, y)
    return loss * loss_factor, dW * gradient_factor


def previous_label_scores(scores, y):
    """Each example's score of the previous example's label (the first example's own)."""
    labels = np.concatenate([y[:1], y[:-1]])
    return scores[np.arange(len(y)), labels]


SVM_MISTAKES = {
    "the sum counts the correct class too, whose margin is always 1: the sum of the SVM loss "
    "runs over the other classes only, j ≠ y_i": lambda W, X, y: (
        reference.svm_loss(W, X, y)[0] + 1.0,
        reference.svm_loss(W, X, y)[1],
    ),
    "the margin of 1 is missing: the SVM loss asks the correct class's score to beat every "
    "other score by 1, so a class counts as soon as its score comes within 1 of the correct "
    "one": lambda W, X, y: svm_with(W, X, y, margin=0.0),
    "each term has its sign flipped, the correct score minus the other: a term of the SVM loss "
    "grows with the other class's score, S_ij - S_iy_i + 1": lambda W, X, y: svm_with(
        W, X, y, flipped=True
    ),
    "this is the squared hinge: the SVM loss sums the margins' violations themselves, "
    "not their squares": lambda W, X, y: svm_with(W, X, y, squared=True),
    "each example's correct-class score is read with the previous example's label: example i "
    "compares every score with its own S_iy_i": lambda W, X, y: svm_with(
        W, X, y, correct_scores=lambda scores: previous_label_scores(scores, y)
    ),
    "the correct class's column is missing from the gradient: every violated term also "
    "subtracts x_i from column y_i": lambda W, X, y: svm_gradient_with(
        W, X, y, lambda active: 0.0
    ),
    "the correct class's column loses x_i once per example: it loses x_i once for every class "
    "that violates the margin, as each violated term holds -S_iy_i": lambda W, X, y: (
        svm_gradient_with(W, X, y, lambda active: -(active.sum(axis=1) > 0).astype(float))
    ),
    "the gradient of a violated term is made of the wrong example's features: the term of "
    "example i and class j adds x_i to column j and subtracts it from column y_i": (
        svm_features_of_class_index
    ),
    "a margin of exactly 0 counts as violated (>= 0 for > 0), so its term adds x_i to the "
    "gradient: a term max(0, S_ij - S_iy_i + 1) is active only where it is positive, and at "
    "the kink the subgradient 0 is used": lambda W, X, y: svm_with(W, X, y, zero_active=True),
    "this returns (dW, loss): svm_loss returns the loss first, then its gradient": (
        lambda W, X, y: reference.svm_loss(W, X, y)[::-1]
    ),
    "this is the softmax (cross-entropy) loss of the chapter's classifier: the exercise asks "
    "for the multiclass SVM loss, the hinge max(0, S_ij - S_iy_i + 1) summed over j ≠ y_i": (
        softmax_loss
    ),
    "only each example's worst class counts (the max over classes, Crammer and Singer's "
    "hinge): the SVM loss sums the violations of every class j ≠ y_i": svm_worst_class,
    "a penalty 0.5 * sum(W**2) is added, with its gradient W: the exercise's SVM loss has no "
    "regularization": lambda W, X, y: svm_penalized(W, X, y, 0.5),
    "a penalty sum(W**2) is added, with its gradient 2W: the exercise's SVM loss has no "
    "regularization": lambda W, X, y: svm_penalized(W, X, y, 1.0),
    "neither the loss nor its gradient is divided by N: the SVM loss is the mean over the N "
    "examples, and so is its gradient": lambda W, X, y: svm_scaled(
        W, X, y, X.shape[0], X.shape[0]
    ),
    "the loss is not divided by N, though its gradient is: the SVM loss is the mean over the "
    "N examples": lambda W, X, y: svm_scaled(W, X, y, X.shape[0], 1.0),
    "the gradient is not divided by N, though the loss is: the gradient of a mean over the "
    "examples is the mean of their gradients": lambda W, X, y: svm_scaled(
        W, X, y, 1.0, X.shape[0]
    ),
    "the loss and its gradient are divided by N * C, the number of scores: the SVM loss is "
    "the mean over the N examples of each one's sum over the classes": lambda W, X, y: svm_scaled(
        W, X, y, 1 / W.shape[1], 1 / W.shape[1]
    ),
    "the gradient has its sign flipped, while the loss is right: a violated term grows with "
    "S_ij, so its gradient adds x_i to column j and subtracts it from column y_i": (
        lambda W, X, y: svm_scaled(W, X, y, 1.0, -1.0)
    ),
    "the correct class's column loses x_i once more than there are violations, as if the "
    "correct class's own margin of 1 were one: the term j = y_i is left out of the sum, and "
    "of the gradient": lambda W, X, y: svm_gradient_with(
        W, X, y, lambda active: -(active.sum(axis=1) + 1)
    ),
    "the correct class's column loses x_i for every other class, violated or not: only a "
    "class whose margin is violated (S_ij - S_iy_i + 1 > 0) contributes to the "
    "gradient": lambda W, X, y: svm_gradient_with(
        W, X, y, lambda active: -float(active.shape[1] - 1)
    ),
    "each violated term's gradient is weighted by its margin, as the squared hinge's is: a "
    "term max(0, S_ij - S_iy_i + 1) has slope 1 where it is positive, so it adds x_i to "
    "column j and subtracts x_i from column y_i, whatever its size": svm_margin_weighted,
}
# The section that explains a named mistake better than its function's, by a phrase of the
# mistake's explanation above: the SVM loss is defined with the exercise.
MISTAKE_SECTIONS = {
    "the weights were perturbed in float32": "float32-ruins-the-check",
    "the sum counts the correct class too": "exercise",
    "the margin of 1 is missing": "exercise",
    "each term has its sign flipped": "exercise",
    "this is the squared hinge": "exercise",
    "read with the previous example's label": "exercise",
    "this is the softmax (cross-entropy) loss": "exercise",
    "only each example's worst class counts": "exercise",
    "with its gradient W: the exercise's SVM loss has no": "exercise",
    "with its gradient 2W: the exercise's SVM loss has no": "exercise",
}
CHECKS = Registry("gradients", sections=SECTIONS, mistake_sections=MISTAKE_SECTIONS)


def random_shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(n) for n in rng.integers(2, 5, size=int(rng.integers(1, 3))))


# --- numeric_gradient ---------------------------------------------------------------------


@CHECKS.check("test_numeric_gradient", "Does it match the exact gradient of a random quadratic?")
def numeric_gradient_on_quadratic(student, rng):
    problem = random_quadratic(rng, (1, 50), (3, 9))
    w = rng.standard_normal(problem.A.shape[0])
    matches_exact_gradient(student, problem, w, f"gradient of a quadratic in {w.size} variables")


# Where a student's numeric gradient is run again when two cataloged mistakes fit its answer:
# on a quadratic a centered difference is exact, so one over h and one of points 2h away from
# w both give twice the gradient; on Rosenbrock, with a step whose truncation error shows, no
# two cataloged mistakes agree.
PROBE_W, PROBE_H = np.array([0.3, -0.7]), 1e-3


def name_numeric(student, got, f, w, kwargs: dict, expected) -> str:
    """The line naming the cataloged mistake of numeric_gradient that gives ``got``, or ''."""

    def probe():
        answer = unrecorded_call(
            student,
            "numeric_gradient",
            problem_argument(Rosenbrock(), "loss"),
            PROBE_W.copy(),
            h=PROBE_H,
        )
        return answer, ((Rosenbrock().loss, PROBE_W.copy()), {"h": PROBE_H})

    return telling_mistake(got, NUMERIC_MISTAKES, ((f, w), kwargs), expected, probe)


def matches_exact_gradient(student, problem, w, what: str) -> None:
    """The student's numeric gradient of a quadratic at ``w`` against its exact gradient: a
    centered difference is exact on a quadratic, up to round-off."""
    got = as_array(
        student.call("numeric_gradient", problem_argument(problem, "loss"), w),
        "numeric_gradient",
        w.shape,
    )
    try:
        assert_close(got, problem.grad(w), rtol=1e-6, atol=1e-8, what=what)
    except AssertionError as failure:
        expected = reference.numeric_gradient(problem.loss, w.copy())
        named = name_numeric(student, got, problem.loss, w, {}, expected)
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check(
    "test_numeric_gradient", "Does it take the centered difference, with the h it is given?"
)
def numeric_gradient_is_centered(student, rng):
    problem = Rosenbrock()
    w = rng.uniform(-1.5, 1.5, 2)
    h = float(rng.choice([1e-3, 1e-4]))
    got = as_array(
        student.call("numeric_gradient", problem_argument(problem, "loss"), w, h=h),
        "numeric_gradient",
        w.shape,
    )
    expected = reference.numeric_gradient(problem.loss, w.copy(), h=h)
    try:
        assert_close(
            got,
            expected,
            rtol=1e-7,
            atol=1e-9,
            what=f"gradient of Rosenbrock at {w.round(3)} with h={h:g}",
        )
    except AssertionError as failure:
        named = name_numeric(student, got, problem.loss, w, {"h": h}, expected)
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check("test_numeric_gradient", "Does it work when w is a matrix?")
def numeric_gradient_on_matrix(student, rng):
    shape = random_shape(rng) + (2,)
    problem = random_quadratic(rng, (1, 50), int(np.prod(shape)))
    W = rng.standard_normal(shape)
    matches_exact_gradient(student, problem, W, f"gradient with respect to a {shape} matrix")


# --- relative_error -----------------------------------------------------------------------


def gradient_scale(rng: np.random.Generator) -> float:
    """The size of the entries of a small gradient, 1e-6 to 1e-4: above the floor of 1e-8, yet
    small enough that adding 1e-8 to a denominator changes the error measurably."""
    return float(10 ** rng.uniform(-6, -4))


# Where a student's relative error is run again when two cataloged mistakes fit its answer
# (with every entry but one equal, a signed difference and a min both give 0; where |a| >= |n|,
# dividing by |a| is dividing by the larger): entries of both signs, either one the larger, and
# a pair below the floor, on which no two cataloged mistakes agree.
PROBE_A = np.array([1e-6, 6e-6, -2e-6, 4e-11, -3e-5])
PROBE_N = np.array([5e-6, 2e-6, 1.5e-6, 0.0, -3.3e-5])


def name_relative(student, got, a, n, expected) -> str:
    """The line naming the cataloged mistake of relative_error that gives ``got``, or ''."""

    def probe():
        answer = unrecorded_call(student, "relative_error", PROBE_A.copy(), PROBE_N.copy())
        return answer, ((PROBE_A.copy(), PROBE_N.copy()), {})

    return telling_mistake(got, RELATIVE_MISTAKES, ((a, n), {}), expected, probe)


def check_relative_error(student, a, n, what: str) -> None:
    returned = student.call("relative_error", a, n)
    expected = reference.relative_error(a, n)
    try:
        got = as_float(returned, "relative_error")
    except AssertionError as failure:
        raise CheckFailed(f"{failure}{name_relative(student, returned, a, n, expected)}") from None
    try:
        if np.isnan(got):
            raise CheckFailed(
                "relative_error returned nan for equal zero-ish entries: "
                "divide by max(1e-8, |a|+|n|)"
            )
        assert_close(got, expected, rtol=1e-9, what=what)
    except AssertionError as failure:
        raise CheckFailed(f"{failure}{name_relative(student, got, a, n, expected)}") from None


@CHECKS.check("test_relative_error", "Is it the lecture's relative error on random arrays?")
def relative_error_on_random_arrays(student, rng):
    shape, scale = random_shape(rng), gradient_scale(rng)
    a = rng.standard_normal(shape) * scale
    n = a + rng.standard_normal(shape) * scale * 10.0 ** rng.uniform(-8, 0, shape)
    check_relative_error(student, a, n, "relative error")


@CHECKS.check(
    "test_relative_error", "Does it use the 1e-8 floor when both values are tiny or zero?"
)
def relative_error_floor(student, rng):
    a = rng.uniform(1e-11, 1e-10, 4)
    n = np.zeros(4)
    n[0] = a[0]  # one equal pair: 0/0 would be nan without the floor
    check_relative_error(student, a, n, "relative error of tiny values")


@CHECKS.check(
    "test_relative_error", "Is the result the maximum over elements, not an array or a mean?"
)
def relative_error_is_max(student, rng):
    a = rng.standard_normal(6) * gradient_scale(rng)
    n = a.copy()
    n[int(rng.integers(6))] *= 1.5
    check_relative_error(student, a, n, "relative error with one entry off")


@CHECKS.check(
    "test_relative_error",
    "Does an entry of the wrong sign count fully, whichever of a and n is the larger?",
)
def relative_error_opposite_signs(student, rng):
    # One entry of n has the sign opposite to a's, an error of exactly 1, the largest; a and n
    # are passed both ways round, so that a difference taken with its sign is caught either way.
    a = rng.standard_normal(6) * gradient_scale(rng)
    n = a * (1 + rng.uniform(-0.1, 0.1, 6))
    k = int(rng.integers(6))
    n[k] = -rng.uniform(0.2, 0.8) * a[k]
    check_relative_error(student, a, n, "relative error with an entry of the wrong sign")
    check_relative_error(student, n, a, "relative error with an entry of the wrong sign")


# --- gradient_check -----------------------------------------------------------------------


def is_verdict(value) -> bool:
    """True or False, as Python or NumPy gives it (a NumPy bool crosses from the student's
    process as a 0-d array)."""
    return isinstance(value, (bool, np.bool_)) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype == bool
    )


# Where a student's gradient check is run again when two cataloged mistakes fit its answer (on a
# right gradient a and n agree to 1e-7, so dividing by |a| is dividing by |n|): a wrong gradient,
# of a quadratic whose A is not symmetric, on which no two cataloged mistakes agree.
PROBE_CHECK = Quadratic(
    A=np.array([[3.0, 0.4, -0.2], [0.0, 1.5, 0.9], [0.3, 0.0, 0.8]]), b=np.array([0.5, -1.0, 2.0])
)
PROBE_CHECK_W = np.array([0.7, -1.3, 0.4])


def name_check(student, got, f, grad_f, w, kwargs: dict, expected) -> str:
    """The line naming the cataloged mistake of gradient_check that gives ``got``, or ''."""

    def probe():
        answer = unrecorded_call(
            student,
            "gradient_check",
            problem_argument(PROBE_CHECK, "loss"),
            problem_argument(PROBE_CHECK, "grad"),
            PROBE_CHECK_W.copy(),
        )
        return answer, ((PROBE_CHECK.loss, PROBE_CHECK.grad, PROBE_CHECK_W.copy()), {})

    return telling_mistake(got, CHECK_MISTAKES, ((f, grad_f, w), kwargs), expected, probe)


def checked_error(student, returned, expected: float, args: tuple, kwargs: dict) -> float:
    """What gradient_check returned, as one number; a value that is not one fails, naming the
    mistake (a verdict, every entry's error) when it is a known one."""
    try:
        return as_float(returned, "gradient_check")
    except AssertionError as failure:
        named = (
            f"\n    {LIKELY_MISTAKE}{VERDICT}"
            if is_verdict(returned)
            else name_check(student, returned, *args, kwargs, expected)
        )
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check(
    "test_gradient_check",
    "Does it report the small error of a correct gradient, with the h it is given?",
)
def gradient_check_measures_right_gradient(student, rng):
    problem = Rosenbrock()
    w = rng.uniform(-1.5, 1.5, 2)
    # With h = 1e-3 the centered difference is off by O(h^2): an error the check can measure.
    expected = reference.gradient_check(problem.loss, problem.grad, w.copy(), h=1e-3)
    got = checked_error(
        student,
        student.call(
            "gradient_check",
            problem_argument(problem, "loss"),
            problem_argument(problem, "grad"),
            w,
            h=1e-3,
        ),
        expected,
        (problem.loss, problem.grad, w),
        {"h": 1e-3},
    )
    try:
        assert_close(
            got,
            expected,
            rtol=1e-3,
            what=f"relative error of Rosenbrock's exact gradient at {w.round(3)}, h=1e-3",
        )
    except AssertionError as failure:
        named = name_check(student, got, problem.loss, problem.grad, w, {"h": 1e-3}, expected)
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check(
    "test_gradient_check", "Does it report the error of a wrong gradient, as the reference does?"
)
def gradient_check_catches_wrong_gradient(student, rng):
    # A non-symmetric A makes Quadratic.grad wrong. Redraw until no entry flips sign
    # (which would make the error exactly 1, a value a constant could match).
    expected = 1.0
    while not 1e-3 < expected < 0.9:
        dim = int(rng.integers(3, 8))
        A = random_quadratic(rng, (1, 50), dim).A + np.triu(rng.uniform(0.1, 0.5, (dim, dim)), 1)
        problem = Quadratic(A=A, b=rng.standard_normal(dim))
        w = rng.standard_normal(dim)
        expected = reference.gradient_check(problem.loss, problem.grad, w.copy())
    got = checked_error(
        student,
        student.call(
            "gradient_check",
            problem_argument(problem, "loss"),
            problem_argument(problem, "grad"),
            w,
        ),
        expected,
        (problem.loss, problem.grad, w),
        {},
    )
    try:
        assert_close(got, expected, rtol=1e-4, what="relative error of a wrong gradient")
    except AssertionError as failure:
        named = name_check(student, got, problem.loss, problem.grad, w, {}, expected)
        raise CheckFailed(f"{failure}{named}") from None


# --- svm_loss -----------------------------------------------------------------------------


def random_classification(rng: np.random.Generator):
    n, d, c = (int(v) for v in (rng.integers(5, 20), rng.integers(3, 10), rng.integers(3, 7)))
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, n)
    W = rng.standard_normal((d, c)) * 0.3
    return W, X, y


# The losses of svm_loss's named mistakes, to name a wrong loss whatever its gradient.
SVM_LOSS_MISTAKES = {
    why: lambda W, X, y, wrong=wrong: wrong(W, X, y)[0] for why, wrong in SVM_MISTAKES.items()
}


def check_svm(student, W, X, y, what):
    returned = student.call("svm_loss", W, X, y)
    expected = reference.svm_loss(W, X, y)
    try:
        loss, dW = as_tuple(returned, ("loss", "dW"), "svm_loss")
        loss = as_float(loss, "svm_loss loss")
        dW = as_array(dW, "svm_loss gradient", W.shape)
    except AssertionError as failure:
        named = name_mistake(returned, SVM_MISTAKES, W, X, y, right_answer=expected)
        raise CheckFailed(f"{failure}{named}") from None
    try:
        assert_close(loss, expected[0], rtol=1e-9, atol=1e-12, what=f"loss {what}")
    except AssertionError as failure:
        # The whole answer first: mistakes that share a wrong loss differ in the gradient.
        named = name_mistake(
            (loss, dW), SVM_MISTAKES, W, X, y, right_answer=expected
        ) or name_mistake(loss, SVM_LOSS_MISTAKES, W, X, y, right_answer=expected[0])
        raise CheckFailed(f"{failure}{named}") from None
    try:
        assert_close(dW, expected[1], rtol=1e-7, atol=1e-10, what=f"gradient dW {what}")
    except AssertionError as failure:
        named = name_mistake((loss, dW), SVM_MISTAKES, W, X, y, right_answer=expected)
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check("test_svm_loss", "Are the loss and gradient right on a random problem?", weight=2)
def svm_on_random_problem(student, rng):
    W, X, y = random_classification(rng)
    check_svm(student, W, X, y, f"(N={X.shape[0]}, D={X.shape[1]}, C={W.shape[1]})")


@CHECKS.check("test_svm_loss", "Are they right at W = 0, where every margin is exactly 1?")
def svm_at_zero(student, rng):
    _, X, y = random_classification(rng)
    W = np.zeros((X.shape[1], int(y.max()) + 1))
    check_svm(student, W, X, y, "at W = 0")


def integer_classification(rng: np.random.Generator):
    """(W, X, y) of small whole numbers, whose scores are whole too: some margins are exactly
    0, at the hinge's kink."""
    n, d, c = (int(v) for v in (rng.integers(8, 20), rng.integers(2, 5), rng.integers(3, 6)))
    X = rng.integers(-2, 3, (n, d)).astype(np.float64)
    W = rng.integers(-1, 2, (d, c)).astype(np.float64)
    return W, X, rng.integers(0, c, n)


def kinks_tell(drawn) -> bool:
    """Does counting a margin of exactly 0 as violated change the gradient on this problem?"""
    W, X, y = drawn
    return not np.allclose(svm_with(W, X, y, zero_active=True)[1], reference.svm_loss(W, X, y)[1])


@CHECKS.check(
    "test_svm_loss", "Are they right on whole numbers, where some margins are exactly 0?"
)
def svm_at_kinks(student, rng):
    W, X, y = draw_until(rng, integer_classification, kinks_tell)
    check_svm(
        student,
        W,
        X,
        y,
        f"on whole-number W and X, where some margins are exactly 0 (N={X.shape[0]}, "
        f"D={X.shape[1]}, C={W.shape[1]}; a margin of 0 is not violated)",
    )


@CHECKS.check("test_svm_loss", "Are they right on real digits images?")
def svm_on_digits(student, rng):
    digits = digits_problem(rng, size=40)
    W = rng.standard_normal((65, 10)) * 0.01
    check_svm(student, W, digits.X, digits.y, "on 40 digits images (D=65, C=10)")


# --- predicting the best h --------------------------------------------------------------------

SECTIONS["test_best_h"] = "choosing-h"
BEST_H_RTOL = 1e-2


def centered_error_model(h: float, machine_epsilon: float, loss_value, third_derivative) -> float:
    """The section's model of the centered difference's error: truncation plus round-off."""
    return h**2 / 6 * abs(third_derivative) + machine_epsilon * abs(loss_value) / h


def sizes_ratio(machine_epsilon, loss_value, third_derivative) -> float:
    """eps |L| / |L'''|: the ratio that every formula for the best h starts from."""
    return machine_epsilon * abs(loss_value) / abs(third_derivative)


# Wrong formulas for the best h, each with its explanation (tried in this order).
BEST_H_MISTAKES = {
    "this is h**3, not h: the derivative h/3 |L'''| - eps |L| / h**2 vanishes where "
    "h**3 = 3 eps |L| / |L'''|, so h is its cube root": lambda e, L, d: 3 * sizes_ratio(e, L, d),
    "this is a square root where the centered difference's h is a cube root: its truncation "
    "error grows like h**2, so the derivative of h**2 / 6 |L'''| + eps |L| / h vanishes at "
    "h**3 = 3 eps |L| / |L'''|": lambda e, L, d: np.sqrt(3 * sizes_ratio(e, L, d)),
    "this is the one-sided difference's best h, sqrt(4 eps |L| / |L''|) (its truncation "
    "error h/2 |L''| against the round-off 2 eps |L| / h): the centered difference's "
    "model, h**2 / 6 |L'''| + eps |L| / h, is smallest at h = cbrt(3 eps |L| / |L'''|)": (
        lambda e, L, d: np.sqrt(4 * sizes_ratio(e, L, d))
    ),
    "this is sqrt(eps), the rule of thumb of the one-sided difference: the centered "
    "difference's best h is cbrt(3 eps |L| / |L'''|), from its error model": lambda e, L, d: (
        np.sqrt(e)
    ),
    "this is eps**(1/3), the rule of thumb, which leaves out the sizes of L and L''': the "
    "error model's minimum is at h = cbrt(3 eps |L| / |L'''|)": lambda e, L, d: np.cbrt(e),
    "the 3 is missing: the derivative of h**2 / 6 |L'''| is h/3 |L'''|, so the minimum is at "
    "h**3 = 3 eps |L| / |L'''|": lambda e, L, d: np.cbrt(sizes_ratio(e, L, d)),
    "the 3 is in the denominator, cbrt(eps |L| / (3 |L'''|)): h/3 |L'''| = eps |L| / h**2 "
    "gives h**3 = 3 eps |L| / |L'''|": lambda e, L, d: np.cbrt(sizes_ratio(e, L, d) / 3),
    "this sets the two terms equal, h**2 / 6 |L'''| = eps |L| / h (or differentiates "
    "h**2 / 6 to h/6), which gives h**3 = 6 eps |L| / |L'''|: the sum is smallest where its "
    "derivative h/3 |L'''| - eps |L| / h**2 vanishes, at h**3 = 3 eps |L| / |L'''|": (
        lambda e, L, d: np.cbrt(6 * sizes_ratio(e, L, d))
    ),
    "the 1/6 of the truncation term is dropped: the centered difference's truncation error is "
    "h**2 / 6 |L'''|, and the minimum of the model is at h**3 = 3 eps |L| / |L'''|": (
        lambda e, L, d: np.cbrt(sizes_ratio(e, L, d) / 2)
    ),
    "the ratio is upside down, cbrt(3 eps |L'''| / |L|): a larger third derivative makes the "
    "truncation error larger, and so the best h smaller, h = cbrt(3 eps |L| / |L'''|)": (
        lambda e, L, d: np.cbrt(3 * e * abs(d) / abs(L))
    ),
    "the signs of L and L''' are kept: the error model holds their sizes, |L| and |L'''|, so "
    "h = cbrt(3 eps |L| / |L'''|) is positive whatever their signs": lambda e, L, d: np.cbrt(
        3 * e * L / d
    ),
}


def drawn_error_model(rng) -> tuple[float, float, float]:
    """(machine epsilon, |L|, |L'''|): a float type's epsilon or another, and sizes whose ratio
    3 |L| / |L'''| is 10 to 10^4 times from 1, either way."""
    machine_epsilon = float(
        rng.choice(
            [
                np.finfo(np.float64).eps,
                np.finfo(np.float32).eps,
                np.exp(rng.uniform(np.log(1e-20), np.log(1e-4))),
            ]
        )
    )
    loss_size = float(np.exp(rng.uniform(np.log(1e-3), np.log(1e3))))
    ratio = 10 ** (rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 4.0))
    return machine_epsilon, loss_size, 3 * loss_size / ratio


def check_best_h(student, machine_epsilon, loss_value, third_derivative, what: str) -> None:
    call = f"best_h({machine_epsilon:.6g}, {loss_value:.6g}, {third_derivative:.6g})"
    expected = reference.best_h(machine_epsilon, loss_value, third_derivative)
    got = student.call("best_h", machine_epsilon, loss_value, third_derivative)
    number = as_float(got, call)
    hint = ""
    if np.isfinite(number) and number > 0:
        at_got, at_best = (
            centered_error_model(h, machine_epsilon, loss_value, third_derivative)
            for h in (number, expected)
        )
        hint = f"; the error model is {at_got:.6g} at your h and {at_best:.6g} at its minimum"
    try:
        compare_prediction(got, expected, BEST_H_RTOL, f"{call} {what}", hint)
    except AssertionError as failure:
        named = name_mistake(
            number,
            BEST_H_MISTAKES,
            machine_epsilon,
            loss_value,
            third_derivative,
            right_answer=expected,
        )
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check("test_best_h", "Does it balance truncation against round-off in the error model?")
def best_h_balances(student, rng):
    for _ in range(5):
        machine_epsilon, loss_size, third_size = drawn_error_model(rng)
        check_best_h(student, machine_epsilon, loss_size, third_size, "")


@CHECKS.check(
    "test_best_h",
    "Does it use the sizes of the loss and of the third derivative, whatever their signs?",
)
def best_h_signs(student, rng):
    for loss_sign, third_sign in ((-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)):
        machine_epsilon, loss_size, third_size = drawn_error_model(rng)
        check_best_h(
            student,
            machine_epsilon,
            loss_sign * loss_size,
            third_sign * third_size,
            "(negative values)",
        )
