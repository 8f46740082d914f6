"""Hidden checks for the SGD exercise (solutions/sgd/sgd.ipynb).

    test_minibatch_indices  minibatch_indices(num_examples, batch_size, num_epochs, seed=0)
    test_sgd_step           sgd_step(w, dw, lr)
    test_smallest_batch_size  smallest_batch_size(sigma2, max_noise, num_examples) -> an int

The batches must equal the reference's exactly (same seed, same draws); SGD steps must
match to rtol 1e-9 (atol 1e-12), over several steps side by side, each fed its own weights.
A batch size is a prediction with one right answer, compared exactly, on problems whose answer
is never a matter of rounding. Known wrong versions are named (BATCH_MISTAKES, SGD_MISTAKES,
BATCH_SIZE_MISTAKES); where two give the student's answer (a whole number shared by chance,
batches that agree when B does not divide N), the student's function is asked again on probes
that tell them apart (BATCH_PROBES, BATCH_SIZE_PROBES).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ..reference import sgd as reference
from . import CheckFailed, Registry, as_int, describe, draw_until
from .diagnosis import LIKELY_MISTAKE
from .mistakes import telling_mistake, unrecorded_call
from .problems import digits_problem, random_quadratic
from .update_rules import UpdateRule

# The section of book/sgd.md that explains each function, for feedback.
SECTIONS = {
    "test_minibatch_indices": "batch-size-and-sampling",
    "test_sgd_step": "a-minibatch-gradient-estimates-the-full-gradient",
}
CHECKS = Registry("sgd", sections=SECTIONS, returns_new=frozenset({"sgd_step"}))


def drawn_with_replacement(num_examples, batch_size, num_epochs, seed=0):
    """Each batch drawn on its own, with replacement, from one generator."""
    rng = np.random.default_rng(seed)
    sizes = [min(batch_size, num_examples - i) for i in range(0, num_examples, batch_size)]
    return [rng.choice(num_examples, size) for _ in range(num_epochs) for size in sizes]


def epochs_of(orders, num_examples, batch_size):
    """The batches that cut each order of ``orders`` into consecutive pieces of batch_size."""
    return [
        np.asarray(order)[start : start + batch_size]
        for order in orders
        for start in range(0, num_examples, batch_size)
    ]


def reordered_epochs(num_examples, batch_size, num_epochs, seed=0, mistake=None):
    """The batches of shuffled epochs whose orders come wrong, as ``mistake`` says: the same
    order every epoch, no shuffle, NumPy's legacy generator, a generator seeded 0, one generator
    per epoch seeded seed + epoch, each epoch's order a permutation of the previous one's, random
    keys sorted, or rng.choice."""
    rng = np.random.default_rng(seed)
    legacy, seeded_zero = np.random.RandomState(seed), np.random.default_rng(0)
    orders, order = [], np.arange(num_examples)
    for epoch in range(num_epochs):
        if mistake == "same_order":
            order = np.random.default_rng(seed).permutation(num_examples)
        elif mistake == "unshuffled":
            order = np.arange(num_examples)
        elif mistake == "legacy":
            order = legacy.permutation(num_examples)
        elif mistake == "seed_zero":
            order = seeded_zero.permutation(num_examples)
        elif mistake == "seed_per_epoch":
            order = np.random.default_rng(seed + epoch).permutation(num_examples)
        elif mistake == "compounded":
            order = order[rng.permutation(num_examples)]
        elif mistake == "argsort":
            order = np.argsort(rng.random(num_examples))
        elif mistake == "choice":
            order = rng.choice(num_examples, num_examples, replace=False)
        orders.append(order)
    return epochs_of(orders, num_examples, batch_size)


def recut_epochs(num_examples, batch_size, num_epochs, seed=0, mistake=None):
    """The right orders, cut into batches wrongly, as ``mistake`` says."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        if mistake == "drop_partial":
            starts = range(0, num_examples - batch_size + 1, batch_size)
        elif mistake == "stop_early":
            starts = range(0, num_examples - batch_size, batch_size)
        elif mistake == "extra_batch":
            starts = [i * batch_size for i in range(num_examples // batch_size + 1)]
        else:
            starts = range(0, num_examples, batch_size)
        if mistake == "array_split":
            batches += np.array_split(order, max(1, num_examples // batch_size))
        elif mistake == "merged":
            cut = [order[i : i + batch_size] for i in range(0, num_examples, batch_size)]
            if len(cut) > 1 and len(cut[-1]) < batch_size:
                cut[-2:] = [np.concatenate(cut[-2:])]
            batches += cut
        elif mistake == "one_short":
            batches += [order[i : i + batch_size - 1] for i in starts]
        elif mistake == "sorted":
            batches += [np.sort(order[i : i + batch_size]) for i in starts]
        else:
            batches += [order[i : i + batch_size] for i in starts]
    return batches


def shuffled_batches(num_examples, batch_size, num_epochs, seed=0):
    """Fixed consecutive batches of 0..N-1, their order shuffled each epoch."""
    rng = np.random.default_rng(seed)
    starts = list(range(0, num_examples, batch_size))
    return [
        np.arange(starts[k], min(starts[k] + batch_size, num_examples))
        for _ in range(num_epochs)
        for k in rng.permutation(len(starts))
    ]


BATCH_MISTAKES = {
    "each batch is drawn with replacement, so an example can come twice in an epoch and "
    "another not at all: an epoch visits every example once, in the order of one random "
    "permutation of the examples": drawn_with_replacement,
    "every epoch has the same order (the generator is made again, or the order drawn once): "
    "make one rng = np.random.default_rng(seed) before the loop and draw a new "
    "rng.permutation(num_examples) for each epoch": partial(
        reordered_epochs, mistake="same_order"
    ),
    "the examples are not shuffled: each epoch cuts a random order, "
    "rng.permutation(num_examples), into batches": partial(reordered_epochs, mistake="unshuffled"),
    "the orders come from NumPy's legacy global generator (np.random.seed, "
    "np.random.permutation), whose draws differ from a Generator's: the exercise fixes them, "
    "those of one np.random.default_rng(seed)": partial(reordered_epochs, mistake="legacy"),
    "the seed is ignored (the generator is seeded 0): make it "
    "rng = np.random.default_rng(seed), with the seed of the call": partial(
        reordered_epochs, mistake="seed_zero"
    ),
    "each epoch has a generator of its own, seeded seed + epoch: one "
    "rng = np.random.default_rng(seed), made once, draws the order of every epoch in "
    "turn": partial(reordered_epochs, mistake="seed_per_epoch"),
    "each epoch permutes the previous epoch's order (order = order[perm], or rng.shuffle on "
    "the same array): the order of epoch e is the e-th draw rng.permutation(num_examples) "
    "itself": partial(reordered_epochs, mistake="compounded"),
    "the order is the argsort of random numbers, a random order but not the exercise's: the "
    "order of an epoch is rng.permutation(num_examples)": partial(
        reordered_epochs, mistake="argsort"
    ),
    "the order comes from rng.choice(num_examples, num_examples, replace=False), which draws "
    "another permutation than rng.permutation(num_examples) from the same generator: the "
    "exercise's order is rng.permutation's": partial(reordered_epochs, mistake="choice"),
    "the last, shorter batch of each epoch is dropped: an epoch keeps what is left over as "
    "its last batch, ceil(N / B) batches in all": partial(recut_epochs, mistake="drop_partial"),
    "the last batch of each epoch is dropped, full or not (the loop stops at N - B): the "
    "batches start at 0, B, 2B, ... up to N - 1, and the last keeps what is "
    "left": partial(recut_epochs, mistake="stop_early"),
    "each epoch ends with an empty batch when B divides N (N // B + 1 batches): an epoch has "
    "ceil(N / B) batches, -(-N // B)": partial(recut_epochs, mistake="extra_batch"),
    "the batches hold batch_size - 1 examples (the slice ends one early): batch j is "
    "order[j * B : (j + 1) * B], the end excluded already": partial(
        recut_epochs, mistake="one_short"
    ),
    "np.array_split cuts each epoch into N // B batches of nearly equal size: the batches "
    "have batch_size examples, the last one what is left": partial(
        recut_epochs, mistake="array_split"
    ),
    "the leftover examples are merged into the last full batch: the last batch of an epoch is "
    "a batch of its own, shorter than the others": partial(recut_epochs, mistake="merged"),
    "each batch is sorted: a batch holds its examples in the order of the epoch's "
    "permutation": partial(recut_epochs, mistake="sorted"),
    "this shuffles fixed batches of consecutive examples, not the examples: the batches cut "
    "a random order of the examples, so that they differ from epoch to "
    "epoch": shuffled_batches,
}
SGD_MISTAKES = {
    "the step goes uphill: w + lr * dw instead of w - lr * dw": lambda w, dw, lr: w + lr * dw,
    "the gradient is divided by a count: dw is already the gradient of the batch's mean loss, "
    "and the step is lr times dw": lambda w, dw, lr: w - lr * dw / len(w),
    "the learning rate is left out, w - dw: the SGD step is lr times the minibatch gradient, "
    "w - lr * dw": lambda w, dw, lr: w - dw,
    "the learning rate is applied twice, w - lr**2 * dw: the SGD step is lr times the "
    "minibatch gradient, w - lr * dw": lambda w, dw, lr: w - lr * lr * dw,
    "the gradient is divided by the learning rate, w - dw / lr: the SGD step multiplies it, "
    "w - lr * dw": lambda w, dw, lr: w - dw / lr,
    "each step has length lr, along dw / |dw|: the SGD step is lr times the minibatch "
    "gradient itself, w - lr * dw, shorter where the slope is gentle": (
        lambda w, dw, lr: w - lr * dw / np.linalg.norm(dw)
    ),
    "this returns the step, -lr * dw, not the new weights: sgd_step returns "
    "w - lr * dw": lambda w, dw, lr: -lr * dw,
    "w and dw are swapped, dw - lr * w: the SGD step moves the weights w against the "
    "gradient dw, w - lr * dw": lambda w, dw, lr: dw - lr * w,
    "the step is lr times the weights, w - lr * w, not the gradient: the SGD step follows "
    "the minibatch gradient, w - lr * dw": lambda w, dw, lr: w - lr * w,
}


def is_integer(value) -> bool:
    """An int, or a NumPy integer (which crosses from the student's process as a 0-d array)."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu"
    )


def as_indices(batch) -> list[int] | None:
    """A returned batch as a list of ints, if it is a 1-d integer array or a list of integers;
    else None."""
    if isinstance(batch, np.ndarray) and batch.ndim == 1 and batch.dtype.kind in "iu":
        return batch.tolist()
    if isinstance(batch, list) and all(is_integer(i) for i in batch):
        return [int(i) for i in batch]
    return None


def is_nested(value) -> bool:
    """A list of epochs, each a list of index arrays, where one flat list of batches is asked."""
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(
            isinstance(epoch, (list, tuple))
            and len(epoch) > 0
            and all(isinstance(batch, np.ndarray) and batch.ndim == 1 for batch in epoch)
            for epoch in value
        )
    )


def as_batches(value) -> tuple | None:
    """A returned list of batches as a tuple of index arrays, each batch one part of an answer
    that `name_mistake` compares; None if a batch is not integer indices."""
    if not isinstance(value, (list, tuple)):
        return None
    indices = [as_indices(batch) for batch in value]
    if any(batch is None for batch in indices):
        return None
    return tuple(np.array(batch, dtype=np.int64) for batch in indices)


# minibatch_indices's wrong versions, each returning its batches as a tuple (one part each).
BATCH_CATALOG = {
    why: lambda *a, wrong=wrong, **k: tuple(wrong(*a, **k))
    for why, wrong in BATCH_MISTAKES.items()
}
# Where a student's batches are drawn again when two cataloged mistakes fit them: with a
# partial batch, dropping it and stopping a batch early are the same; B dividing N tells them
# apart, and the other probe tells apart what agrees there (no partial batch to drop).
BATCH_PROBES = ((12, 4, 2, 3), (14, 4, 3, 11))


def name_batches(student, got: tuple, expected: list, *args, **kwargs) -> str:
    """The line naming the cataloged mistake of minibatch_indices that gives the batches
    ``got``, or ''."""

    def probe(num_examples, batch_size, num_epochs, seed):
        def answer():
            returned = unrecorded_call(
                student, "minibatch_indices", num_examples, batch_size, num_epochs, seed=seed
            )
            return as_batches(returned), ((num_examples, batch_size, num_epochs), {"seed": seed})

        return answer

    return telling_mistake(
        got,
        BATCH_CATALOG,
        (args, kwargs),
        tuple(expected),
        *(probe(*arguments) for arguments in BATCH_PROBES),
    )


def check_batches(student, num_examples, batch_size, num_epochs, seed):
    what = f"minibatch_indices({num_examples}, {batch_size}, {num_epochs}, seed={seed})"
    got = student.call("minibatch_indices", num_examples, batch_size, num_epochs, seed=seed)
    expected = reference.minibatch_indices(num_examples, batch_size, num_epochs, seed=seed)
    if not isinstance(got, (list, tuple)):
        raise CheckFailed(f"{what}: expected a list of index arrays, got {describe(got)}")
    if is_nested(got):
        raise CheckFailed(
            f"{what}: expected a list of {len(expected)} index arrays, got a list of "
            f"{len(got)} lists\n    {LIKELY_MISTAKE}this returns a list of epochs, each a list "
            "of its batches: return one flat list of every batch, epoch after epoch"
        )
    batches = as_batches(got)

    def named() -> str:
        if batches is None:
            return ""
        return name_batches(
            student, batches, expected, num_examples, batch_size, num_epochs, seed=seed
        )

    if len(got) != len(expected):
        per_epoch = -(-num_examples // batch_size)
        raise CheckFailed(
            f"{what}: expected {len(expected)} batches ({per_epoch} per epoch, the last one "
            f"{num_examples - (per_epoch - 1) * batch_size} long), got {len(got)}{named()}"
        )
    for k, (batch, want) in enumerate(zip(got, expected)):
        indices = as_indices(batch)
        if indices != want.tolist():
            epoch, index = divmod(k, -(-num_examples // batch_size))
            shown = (
                f"{indices[:8]}..."
                if indices is not None
                else f"{describe(batch)}, not integer indices"
            )
            raise CheckFailed(
                f"{what}: batch {index} of epoch {epoch} differs ({k} batches matched): "
                f"got {shown}, expected {want[:8].tolist()}... "
                "(one rng = np.random.default_rng(seed); one rng.permutation per epoch)"
                f"{named()}"
            )


@CHECKS.check("test_minibatch_indices", "Does one epoch split a shuffled order into full batches?")
def exact_epoch(student, rng):
    # 12 or more examples everywhere: an unshuffled order matches a permutation by at most a
    # 1-in-12! chance.
    batch = int(rng.integers(3, 9))
    check_batches(student, batch * int(rng.integers(4, 8)), batch, 1, int(rng.integers(1000)))


@CHECKS.check("test_minibatch_indices", "Is the last, partial batch of an epoch kept?")
def partial_batch(student, rng):
    batch = int(rng.integers(3, 9))
    check_batches(
        student,
        batch * int(rng.integers(4, 8)) + int(rng.integers(1, batch)),
        batch,
        2,
        int(rng.integers(1000)),
    )


@CHECKS.check("test_minibatch_indices", "Does each epoch reshuffle, reproducibly from the seed?")
def several_epochs(student, rng):
    check_batches(
        student,
        int(rng.integers(20, 60)),
        int(rng.integers(4, 16)),
        int(rng.integers(3, 6)),
        int(rng.integers(1000)),
    )


@CHECKS.check(
    "test_minibatch_indices", "Does a batch larger than the data give one batch per epoch?"
)
def one_batch(student, rng):
    num_examples = int(rng.integers(20, 60))
    check_batches(
        student, num_examples, num_examples + int(rng.integers(1, 50)), 2, int(rng.integers(1000))
    )


@CHECKS.check(
    "test_sgd_step", "Does it follow the reference for several steps on a random quadratic?"
)
def sgd_on_quadratic(student, rng):
    problem = random_quadratic(rng, (2, 30), (2, 6))
    UpdateRule("sgd_step", reference.sgd_step, mistakes=SGD_MISTAKES).follow_reference(
        student,
        problem.grad,
        rng.standard_normal(problem.A.shape[0]),
        10,
        {"lr": float(rng.uniform(0.1, 1.5)) / problem.eigenvalues[-1]},
    )


@CHECKS.check("test_sgd_step", "Does it step weight matrices (a classifier on real digits)?")
def sgd_on_digits(student, rng):
    problem = digits_problem(rng)
    UpdateRule("sgd_step", reference.sgd_step, mistakes=SGD_MISTAKES).follow_reference(
        student, problem.grad, rng.standard_normal(problem.shape) * 0.01, 5, {"lr": 0.5}
    )


# --- predicting a batch size ------------------------------------------------------------------

SECTIONS["test_smallest_batch_size"] = "noisy-gradients"


def noise_of_batch(sigma2: float, batch_size: float, num_examples: int) -> float:
    """The expected squared error of the gradient of a batch of distinct examples."""
    return sigma2 / batch_size * (num_examples - batch_size) / (num_examples - 1)


def first_size(sigma2, max_noise, num_examples, noise, compare=np.less_equal) -> int:
    """The first batch size B from 1 to N whose ``noise(sigma2, B, N)`` compares to max_noise
    as ``compare`` says (at most, by default), N if none does: a loop over the sizes, as a
    student writes it, with another law of the noise."""
    sizes = np.arange(1, num_examples + 1)
    with np.errstate(all="ignore"):
        meets = compare(noise(sigma2, sizes, num_examples), max_noise)
    return int(sizes[np.argmax(meets)]) if meets.any() else int(num_examples)


def without_factor(sigma2, max_noise, num_examples) -> int:
    """sigma2 / max_noise rounded up, at most N: the law of batches drawn with replacement."""
    if max_noise <= 0:
        return int(num_examples)
    return int(min(num_examples, np.ceil(sigma2 / max_noise)))


def exact_size(sigma2, max_noise, num_examples) -> float:
    """B* = sigma2 N / (max_noise (N - 1) + sigma2), where the noise of B* distinct examples is
    max_noise exactly: the answer is B* rounded up."""
    return sigma2 * num_examples / (max_noise * (num_examples - 1) + sigma2)


# Wrong answers for the smallest batch size, each with its explanation (tried in this order).
BATCH_SIZE_MISTAKES = {
    "this is B*, where the noise equals max_noise, not rounded up to a whole batch: the "
    "smallest batch size is the first whole B whose noise is at most max_noise, B* rounded "
    "up": exact_size,
    "this is one less than the answer (B* rounded down or to the nearest, or the size before "
    "the first that meets the bound): that batch is noisier than max_noise; the answer is the "
    "smallest B whose noise is at most max_noise, B* rounded up": lambda s, m, n: max(
        1, reference.smallest_batch_size(s, m, n) - 1
    ),
    "this is one more than the answer: the smallest batch size is the first B whose noise "
    "sigma2 / B * (N - B) / (N - 1) is at most max_noise, and one batch smaller already "
    "meets it": lambda s, m, n: min(n, reference.smallest_batch_size(s, m, n) + 1),
    "this leaves out the factor (N - B) / (N - 1) of batches drawn without replacement, as "
    "if the examples were drawn with replacement, sigma2 / B: a batch of distinct examples "
    "has the noise sigma2 / B * (N - B) / (N - 1)": without_factor,
    "the factor is (N - B) / N: for a batch of B distinct examples out of N it is "
    "(N - B) / (N - 1), which is 0 at B = N": lambda s, m, n: first_size(
        s, m, n, lambda s, b, n: s / b * (n - b) / n
    ),
    "the factor is upside down, (N - 1) / (N - B): drawing distinct examples lowers the "
    "noise, by the factor (N - B) / (N - 1)": lambda s, m, n: first_size(
        s, m, n, lambda s, b, n: s / b * (n - 1) / (n - b)
    ),
    "the noise falls like 1 / sqrt(B), the law of the error's size: the squared error, which "
    "max_noise bounds, falls like 1 / B, sigma2 / B * (N - B) / (N - 1)": lambda s, m, n: (
        first_size(s, m, n, lambda s, b, n: s / np.sqrt(b) * (n - b) / (n - 1))
    ),
    "the noise falls like 1 / B**2: the expected squared error of a mean of B distinct "
    "examples is sigma2 / B * (N - B) / (N - 1)": lambda s, m, n: first_size(
        s, m, n, lambda s, b, n: s / b**2 * (n - b) / (n - 1)
    ),
    "this bounds the error's size, the square root of the noise, by max_noise: max_noise "
    "bounds the expected squared error itself, sigma2 / B * (N - B) / (N - 1)": (
        lambda s, m, n: first_size(s, m, n, lambda s, b, n: np.sqrt(s / b * (n - b) / (n - 1)))
    ),
    "this is the first B whose noise is above max_noise (the comparison is the wrong way "
    "round): the answer is the smallest B whose noise is at most max_noise": (
        lambda s, m, n: first_size(s, m, n, lambda s, b, n: s / b * (n - b) / (n - 1), np.greater)
    ),
    "this is the largest batch size that meets the bound, N: the noise only falls as B "
    "grows, so every B from the answer to N meets it; the smallest is asked": (
        lambda s, m, n: int(n)
    ),
}
# Where a student's batch size is asked again when two cataloged mistakes give its answer (a
# whole number, shared by chance): sets on which no two cataloged mistakes agree.
BATCH_SIZE_PROBES = ((37.0, 0.83, 250), (4.2, 0.061, 3000), (11.0, 0.35, 60))


def check_batch_size(student, sigma2: float, max_noise: float, num_examples: int, what: str):
    call = f"smallest_batch_size({sigma2:.6g}, {max_noise:.6g}, {num_examples})"
    returned = student.call("smallest_batch_size", sigma2, max_noise, num_examples)
    expected = reference.smallest_batch_size(sigma2, max_noise, num_examples)

    def named(answer) -> str:
        def probe(sigma2, max_noise, num_examples):
            def answer():
                again = unrecorded_call(
                    student, "smallest_batch_size", sigma2, max_noise, num_examples
                )
                return again, ((sigma2, max_noise, num_examples), {})

            return answer

        return telling_mistake(
            answer,
            BATCH_SIZE_MISTAKES,
            ((sigma2, max_noise, num_examples), {}),
            expected,
            *(probe(*arguments) for arguments in BATCH_SIZE_PROBES),
        )

    try:
        got = as_int(returned, call)
    except AssertionError as failure:
        raise CheckFailed(f"{failure}{named(returned)}") from None
    if got == expected:
        return
    if 1 <= got < expected:
        why = (
            f"a batch of {got} distinct examples has a gradient with expected squared error "
            f"{noise_of_batch(sigma2, got, num_examples):.6g}, more than the {max_noise:.6g} "
            "allowed"
        )
    elif expected < got <= num_examples:
        why = (
            f"a batch of {expected} distinct examples already has a gradient with expected "
            f"squared error {noise_of_batch(sigma2, expected, num_examples):.6g}, within the "
            f"{max_noise:.6g} allowed"
        )
    else:
        why = f"a batch size is a whole number from 1 to {num_examples}"
    raise CheckFailed(f"{call} {what}: got {got}, expected {expected}: {why}{named(got)}")


def drawn_batch_problem(rng, num_examples: int, low: float, high: float, fraction=(0.05, 0.95)):
    """(sigma2, max_noise): the noise of a batch of B* examples, B* drawn log-uniformly from
    [low, high] with its fractional part in ``fraction``, so that the answer, B* rounded up, is
    never a matter of rounding."""
    sigma2 = float(np.exp(rng.uniform(np.log(0.1), np.log(1000.0))))
    size = draw_until(
        rng,
        lambda r: float(np.exp(r.uniform(np.log(low), np.log(high)))),
        lambda b: fraction[0] <= b % 1 <= fraction[1],
        tries=1000,
    )
    return sigma2, noise_of_batch(sigma2, size, num_examples)


@CHECKS.check(
    "test_smallest_batch_size", "Does it find the smallest batch size on random data sets?"
)
def batch_size_on_random_sets(student, rng):
    for _ in range(6):
        num_examples = int(np.exp(rng.uniform(np.log(20), np.log(100_000))))
        sigma2, max_noise = drawn_batch_problem(rng, num_examples, 1.5, num_examples - 1)
        check_batch_size(student, sigma2, max_noise, num_examples, "on a random data set")


@CHECKS.check(
    "test_smallest_batch_size",
    "Does it count a batch of distinct examples as less noisy than one drawn with replacement?",
)
def batch_size_large_share(student, rng):
    for _ in range(3):
        num_examples = int(rng.integers(50, 5000))
        sigma2, max_noise = drawn_batch_problem(
            rng, num_examples, 0.2 * num_examples, 0.9 * num_examples
        )
        check_batch_size(
            student, sigma2, max_noise, num_examples, "(the batch a large share of the set)"
        )


@CHECKS.check(
    "test_smallest_batch_size",
    "Does it use the exact factor of batches drawn without replacement, on small sets?",
)
def batch_size_small_set(student, rng):
    for _ in range(3):
        num_examples = int(rng.integers(10, 60))
        sigma2, max_noise = drawn_batch_problem(
            rng, num_examples, 0.3 * num_examples, 0.7 * num_examples, fraction=(0.03, 0.1)
        )
        check_batch_size(student, sigma2, max_noise, num_examples, "on a small set")


@CHECKS.check(
    "test_smallest_batch_size",
    "Does it answer 1 when one example is quiet enough, and every example when no noise is "
    "allowed?",
)
def batch_size_extremes(student, rng):
    num_examples = int(rng.integers(2, 10_000))
    sigma2 = float(np.exp(rng.uniform(np.log(0.1), np.log(1000.0))))
    quiet = sigma2 * float(rng.uniform(1.01, 10.0))
    check_batch_size(student, sigma2, quiet, num_examples, "(one example is quiet enough)")
    check_batch_size(student, sigma2, 0.0, num_examples, "(no noise allowed)")
