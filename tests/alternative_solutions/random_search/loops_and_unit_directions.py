"""Random search tracks the best in a plain loop with rng.normal(0.0, scale, shape); local search
sums the accepted unit directions and scales once, w0 + step_size * (z_1 + ... + z_k), instead of
adding each scaled step to w in turn."""


def random_search(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, None, []
    for _ in range(num_samples):
        w = rng.normal(0.0, scale, size=shape)
        value = float(loss(w))
        if best_loss is None or value < best_loss:
            best_w, best_loss = w, value
        history.append(best_loss)
    return best_w, best_loss, np.array(history)


def random_local_search(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w0 = np.array(w0, dtype=np.float64)
    directions = np.zeros_like(w0)  # the sum of the accepted unit-variance draws
    current = float(loss(w0))
    history = [current]
    for _ in range(num_steps):
        z = rng.standard_normal(w0.shape)
        trial = directions + z
        value = float(loss(w0 + step_size * trial))
        if value < current:
            directions, current = trial, value
        history.append(current)
    return w0 + step_size * directions, current, np.array(history)
