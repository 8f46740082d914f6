"""Held-out wrong versions of the SGD exercise: minibatch_indices, sgd_step and
smallest_batch_size."""

import math

import numpy as np

# --- minibatch_indices -----------------------------------------------------------------------


def minibatch_indices_drops_last_batch(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        for start in range(0, num_examples - batch_size + 1, batch_size):
            batches.append(order[start : start + batch_size])
    return batches


def minibatch_indices_shuffles_once(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    order = rng.permutation(num_examples)
    batches = []
    for _ in range(num_epochs):
        for start in range(0, num_examples, batch_size):
            batches.append(order[start : start + batch_size])
    return batches


def minibatch_indices_generator_per_epoch(num_examples, batch_size, num_epochs, seed=0):
    batches = []
    for _ in range(num_epochs):
        rng = np.random.default_rng(seed)
        order = rng.permutation(num_examples)
        for start in range(0, num_examples, batch_size):
            batches.append(order[start : start + batch_size])
    return batches


def minibatch_indices_with_replacement(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    num_batches = math.ceil(num_examples / batch_size)
    for _ in range(num_epochs):
        for _ in range(num_batches):
            batches.append(rng.integers(0, num_examples, batch_size))
    return batches


def minibatch_indices_array_split(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        batches.extend(np.array_split(order, max(1, num_examples // batch_size)))
    return batches


def minibatch_indices_across_epochs(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    everything = np.concatenate([rng.permutation(num_examples) for _ in range(num_epochs)])
    return [
        everything[start : start + batch_size] for start in range(0, everything.size, batch_size)
    ]


def minibatch_indices_empty_batch(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        for b in range(num_examples // batch_size + 1):
            batches.append(order[b * batch_size : (b + 1) * batch_size])
    return batches


# --- sgd_step --------------------------------------------------------------------------------


def sgd_step_ascent(w, dw, lr):
    return w + lr * dw


def sgd_step_in_place(w, dw, lr):
    w -= lr * dw
    return w


def sgd_step_forgets_lr(w, dw, lr):
    return w - dw


# --- smallest_batch_size ---------------------------------------------------------------------


def smallest_batch_size_with_replacement(sigma2, max_noise, num_examples):
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / sizes
    fits = noise <= max_noise
    return int(sizes[np.argmax(fits)]) if fits.any() else num_examples


def smallest_batch_size_squares_sigma2(sigma2, max_noise, num_examples):
    # sigma2 read as the spread sigma, and squared again.
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2**2 / sizes * (num_examples - sizes) / (num_examples - 1)
    return int(sizes[np.argmax(noise <= max_noise)])


def smallest_batch_size_zero_based(sigma2, max_noise, num_examples):
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / sizes * (num_examples - sizes) / (num_examples - 1)
    return int(np.argmax(noise <= max_noise))


def smallest_batch_size_floor_of_bound(sigma2, max_noise, num_examples):
    n = num_examples
    # sigma2 (N - B) <= max_noise B (N - 1)  <=>  B >= sigma2 N / (max_noise (N - 1) + sigma2)
    return int(sigma2 * n / (max_noise * (n - 1) + sigma2))


def smallest_batch_size_noise_as_std(sigma2, max_noise, num_examples):
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / sizes * (num_examples - sizes) / (num_examples - 1)
    return int(sizes[np.argmax(np.sqrt(noise) <= max_noise)])


HELD_OUT = {
    "minibatch_indices": {
        "drops the last, shorter batch of an epoch": minibatch_indices_drops_last_batch,
        "one permutation reused for every epoch": minibatch_indices_shuffles_once,
        "generator re-made from seed each epoch: same order every epoch": (
            minibatch_indices_generator_per_epoch
        ),
        "batches drawn with replacement (rng.integers), no permutation": (
            minibatch_indices_with_replacement
        ),
        "np.array_split into N // B parts: uneven batch sizes": minibatch_indices_array_split,
        "epochs concatenated then cut: batches straddle epochs": minibatch_indices_across_epochs,
        "N // B + 1 batches: an empty batch when B divides N": minibatch_indices_empty_batch,
    },
    "sgd_step": {
        "sign flipped: w + lr * dw": sgd_step_ascent,
        "updates w in place (w -= lr * dw)": sgd_step_in_place,
        "forgets the learning rate: w - dw": sgd_step_forgets_lr,
    },
    "smallest_batch_size": {
        "no without-replacement factor: sigma2 / B only": smallest_batch_size_with_replacement,
        "sigma2 squared again, as if it were sigma": smallest_batch_size_squares_sigma2,
        "returns the 0-based index of the first fitting size: B - 1": (
            smallest_batch_size_zero_based
        ),
        "solves for B but rounds down (int) instead of up": smallest_batch_size_floor_of_bound,
        "compares the standard deviation, sqrt(noise), with max_noise": (
            smallest_batch_size_noise_as_std
        ),
    },
}
