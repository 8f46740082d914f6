"""Held-out wrong versions of the gradient-descent exercise: gradient_descent and
best_learning_rate."""

import numpy as np

# --- gradient_descent ------------------------------------------------------------------------


def gradient_descent_final_weights_only(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    for _ in range(num_steps):
        w = w - lr * grad(w)
    return w


def gradient_descent_misses_start(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = []
    for _ in range(num_steps):
        w = w - lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory).reshape(num_steps, *np.shape(w0))


def gradient_descent_updates_w0_in_place(grad, w0, lr, num_steps):
    w = w0
    trajectory = [w.copy()]
    for _ in range(num_steps):
        w -= lr * grad(w)
        trajectory.append(w.copy())
    return np.array(trajectory)


def gradient_descent_ascent(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        w = w + lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


def gradient_descent_appends_same_array(grad, w0, lr, num_steps):
    w = np.array(w0, dtype=np.float64)
    trajectory = [w]
    for _ in range(num_steps):
        w -= lr * grad(w)
        trajectory.append(w)
    return np.array(trajectory)


# --- best_learning_rate ----------------------------------------------------------------------


def best_learning_rate_one_over_largest(A):
    return 1.0 / np.linalg.eigvalsh(A).max()


def best_learning_rate_stability_limit(A):
    return 2.0 / np.linalg.eigvalsh(A).max()


def best_learning_rate_diagonal_as_eigenvalues(A):
    curvatures = np.diag(A)
    return 2.0 / (curvatures.min() + curvatures.max())


def best_learning_rate_forgets_two(A):
    curvatures = np.linalg.eigvalsh(A)
    return 1.0 / (curvatures[0] + curvatures[-1])


def best_learning_rate_unsorted_eigenvalues(A):
    curvatures = np.linalg.eigvals(A).real
    return 2.0 / (curvatures[0] + curvatures[-1])


HELD_OUT = {
    "gradient_descent": {
        "returns only the final weights": gradient_descent_final_weights_only,
        "trajectory misses w0: num_steps rows": gradient_descent_misses_start,
        "updates w0 in place (w = w0; w -= ...)": gradient_descent_updates_w0_in_place,
        "sign flipped: w + lr * grad(w)": gradient_descent_ascent,
        "appends the same array updated in place: every row is the last iterate": (
            gradient_descent_appends_same_array
        ),
    },
    "best_learning_rate": {
        "1 / nu_max": best_learning_rate_one_over_largest,
        "2 / nu_max, the stability limit": best_learning_rate_stability_limit,
        "diagonal entries of A used as its eigenvalues": (
            best_learning_rate_diagonal_as_eigenvalues
        ),
        "1 / (mu + nu_max): forgets the 2": best_learning_rate_forgets_two,
        "first and last of np.linalg.eigvals, which are not sorted": (
            best_learning_rate_unsorted_eigenvalues
        ),
    },
}
