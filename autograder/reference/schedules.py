"""Reference for the schedules exercise: the learning rate as a function of the step or epoch."""

from __future__ import annotations

import math


def step_decay(lr0, epoch, drop=0.5, every=10):
    """lr0 * drop ** (epoch // every): multiply by ``drop`` every ``every`` epochs (torch
    StepLR)."""
    return lr0 * drop ** (epoch // every)


def exponential_decay(lr0, t, k):
    """lr0 * exp(-k t) (torch ExponentialLR with gamma = exp(-k))."""
    return lr0 * math.exp(-k * t)


def inverse_time_decay(lr0, t, k):
    """lr0 / (1 + k t): the notes' 1/t decay."""
    return lr0 / (1 + k * t)


def cosine_decay(lr0, t, total_steps, lr_min=0.0):
    """lr_min + (lr0 - lr_min) (1 + cos(pi t / total_steps)) / 2 for t <= total_steps, then lr_min
    (torch CosineAnnealingLR with T_max = total_steps, eta_min = lr_min, over its first
    half-period)."""
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


def linear_warmup(lr0, t, warmup_steps):
    """lr0 * min(1, (t + 1) / warmup_steps): rises linearly over the first steps (t = 0, 1, ...)
    and never starts at zero."""
    return lr0 * min(1.0, (t + 1) / warmup_steps)
