"""Random search tracks the best in a plain loop with rng.normal(0.0, scale, shape); local search
sums the accepted unit directions and scales once, w0 + step_size * (z_1 + ... + z_k), instead of
adding each scaled step to w in turn. The gain of a try is the length of the try times the slope
along its direction, two independent factors: E|Z| = sqrt(2) Gamma((P + 1)/2) / Gamma(P/2) and
E[max(0, cos theta)] = Gamma(P/2) / (2 sqrt(pi) Gamma((P + 1)/2)), from math.lgamma."""

import math


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


def expected_gain_per_try(grad_norm, step_size, num_weights):
    half = num_weights / 2
    log_ratio = math.lgamma(half + 0.5) - math.lgamma(half)  # log Gamma((P+1)/2) / Gamma(P/2)
    mean_length = math.sqrt(2) * math.exp(log_ratio)
    mean_downhill_cosine = math.exp(-log_ratio) / (2 * math.sqrt(math.pi))
    return step_size * mean_length * grad_norm * mean_downhill_cosine
