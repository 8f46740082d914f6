"""The schedules against torch.optim.lr_scheduler and their closed forms; the checks against wrong versions."""

from __future__ import annotations

import math

import pytest
import torch
from grading_support import failed_checks, failure_messages

from autograder.checks.schedules import MISTAKES
from autograder.reference.schedules import (
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    linear_warmup,
    step_decay,
)

RIGHT = {
    f.__name__: f
    for f in (step_decay, exponential_decay, inverse_time_decay, cosine_decay, linear_warmup)
}


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


def test_does_the_reference_pass_every_hidden_check():
    assert failed_checks("schedules", RIGHT) == {f"test_{name}": [] for name in RIGHT}


MUTANTS = {
    "step_decay": lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch / every),
    "exponential_decay": lambda lr0, t, k: lr0 * math.exp(-k * (t + 1)),
    "inverse_time_decay": lambda lr0, t, k: lr0 / (k * t + 1e-12) if t else lr0,
    "cosine_decay": lambda lr0, t, total_steps, lr_min=0.0: (
        lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2
    ),
    "linear_warmup": lambda lr0, t, warmup_steps: lr0 * min(1.0, t / warmup_steps),
}


@pytest.mark.parametrize("name", MUTANTS)
def test_is_each_known_wrong_version_caught(name):
    assert failed_checks("schedules", dict(RIGHT, **{name: MUTANTS[name]}))[f"test_{name}"]


@pytest.mark.parametrize(
    "name,why", [(name, why) for name, catalog in MISTAKES.items() for why in catalog]
)
def test_does_feedback_name_each_cataloged_mistake(name, why):
    messages = failure_messages("schedules", dict(RIGHT, **{name: MISTAKES[name][why]}))[
        f"test_{name}"
    ]
    assert any(why in message for message in messages), messages
