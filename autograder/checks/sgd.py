"""Hidden checks for the SGD exercise (solutions/sgd/sgd.ipynb).

    test_minibatch_indices  minibatch_indices(num_examples, batch_size, num_epochs, seed=0)
    test_sgd_step           sgd_step(w, dw, lr)

The batches must equal the reference's exactly (same seed, same draws); SGD steps must
match to rtol 1e-9 (atol 1e-12), over several steps side by side, each fed its own weights.
"""

from __future__ import annotations

import numpy as np

from ..reference import sgd as reference
from . import CheckFailed, Registry, describe
from .mistakes import name_mistake
from .problems import digits_problem, random_quadratic
from .update_rules import UpdateRule

# The section of book/sgd.md that explains each function, for feedback.
SECTIONS = {
    "test_minibatch_indices": "batch-size-and-sampling",
    "test_sgd_step": "a-minibatch-gradient-estimates-the-full-gradient",
}
CHECKS = Registry("sgd", sections=SECTIONS)


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
