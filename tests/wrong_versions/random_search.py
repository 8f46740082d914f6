"""Wrong versions of random_search, random_local_search and expected_gain_per_try."""

from math import lgamma

import numpy as np

from autograder.checks import random_search as checks
from autograder.reference.random_search import random_local_search, random_search


def raw_losses(loss, shape, num_samples, scale=1.0, seed=0):
    """Right weights and loss, but a history of each sample's own loss."""
    draws = np.random.default_rng(seed).standard_normal((num_samples, *shape))
    return (
        *random_search(loss, shape, num_samples, scale, seed)[:2],
        np.array([loss(scale * draw) for draw in draws]),
    )


def unseeded(loss, w0, num_steps, step_size=0.1, seed=0):
    """The walk from a generator that ignores the seed: another walk at every call."""
    return random_local_search(
        loss, w0, num_steps, step_size, int(np.random.SeedSequence().entropy % 2**32)
    )


def ties_replace(loss, shape, num_samples, scale=1.0, seed=0):
    """The course's search, with a tie replacing the best so far (<= for <)."""
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value <= best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


MUTANTS = {
    "test_random_search": {
        "new generator per draw": lambda loss, shape, n, scale=1.0, seed=0: random_search(
            loss, shape, n, scale, seed + 1
        ),
        "ignores scale": lambda loss, shape, n, scale=1.0, seed=0: random_search(
            loss, shape, n, 1.0, seed
        ),
        "history of raw losses": raw_losses,
        "a tie replaces the best": ties_replace,
    },
    "test_random_local_search": {
        "history without loss(w0)": lambda loss, w0, n, step_size=0.1, seed=0: (
            *random_local_search(loss, w0, n, step_size, seed)[:2],
            random_local_search(loss, w0, n + 1, step_size, seed)[2][1:],
        ),
        "ignores the seed": unseeded,
        "accepts every step": lambda loss, w0, n, step_size=0.1, seed=0: random_search(
            loss, np.shape(w0), n + 1, step_size, seed
        ),
    },
}
CATALOGS = {**checks.MISTAKES, "expected_gain_per_try": checks.GAIN_MISTAKES}

MUTANTS["test_expected_gain_per_try"] = {
    "the step size taken as the try's length": lambda g, tau, p: tau * g / np.sqrt(2 * np.pi * p),
    "half the tries gain the full slope": lambda g, tau, p: tau * g / 2,
    "rejected tries counted as gains": lambda g, tau, p: tau * g * np.sqrt(2 / np.pi),
    "a try as long as tau sqrt(P) along the steepest direction": lambda g, tau, p: (
        tau * g * np.sqrt(p)
    ),
    "the length sqrt(P) with the exact cosine": lambda g, tau, p: (
        tau * np.sqrt(p) * g * np.exp(lgamma(p / 2) - lgamma((p + 1) / 2)) / (2 * np.sqrt(np.pi))
    ),
}
SEEDS = (0, 1, 2)
FEEDBACK = {
    "test_random_search": {
        "a tie replaces the best": "Likely mistake: a sample whose loss ties the best so far"
    },
    "test_random_local_search": {
        "ignores the seed": "called again with the same seed, it returns another answer"
    },
}
