"""Reference for the gradient-descent exercise: the full-batch loop."""

from __future__ import annotations

import numpy as np


def gradient_descent(grad, w0, lr, num_steps):
    """w_{k+1} = w_k - lr * grad(w_k), from w0; returns every iterate, shape
    (num_steps + 1, *w0.shape)."""
    trajectory = np.empty((num_steps + 1, *np.shape(w0)))
    trajectory[0] = w = np.array(w0, dtype=np.float64)
    for k in range(1, num_steps + 1):
        w = w - lr * grad(w)
        trajectory[k] = w
    return trajectory


def best_learning_rate(A):
    """The learning rate with which gradient descent on L(w) = 1/2 w^T A w - u^T w (A symmetric
    positive definite) shrinks the distance to the minimizer fastest from the worst start: where
    the rates |1 - lr * mu| and |1 - lr * nu_max| of the extreme eigenvalues cross
    (book/gradient_descent.md, eq. best-rate)."""
    curvatures = np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))
    return 2.0 / (curvatures[0] + curvatures[-1])
