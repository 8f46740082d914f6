"""Reference for the gradients exercise: what the hidden checks compare students against.

The numeric gradient, the relative error and the gradient check are the course's
public tools (`optlab.gradcheck`, used from the later chapters on); they are re-exported
here so that the checks name one reference. The exercise forbids using them, and the
grader makes `optlab.gradcheck` unavailable while it grades the exercise. The multiclass
SVM loss is hidden: it exists only here.
"""

from __future__ import annotations

import numpy as np

from optlab.gradcheck import gradient_check, numeric_gradient, relative_error

__all__ = ["gradient_check", "numeric_gradient", "relative_error", "svm_loss"]


def svm_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Multiclass SVM (hinge) loss of a linear classifier, averaged over examples, and its gradient.

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
