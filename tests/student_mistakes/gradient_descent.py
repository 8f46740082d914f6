"""Student mistakes in the gradient-descent exercise (the full-batch loop), written from the
notebook's docstring and the chapter, not from the checks' catalogs."""

import numpy as np


def descent_returns_final_weights(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    for _ in range(num_steps):
        w = w - lr * grad(w)
    return w


def descent_without_starting_point(grad, w0, lr, num_steps):
    w, trajectory = np.array(w0, dtype=np.float64), []
    for _ in range(num_steps):
        w = w - lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


def descent_one_step_short(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(1, num_steps):
        w = w - lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


def descent_uphill(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        w = w + lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


def descent_gradient_at_start(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        w = w - lr * grad(np.array(w0, dtype=np.float64))
        trajectory.append(w)
    return np.array(trajectory)


def descent_appends_one_array_updated_in_place(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        w -= lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


def descent_in_float32(grad, w0, lr, num_steps):
    trajectory = np.empty((num_steps + 1, *np.shape(w0)), dtype=np.float32)
    trajectory[0] = w = np.array(w0, dtype=np.float32)
    for k in range(1, num_steps + 1):
        w = w - lr * grad(w)
        trajectory[k] = w
    return trajectory


def descent_steps_by_summed_gradients(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    total, trajectory = np.zeros_like(w), [w]
    for _ in range(num_steps):
        total = total + grad(w)
        w = w - lr * total
        trajectory.append(w)
    return np.array(trajectory)


def descent_one_step_too_many(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps + 1):
        w = w - lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


MISTAKES = {
    "gradient_descent": {
        "returns only the final weights": descent_returns_final_weights,
        "trajectory without w0 (num_steps rows)": descent_without_starting_point,
        "one step short: range(1, num_steps)": descent_one_step_short,
        "sign flipped: gradient ascent": descent_uphill,
        "gradient always evaluated at w0": descent_gradient_at_start,
        "updates w in place and appends the same array every step": (
            descent_appends_one_array_updated_in_place
        ),
        "trajectory and weights in float32": descent_in_float32,
        "steps by the running sum of gradients": descent_steps_by_summed_gradients,
        "one step too many: num_steps + 2 rows": descent_one_step_too_many,
    },
}
