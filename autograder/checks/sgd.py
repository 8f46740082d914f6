"""Hidden checks for the SGD exercise (solutions/sgd/sgd.ipynb).

    test_minibatch_indices  minibatch_indices(num_examples, batch_size, num_epochs, seed=0)
    test_sgd_step           sgd_step(w, dw, lr)
    test_smallest_batch_size  smallest_batch_size(sigma2, max_noise, num_examples) -> an int

The batches must equal the reference's exactly (same seed, same draws); SGD steps must
match to rtol 1e-9 (atol 1e-12), over several steps side by side, each fed its own weights.
A batch size is a prediction with one right answer, compared exactly, on problems whose answer
is never a matter of rounding.
"""

from __future__ import annotations

import numpy as np

from ..reference import sgd as reference
from . import CheckFailed, Registry, as_int, describe, draw_until
from .mistakes import name_mistake
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


BATCH_MISTAKES = {
    "each batch is drawn with replacement, so an example can come twice in an epoch and "
    "another not at all: an epoch visits every example once, in the order of one random "
    "permutation of the examples": drawn_with_replacement,
}
SGD_MISTAKES = {
    "the step goes uphill: w + lr * dw instead of w - lr * dw": lambda w, dw, lr: w + lr * dw,
    "the gradient is divided by a count: dw is already the gradient of the batch's mean loss, "
    "and the step is lr times dw": lambda w, dw, lr: w - lr * dw / len(w),
}


def name_batches(batches: list[list[int]], *args, **kwargs) -> str:
    """`name_mistake` for a list of batches, each batch one part of the answer."""
    return name_mistake(
        tuple(np.array(batch) for batch in batches),
        {
            why: lambda *a, wrong=wrong, **k: tuple(wrong(*a, **k))
            for why, wrong in BATCH_MISTAKES.items()
        },
        *args,
        **kwargs,
    )


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


def check_batches(student, num_examples, batch_size, num_epochs, seed):
    what = f"minibatch_indices({num_examples}, {batch_size}, {num_epochs}, seed={seed})"
    got = student.call("minibatch_indices", num_examples, batch_size, num_epochs, seed=seed)
    expected = reference.minibatch_indices(num_examples, batch_size, num_epochs, seed=seed)
    if not isinstance(got, (list, tuple)):
        raise CheckFailed(f"{what}: expected a list of index arrays, got {describe(got)}")
    if len(got) != len(expected):
        per_epoch = -(-num_examples // batch_size)
        raise CheckFailed(
            f"{what}: expected {len(expected)} batches ({per_epoch} per epoch, the last one "
            f"{num_examples - (per_epoch - 1) * batch_size} long), got {len(got)}"
        )
    indices = [as_indices(batch) for batch in got]
    named = (
        name_batches(indices, num_examples, batch_size, num_epochs, seed=seed)
        if all(batch is not None for batch in indices)
        else ""
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
                f"{named}"
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


def check_batch_size(student, sigma2: float, max_noise: float, num_examples: int, what: str):
    call = f"smallest_batch_size({sigma2:.6g}, {max_noise:.6g}, {num_examples})"
    got = as_int(student.call("smallest_batch_size", sigma2, max_noise, num_examples), call)
    expected = reference.smallest_batch_size(sigma2, max_noise, num_examples)
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
    raise CheckFailed(f"{call} {what}: got {got}, expected {expected}: {why}")


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
