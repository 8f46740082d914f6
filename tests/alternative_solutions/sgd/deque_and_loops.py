"""Each epoch's permutation is poured into a deque and batches are popped off its front until it is
empty; the SGD step is computed entry by entry in a loop over np.ndindex, into a new array. The
smallest batch size grows B one at a time while sigma2 (N - B) > max_noise B (N - 1), the law
multiplied out."""

from collections import deque


def minibatch_indices(num_examples, batch_size, num_epochs, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        queue = deque(rng.permutation(num_examples).tolist())
        while queue:
            batch = [queue.popleft() for _ in range(min(batch_size, len(queue)))]
            batches.append(np.array(batch, dtype=np.int64))
    return batches


def sgd_step(w, dw, lr):
    new_w = np.empty_like(w)
    for index in np.ndindex(w.shape):
        new_w[index] = w[index] - lr * dw[index]
    return new_w


def smallest_batch_size(sigma2, max_noise, num_examples):
    batch_size = 1
    while sigma2 * (num_examples - batch_size) > max_noise * batch_size * (num_examples - 1):
        batch_size += 1
    return batch_size
