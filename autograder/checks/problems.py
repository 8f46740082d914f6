"""Random problems the hidden checks draw: quadratics and the softmax loss on real digits."""

from __future__ import annotations

import numpy as np

from optlab.data import digits_arrays
from optlab.problems import Quadratic, SoftmaxLoss, quadratic


def random_quadratic(
    rng: np.random.Generator, condition: tuple[float, float], dim: int | tuple[int, int]
) -> Quadratic:
    """A quadratic whose condition number (then dimension, if a range) is drawn from ``rng``,
    with a random rotation and minimizer."""
    kappa = float(rng.uniform(*condition))
    n = dim if isinstance(dim, int) else int(rng.integers(*dim))
    return quadratic(kappa, dim=n, seed=int(rng.integers(2**31)))


def digits_problem(rng: np.random.Generator, size: int = 60) -> SoftmaxLoss:
    """The softmax classifier's loss on ``size`` random images of scikit-learn's digits (with a
    bias feature)."""
    pixels, labels = digits_arrays()
    rows = rng.choice(len(labels), size=size, replace=False)
    X = np.hstack([pixels[rows] / 16.0, np.ones((size, 1))])
    return SoftmaxLoss(X=X, y=labels[rows], num_classes=10)
