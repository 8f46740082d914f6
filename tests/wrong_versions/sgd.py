"""Wrong versions of minibatch_indices and sgd_step."""

import numpy as np

from autograder.checks import sgd as checks
from autograder.reference.sgd import minibatch_indices

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
    },
    "test_sgd_step": {
        "uphill": lambda w, dw, lr: w + lr * dw,
        "forgets lr": lambda w, dw, lr: w - dw,
    },
}
CATALOGS = {"minibatch_indices": checks.BATCH_MISTAKES, "sgd_step": checks.SGD_MISTAKES}
