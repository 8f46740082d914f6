"""The softmax classifier the book trains: a linear model with the cross-entropy loss.

Shapes: ``X`` is (N, D), one example per row (with a bias column of ones if the data has
one); ``W`` is (D, C); ``y`` holds N integer labels in 0..C-1. The scores are ``X @ W``.

    loss, dW = softmax_loss(W, X, y, reg=0.0)

    L(W)  = -(1/N) sum_i log softmax(X W)[i, y_i]  +  reg * sum(W**2)
    dL/dW = X^T (P - Y) / N  +  2 * reg * W

where P = softmax(X W) row by row and Y is the one-hot matrix of the labels. The L2 term
has no factor 1/2 (the course's convention), so its gradient is 2 * reg * W.

Every function keeps the dtype of its inputs: float32 arrays are computed in float32.
"""

from __future__ import annotations

import numpy as np


def init_weights(
    num_features: int,
    num_classes: int,
    scale: float = 1e-3,
    seed: int | None = 0,
    dtype: type = np.float64,
) -> np.ndarray:
    """Small random weights of shape (num_features, num_classes): ``scale`` times a standard
    normal."""
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((num_features, num_classes))).astype(dtype)


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise log of the softmax, computed stably.

    Subtracting each row's maximum before exponentiating leaves the softmax unchanged
    (numerator and denominator are scaled by the same factor) and keeps exp() from
    overflowing: the largest exponent is exp(0) = 1.
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax: every row is a probability vector over the classes."""
    return np.exp(log_softmax(scores))


def softmax_loss(
    W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float = 0.0
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy loss of the linear softmax classifier, plus ``reg * sum(W**2)``, and its
    gradient.

    Returns ``(loss, dW)`` with ``dW`` of the same shape and dtype as ``W``:
    ``dW = X.T @ (P - Y) / N + 2 * reg * W`` (see the module docstring).
    """
    n = X.shape[0]
    rows = np.arange(n)
    log_probs = log_softmax(X @ W)
    loss = -log_probs[rows, y].mean() + reg * np.sum(W * W)
    dscores = np.exp(log_probs)  # P
    dscores[rows, y] -= 1  # P - Y
    dscores /= n
    dW = X.T @ dscores + 2 * reg * W
    return float(loss), dW


def predict(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The predicted class of every row of X: the index of its largest score."""
    return np.argmax(X @ W, axis=1)


def accuracy(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """The fraction of rows of X whose predicted class equals the label in y."""
    return float(np.mean(predict(W, X) == y))
