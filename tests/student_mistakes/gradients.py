"""Student mistakes in the gradients exercise (numeric gradient, relative error, gradient check,
SVM loss), written from the notebook's docstrings and the chapter, not from the checks'
catalogs."""

import numpy as np


def _numeric_gradient(f, w, h):
    """A right numeric gradient, which a student's gradient_check calls as their own."""
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def _relative_error(a, n):
    """A right relative error, which a student's gradient_check calls as their own."""
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def numeric_forward_difference(f, w, h=1e-5):
    grad, f_w = np.zeros_like(w), f(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        grad[index] = (f(w) - f_w) / h
        w[index] = saved
    return grad


def numeric_divides_by_h(f, w, h=1e-5):
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


def numeric_entry_not_restored(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numeric_minus_h_from_the_plus_point(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        w[index] += h
        f_plus = f(w)
        w[index] -= h
        f_minus = f(w)
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numeric_perturbs_every_entry(f, w, h=1e-5):
    slope = (f(w + h) - f(w - h)) / (2 * h)
    return np.full_like(w, slope)


def numeric_in_float32(f, w, h=1e-5):
    w32 = w.astype(np.float32)
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w32[index]
        w32[index] = saved + np.float32(h)
        f_plus = f(w32)
        w32[index] = saved - np.float32(h)
        f_minus = f(w32)
        w32[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numeric_loops_over_first_axis(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for i in range(len(w)):
        saved = w[i].copy()
        w[i] = saved + h
        f_plus = f(w)
        w[i] = saved - h
        f_minus = f(w)
        w[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numeric_fixed_h(f, w, h=1e-5):
    return _numeric_gradient(f, w, 1e-5)


def numeric_sign_flipped(f, w, h=1e-5):
    return -_numeric_gradient(f, w, h)


def numeric_flattened(f, w, h=1e-5):
    return _numeric_gradient(f, w, h).ravel()


def relative_mean(a, n):
    return float(np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def relative_without_abs(a, n):
    return float(np.max((a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def relative_divides_by_larger(a, n):
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(n)))))


def relative_divides_by_abs_sum(a, n):
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a + n))))


def relative_without_floor(a, n):
    return float(np.max(np.abs(a - n) / (np.abs(a) + np.abs(n))))


def relative_of_norms(a, n):
    return float(np.linalg.norm(a - n) / max(1e-8, np.linalg.norm(a) + np.linalg.norm(n)))


def relative_elementwise(a, n):
    return np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))


def relative_floor_added(a, n):
    return float(np.max(np.abs(a - n) / (np.abs(a) + np.abs(n) + 1e-8)))


def relative_floor_outside_max(a, n):
    return float(max(1e-8, np.max(np.abs(a - n) / (np.abs(a) + np.abs(n) + 1e-300))))


def check_fixed_h(f, grad_f, w, h=1e-5):
    return _relative_error(grad_f(w), _numeric_gradient(f, w, 1e-5))


def check_forward_difference(f, grad_f, w, h=1e-5):
    numeric, f_w = np.zeros_like(w), f(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        numeric[index] = (f(w) - f_w) / h
        w[index] = saved
    return _relative_error(grad_f(w), numeric)


def check_absolute_error(f, grad_f, w, h=1e-5):
    return float(np.max(np.abs(grad_f(w) - _numeric_gradient(f, w, h))))


def check_mean_error(f, grad_f, w, h=1e-5):
    a, n = grad_f(w), _numeric_gradient(f, w, h)
    return float(np.mean(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def check_analytic_at_perturbed_point(f, grad_f, w, h=1e-5):
    work = w.copy()
    numeric = np.zeros_like(work)
    for index in np.ndindex(work.shape):
        saved = work[index]
        work[index] = saved + h
        f_plus = f(work)
        work[index] = saved - h
        numeric[index] = (f_plus - f(work)) / (2 * h)
    return _relative_error(grad_f(work), numeric)


def check_gradient_of_the_wrong_function(f, grad_f, w, h=1e-5):
    return _relative_error(grad_f(w), _numeric_gradient(lambda x: 2 * f(x), w, h))


def check_relative_to_analytic_only(f, grad_f, w, h=1e-5):
    a, n = grad_f(w), _numeric_gradient(f, w, h)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a))))


