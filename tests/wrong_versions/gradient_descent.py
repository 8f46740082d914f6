"""Wrong versions of gradient_descent."""

import numpy as np

from autograder.checks import gradient_descent as checks
from autograder.reference.gradient_descent import gradient_descent


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
CATALOGS = {"gradient_descent": checks.MISTAKES}
