"""Keeps the running sum of the gradients and writes each iterate as
w0 - lr * (g_0 + ... + g_{k-1}) (the same walk, associated from the start instead of step by step),
collected in a list. The best learning rate takes the extreme curvatures from the eigenvalues of
np.linalg.eigh and solves 1 - lr * mu = -(1 - lr * nu_max), where the two rates cross."""


def gradient_descent(grad, w0, lr, num_steps):
    start = np.array(w0, dtype=float)
    gradient_sum = np.zeros_like(start)
    iterates = [start.copy()]
    w = start
    for _ in range(num_steps):
        gradient_sum = gradient_sum + grad(w)
        w = start - lr * gradient_sum
        iterates.append(w)
    return np.stack(iterates)


def best_learning_rate(A):
    curvatures = np.linalg.eigh(np.asarray(A, dtype=float))[0]
    mu, nu_max = curvatures[0], curvatures[-1]
    # 1 - lr * mu = lr * nu_max - 1, a linear equation in lr
    return float(np.linalg.solve([[mu + nu_max]], [2.0])[0])
