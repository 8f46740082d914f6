"""Run an update rule: the loop every optimizer shares, for trying a step function on a problem.

    # for a step without state, w = step(w, dw, lr=...):
    trajectory = run(step, problem.grad, w0, num_steps, lr=0.1)
    # for a step that carries a velocity, (w, v) = step(w, dw, v, ...):
    trajectory = run(step, problem.grad, w0, num_steps, state=(np.zeros(2),), lr=0.1)

A step takes the weights, the gradient at them, the state it carries (if any) and the
hyperparameters, and returns the new weights (and the new state). The gradient-descent
exercise asks you to write such a loop yourself, so this module is unavailable while
that exercise is graded.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def run(
    step: Callable, grad: Callable, w0: np.ndarray, num_steps: int, state: tuple = (), **hyper
) -> np.ndarray:
    """Every iterate of ``num_steps`` steps from ``w0``, stacked: shape (num_steps + 1,
    *w0.shape)."""
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        result = step(w, grad(w), *state, **hyper)
        if state:
            w, *state = result
        else:
            w = result
        trajectory.append(w)
    return np.stack(trajectory)
