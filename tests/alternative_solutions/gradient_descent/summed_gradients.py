"""Keeps the running sum of the gradients and writes each iterate as
w0 - lr * (g_0 + ... + g_{k-1}) (the same walk, associated from the start instead of step by step),
collected in a list."""


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
