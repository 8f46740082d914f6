"""Each epoch shuffles np.arange in place with rng.shuffle (the draws of rng.permutation) and cuts
it with np.split at multiples of batch_size; the SGD step is PyTorch's, w.add(dw, alpha=-lr), one
fused multiply-add per entry (rounded once, where w - lr * dw rounds twice)."""

import torch


def minibatch_indices(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    cuts = np.arange(batch_size, num_examples, batch_size)
    batches = []
    for _ in range(num_epochs):
        order = np.arange(num_examples)
        rng.shuffle(order)
        batches += np.split(order, cuts)
    return batches


def sgd_step(w, dw, lr):
    return torch.from_numpy(w).add(torch.from_numpy(dw), alpha=-lr).numpy()
