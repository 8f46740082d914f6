"""Student mistakes in the random-search exercise, written from the notebook's docstrings and
the chapter, not from the checks' catalogs."""

import numpy as np


def search_history_of_each_try(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = value
    return best_w, float(best_loss), history


def search_scale_ignored(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def search_generator_made_in_the_loop(loss, shape, num_samples, scale=1.0, seed=0):
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        rng = np.random.default_rng(seed)
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def search_global_generator(loss, shape, num_samples, scale=1.0, seed=0):
    np.random.seed(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * np.random.randn(*shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def search_best_w_not_updated(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_loss = value
        best_w = w
        history[k] = best_loss
    return best_w, float(best_loss), history


def search_keeps_the_worst(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, -np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value > best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def search_uniform_candidates(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = rng.uniform(-scale, scale, shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def search_one_try_short(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, []
    for _ in range(1, num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history.append(best_loss)
    return best_w, float(best_loss), np.array(history)


def search_history_starts_with_infinity(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, [np.inf]
    for _ in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history.append(best_loss)
    return best_w, float(best_loss), np.array(history[:num_samples])


def local_steps_from_the_start(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = np.asarray(w0) + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def local_always_moves(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        w = w + step_size * rng.standard_normal(w.shape)
        current = loss(w)
        history.append(current)
    return w, float(current), np.array(history)


def local_history_without_start(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current, history = loss(w), []
    for _ in range(num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def local_history_of_candidates(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(value)
    return w, float(current), np.array(history)


def local_step_size_ignored(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + 0.1 * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def local_moves_uphill(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value > current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def local_tries_in_place_and_undoes(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = w0
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        step = step_size * rng.standard_normal(w.shape)
        w += step
        value = loss(w)
        if value < current:
            current = value
        else:
            w -= step
        history.append(current)
    return w, float(current), np.array(history)


def local_uniform_steps(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + step_size * rng.uniform(-1, 1, w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def local_seed_ignored(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng()
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


MISTAKES = {
    "random_search": {
        "history holds each try's loss, not the best so far": search_history_of_each_try,
        "ignores the scale argument": search_scale_ignored,
        "generator made inside the loop: every try is the same": (
            search_generator_made_in_the_loop
        ),
        "np.random.seed and np.random.randn instead of default_rng": search_global_generator,
        "best_w set to every try, not only to a better one": search_best_w_not_updated,
        "keeps the largest loss": search_keeps_the_worst,
        "uniform candidates in [-scale, scale]": search_uniform_candidates,
        "one try short: range(1, num_samples)": search_one_try_short,
        "history starts with inf and drops the last try": search_history_starts_with_infinity,
    },
    "random_local_search": {
        "every candidate a step from w0, not from the current w": local_steps_from_the_start,
        "always moves (a random walk)": local_always_moves,
        "history without loss(w0)": local_history_without_start,
        "history holds each candidate's loss": local_history_of_candidates,
        "ignores the step_size argument (uses 0.1)": local_step_size_ignored,
        "moves when the loss rises": local_moves_uphill,
        "steps w0 in place and undoes rejected steps": local_tries_in_place_and_undoes,
        "uniform steps in [-1, 1]": local_uniform_steps,
        "ignores the seed: default_rng()": local_seed_ignored,
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_search_best_starts_at_zero(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, 0.0, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def held_search_returns_last_loss(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(value), history


def held_search_scale_added(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale + rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def held_search_returns_last_try(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_loss, history = np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        best_loss = min(best_loss, loss(w))
        history[k] = best_loss
    return w, float(best_loss), history


def held_local_history_one_short(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(1, num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    candidate = w + step_size * rng.standard_normal(w.shape)
    if loss(candidate) < current:
        w, current = candidate, loss(candidate)
    return w, float(current), np.array(history)


def held_local_returns_start(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return np.array(w0, dtype=np.float64), float(current), np.array(history)


def held_local_step_size_as_mean(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + rng.normal(step_size, size=w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def held_local_draws_only_when_moving(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    step = step_size * rng.standard_normal(w.shape)
    for _ in range(num_steps):
        value = loss(w + step)
        if value < current:
            w, current = w + step, value
            step = step_size * rng.standard_normal(w.shape)
        history.append(current)
    return w, float(current), np.array(history)


def held_gain_times_root_p(grad_norm, step_size, num_weights):
    return step_size * grad_norm * np.sqrt(num_weights) / np.sqrt(2.0 * np.pi)


def held_gain_over_root_p(grad_norm, step_size, num_weights):
    return step_size * grad_norm / np.sqrt(2.0 * np.pi * num_weights)


def held_gain_half(grad_norm, step_size, num_weights):
    return step_size * grad_norm / 2


def held_gain_mean_absolute(grad_norm, step_size, num_weights):
    return step_size * grad_norm * np.sqrt(2.0 / np.pi)


SECOND_ROUND = {
    "random_search": {
        "best loss starts at 0 instead of inf": held_search_best_starts_at_zero,
        "returns the last try's loss, not the best": held_search_returns_last_loss,
        "scale + noise instead of scale * noise": held_search_scale_added,
        "returns the last try's weights, not the best": held_search_returns_last_try,
    },
    "random_local_search": {
        "loop one step short; the last step not in the history": held_local_history_one_short,
        "returns w0 instead of the final weights": held_local_returns_start,
        "rng.normal(step_size, size=...): step_size as the mean": held_local_step_size_as_mean,
        "repeats a rejected step: draws only after a move": held_local_draws_only_when_moving,
    },
    "expected_gain_per_try": {
        "times sqrt(P): a try is sqrt(P) times longer": held_gain_times_root_p,
        "divided by sqrt(P): the per-step gain's share": held_gain_over_root_p,
        "1/2 (the chance of a gain) instead of 1 / sqrt(2 pi)": held_gain_half,
        "sqrt(2 / pi): the mean of |Z|, not of its positive part": held_gain_mean_absolute,
    },
}
