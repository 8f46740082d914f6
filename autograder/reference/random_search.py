"""Reference for the random-search exercise: random search and random local search.

Both draw from ``np.random.default_rng(seed)`` in a fixed order, so that a student's
function with the same seed must reproduce them exactly.
"""

from __future__ import annotations

import numpy as np


def random_search(loss, shape, num_samples, scale=1.0, seed=0):
    """Try ``num_samples`` weights ``scale * rng.standard_normal(shape)``; keep the best.

    Returns (best_w, best_loss, history): history[k] is the best loss after k + 1 tries.
    A later try replaces the best only if its loss is strictly smaller.
    """
    rng = np.random.default_rng(seed)
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    for k in range(num_samples):
        w = scale * rng.standard_normal(shape)
        value = loss(w)
        if value < best_loss:
            best_w, best_loss = w, value
        history[k] = best_loss
    return best_w, float(best_loss), history


def random_local_search(loss, w0, num_steps, step_size=0.1, seed=0):
    """From ``w0``, try ``w + step_size * rng.standard_normal(w.shape)``; move only if the loss
    drops.

    Returns (w, loss, history): history[0] is loss(w0), history[k] the loss after step k.
    """
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = np.empty(num_steps + 1)
    history[0] = current
    for k in range(1, num_steps + 1):
        candidate = w + step_size * rng.standard_normal(w.shape)
        value = loss(candidate)
        if value < current:
            w, current = candidate, value
        history[k] = current
    return w, float(current), history


def expected_gain_per_try(grad_norm, step_size, num_weights):
    """E[max(0, L(W) - L(W + step_size Z))] to first order in the step, Z standard normal: the
    slope <grad L, Z> is normal with standard deviation grad_norm whatever the number of weights,
    and the positive part of a standard normal has mean 1 / sqrt(2 pi) (book/random_search.md,
    section "Why guessing fails in high dimension": a try of length about step_size sqrt(P)
    gains 1 / sqrt(2 pi P) of a steepest step as long)."""
    mean_positive_part = 1.0 / np.sqrt(2.0 * np.pi)
    return step_size * grad_norm * mean_positive_part
