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


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_step_decay_modulo(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch % every)


def held_step_decay_from_epoch_zero(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // every + 1)


def held_step_decay_precedence(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop**epoch // every


def held_exponential_time_constant(lr0, t, k):
    return lr0 * math.exp(-t / k)


def held_exponential_base_ten(lr0, t, k):
    return lr0 * 10 ** (-k * t)


def held_exponential_precedence(lr0, t, k):
    return lr0 * math.exp(-k) * t


def held_inverse_time_constant(lr0, t, k):
    return lr0 / (1 + t / k)


def held_inverse_linear(lr0, t, k):
    return lr0 * (1 - k * t)


def held_cosine_without_one_plus(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * math.cos(math.pi * t / total_steps)


def held_cosine_sine(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.sin(math.pi * t / total_steps)) / 2


def held_cosine_zero_after(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return 0.0
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


def held_warmup_fraction_only(lr0, t, warmup_steps):
    return min(1.0, (t + 1) / warmup_steps)


def held_warmup_capped_at_lr0(lr0, t, warmup_steps):
    return min(lr0, (t + 1) / warmup_steps)


def held_warmup_max(lr0, t, warmup_steps):
    return lr0 * max(1.0, (t + 1) / warmup_steps)


def held_constants_log10(lr0, lr_end, total_steps):
    ratio = lr0 / lr_end
    return math.log10(ratio) / total_steps, (ratio - 1) / total_steps


def held_constants_ratio_inverted(lr0, lr_end, total_steps):
    ratio = lr0 / lr_end
    return math.log(lr_end / lr0) / total_steps, (ratio - 1) / total_steps


def held_constants_minus_one_forgotten(lr0, lr_end, total_steps):
    ratio = lr0 / lr_end
    return math.log(ratio) / total_steps, ratio / total_steps


def held_constants_difference(lr0, lr_end, total_steps):
    return math.log(lr0 / lr_end) / total_steps, (lr0 - lr_end) / total_steps


SECOND_ROUND = {
    "step_decay": {
        "drop ** (epoch % every)": held_step_decay_modulo,
        "decays at epoch 0 already: drop ** (epoch // every + 1)": held_step_decay_from_epoch_zero,
        "lr0 * drop ** epoch // every (precedence)": held_step_decay_precedence,
    },
    "exponential_decay": {
        "k as a time constant: exp(-t / k)": held_exponential_time_constant,
        "base 10: lr0 * 10 ** (-k t)": held_exponential_base_ten,
        "lr0 * exp(-k) * t (precedence)": held_exponential_precedence,
    },
    "inverse_time_decay": {
        "k as a time constant: lr0 / (1 + t / k)": held_inverse_time_constant,
        "linear decay lr0 * (1 - k t)": held_inverse_linear,
    },
    "cosine_decay": {
        "no (1 + cos) / 2: the rate turns negative": held_cosine_without_one_plus,
        "sin instead of cos": held_cosine_sine,
        "0 instead of lr_min after total_steps": held_cosine_zero_after,
    },
    "linear_warmup": {
        "lr0 forgotten: returns the fraction": held_warmup_fraction_only,
        "min(lr0, fraction): the fraction not scaled": held_warmup_capped_at_lr0,
        "max instead of min": held_warmup_max,
    },
    "decay_constants": {
        "log10 instead of the natural log": held_constants_log10,
        "ln(lr_end / lr0): exponential k negative": held_constants_ratio_inverted,
        "1/t k = ratio / T: the - 1 forgotten": held_constants_minus_one_forgotten,
        "1/t k = (lr0 - lr_end) / T: difference, not ratio": held_constants_difference,
    },
}
