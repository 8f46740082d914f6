"""Wrong versions of the learning-rate schedules."""

import math

from autograder.checks import schedules as checks

MUTANTS = {
    "test_step_decay": {
        "epoch / every, not epoch // every": lambda lr0, epoch, drop=0.5, every=10: (
            lr0 * drop ** (epoch / every)
        )
    },
    "test_exponential_decay": {
        "t counted from 1": lambda lr0, t, k: lr0 * math.exp(-k * (t + 1)),
    },
    "test_inverse_time_decay": {
        "lr0 / (k t), not lr0 / (1 + k t)": lambda lr0, t, k: lr0 / (k * t + 1e-12) if t else lr0,
    },
    "test_cosine_decay": {
        "rises again after total_steps": lambda lr0, t, total_steps, lr_min=0.0: (
            lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2
        )
    },
    "test_linear_warmup": {
        "t / warmup_steps, not (t + 1) / warmup_steps": lambda lr0, t, warmup_steps: (
            lr0 * min(1.0, t / warmup_steps)
        )
    },
}
CATALOGS = dict(checks.MISTAKES)

# decay_constants: a choice, graded by running the schedules with the constants returned.
MUTANTS["test_decay_constants"] = {
    "1/t decay's constant from the ratio, not the ratio minus one": lambda lr0, lr_end, T: (
        math.log(lr0 / lr_end) / T,
        lr0 / lr_end / T,
    ),
    "exponential decay's constant with a base-10 logarithm": lambda lr0, lr_end, T: (
        math.log10(lr0 / lr_end) / T,
        (lr0 / lr_end - 1) / T,
    ),
    "both set to end at the last step of the run, t = total_steps - 1": lambda lr0, lr_end, T: (
        math.log(lr0 / lr_end) / (T - 1),
        (lr0 / lr_end - 1) / (T - 1),
    ),
    "the same constant for both schedules": lambda lr0, lr_end, T: (
        math.log(lr0 / lr_end) / T,
        math.log(lr0 / lr_end) / T,
    ),
}
# Each wrong version of the constants gets one of them wrong; the check of that one names it.
CATALOGS["decay_constants"] = checks.DECAY_CONSTANT_MISTAKES
FEEDBACK = {
    "test_decay_constants": {
        "1/t decay's constant from the ratio, not the ratio minus one": (
            "the rate falls too far by then"
        ),
        "exponential decay's constant with a base-10 logarithm": "this k is too small",
    }
}
