"""Student mistakes in the schedules exercise, written from the notebook's docstrings and the
chapter, not from the checks' catalogs."""

import math


def step_float_division(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch / every)


def step_epochs_from_one(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** ((epoch + 1) // every)


def step_times_instead_of_power(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop * (epoch // every) if epoch >= every else lr0


def step_every_ignored(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // 10)


def step_rounded(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** round(epoch / every)


def step_drop_ignored(lr0, epoch, drop=0.5, every=10):
    return lr0 * 0.5 ** (epoch // every)


def exponential_discrete(lr0, t, k):
    return lr0 * (1 - k) ** t


def exponential_sign_flipped(lr0, t, k):
    return lr0 * math.exp(k * t)


def exponential_steps_from_one(lr0, t, k):
    return lr0 * math.exp(-k * (t + 1))


def exponential_k_as_gamma(lr0, t, k):
    return lr0 * k**t


def inverse_without_one(lr0, t, k):
    return lr0 / (k * t) if t else lr0


def inverse_power(lr0, t, k):
    return lr0 / (1 + k) ** t


def inverse_steps_from_one(lr0, t, k):
    return lr0 / (1 + k * (t + 1))


def inverse_precedence(lr0, t, k):
    return lr0 / 1 + k * t


def inverse_square_root(lr0, t, k):
    return lr0 / math.sqrt(1 + k * t)


def cosine_floor_ignored(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr0 * (1 + math.cos(math.pi * t / total_steps)) / 2


def cosine_without_half(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps))


def cosine_not_clamped(lr0, t, total_steps, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


def cosine_without_pi(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(t / total_steps)) / 2


def cosine_floor_added(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + lr0 * (1 + math.cos(math.pi * t / total_steps)) / 2


def cosine_one_step_early(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps - 1:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / (total_steps - 1))) / 2


def cosine_full_period(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(2 * math.pi * t / total_steps)) / 2


def warmup_starts_at_zero(lr0, t, warmup_steps):
    return lr0 * min(1.0, t / warmup_steps)


def warmup_not_capped(lr0, t, warmup_steps):
    return lr0 * (t + 1) / warmup_steps


def warmup_integer_division(lr0, t, warmup_steps):
    return lr0 * min(1, (t + 1) // warmup_steps)


def warmup_one_step_too_long(lr0, t, warmup_steps):
    return lr0 * min(1.0, (t + 1) / (warmup_steps + 1))


def warmup_capped_at_one_not_lr0(lr0, t, warmup_steps):
    return min(1.0, lr0 * (t + 1) / warmup_steps)


MISTAKES = {
    "step_decay": {
        "epoch / every (float division): decays every epoch": step_float_division,
        "epochs counted from 1: (epoch + 1) // every": step_epochs_from_one,
        "drop * (epoch // every) instead of drop ** (epoch // every)": (
            step_times_instead_of_power
        ),
        "ignores the every argument (uses 10)": step_every_ignored,
        "round(epoch / every) instead of floor division": step_rounded,
        "ignores the drop argument (uses 0.5)": step_drop_ignored,
    },
    "exponential_decay": {
        "lr0 * (1 - k) ** t instead of lr0 * exp(-k t)": exponential_discrete,
        "exp(+k t): the rate grows": exponential_sign_flipped,
        "steps counted from 1: exp(-k (t + 1))": exponential_steps_from_one,
        "k used as the factor gamma: lr0 * k ** t": exponential_k_as_gamma,
    },
    "inverse_time_decay": {
        "lr0 / (k t) without the 1 +": inverse_without_one,
        "lr0 / (1 + k) ** t": inverse_power,
        "steps counted from 1: lr0 / (1 + k (t + 1))": inverse_steps_from_one,
        "lr0 / 1 + k * t (precedence)": inverse_precedence,
        "lr0 / sqrt(1 + k t)": inverse_square_root,
    },
    "cosine_decay": {
        "lr_min ignored in the formula": cosine_floor_ignored,
        "no / 2: starts at twice lr0": cosine_without_half,
        "not clamped after total_steps: the rate rises again": cosine_not_clamped,
        "cos(t / total_steps) without pi": cosine_without_pi,
        "lr_min added to the full cosine of lr0": cosine_floor_added,
        "total_steps - 1 in the period: reaches lr_min a step early": cosine_one_step_early,
        "a full period 2 pi t / total_steps": cosine_full_period,
    },
    "linear_warmup": {
        "t / warmup_steps: starts at zero": warmup_starts_at_zero,
        "not capped: keeps rising past warmup_steps": warmup_not_capped,
        "integer division (t + 1) // warmup_steps": warmup_integer_division,
        "(t + 1) / (warmup_steps + 1): one step too long": warmup_one_step_too_long,
        "min(1, lr0 * fraction): capped at 1 instead of lr0": warmup_capped_at_one_not_lr0,
    },
}
