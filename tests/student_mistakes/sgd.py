"""Student mistakes in the SGD exercise (shuffled minibatches, the SGD step), written from the
notebook's docstrings and the chapter, not from the checks' catalogs."""

import numpy as np


def batches_generator_per_epoch(num_examples, batch_size, num_epochs, seed=0):
    batches = []
    for _ in range(num_epochs):
        order = np.random.default_rng(seed).permutation(num_examples)
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def batches_last_partial_dropped(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        full = num_examples // batch_size
        batches += [order[i * batch_size : (i + 1) * batch_size] for i in range(full)]
    return batches


def batches_not_shuffled(num_examples, batch_size, num_epochs, seed=0):
    order = np.arange(num_examples)
    return [
        order[i : i + batch_size]
        for _ in range(num_epochs)
        for i in range(0, num_examples, batch_size)
    ]


def batches_global_generator(num_examples, batch_size, num_epochs, seed=0):
    np.random.seed(seed)
    batches = []
    for _ in range(num_epochs):
        order = np.random.permutation(num_examples)
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def batches_stop_one_batch_early(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        starts = range(0, num_examples - batch_size, batch_size)
        batches += [order[i : i + batch_size] for i in starts]
    return batches


def batches_one_too_many(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        count = num_examples // batch_size + 1
        batches += [order[i * batch_size : (i + 1) * batch_size] for i in range(count)]
    return batches


def batches_one_shuffle_for_all_epochs(num_examples, batch_size, num_epochs, seed=0):
    order = np.random.default_rng(seed).permutation(num_examples)
    return [
        order[i : i + batch_size]
        for _ in range(num_epochs)
        for i in range(0, num_examples, batch_size)
    ]


def batches_drawn_with_replacement(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        for i in range(0, num_examples, batch_size):
            batches.append(rng.choice(num_examples, min(batch_size, num_examples - i)))
    return batches


def batches_nested_by_epoch(num_examples, batch_size, num_epochs, seed=0):
    rng, epochs = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        epochs.append([order[i : i + batch_size] for i in range(0, num_examples, batch_size)])
    return epochs


def batches_seed_ignored(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(0), []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def batches_one_short(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        batches += [order[i : i + batch_size - 1] for i in range(0, num_examples, batch_size)]
    return batches


def batches_shuffled_in_place_each_epoch(num_examples, batch_size, num_epochs, seed=0):
    rng, order, batches = np.random.default_rng(seed), np.arange(num_examples), []
    for _ in range(num_epochs):
        order = order[rng.permutation(num_examples)]
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def batches_shuffle_after_cutting(num_examples, batch_size, num_epochs, seed=0):
    rng, batches = np.random.default_rng(seed), []
    for _ in range(num_epochs):
        starts = list(range(0, num_examples, batch_size))
        for k in rng.permutation(len(starts)):
            batches.append(np.arange(starts[k], min(starts[k] + batch_size, num_examples)))
    return batches


def sgd_uphill(w, dw, lr):
    return w + lr * dw


def sgd_lr_ignored(w, dw, lr):
    return w - dw


def sgd_divides_by_batch_again(w, dw, lr):
    return w - lr * dw / len(w)


def sgd_in_float32(w, dw, lr):
    return (w - lr * dw).astype(np.float32)


def sgd_returns_the_step(w, dw, lr):
    return -lr * dw


MISTAKES = {
    "minibatch_indices": {
        "a new generator every epoch: every epoch the same order": batches_generator_per_epoch,
        "the last, smaller batch of each epoch dropped": batches_last_partial_dropped,
        "not shuffled": batches_not_shuffled,
        "np.random.seed and np.random.permutation instead of default_rng": (
            batches_global_generator
        ),
        "range(0, num_examples - batch_size, batch_size): stops a batch early": (
            batches_stop_one_batch_early
        ),
        "num_examples // batch_size + 1 batches: an empty one when it divides": (
            batches_one_too_many
        ),
        "shuffled once for all epochs": batches_one_shuffle_for_all_epochs,
        "each batch drawn with replacement (rng.choice)": batches_drawn_with_replacement,
        "a list of epochs, each a list of batches": batches_nested_by_epoch,
        "ignores the seed argument (default_rng(0))": batches_seed_ignored,
        "batches of batch_size - 1 (slice end off by one)": batches_one_short,
        "each epoch permutes the previous epoch's order": batches_shuffled_in_place_each_epoch,
        "shuffles the order of fixed batches, not the examples": batches_shuffle_after_cutting,
    },
    "sgd_step": {
        "w + lr * dw": sgd_uphill,
        "ignores lr: w - dw": sgd_lr_ignored,
        "divides by the batch size again": sgd_divides_by_batch_again,
        "returns float32": sgd_in_float32,
        "returns the step -lr * dw instead of the new weights": sgd_returns_the_step,
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_batches_shuffle_returns_none(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.shuffle(np.arange(num_examples))
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def held_batches_sorted(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        batches += [np.sort(order[i : i + batch_size]) for i in range(0, num_examples, batch_size)]
    return batches


def held_batches_choice(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.choice(num_examples, num_examples, replace=False)
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def held_batches_array_split(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        batches += np.array_split(order, max(1, num_examples // batch_size))
    return batches


def held_batches_seed_per_epoch(num_examples, batch_size, num_epochs, seed=0):
    batches = []
    for epoch in range(num_epochs):
        order = np.random.default_rng(seed + epoch).permutation(num_examples)
        batches += [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
    return batches


def held_sgd_in_place(w, dw, lr):
    w -= lr * dw
    return w


def held_sgd_returns_state(w, dw, lr):
    return w - lr * dw, None


def held_sgd_normalized(w, dw, lr):
    return w - lr * dw / np.linalg.norm(dw)


def held_batch_no_population_factor(sigma2, max_noise, num_examples):
    return int(min(num_examples, np.ceil(sigma2 / max_noise)))


def held_batch_factor_over_n(sigma2, max_noise, num_examples):
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / sizes * (num_examples - sizes) / num_examples
    return int(sizes[np.argmax(noise <= max_noise)])


def held_batch_standard_deviation_law(sigma2, max_noise, num_examples):
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / np.sqrt(sizes) * (num_examples - sizes) / (num_examples - 1)
    return int(sizes[np.argmax(noise <= max_noise)])


def held_batch_one_before(sigma2, max_noise, num_examples):
    sizes = np.arange(1, num_examples + 1)
    noise = sigma2 / sizes * (num_examples - sizes) / (num_examples - 1)
    return int(max(1, sizes[np.argmax(noise <= max_noise)] - 1))


SECOND_ROUND = {
    "minibatch_indices": {
        "order = rng.shuffle(...), which returns None": held_batches_shuffle_returns_none,
        "each batch sorted": held_batches_sorted,
        "rng.choice(N, N, replace=False) instead of rng.permutation(N)": held_batches_choice,
        "np.array_split into N // batch_size batches: sizes not batch_size": (
            held_batches_array_split
        ),
        "a generator seeded seed + epoch every epoch": held_batches_seed_per_epoch,
    },
    "sgd_step": {
        "w -= lr * dw: changes w in place": held_sgd_in_place,
        "returns (w, None), as the rules with a state": held_sgd_returns_state,
        "normalized gradient: w - lr * dw / |dw|": held_sgd_normalized,
    },
    "smallest_batch_size": {
        "no finite-population factor: ceil(sigma2 / max_noise)": held_batch_no_population_factor,
        "factor (N - B) / N instead of (N - B) / (N - 1)": held_batch_factor_over_n,
        "noise sigma2 / sqrt(B): the standard deviation's law": held_batch_standard_deviation_law,
        "returns the size just before the first that meets the bound": held_batch_one_before,
    },
}
