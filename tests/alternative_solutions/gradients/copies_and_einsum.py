"""The numeric gradient perturbs copies of w (never w itself), through a flat view of the index;
the SVM loss takes margins as (1 + s_j) - s_y with einsum scores, sums them per example then
averages, and builds the gradient as the active examples' sum minus the correct classes' sum, each
an einsum. The best h minimizes the error model numerically, with scipy's bounded Brent search
on log h."""


def numeric_gradient(f, w, h=1e-5):
    grad = np.empty(w.shape)
    for index in np.ndindex(w.shape):
        w_plus, w_minus = w.copy(), w.copy()
        w_plus[index] += h
        w_minus[index] -= h
        grad[index] = (f(w_plus) - f(w_minus)) / (2 * h)
    return grad


def relative_error(a, n):
    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
    denominator = np.clip(np.abs(a) + np.abs(n), 1e-8, None)
    return float((np.abs(n - a) / denominator).max())


def gradient_check(f, grad_f, w, h=1e-5):
    return float(relative_error(grad_f(w), numeric_gradient(f, w, h=h)))


def svm_loss(W, X, y):
    n, c = X.shape[0], W.shape[1]
    scores = np.einsum("nd,dc->nc", X, W)
    correct = np.take_along_axis(scores, y[:, None], axis=1)
    margins = np.maximum(0.0, 1.0 + scores - correct)
    is_label = np.arange(c)[None, :] == y[:, None]
    margins[is_label] = 0.0
    loss = float(margins.sum(axis=1).mean())
    active = (margins > 0).astype(float)
    counts = (
        active.sum(axis=1, keepdims=True) * is_label
    )  # how often each example's label is beaten
    dW = (np.einsum("nd,nc->dc", X, active) - np.einsum("nd,nc->dc", X, counts)) / n
    return loss, dW


def best_h(machine_epsilon, loss_value, third_derivative):
    from scipy.optimize import minimize_scalar

    def log_error(log_h):
        h = np.exp(log_h)
        return np.log(h**2 / 6 * abs(third_derivative) + machine_epsilon * abs(loss_value) / h)

    found = minimize_scalar(
        log_error, bounds=(-60.0, 10.0), method="bounded", options={"xatol": 1e-8}
    )
    return float(np.exp(found.x))
