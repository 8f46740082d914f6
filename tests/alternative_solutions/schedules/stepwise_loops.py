"""Step and exponential decay as a rate multiplied epoch by epoch (drop at each multiple of
`every`, exp(-k) at every step, like torch's StepLR and ExponentialLR), 1/t decay as lr0 times a
factor, cosine through the half-angle identity (1 + cos x) / 2 = cos(x / 2)^2, and warmup with
an explicit branch."""

import math


def step_decay(lr0, epoch, drop=0.5, every=10):
    lr = lr0
    for e in range(1, epoch + 1):
        if e % every == 0:
            lr *= drop
    return lr


def exponential_decay(lr0, t, k):
    gamma = math.exp(-k)
    lr = lr0
    for _ in range(t):
        lr *= gamma
    return lr


def inverse_time_decay(lr0, t, k):
    factor = 1.0 / (1.0 + k * t)
    return lr0 * factor


def cosine_decay(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    progress = t / total_steps
    return lr_min + (lr0 - lr_min) * math.cos(math.pi * progress / 2) ** 2


def linear_warmup(lr0, t, warmup_steps):
    if t + 1 >= warmup_steps:
        return lr0
    return lr0 * (t + 1) / warmup_steps


def decay_constants(lr0, lr_end, total_steps):
    # Each constant found by bisection on the schedule itself, until its end rate is lr_end.
    def solve(end_rate):
        low, high = 0.0, 1.0
        while end_rate(high) > lr_end:
            high *= 2
        for _ in range(200):
            middle = (low + high) / 2
            if end_rate(middle) > lr_end:
                low = middle
            else:
                high = middle
        return (low + high) / 2

    return (
        solve(lambda k: exponential_decay(lr0, total_steps, k)),
        solve(lambda k: inverse_time_decay(lr0, total_steps, k)),
    )
