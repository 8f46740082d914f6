"""Held-out wrong versions of the random-search exercise: random_search, random_local_search
and expected_gain_per_try."""

import math

import numpy as np

# --- random_search ---------------------------------------------------------------------------


def random_search_ties_replace_best(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss = None, np.inf
    history = np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value <= best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def random_search_history_of_candidates(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w, best_loss = None, np.inf
    history = np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = value
    return best_w, float(best_loss), history


def random_search_generator_in_loop(loss, shape, num_samples, scale=1.0, seed=0):
    best_w, best_loss = None, np.inf
    history = np.empty(num_samples)
    for k in range(num_samples):
        rng = np.random.default_rng(seed)
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def random_search_global_random_state(loss, shape, num_samples, scale=1.0, seed=0):
    np.random.seed(seed)
    best_w, best_loss = None, np.inf
    history = np.empty(num_samples)
    for k in range(num_samples):
        w = scale * np.random.randn(*shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def random_search_reused_buffer(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    w = np.empty(shape)
    best_w, best_loss = None, np.inf
    history = np.empty(num_samples)
    for k in range(num_samples):
        w[...] = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def random_search_extra_first_draw(loss, shape, num_samples, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    best_w = scale * rng.standard_normal(shape)
    best_loss = loss(best_w)
    history = np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


# --- random_local_search ---------------------------------------------------------------------


def random_local_search_tries_from_start(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w0 = np.array(w0, dtype=np.float64)
    w, current = w0, loss(w0)
    history = [current]
    for _ in range(num_steps):
        candidate = w0 + step_size * rng.standard_normal(w0.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def random_local_search_no_start_in_history(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = []
    for _ in range(num_steps):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def random_local_search_history_of_tries(loss, w0, num_steps, step_size=0.1, seed=0):
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


def random_local_search_uniform_directions(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        candidate = w + step_size * rng.random(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def random_local_search_try_in_place_and_undo(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = w0
    current = loss(w)
    history = [current]
    for _ in range(num_steps):
        delta = step_size * rng.standard_normal(w.shape)
        w += delta
        value = loss(w)
        if value < current:
            current = value
        else:
            w -= delta
        history.append(current)
    return w, float(current), np.array(history)


def random_local_search_one_step_too_many(loss, w0, num_steps, step_size=0.1, seed=0):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [current]
    for _ in range(num_steps + 1):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history.append(current)
    return w, float(current), np.array(history)


def random_local_search_keeps_worse_tries(loss, w0, num_steps, step_size=0.1, seed=0):
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


# --- expected_gain_per_try -------------------------------------------------------------------


def expected_gain_per_try_forgets_step_length(grad_norm, step_size, num_weights):
    # The chapter's alpha g / sqrt(2 pi P), with alpha taken as tau instead of tau sqrt(P).
    return step_size * grad_norm / math.sqrt(2 * math.pi * num_weights)


def expected_gain_per_try_half_accepted(grad_norm, step_size, num_weights):
    # Half the tries go downhill: 1/2 used in place of E[max(0, Z)].
    return 0.5 * step_size * grad_norm


def expected_gain_per_try_mean_absolute_value(grad_norm, step_size, num_weights):
    # E|Z| = sqrt(2 / pi) in place of E[max(0, Z)].
    return step_size * grad_norm * math.sqrt(2 / math.pi)


def expected_gain_per_try_no_square_root(grad_norm, step_size, num_weights):
    return step_size * grad_norm / (2 * math.pi)


def expected_gain_per_try_times_sqrt_p(grad_norm, step_size, num_weights):
    # Length tau sqrt(P) times the slope g, without the 1 / sqrt(P) of a random direction.
    return step_size * math.sqrt(num_weights) * grad_norm / math.sqrt(2 * math.pi)


HELD_OUT = {
    "random_search": {
        "ties replace the best: <= instead of <": random_search_ties_replace_best,
        "history holds each candidate's loss, not the best so far": (
            random_search_history_of_candidates
        ),
        "generator re-made from seed inside the loop: the same candidate every time": (
            random_search_generator_in_loop
        ),
        "draws from np.random.seed/randn, not default_rng(seed)": (
            random_search_global_random_state
        ),
        "one buffer refilled each try: best_w aliases the last candidate": (
            random_search_reused_buffer
        ),
        "first candidate drawn before the loop: num_samples + 1 draws": (
            random_search_extra_first_draw
        ),
    },
    "random_local_search": {
        "every try starts from w0, not from the current weights": (
            random_local_search_tries_from_start
        ),
        "history lacks loss(w0): length num_steps": random_local_search_no_start_in_history,
        "history holds each try's loss, kept or not": random_local_search_history_of_tries,
        "directions from rng.random (uniform in [0, 1)), not standard normal": (
            random_local_search_uniform_directions
        ),
        "tries in place on w0 and undoes rejected ones: w0 is modified": (
            random_local_search_try_in_place_and_undo
        ),
        "loop runs num_steps + 1 tries": random_local_search_one_step_too_many,
        "comparison reversed: keeps tries that raise the loss": (
            random_local_search_keeps_worse_tries
        ),
    },
    "expected_gain_per_try": {
        "step length taken as tau, not tau sqrt(P): divides by sqrt(2 pi P)": (
            expected_gain_per_try_forgets_step_length
        ),
        "uses the acceptance probability 1/2 instead of E[max(0, Z)]": (
            expected_gain_per_try_half_accepted
        ),
        "uses E|Z| = sqrt(2/pi) instead of E[max(0, Z)] = 1/sqrt(2 pi)": (
            expected_gain_per_try_mean_absolute_value
        ),
        "divides by 2 pi instead of sqrt(2 pi)": expected_gain_per_try_no_square_root,
        "multiplies by sqrt(P): forgets a random direction's 1/sqrt(P) slope": (
            expected_gain_per_try_times_sqrt_p
        ),
    },
}
