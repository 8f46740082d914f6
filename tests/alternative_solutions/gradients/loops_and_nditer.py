"""The numeric gradient walks w with np.nditer (as CS231n's eval_numerical_gradient does),
evaluates f at the two shifted points in a loop over the shifts and multiplies by a precomputed
1 / (2h); the SVM loss and gradient are the textbook double loop over examples and classes, each
score row a vector-matrix product, summed in example order. The best h is where the slopes of the
two error terms cancel, h / 3 |L'''| = eps |L| / h^2: the real root of a cubic, from np.roots."""


def numeric_gradient(f, w, h=1e-5):
    grad = np.zeros_like(w)
    inverse = 1.0 / (2.0 * h)
    it = np.nditer(w, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        index = it.multi_index
        old = w[index]
        values = []
        for shifted in (old + h, old - h):
            w[index] = shifted
            values.append(f(w))
        w[index] = old
        grad[index] = (values[0] - values[1]) * inverse
        it.iternext()
    return grad


def relative_error(a, n):
    worst = 0.0
    for a_k, n_k in zip(np.ravel(a).tolist(), np.ravel(n).tolist()):
        worst = max(worst, abs(a_k - n_k) / max(1e-8, abs(a_k) + abs(n_k)))
    return worst


def gradient_check(f, grad_f, w, h=1e-5):
    numeric = numeric_gradient(f, w, h)
    analytic = grad_f(w)
    return relative_error(numeric, analytic)


def svm_loss(W, X, y):
    num_examples, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(num_examples):
        scores = X[i] @ W
        correct = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct + 1.0
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / num_examples, dW / num_examples


def best_h(machine_epsilon, loss_value, third_derivative):
    # |L'''| / 3 h^3 - eps |L| = 0
    roots = np.roots([abs(third_derivative) / 3, 0.0, 0.0, -machine_epsilon * abs(loss_value)])
    return float(max(root.real for root in roots if abs(root.imag) < 1e-9 * abs(root)))
