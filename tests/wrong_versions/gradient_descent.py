"""Wrong versions of gradient_descent."""

import numpy as np

from autograder.checks import gradient_descent as checks
from autograder.reference.gradient_descent import best_learning_rate, gradient_descent


def one_step_short(grad, w0, lr, num_steps):
    """The last step is missing: the trajectory's last row repeats the one before."""
    path = gradient_descent(grad, w0, lr, max(num_steps - 1, 0))
    return np.concatenate([path, path[-1:]])[: num_steps + 1]


MUTANTS = {
    "test_gradient_descent": {
        "drops the start": lambda grad, w0, lr, n: gradient_descent(grad, w0, lr, n + 1)[1:],
        "ascends": lambda grad, w0, lr, n: gradient_descent(grad, w0, -lr, n),
        "clips divergence": lambda grad, w0, lr, n: np.clip(
            gradient_descent(grad, w0, lr, n), -10, 10
        ),
        "one step short": one_step_short,
    }
}
CATALOGS = {
    "gradient_descent": checks.MISTAKES,
    "best_learning_rate": checks.RATE_MISTAKES,
}


def curvatures(A):
    return np.linalg.eigvalsh(A)


MUTANTS["test_best_learning_rate"] = {
    "one over the largest curvature": lambda A: 1 / curvatures(A)[-1],
    "just under the stability limit": lambda A: 1.99 / curvatures(A)[-1],
    "one over the smallest curvature": lambda A: 1 / curvatures(A)[0],
    "the diagonal of A for its curvatures": lambda A: 2 / (np.diag(A).min() + np.diag(A).max()),
    "momentum's learning rate": lambda A: (
        (2 / (np.sqrt(curvatures(A)[0]) + np.sqrt(curvatures(A)[-1]))) ** 2
    ),
    "a little above the best": lambda A: 1.01 * best_learning_rate(A),
}
SEEDS = (0, 1, 2)
