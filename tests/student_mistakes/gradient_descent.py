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


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_gd_stores_before_update(grad, w0, lr, num_steps):
    trajectory = np.empty((num_steps + 1, *np.shape(w0)))
    trajectory[0] = w = np.array(w0, dtype=np.float64)
    for k in range(1, num_steps + 1):
        trajectory[k] = w
        w = w - lr * grad(w)
    return trajectory


def held_gd_normalized_gradient(grad, w0, lr, num_steps):
    trajectory = [np.array(w0, dtype=np.float64)]
    for _ in range(num_steps):
        g = grad(trajectory[-1])
        trajectory.append(trajectory[-1] - lr * g / np.linalg.norm(g))
    return np.array(trajectory)


def held_gd_previous_gradient(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory, g = [w], grad(w)
    for _ in range(num_steps):
        w_new = w - lr * g
        g = grad(w)
        w = w_new
        trajectory.append(w)
    return np.array(trajectory)


def held_gd_starts_one_step_ahead(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = []
    for _ in range(num_steps + 1):
        w = w - lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


def held_gd_iterates_as_columns(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        w = w - lr * grad(w)
        trajectory.append(w)
    return np.stack(trajectory, axis=-1)


def held_best_rate_one_over_largest(A):
    return 1.0 / np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))[-1]


def held_best_rate_stability_edge(A):
    return 2.0 / np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))[-1]


def held_best_rate_unsorted_eigvals(A):
    curvatures = np.linalg.eigvals(np.asarray(A, dtype=np.float64)).real
    return 2.0 / (curvatures[0] + curvatures[-1])


def held_best_rate_two_forgotten(A):
    curvatures = np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))
    return 1.0 / (curvatures[0] + curvatures[-1])


def held_best_rate_diagonal(A):
    diagonal = np.diag(np.asarray(A, dtype=np.float64))
    return 2.0 / (diagonal.min() + diagonal.max())


SECOND_ROUND = {
    "gradient_descent": {
        "each row stored before its update: rows w0, w0, w1, ...": held_gd_stores_before_update,
        "normalized gradient: w - lr * g / |g|": held_gd_normalized_gradient,
        "each step uses the previous iterate's gradient": held_gd_previous_gradient,
        "first row is w1, not w0": held_gd_starts_one_step_ahead,
        "iterates stacked as columns (last axis)": held_gd_iterates_as_columns,
    },
    "best_learning_rate": {
        "1 / nu_max (the safe rate)": held_best_rate_one_over_largest,
        "2 / nu_max (the stability edge)": held_best_rate_stability_edge,
        "np.linalg.eigvals: first and last are not the extremes": held_best_rate_unsorted_eigvals,
        "1 / (mu + nu_max): the 2 forgotten": held_best_rate_two_forgotten,
        "extremes of A's diagonal instead of its eigenvalues": held_best_rate_diagonal,
    },
}
