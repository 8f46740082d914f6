"""The schedules against torch.optim.lr_scheduler and their closed forms."""

from __future__ import annotations

import math

import pytest
import torch

from autograder.reference.schedules import (
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    linear_warmup,
    step_decay,
)


def torch_rates(make_scheduler, steps, lr0=0.1):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    scheduler = make_scheduler(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


@pytest.mark.parametrize(
    "ours,make",
    [
        (
            lambda t: step_decay(0.1, t, drop=0.5, every=7),
            lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
        ),
        (
            lambda t: exponential_decay(0.1, t, 0.05),
            lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=math.exp(-0.05)),
        ),
        (
            lambda t: cosine_decay(0.1, t, 30, lr_min=0.001),
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
        ),
        (
            lambda t: linear_warmup(0.1, t, 5),
            lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=4),
        ),
    ],
    ids=["step", "exponential", "cosine", "warmup"],
)
def test_does_it_match_torchs_scheduler(ours, make):
    assert [ours(t) for t in range(31)] == pytest.approx(torch_rates(make, 31), rel=1e-12)


def test_is_one_over_t_decay_the_notes_formula():
    assert [inverse_time_decay(1.0, t, 0.5) for t in (0, 2, 6)] == pytest.approx([1.0, 0.5, 0.25])
