"""Held-out wrong versions of the gradients exercise: numeric_gradient, relative_error,
gradient_check, svm_loss and best_h."""

import numpy as np

# --- numeric_gradient ------------------------------------------------------------------------


def numeric_gradient_forward_difference(f, w, h=1e-5):
    grad = np.zeros_like(w)
    fw = f(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved
        grad[index] = (f_plus - fw) / h
    return grad


def numeric_gradient_divides_by_h(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        grad[index] = (f_plus - f_minus) / h
    return grad


def numeric_gradient_not_restored(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        w[index] += h
        f_plus = f(w)
        w[index] -= 2 * h
        f_minus = f(w)
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numeric_gradient_first_axis_only(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for i in range(w.shape[0]):
        saved = w[i].copy()
        w[i] = saved + h
        f_plus = f(w)
        w[i] = saved - h
        f_minus = f(w)
        w[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numeric_gradient_difference_reversed(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        grad[index] = (f_minus - f_plus) / (2 * h)
    return grad


# --- relative_error --------------------------------------------------------------------------


def relative_error_no_floor(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max(np.abs(a - n) / (np.abs(a) + np.abs(n))))


def relative_error_divides_by_larger(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(n)))))


def relative_error_mean_over_entries(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def relative_error_of_norms(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.linalg.norm(a - n) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(n)))


def relative_error_no_absolute_difference(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max((a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


# --- gradient_check --------------------------------------------------------------------------


def gradient_check_forward_difference(f, grad_f, w, h=1e-5):
    analytic = grad_f(w)
    numeric = np.zeros_like(w)
    fw = f(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        numeric[index] = (f(w) - fw) / h
        w[index] = saved
    return float(
        np.max(np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric)))
    )


def gradient_check_ignores_h(f, grad_f, w, h=1e-5):
    step = 1e-5
    analytic = grad_f(w)
    numeric = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + step
        f_plus = f(w)
        w[index] = saved - step
        f_minus = f(w)
        w[index] = saved
        numeric[index] = (f_plus - f_minus) / (2 * step)
    return float(
        np.max(np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric)))
    )


def gradient_check_returns_array(f, grad_f, w, h=1e-5):
    analytic = grad_f(w)
    numeric = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        numeric[index] = (f_plus - f_minus) / (2 * h)
    return np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))


def gradient_check_divides_by_larger(f, grad_f, w, h=1e-5):
    analytic = grad_f(w)
    numeric = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        numeric[index] = (f_plus - f_minus) / (2 * h)
    larger = np.maximum(np.abs(analytic), np.abs(numeric))
    return float(np.max(np.abs(analytic - numeric) / np.maximum(1e-8, larger)))


# --- svm_loss --------------------------------------------------------------------------------


def svm_loss_counts_correct_class(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    active = (margins > 0).astype(np.float64)
    loss = float(np.sum(margins * active) / n)
    coefficients = active.copy()
    coefficients[rows, y] -= active.sum(axis=1)
    return loss, X.T @ coefficients / n


def svm_loss_summed_not_averaged(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    active[rows, y] = -active.sum(axis=1)
    return float(margins.sum()), X.T @ active


def svm_loss_kink_counts_as_active(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = -1.0
    active = (margins >= 0).astype(np.float64)
    loss = float(np.sum(np.maximum(0, margins)) / n)
    active[rows, y] = -active.sum(axis=1)
    return loss, X.T @ active / n


def svm_loss_correct_class_sign_flipped(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    active[rows, y] = active.sum(axis=1)
    return float(margins.sum() / n), X.T @ active / n


def svm_loss_no_margin(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None])
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    active[rows, y] = -active.sum(axis=1)
    return float(margins.sum() / n), X.T @ active / n


def svm_loss_forgets_correct_class_gradient(W, X, y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(n):
        scores = X[i] @ W
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
    return loss / n, dW / n


# --- best_h ----------------------------------------------------------------------------------


def best_h_square_root(machine_epsilon, loss_value, third_derivative):
    return float(np.sqrt(3 * machine_epsilon * abs(loss_value) / abs(third_derivative)))


def best_h_forgets_factor_three(machine_epsilon, loss_value, third_derivative):
    return float(np.cbrt(machine_epsilon * abs(loss_value) / abs(third_derivative)))


def best_h_no_absolute_values(machine_epsilon, loss_value, third_derivative):
    return float(np.cbrt(3 * machine_epsilon * loss_value / third_derivative))


def best_h_terms_set_equal(machine_epsilon, loss_value, third_derivative):
    # h**2 / 6 |L'''| = eps |L| / h: the two terms equated instead of the derivative set to 0.
    return float(np.cbrt(6 * machine_epsilon * abs(loss_value) / abs(third_derivative)))


def best_h_power_precedence(machine_epsilon, loss_value, third_derivative):
    return 3 * machine_epsilon * abs(loss_value) / abs(third_derivative) ** 1 / 3


HELD_OUT = {
    "numeric_gradient": {
        "forward difference (f(w + h) - f(w)) / h": numeric_gradient_forward_difference,
        "divides by h instead of 2h": numeric_gradient_divides_by_h,
        "entry left at w - h: w not restored": numeric_gradient_not_restored,
        "loops over the first axis only: perturbs whole rows of a matrix": (
            numeric_gradient_first_axis_only
        ),
        "difference reversed: (f(w - h) - f(w + h)) / (2h)": (
            numeric_gradient_difference_reversed
        ),
    },
    "relative_error": {
        "no 1e-8 floor: 0 / 0 is nan where both are 0": relative_error_no_floor,
        "divides by max(|a|, |n|), the notes' form": relative_error_divides_by_larger,
        "mean over entries instead of the maximum": relative_error_mean_over_entries,
        "ratio of norms instead of the elementwise maximum": relative_error_of_norms,
        "no absolute value of a - n": relative_error_no_absolute_difference,
    },
    "gradient_check": {
        "numeric gradient by forward difference": gradient_check_forward_difference,
        "ignores the h argument: always 1e-5": gradient_check_ignores_h,
        "returns the elementwise errors, not their maximum": gradient_check_returns_array,
        "divides by max(|a|, |n|) instead of |a| + |n|": gradient_check_divides_by_larger,
    },
    "svm_loss": {
        "correct class's own term (margin 1) counted": svm_loss_counts_correct_class,
        "loss and gradient summed, not averaged over N": svm_loss_summed_not_averaged,
        "margin exactly 0 counted as active (>= 0)": svm_loss_kink_counts_as_active,
        "correct-class column gets +count instead of -count": (
            svm_loss_correct_class_sign_flipped
        ),
        "margin of 1 left out: max(0, s_j - s_y)": svm_loss_no_margin,
        "gradient misses the -x_i terms of the correct class": (
            svm_loss_forgets_correct_class_gradient
        ),
    },
    "best_h": {
        "square root instead of cube root": best_h_square_root,
        "forgets the factor 3: cbrt(eps |L| / |L'''|)": best_h_forgets_factor_three,
        "no absolute values: negative h for opposite signs": best_h_no_absolute_values,
        "sets the two error terms equal: cbrt(6 eps |L| / |L'''|)": best_h_terms_set_equal,
        "** 1 / 3 precedence: divides by 3 instead of a cube root": best_h_power_precedence,
    },
}