def _margins(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(n), y][:, None] + 1.0
    margins[np.arange(n), y] = 0.0
    return margins


def _svm_gradient(X, y, active):
    coefficients = active.astype(np.float64)
    coefficients[np.arange(len(y)), y] = -coefficients.sum(axis=1)
    return X.T @ coefficients


def svm_loss_not_averaged(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return float(np.sum(margins * active)), _svm_gradient(X, y, active) / len(y)


def svm_gradient_not_averaged(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return float(np.sum(margins * active) / len(y)), _svm_gradient(X, y, active)


def svm_correct_class_counted(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(n), y][:, None] + 1.0
    active = (margins > 0).astype(np.float64)
    coefficients = active.copy()
    coefficients[np.arange(n), y] -= active.sum(axis=1)
    return float(np.sum(margins * active) / n), X.T @ coefficients / n


def svm_correct_class_column_forgotten(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return float(np.sum(margins * active) / len(y)), X.T @ active.astype(np.float64) / len(y)


def svm_no_margin(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = scores - scores[np.arange(n), y][:, None]
    margins[np.arange(n), y] = 0.0
    active = margins > 0
    return float(np.sum(margins * active) / n), _svm_gradient(X, y, active) / n


def svm_margin_sign_flipped(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = scores[np.arange(n), y][:, None] - scores + 1.0
    margins[np.arange(n), y] = 0.0
    active = margins > 0
    return float(np.sum(margins * active) / n), _svm_gradient(X, y, active) / n


def svm_gradient_transposed(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return float(np.sum(margins * active) / len(y)), (_svm_gradient(X, y, active) / len(y)).T


def svm_squared_hinge(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return float(np.sum((margins * active) ** 2) / len(y)), _svm_gradient(X, y, active) / len(y)


def svm_gradient_sign_flipped(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return float(np.sum(margins * active) / len(y)), -_svm_gradient(X, y, active) / len(y)


def svm_averaged_over_classes_too(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    count = margins.size
    return float(np.sum(margins * active) / count), _svm_gradient(X, y, active) / count


def svm_returns_gradient_first(W, X, y):
    margins = _margins(W, X, y)
    active = margins > 0
    return _svm_gradient(X, y, active) / len(y), float(np.sum(margins * active) / len(y))


def svm_loop_correct_class_once(W, X, y):
    n, num_classes = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(n):
        scores = X[i] @ W
        violated = False
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                violated = True
        if violated:
            dW[:, y[i]] -= X[i]
    return loss / n, dW / n


def svm_loop_gradient_from_the_wrong_example(W, X, y):
    n, num_classes = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(n):
        scores = X[i] @ W
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[j % n]
                dW[:, y[i]] -= X[j % n]
    return loss / n, dW / n


def svm_scores_transposed_labels(W, X, y):
    n = X.shape[0]
    scores = X @ W
    correct = scores[:, y].diagonal().copy()
    correct[1:] = scores[np.arange(1, n), y[:-1]]
    margins = scores - correct[:, None] + 1.0
    margins[np.arange(n), y] = 0.0
    active = margins > 0
    return float(np.sum(margins * active) / n), _svm_gradient(X, y, active) / n


MISTAKES = {
    "numeric_gradient": {
        "forward difference (f(w + h) - f(w)) / h": numeric_forward_difference,
        "centered difference divided by h instead of 2h": numeric_divides_by_h,
        "the perturbed entry not restored": numeric_entry_not_restored,
        "w[i] -= h after w[i] += h: the minus point is w itself": (
            numeric_minus_h_from_the_plus_point
        ),
        "perturbs every entry at once": numeric_perturbs_every_entry,
        "perturbs a float32 copy: h is lost to rounding": numeric_in_float32,
        "loops over the first axis only (whole rows perturbed)": numeric_loops_over_first_axis,
        "ignores the h argument (uses 1e-5)": numeric_fixed_h,
        "sign flipped: (f(w - h) - f(w + h)) / 2h": numeric_sign_flipped,
        "returns the gradient flattened": numeric_flattened,
    },
    "relative_error": {
        "mean over entries instead of the max": relative_mean,
        "no abs in the numerator": relative_without_abs,
        "divides by max(|a|, |n|) (the notes' form)": relative_divides_by_larger,
        "divides by |a + n| instead of |a| + |n|": relative_divides_by_abs_sum,
        "no 1e-8 floor: 0 / 0 gives nan": relative_without_floor,
        "ratio of norms instead of the max elementwise ratio": relative_of_norms,
        "returns the elementwise array, not its max": relative_elementwise,
        "1e-8 added to the denominator instead of a floor": relative_floor_added,
        "floor applied to the result instead of the denominator": relative_floor_outside_max,
    },
    "gradient_check": {
        "ignores the h argument (uses 1e-5)": check_fixed_h,
        "forward difference for the numeric gradient": check_forward_difference,
        "absolute error max |a - n| instead of the relative error": check_absolute_error,
        "mean relative error instead of the max": check_mean_error,
        "analytic gradient taken at the last perturbed point": (check_analytic_at_perturbed_point),
        "numeric gradient of 2 f (the loss summed twice)": check_gradient_of_the_wrong_function,
        "relative to |a| only": check_relative_to_analytic_only,
    },
    "svm_loss": {
        "loss not divided by N": svm_loss_not_averaged,
        "gradient not divided by N": svm_gradient_not_averaged,
        "the correct class's margin counted (j == y_i not skipped)": svm_correct_class_counted,
        "gradient forgets the correct class's column": svm_correct_class_column_forgotten,
        "margin without the + 1": svm_no_margin,
        "margin s_y - s_j + 1 (sign flipped)": svm_margin_sign_flipped,
        "gradient transposed (C, D)": svm_gradient_transposed,
        "squared hinge loss": svm_squared_hinge,
        "gradient sign flipped": svm_gradient_sign_flipped,
        "averaged over N * C instead of N": svm_averaged_over_classes_too,
        "returns (dW, loss) instead of (loss, dW)": svm_returns_gradient_first,
        "loop: the correct class's column subtracts X_i once, not once per violation": (
            svm_loop_correct_class_once
        ),
        "loop: gradient adds another example's row": svm_loop_gradient_from_the_wrong_example,
        "correct-class scores paired with the previous example's label": (
            svm_scores_transposed_labels
        ),
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_numeric_precedence(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        grad[index] = f_plus - f_minus / (2 * h)
    return grad


def held_numeric_second_difference(f, w, h=1e-5):
    grad = np.zeros_like(w)
    f0 = f(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        grad[index] = (f_plus - 2 * f0 + f_minus) / h**2
    return grad


def held_numeric_step_two_h(f, w, h=1e-5):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + 2 * h
        f_plus = f(w)
        w[index] = saved - 2 * h
        f_minus = f(w)
        w[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def held_relative_divides_by_numeric(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(n))))


def held_relative_squared(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max((a - n) ** 2 / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def held_relative_max_over_max(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max(np.abs(a - n)) / max(1e-8, np.max(np.abs(a) + np.abs(n))))


def held_relative_min(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.min(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def held_relative_mean_magnitude(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, (np.abs(a) + np.abs(n)) / 2)))


def held_numeric(f, w, h):
    grad = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        saved = w[index]
        w[index] = saved + h
        f_plus = f(w)
        w[index] = saved - h
        f_minus = f(w)
        w[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def held_check_returns_verdict(f, grad_f, w, h=1e-5):
    a, n = grad_f(w), held_numeric(f, w, h)
    return bool(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))) < 1e-7)


def held_check_sum_of_errors(f, grad_f, w, h=1e-5):
    a, n = grad_f(w), held_numeric(f, w, h)
    return float(np.sum(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))


def held_check_relative_to_analytic_norm(f, grad_f, w, h=1e-5):
    a, n = grad_f(w), held_numeric(f, w, h)
    return float(np.max(np.abs(a - n)) / max(1e-8, np.linalg.norm(a)))


def held_svm_max_over_classes(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    worst = np.argmax(margins, axis=1)
    active = margins[rows, worst] > 0
    loss = float(np.sum(margins[rows, worst] * active) / n)
    coefficients = np.zeros_like(scores)
    coefficients[rows, worst] += active
    coefficients[rows, y] -= active
    return loss, X.T @ coefficients / n


def held_svm_with_regularization(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    loss = float(np.sum(margins * active) / n + 0.5 * np.sum(W * W))
    coefficients = active
    coefficients[rows, y] = -active.sum(axis=1)
    return loss, X.T @ coefficients / n + W


def held_svm_gradient_counts_correct_class(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    loss = float((np.sum(np.maximum(0, margins)) - n) / n)
    coefficients = (margins > 0).astype(np.float64)
    coefficients[rows, y] = -coefficients.sum(axis=1)
    return loss, X.T @ coefficients / n


def held_svm_gradient_weighted_by_margin(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    loss = float(np.sum(margins * active) / n)
    coefficients = margins * active
    coefficients[rows, y] = -coefficients.sum(axis=1)
    return loss, X.T @ coefficients / n


def held_svm_gradient_X_not_transposed(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    loss = float(np.sum(margins * active) / n)
    coefficients = active
    coefficients[rows, y] = -active.sum(axis=1)
    return loss, X @ coefficients / n


def held_best_h_square_root(machine_epsilon, loss_value, third_derivative):
    return float(np.sqrt(3.0 * machine_epsilon * abs(loss_value) / abs(third_derivative)))


def held_best_h_rule_of_thumb(machine_epsilon, loss_value, third_derivative):
    return float(np.cbrt(machine_epsilon))


def held_best_h_three_forgotten(machine_epsilon, loss_value, third_derivative):
    return float(np.cbrt(machine_epsilon * abs(loss_value) / abs(third_derivative)))


def held_best_h_terms_equal(machine_epsilon, loss_value, third_derivative):
    return float(np.cbrt(6.0 * machine_epsilon * abs(loss_value) / abs(third_derivative)))


SECOND_ROUND = {
    "numeric_gradient": {
        "f_plus - f_minus / (2 * h): precedence": held_numeric_precedence,
        "second difference (f(w + h) - 2 f(w) + f(w - h)) / h ** 2": (
            held_numeric_second_difference
        ),
        "perturbs by 2h but divides by 2h": held_numeric_step_two_h,
    },
    "relative_error": {
        "divides by |n| only": held_relative_divides_by_numeric,
        "squared difference in the numerator": held_relative_squared,
        "max |a - n| over max (|a| + |n|)": held_relative_max_over_max,
        "min over entries instead of the max": held_relative_min,
        "divides by the mean magnitude (|a| + |n|) / 2": held_relative_mean_magnitude,
    },
    "gradient_check": {
        "returns the verdict (error < 1e-7) instead of the error": held_check_returns_verdict,
        "sum of the elementwise relative errors": held_check_sum_of_errors,
        "max |a - n| over the norm of the analytic gradient": (
            held_check_relative_to_analytic_norm
        ),
    },
    "svm_loss": {
        "only the worst class's margin counted (max over classes)": held_svm_max_over_classes,
        "L2 regularization 0.5 * sum(W ** 2) added": held_svm_with_regularization,
        "correct class's margin of 1 kept in the gradient's count": (
            held_svm_gradient_counts_correct_class
        ),
        "gradient weighted by the margins (the squared hinge's)": (
            held_svm_gradient_weighted_by_margin
        ),
        "gradient X @ coefficients (X not transposed)": held_svm_gradient_X_not_transposed,
    },
    "best_h": {
        "square root instead of cube root": held_best_h_square_root,
        "cbrt(eps): the rule of thumb, L and L''' ignored": held_best_h_rule_of_thumb,
        "the 3 forgotten: cbrt(eps |L| / |L'''|)": held_best_h_three_forgotten,
        "terms set equal instead of the derivative zero: h^3 = 6 eps |L| / |L'''|": (
            held_best_h_terms_equal
        ),
    },
}
