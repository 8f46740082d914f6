"""Fine-tuning against torch.optim.SGD with parameter groups and frozen tensors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.reference.transfer import fine_tune_step, learning_rates, replace_head
from optlab import network

NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


def test_does_fine_tuning_step_like_torch_sgd_with_parameter_groups():
    """Head at lr, the layer below at lr / 10 (a param group), the first layer frozen
    (requires_grad off)."""
    params = network.init_mlp([8, 6, 5, 3], seed=0)
    rates = learning_rates(NAMES, 2, 0.2)
    tensors = {
        name: torch.tensor(value, requires_grad=rates[name] > 0) for name, value in params.items()
    }
    optimizer = torch.optim.SGD(
        [
            {"params": [tensors["W3"], tensors["b3"]], "lr": 0.2},
            {"params": [tensors["W2"], tensors["b2"]], "lr": 0.02},
        ],
        momentum=0.9,
    )
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((20, 8)), rng.integers(0, 3, 20)
    for _ in range(5):
        _, grads = network.loss_and_grads(params, X, y)
        for name, tensor in tensors.items():
            tensor.grad = torch.tensor(grads[name]) if tensor.requires_grad else None
        optimizer.step()
        params, velocity = fine_tune_step(params, grads, velocity, rates, rho=0.9)
        for name, tensor in tensors.items():
            np.testing.assert_allclose(
                params[name], tensor.detach().numpy(), rtol=1e-12, atol=1e-15, err_msg=name
            )
    original = network.init_mlp([8, 6, 5, 3], seed=0)
    assert np.array_equal(params["W1"], original["W1"]) and np.array_equal(
        params["b1"], original["b1"]
    )


def test_do_the_rates_cover_the_notes_strategies():
    assert learning_rates(NAMES, 1, 0.1) == dict.fromkeys(["W1", "b1", "W2", "b2"], 0.0) | {
        "W3": 0.1,
        "b3": 0.1,
    }
    assert learning_rates(NAMES, 3, 0.1, fine_tune_factor=0.5) == {
        "W1": 0.05,
        "b1": 0.05,
        "W2": 0.05,
        "b2": 0.05,
        "W3": 0.1,
        "b3": 0.1,
    }


def test_is_the_new_head_he_initialized_and_the_rest_copied():
    params = network.init_mlp([10, 400, 7], seed=0)
    new = replace_head(params, 300, np.random.default_rng(0))
    assert new["W2"].shape == (400, 300) and not new["b2"].any()
    assert new["W2"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.01)
    assert new["W1"] is not params["W1"] and np.array_equal(new["W1"], params["W1"])
    new["W1"][0, 0] += 1
    assert not np.array_equal(new["W1"], params["W1"])
