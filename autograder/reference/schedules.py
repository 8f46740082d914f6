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


def decay_constants(lr0, lr_end, total_steps):
    """(k of exponential decay, k of 1/t decay) that take the rate from lr0 at t = 0 to lr_end at
    t = total_steps: ln(lr0 / lr_end) / T and (lr0 / lr_end - 1) / T."""
    ratio = lr0 / lr_end
    return math.log(ratio) / total_steps, (ratio - 1) / total_steps
