"""The adaptive references against torch.optim (Adagrad, RMSprop, Adam, AdamW) and closed
forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.checks.adaptive import ADAM_MISTAKES
from autograder.reference.adaptive import adagrad_step, adam_step, adamw_step, rmsprop_step
from optlab.problems import quadratic

PROBLEM = quadratic(50.0, dim=4, seed=3)
# (our rule, our hyperparameters, the torch optimizer and its arguments: the same rule where the
# forms agree)
TABLE = {
    "adagrad": (
        adagrad_step,
        {"lr": 0.3, "eps": 1e-10},
        torch.optim.Adagrad,
        {"lr": 0.3, "eps": 1e-10},
    ),
    "rmsprop": (
        rmsprop_step,
        {"lr": 0.01, "decay": 0.9, "eps": 1e-8},
        torch.optim.RMSprop,
        {"lr": 0.01, "alpha": 0.9, "eps": 1e-8},
    ),
    "adam": (adam_step, {"lr": 0.05}, torch.optim.Adam, {"lr": 0.05}),
    "adamw": (
        adamw_step,
        {"lr": 0.05, "weight_decay": 0.1},
        torch.optim.AdamW,
        {"lr": 0.05, "weight_decay": 0.1},
    ),
}


def initial_state(step, w):
    return (
        (np.zeros_like(w),)
        if step in (adagrad_step, rmsprop_step)
        else (np.zeros_like(w), np.zeros_like(w), 0)
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("method", TABLE)
def test_does_it_step_like_torch(method, dtype):
    step, hyper, optimizer_class, torch_hyper = TABLE[method]
    w = np.array([1.0, -2.0, 0.5, 3.0], dtype=dtype)
    state = initial_state(step, w)
    tw = torch.tensor(w, requires_grad=True)
    optimizer = optimizer_class([tw], **torch_hyper)
    # float32: torch folds Adam's corrections into lr and eps, so its rounding differs by ~1e-8
    rtol, atol = (1e-12, 1e-15) if dtype == np.float64 else (1e-5, 1e-6)
    for k in range(1, 101):
        dw = PROBLEM.grad(w).astype(dtype)
        w, *state = step(w, dw, *state, **hyper)
        optimizer.zero_grad()
        tw.grad = torch.tensor(dw)
        optimizer.step()
        assert w.dtype == dtype
        assert np.allclose(w, tw.detach().numpy(), rtol=rtol, atol=atol), f"parted at step {k}"


def test_is_adams_first_step_lr_in_every_coordinate():
    """Bias-corrected, m_hat = dw and v_hat = dw^2 at t = 1: the step is lr * sign(dw)."""
    dw = np.array([1e-3, -5.0, 200.0])
    w, m, v, t = adam_step(np.zeros(3), dw, np.zeros(3), np.zeros(3), 0, lr=0.01)
    assert t == 1 and np.allclose(w, -0.01 * np.sign(dw), rtol=1e-4)


def test_is_the_uncorrected_first_step_huge_when_beta2_is_near_one():
    """The notes' t = 0 problem: without correction,
    m / sqrt(v) = (0.1 dw) / (sqrt(0.001) |dw|) ~ 3.16."""
    dw = np.array([1.0])
    w, *_ = ADAM_MISTAKES[next(k for k in ADAM_MISTAKES if k.startswith("no bias"))](
        np.zeros(1), dw, np.zeros(1), np.zeros(1), 0, lr=1.0
    )
    assert w[0] == pytest.approx(-0.1 / np.sqrt(0.001), rel=1e-6)


def test_does_adagrad_slow_down_in_a_long_run():
    w, h = np.array([1.0]), np.zeros(1)
    steps = []
    for _ in range(1000):
        before = w.copy()
        w, h = adagrad_step(w, np.ones(1), h, 0.1)
        steps.append(abs(w - before)[0])
    assert steps[-1] == pytest.approx(0.1 / np.sqrt(1000), rel=1e-6)


@pytest.mark.parametrize("decay", [0.5, 0.9, 0.99, 0.999])
def test_is_the_predicted_steady_step_what_rmsprop_steps(decay):
    from autograder.reference.adaptive import rmsprop_steady_step

    w, h = np.zeros(1), np.zeros(1)
    for t in range(1, 301):
        w_new, h = rmsprop_step(w, np.array([-3.0]), h, 0.01, decay=decay, eps=0.0)
        assert np.isclose(abs(w_new - w)[0], rmsprop_steady_step(-3.0, 0.01, decay, t), rtol=1e-12)
        w = w_new
