"""The penalties and dropout against torch autograd, torch's dropout and SGD's weight decay."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from autograder.reference.regularization import (
    dropout_backward,
    dropout_forward,
    elastic_net_penalty,
    l1_penalty,
    l2_penalty,
)


class FixedMask:
    """A stand-in generator whose random() makes dropout keep exactly the units of ``keep``."""

    def __init__(self, keep: np.ndarray) -> None:
        self.keep = np.asarray(keep, dtype=bool)

    def random(self, shape):
        assert tuple(shape) == self.keep.shape
        return np.where(self.keep, 1.0, 0.0)


def weights(seed=0):
    W = np.random.default_rng(seed).standard_normal((4, 5))
    W[0, :2] = 0.0
    return W


@pytest.mark.parametrize(
    "penalty,torch_form",
    [
        (lambda W: l2_penalty(W, 0.3), lambda W: 0.3 * (W * W).sum()),
        (lambda W: l1_penalty(W, 0.3), lambda W: 0.3 * W.abs().sum()),
        (
            lambda W: elastic_net_penalty(W, 0.3, beta=0.7),
            lambda W: 0.3 * (0.7 * W * W + W.abs()).sum(),
        ),
    ],
    ids=["l2", "l1", "elastic_net"],
)
def test_do_the_penalties_match_torch_autograd(penalty, torch_form):
    W = weights()
    tensor = torch.tensor(W, requires_grad=True)
    value = torch_form(tensor)
    value.backward()
    ours, dW = penalty(W)
    assert ours == pytest.approx(value.item(), rel=1e-14)
    np.testing.assert_allclose(
        dW, tensor.grad.numpy(), rtol=1e-14, atol=0
    )  # torch's |x|' at 0 is 0 too


def test_do_the_checks_random_weights_always_hold_a_nonzero_entry():
    """On all-zero weights a penalty that returns 0 and a zero gradient is right: no draw may be
    all zeros (the smallest shapes have 2 entries: about 1 draw in 100 would be, unguarded)."""
    from autograder.checks.regularization import random_weights

    rng = np.random.default_rng(0)
    draws = [random_weights(rng) for _ in range(5000)]
    assert all(np.any(W != 0) for W in draws)
    assert sum(np.any(W == 0) for W in draws) > 1000, "zeros must still be among them"


def test_is_l2_sgd_weight_decay_with_half_the_strength():
    W, g = weights(1), np.random.default_rng(2).standard_normal((4, 5))
    tensor = torch.tensor(W, requires_grad=True)
    optimizer = torch.optim.SGD([tensor], lr=0.1, weight_decay=0.04)
    tensor.grad = torch.tensor(g)
    optimizer.step()
    np.testing.assert_allclose(
        W - 0.1 * (g + l2_penalty(W, 0.02)[1]), tensor.detach().numpy(), rtol=1e-14
    )


def test_does_inverted_dropout_scale_like_torchs_dropout():
    torch.manual_seed(0)
    x = torch.rand(300, 40, dtype=torch.float64) + 0.5
    out = torch.nn.functional.dropout(x, p=0.3, training=True)
    ours, mask = dropout_forward(x.numpy(), 0.3, FixedMask(out.numpy() != 0))
    np.testing.assert_allclose(ours, out.numpy(), rtol=1e-15)
    assert abs((1 - mask.mean()) - 0.3) < 0.02
    np.testing.assert_array_equal(
        dropout_forward(x.numpy(), 0.3, None, train=False)[0],
        torch.nn.functional.dropout(x, p=0.3, training=False).numpy(),
    )


def test_does_the_gradient_through_dropout_match_torch_autograd():
    torch.manual_seed(1)
    x = torch.randn(20, 30, dtype=torch.float64, requires_grad=True)
    G = torch.randn(20, 30, dtype=torch.float64)
    out = torch.nn.functional.dropout(x, p=0.6, training=True)
    (out * G).sum().backward()
    _, mask = dropout_forward(x.detach().numpy(), 0.6, FixedMask(out.detach().numpy() != 0))
    np.testing.assert_allclose(dropout_backward(G.numpy(), mask, 0.6), x.grad.numpy(), rtol=1e-15)


@pytest.mark.parametrize("inverted", [True, False])
def test_is_the_expected_training_output_the_test_output(inverted):
    """The notes' neuron a = w1 x + w2 y with drop probability 1/2: average over the four masks."""
    inputs = np.array([1.5, -0.7]) * np.array([2.0, 3.0])  # w1 x, w2 y
    outputs = [
        dropout_forward(inputs, 0.5, FixedMask(np.array(keep)))[0].sum()
        if inverted
        else dropout_forward(inputs, 0.5, FixedMask(np.array(keep)), inverted=False)[0].sum()
        for keep in itertools.product([True, False], repeat=2)
    ]
    test_output = dropout_forward(inputs, 0.5, None, train=False, inverted=inverted)[0].sum()
    assert np.mean(outputs) == pytest.approx(test_output, rel=1e-15)
    if not inverted:  # the notes' point: unscaled training is half of the full test-time sum
        assert np.mean(outputs) == pytest.approx(inputs.sum() / 2, rel=1e-15)
