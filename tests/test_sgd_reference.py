"""The SGD references against torch.optim.SGD and first principles; the minibatch checks against
an unshuffled order."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.reference.sgd import minibatch_indices, sgd_step
from optlab.optimize import run
from optlab.problems import quadratic


def test_does_sgd_step_like_torch_sgd():
    problem = quadratic(30.0, dim=4, seed=2)
    w0 = np.array([1.0, -2.0, 0.5, 3.0])
    ours = run(sgd_step, problem.grad, w0, 50, lr=0.02)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.02)
    for k in range(1, 51):
        optimizer.zero_grad()
        w.grad = torch.tensor(problem.grad(w.detach().numpy()))
        optimizer.step()
        assert np.allclose(w.detach().numpy(), ours[k], rtol=1e-12), f"parted at step {k}"


@pytest.mark.parametrize(
    "num_examples,batch_size,num_epochs", [(10, 5, 1), (11, 4, 3), (3, 10, 2), (1, 1, 2)]
)
def test_does_every_epoch_visit_every_example_once(num_examples, batch_size, num_epochs):
    batches = minibatch_indices(num_examples, batch_size, num_epochs, seed=5)
    per_epoch = -(-num_examples // batch_size)
    assert len(batches) == per_epoch * num_epochs
    for epoch in range(num_epochs):
        chunk = batches[epoch * per_epoch : (epoch + 1) * per_epoch]
        assert sorted(np.concatenate(chunk).tolist()) == list(range(num_examples))
        assert [len(b) for b in chunk[:-1]] == [batch_size] * (per_epoch - 1)
        assert len(chunk[-1]) == num_examples - (per_epoch - 1) * batch_size


def test_are_the_batches_the_seeds_permutations_cut_in_order():
    rng = np.random.default_rng(9)
    expected = [
        p[i : i + 3] for p in (rng.permutation(7), rng.permutation(7)) for i in range(0, 7, 3)
    ]
    got = minibatch_indices(7, 3, 2, seed=9)
    assert all(np.array_equal(a, b) for a, b in zip(got, expected)) and len(got) == len(expected)


def test_is_the_minibatch_gradient_an_unbiased_estimate():
    """Averaged over the batches of an epoch (equal sizes), minibatch gradients give the full
    gradient."""
    rng = np.random.default_rng(0)
    X, y, w = rng.standard_normal((12, 3)), rng.standard_normal(12), rng.standard_normal(3)
    grad = lambda idx: X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)  # noqa: E731
    batches = minibatch_indices(12, 4, 1, seed=1)
    assert np.allclose(np.mean([grad(b) for b in batches], axis=0), grad(np.arange(12)))


def test_does_an_unshuffled_answer_fail_every_check_whatever_the_seed():
    """No minibatch check may pass an unshuffled order by luck (on small data the identity is a
    likely permutation)."""
    from grading_support import LocalStudent

    from autograder.checks import load_registry, run_checks

    unshuffled = LocalStudent({"minibatch_indices": lambda n, b, e, seed=0: [np.arange(n)] * e})
    checks = load_registry("sgd").groups["test_minibatch_indices"]
    for seed in range(50):
        assert not any(result.passed for result in run_checks(checks, unshuffled, seed)), (
            f"seed {seed}"
        )


def test_is_the_smallest_batch_size_what_every_batch_of_a_small_set_gives():
    """On six examples the expected squared error of a batch of B distinct ones, averaged over
    every such batch, is the law with its factor (N - B)/(N - 1); the smallest batch size is the
    first B it allows."""
    from itertools import combinations

    from autograder.reference.sgd import smallest_batch_size

    gradients = np.random.default_rng(3).standard_normal((6, 4))
    full = gradients.mean(axis=0)
    sigma2 = np.mean(np.sum((gradients - full) ** 2, axis=1))
    noise = {
        size: np.mean(
            [
                np.sum((gradients[list(batch)].mean(axis=0) - full) ** 2)
                for batch in combinations(range(6), size)
            ]
        )
        for size in range(1, 7)
    }
    # Noise levels none of which is one of the six batches' noises, up to rounding.
    for max_noise in np.linspace(0.0, 1.2 * sigma2, 37) + 1e-3 * sigma2:
        allowed = [size for size in range(1, 7) if noise[size] <= max_noise]
        assert smallest_batch_size(sigma2, max_noise, 6) == min(allowed)
