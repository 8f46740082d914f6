"""Held-out wrong versions of the schedules exercise: step_decay, exponential_decay,
inverse_time_decay, cosine_decay, linear_warmup and decay_constants."""

import math

# --- step_decay ------------------------------------------------------------------------------


def step_decay_true_division(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch / every)


def step_decay_drops_at_epoch_zero(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // every + 1)


def step_decay_multiplies_by_count(lr0, epoch, drop=0.5, every=10):
    drops = epoch // every
    return lr0 * drop * drops if drops > 0 else lr0


def step_decay_epochs_counted_from_one(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** ((epoch + 1) // every)


# --- exponential_decay -----------------------------------------------------------------------


def exponential_decay_sign_flipped(lr0, t, k):
    return lr0 * math.exp(k * t)


def exponential_decay_discrete_compounding(lr0, t, k):
    return lr0 * (1 - k) ** t


def exponential_decay_k_as_time_constant(lr0, t, k):
    return lr0 * math.exp(-t / k)


def exponential_decay_k_as_factor(lr0, t, k):
    return lr0 * k**t


# --- inverse_time_decay ----------------------------------------------------------------------


def inverse_time_decay_precedence(lr0, t, k):
    return lr0 / (1 + k) * t


def inverse_time_decay_linear(lr0, t, k):
    return lr0 * (1 - k * t)


def inverse_time_decay_square_root(lr0, t, k):
    return lr0 / math.sqrt(1 + k * t)


def inverse_time_decay_steps_from_one(lr0, t, k):
    return lr0 / (1 + k * (t + 1))


# --- cosine_decay ----------------------------------------------------------------------------


def cosine_decay_ignores_lr_min(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr0 * (1 + math.cos(math.pi * t / total_steps)) / 2


def cosine_decay_forgets_half(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps))


def cosine_decay_no_pi(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + (lr0 - lr_min) * (1 + math.cos(t / total_steps)) / 2


def cosine_decay_rises_after_end(lr0, t, total_steps, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


def cosine_decay_full_lr0_amplitude(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    return lr_min + lr0 * (1 + math.cos(math.pi * t / total_steps)) / 2


# --- linear_warmup ---------------------------------------------------------------------------


def linear_warmup_starts_at_zero(lr0, t, warmup_steps):
    return lr0 * min(1.0, t / warmup_steps)


def linear_warmup_no_cap(lr0, t, warmup_steps):
    return lr0 * (t + 1) / warmup_steps


def linear_warmup_integer_division(lr0, t, warmup_steps):
    return lr0 * min(1, (t + 1) // warmup_steps)


def linear_warmup_one_step_longer(lr0, t, warmup_steps):
    return lr0 * min(1.0, (t + 1) / (warmup_steps + 1))


def linear_warmup_cap_not_scaled(lr0, t, warmup_steps):
    return min(lr0, (t + 1) / warmup_steps)


# --- decay_constants -------------------------------------------------------------------------


def decay_constants_log10(lr0, lr_end, total_steps):
    ratio = lr0 / lr_end
    return math.log10(ratio) / total_steps, (ratio - 1) / total_steps


def decay_constants_ratio_inverted(lr0, lr_end, total_steps):
    ratio = lr_end / lr0
    return math.log(ratio) / total_steps, (ratio - 1) / total_steps


def decay_constants_inverse_time_forgets_one(lr0, lr_end, total_steps):
    ratio = lr0 / lr_end
    return math.log(ratio) / total_steps, ratio / total_steps


def decay_constants_linearized_exponential(lr0, lr_end, total_steps):
    # exp(-k T) taken as 1 - k T.
    ratio = lr0 / lr_end
    return (1 - lr_end / lr0) / total_steps, (ratio - 1) / total_steps


def decay_constants_returns_swapped(lr0, lr_end, total_steps):
    ratio = lr0 / lr_end
    return (ratio - 1) / total_steps, math.log(ratio) / total_steps


HELD_OUT = {
    "step_decay": {
        "epoch / every instead of epoch // every: decays smoothly": step_decay_true_division,
        "drops already at epoch 0: epoch // every + 1": step_decay_drops_at_epoch_zero,
        "drop times the number of drops instead of drop to that power": (
            step_decay_multiplies_by_count
        ),
        "(epoch + 1) // every: drops one epoch early": step_decay_epochs_counted_from_one,
    },
    "exponential_decay": {
        "sign flipped: lr0 * exp(k t)": exponential_decay_sign_flipped,
        "lr0 * (1 - k)**t instead of lr0 * exp(-k t)": exponential_decay_discrete_compounding,
        "k taken as a time constant: lr0 * exp(-t / k)": exponential_decay_k_as_time_constant,
        "k taken as the factor per step: lr0 * k**t": exponential_decay_k_as_factor,
    },
    "inverse_time_decay": {
        "precedence: lr0 / (1 + k) * t": inverse_time_decay_precedence,
        "linear decay lr0 * (1 - k t)": inverse_time_decay_linear,
        "square root: lr0 / sqrt(1 + k t)": inverse_time_decay_square_root,
        "steps counted from 1: lr0 / (1 + k (t + 1))": inverse_time_decay_steps_from_one,
    },
    "cosine_decay": {
        "lr_min left out of the cosine term: lr0 (1 + cos) / 2": cosine_decay_ignores_lr_min,
        "forgets the / 2: starts at 2 lr0 - lr_min": cosine_decay_forgets_half,
        "forgets pi: cos(t / T)": cosine_decay_no_pi,
        "no clamp after total_steps: the cosine rises again": cosine_decay_rises_after_end,
        "amplitude lr0 instead of lr0 - lr_min": cosine_decay_full_lr0_amplitude,
    },
    "linear_warmup": {
        "t / warmup_steps: starts at 0": linear_warmup_starts_at_zero,
        "no min(1, ...) cap: keeps rising after the warmup": linear_warmup_no_cap,
        "integer division (t + 1) // warmup_steps: 0 during the warmup": (
            linear_warmup_integer_division
        ),
        "(t + 1) / (warmup_steps + 1): one step too long": linear_warmup_one_step_longer,
        "caps the fraction at lr0 instead of at 1: min(lr0, (t + 1) / warmup)": (
            linear_warmup_cap_not_scaled
        ),
    },
    "decay_constants": {
        "log10 instead of the natural log": decay_constants_log10,
        "ratio lr_end / lr0: negative constants": decay_constants_ratio_inverted,
        "1/t constant forgets the - 1: (lr0 / lr_end) / T": (
            decay_constants_inverse_time_forgets_one
        ),
        "exponential linearized: (1 - lr_end / lr0) / T": (decay_constants_linearized_exponential),
        "returns (k_inverse_time, k_exponential)": decay_constants_returns_swapped,
    },
}
