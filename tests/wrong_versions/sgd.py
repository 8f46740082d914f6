"""Wrong versions of minibatch_indices, sgd_step and smallest_batch_size."""

import math

import numpy as np

from autograder.checks import sgd as checks
from autograder.reference.sgd import minibatch_indices, smallest_batch_size

MUTANTS = {
    "test_minibatch_indices": {
        "drops the partial batch": lambda n, b, e, seed=0: [
            x for x in minibatch_indices(n, b, e, seed) if len(x) == b
        ],
        "one shuffle for all epochs": lambda n, b, e, seed=0: minibatch_indices(n, b, 1, seed) * e,
        "no shuffle": lambda n, b, e, seed=0: [
            np.arange(n)[i : i + b] for _ in range(e) for i in range(0, n, b)
        ],
        "a new generator each epoch": lambda n, b, e, seed=0: [
            x for k in range(e) for x in minibatch_indices(n, b, 1, seed + k)
        ],
        "a list of epochs": lambda n, b, e, seed=0: [
            minibatch_indices(n, b, e, seed)[k : k + -(-n // b)]
            for k in range(0, e * -(-n // b), -(-n // b))
        ],
    },
    "test_sgd_step": {
        "uphill": lambda w, dw, lr: w + lr * dw,
        "forgets lr": lambda w, dw, lr: w - dw,
    },
}


def batch_size_bound(sigma2, max_noise, num_examples, factor):
    """The smallest B in 1..N with sigma2 / B * factor(B) <= max_noise, by a scan."""
    for size in range(1, num_examples + 1):
        if sigma2 / size * factor(size) <= max_noise:
            return size
    return num_examples


MUTANTS["test_smallest_batch_size"] = {
    "as if drawn with replacement": lambda s2, noise, n: math.ceil(s2 / noise) if noise > 0 else n,
    "with replacement, at most N": lambda s2, noise, n: batch_size_bound(
        s2, noise, n, lambda b: 1.0
    ),
    "the factor (N - B) / N": lambda s2, noise, n: batch_size_bound(
        s2, noise, n, lambda b: (n - b) / n
    ),
    "rounds down": lambda s2, noise, n: max(smallest_batch_size(s2, noise, n) - 1, 1),
    "one too many": lambda s2, noise, n: min(smallest_batch_size(s2, noise, n) + 1, n),
}
SEEDS = (0, 1, 2)

CATALOGS = {
    "minibatch_indices": checks.BATCH_MISTAKES,
    "sgd_step": checks.SGD_MISTAKES,
    "smallest_batch_size": checks.BATCH_SIZE_MISTAKES,
}
FEEDBACK = {"test_minibatch_indices": {"a list of epochs": "this returns a list of epochs"}}
