"""Each epoch shuffles np.arange in place with rng.shuffle (the draws of rng.permutation) and cuts
it with np.split at multiples of batch_size; the SGD step is PyTorch's, w.add(dw, alpha=-lr), one
fused multiply-add per entry (rounded once, where w - lr * dw rounds twice). The smallest batch
size solves the law for B in closed form and rounds up with math.ceil."""

import math

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


def smallest_batch_size(sigma2, max_noise, num_examples):
    # sigma2 / B * (N - B) / (N - 1) <= max_noise  <=>  B >= sigma2 N / (max_noise (N-1) + sigma2)
    bound = sigma2 * num_examples / (max_noise * (num_examples - 1) + sigma2)
    return min(max(math.ceil(bound), 1), num_examples)
