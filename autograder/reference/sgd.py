"""Reference for the SGD exercise: shuffled minibatches and the SGD step.

The update interface of this chapter and the next: a step takes the weights ``w``, the
gradient ``dw`` at ``w`` and the hyperparameters, and returns the new weights (with the
new state, for rules that carry one). Nothing is changed in place.
"""

from __future__ import annotations

import numpy as np


def minibatch_indices(num_examples, batch_size, num_epochs, seed=0):
    """The indices of every minibatch of ``num_epochs`` shuffled epochs, in order.

    ``rng = np.random.default_rng(seed)`` is made once; each epoch takes
    ``rng.permutation(num_examples)`` and cuts it into consecutive batches of
    ``batch_size``; the last batch of an epoch holds what is left (it may be smaller).
    Every example appears exactly once per epoch.
    """
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        batches.extend(
            order[start : start + batch_size] for start in range(0, num_examples, batch_size)
        )
    return batches


def sgd_step(w, dw, lr):
    """w - lr * dw (PyTorch's torch.optim.SGD with no momentum: the same)."""
    return w - lr * dw


def smallest_batch_size(sigma2, max_noise, num_examples):
    """The smallest batch size B (1 to N) whose minibatch of B distinct examples has a gradient
    with expected squared error E|g_B - grad L|^2 = sigma2 / B * (N - B) / (N - 1) at most
    ``max_noise`` (book/sgd.md, eq. noise-law and the factor for batches drawn without
    replacement that follows it)."""
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / sizes * (num_examples - sizes) / (num_examples - 1)
    return int(sizes[np.argmax(noise <= max_noise)])
