"""Random search draws all candidates in one call and takes the history as a running minimum
(np.minimum.accumulate, best = first argmin); local search keeps the start plus the sum of the
accepted steps, so its weights are w0 + (s_1 + ... + s_k), not ((w0 + s_1) + ...) + s_k. The gain
of a try is half the mean absolute change tau |<grad, Z>|, whose mean is tau g sqrt(2 / pi)."""


def random_search(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    candidates = scale * rng.standard_normal((num_samples, *shape))
    losses = np.array([loss(candidate) for candidate in candidates])
    best = int(np.argmin(losses))  # the first of equal losses: later ties do not replace it
    return candidates[best], float(losses[best]), np.minimum.accumulate(losses)


def random_local_search(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    start = np.array(w0, dtype=np.float64)
    moved = np.zeros_like(start)  # the sum of the steps taken so far
    current = loss(start)
    history = [current]
    for _ in range(num_steps):
        step = step_size * rng.standard_normal(start.shape)
        value = loss(start + (moved + step))
        if value < current:
            moved, current = moved + step, value
        history.append(current)
    return start + moved, float(current), np.array(history)


def expected_gain_per_try(grad_norm, step_size, num_weights):
    mean_absolute_change = step_size * grad_norm * np.sqrt(2 / np.pi)
    return mean_absolute_change / 2  # by symmetry, half the tries go down
