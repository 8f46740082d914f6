"""Hidden checks for the schedules exercise (solutions/schedules/schedules.ipynb).

test_step_decay, test_exponential_decay, test_inverse_time_decay, test_cosine_decay,
test_linear_warmup: each schedule, a function of the step (or epoch), must give the
reference's learning rate at every step of a random run, to rtol 1e-12; the first step
where they part is reported.
"""

from __future__ import annotations

import math

import numpy as np

from ..reference import schedules as reference
from ..sandbox.session import StudentCallFailed
from . import CheckFailed, Registry, as_float, as_tuple
from .diagnosis import LIKELY_MISTAKE, unrecorded
from .mistakes import name_mistake
from .tasks import positive_number

# The section of book/schedules.md that explains each function, for feedback.
SECTIONS = {
    "test_step_decay": "five-schedules",
    "test_exponential_decay": "five-schedules",
    "test_inverse_time_decay": "five-schedules",
    "test_cosine_decay": "five-schedules",
    "test_linear_warmup": "warmup",
}
CHECKS = Registry("schedules", sections=SECTIONS)


def guarded(wrong):
    """``wrong``, giving NaN where its formula cannot be computed (a division by zero, an
    overflow): a wrong version names a mistake, it must not stop the check."""

    def version(*args, **kwargs):
        try:
            return float(wrong(*args, **kwargs))
        except (ArithmeticError, ValueError):
            return math.nan

    return version


def cosine_without_floor(lr0, t, total_steps, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


def cosine_until_the_end(shape):
    """Cosine decay whose rate before ``total_steps`` is ``shape(lr0, t, total_steps, lr_min)``
    and lr_min from then on."""
    return lambda lr0, t, total_steps, lr_min=0.0: (
        lr_min if t >= total_steps else shape(lr0, t, total_steps, lr_min)
    )


def half_cosine(t, total_steps):
    """(1 + cos(pi t / T)) / 2: from 1 at t = 0 down to 0 at t = T."""
    return (1 + math.cos(math.pi * t / total_steps)) / 2


STEP_DECAY_MISTAKES = {
    "the rate must drop in steps: use epoch // every (integer division), not epoch / every": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch / every)
    ),
    "** binds before //, so lr0 * drop ** epoch // every floors (lr0 * drop ** epoch) / every, "
    "which is 0 here: put the number of drops in parentheses, lr0 * drop ** (epoch // every)": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop**epoch // every
    ),
    "the rate drops one epoch early: (epoch + 1) // every counts epochs from 1, but epoch "
    "counts from 0, so the first drop comes at epoch `every`, lr0 * drop ** (epoch // every)": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** ((epoch + 1) // every)
    ),
    "the rate has already dropped once at epoch 0: the exponent is the number of drops so far, "
    "epoch // every, which is 0 for the first `every` epochs, not epoch // every + 1": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch // every + 1)
    ),
    "epoch % every is the epoch's place within its period, which starts again at 0 after each "
    "drop: the number of drops so far is epoch // every": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch % every)
    ),
    "epoch / every is rounded to the nearest whole number, so the rate drops halfway through "
    "each period: the number of drops so far is rounded down, epoch // every": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** round(epoch / every)
    ),
    "epoch / every is rounded up, so the rate drops at the first epoch of each period: the "
    "number of drops so far is rounded down, epoch // every": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** math.ceil(epoch / every)
    ),
    "drop multiplies the number of drops, lr0 * drop * (epoch // every): the rate is multiplied "
    "by drop once a period, so drop is raised to that number, lr0 * drop ** (epoch // every)": (
        lambda lr0, epoch, drop=0.5, every=10: (
            lr0 * drop * (epoch // every) if epoch >= every else lr0
        )
    ),
    "the rate is lr0 * drop * (epoch // every), 0 for the first `every` epochs: the rate is "
    "multiplied by drop once a period, lr0 * drop ** (epoch // every), lr0 until the first "
    "drop": (lambda lr0, epoch, drop=0.5, every=10: lr0 * drop * (epoch // every)),
    "the period is always 10 epochs: the rate drops every `every` epochs, the argument given "
    "(10 is only its default)": lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch // 10),
    "the factor is always 0.5: the rate is multiplied by `drop`, the argument given (0.5 is only "
    "its default)": lambda lr0, epoch, drop=0.5, every=10: lr0 * 0.5 ** (epoch // every),
    "the rate is divided by drop at each drop, so it grows: step decay multiplies it by drop, "
    "lr0 * drop ** (epoch // every)": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 / drop ** (epoch // every)
    ),
    "the rate is multiplied by 1 - drop at each drop: drop is the factor itself (drop = 0.1 "
    "keeps a tenth of the rate, as PyTorch's StepLR gamma), lr0 * drop ** (epoch // every)": (
        lambda lr0, epoch, drop=0.5, every=10: lr0 * (1 - drop) ** (epoch // every)
    ),
}

EXPONENTIAL_DECAY_MISTAKES = {
    "t counts from 0, and the rate at t = 0 is lr0: exp(-k * t), not exp(-k * (t + 1))": (
        lambda lr0, t, k: lr0 * math.exp(-k * (t + 1))
    ),
    "lr0 * exp(-k) * t multiplies by t, so the rate is 0 at t = 0 and then grows: t belongs in "
    "the exponent, lr0 * exp(-k * t)": lambda lr0, t, k: lr0 * math.exp(-k) * t,
    "the exponent's sign is flipped, so the rate grows: exponential decay is lr0 * exp(-k * t), "
    "k > 0": lambda lr0, t, k: lr0 * math.exp(k * t),
    "this is the discrete form lr0 * (1 - k) ** t: the chapter's exponential decay is "
    "lr0 * exp(-k * t), whose factor per step is exp(-k), not 1 - k": (
        lambda lr0, t, k: lr0 * (1 - k) ** t
    ),
    "k is taken as the factor per step, lr0 * k ** t: k is the decay constant in the exponent, "
    "lr0 * exp(-k * t) (the factor per step, PyTorch's gamma, is exp(-k))": (
        lambda lr0, t, k: lr0 * k**t
    ),
    "k is taken as a time constant, exp(-t / k): k multiplies t in the exponent, "
    "lr0 * exp(-k * t)": lambda lr0, t, k: lr0 * math.exp(-t / k),
    "the power is of 10, 10 ** (-k t): exponential decay is e ** (-k t), math.exp(-k * t)": (
        lambda lr0, t, k: lr0 * 10 ** (-k * t)
    ),
    "the power is of 2, 2 ** (-k t): exponential decay is e ** (-k t), math.exp(-k * t)": (
        lambda lr0, t, k: lr0 * 2 ** (-k * t)
    ),
    "this is 1/t decay, lr0 / (1 + k t): exponential decay is lr0 * exp(-k * t)": (
        lambda lr0, t, k: reference.inverse_time_decay(lr0, t, k)
    ),
    "lr0 is left out: exp(-k * t) is the fraction of lr0 left at step t; the rate is lr0 times "
    "it": lambda lr0, t, k: math.exp(-k * t),
    "t is left out, so the rate is lr0 * exp(-k) at every step: the rate falls with the step, "
    "lr0 * exp(-k * t)": lambda lr0, t, k: lr0 * math.exp(-k),
}

INVERSE_TIME_DECAY_MISTAKES = {
    "the notes' 1/t decay divides by (1 + k t), not by (1 + k) ** t": lambda lr0, t, k: (
        lr0 / (1 + k) ** t
    ),
    "lr0 / 1 + k * t divides lr0 by 1 and then adds k t: the whole 1 + k t is the denominator, "
    "lr0 / (1 + k * t)": lambda lr0, t, k: lr0 / 1 + k * t,
    "the 1 + is missing, lr0 / (k t), so the rate is not lr0 at the start and falls far too fast "
    "after it: 1/t decay divides by 1 + k t": lambda lr0, t, k: lr0 / (k * t) if t else lr0,
    "t counts from 0, and the rate at t = 0 is lr0: lr0 / (1 + k * t), not "
    "lr0 / (1 + k * (t + 1))": lambda lr0, t, k: lr0 / (1 + k * (t + 1)),
    "the rate falls as 1 / sqrt(1 + k t): 1/t decay divides by 1 + k t itself, "
    "lr0 / (1 + k * t)": lambda lr0, t, k: lr0 / math.sqrt(1 + k * t),
    "k is taken as a time constant, 1 + t / k: k multiplies t, lr0 / (1 + k * t)": (
        lambda lr0, t, k: lr0 / (1 + t / k)
    ),
    "this falls in a straight line, lr0 * (1 - k t), and turns negative: 1/t decay divides, "
    "lr0 / (1 + k * t)": lambda lr0, t, k: lr0 * (1 - k * t),
    "lr0 is multiplied by 1 + k t, so the rate grows: 1/t decay divides by it, "
    "lr0 / (1 + k * t)": lambda lr0, t, k: lr0 * (1 + k * t),
    "the denominator is 1 - k t: it is 1 + k t, growing with t, lr0 / (1 + k * t)": (
        lambda lr0, t, k: lr0 / (1 - k * t)
    ),
    "this is exponential decay, lr0 * exp(-k t): 1/t decay is lr0 / (1 + k * t)": (
        lambda lr0, t, k: reference.exponential_decay(lr0, t, k)
    ),
    "lr0 is left out: 1 / (1 + k t) is the fraction of lr0 left at step t; the rate is lr0 "
    "times it": lambda lr0, t, k: 1 / (1 + k * t),
}

COSINE_DECAY_MISTAKES = {
    "after total_steps the rate is 0: it stays at lr_min, the floor the cosine ends at": (
        lambda lr0, t, total_steps, lr_min=0.0: (
            0.0 if t >= total_steps else reference.cosine_decay(lr0, t, total_steps, lr_min)
        )
    ),
    "after total_steps the rate stays at lr_min: the cosine must not rise again": (
        cosine_without_floor
    ),
    "the cosine goes from lr0 down to lr_min, not to 0": (
        lambda lr0, t, total_steps, lr_min=0.0: reference.cosine_decay(lr0, t, total_steps)
    ),
    "lr_min is added to the whole cosine of lr0, so the rate starts at lr0 + lr_min: the "
    "cosine spans the gap lr0 - lr_min, from lr0 at the start to lr_min at the end": (
        cosine_until_the_end(
            lambda lr0, t, total_steps, lr_min: lr_min + lr0 * half_cosine(t, total_steps)
        )
    ),
    "lr_min is not added back: (lr0 - lr_min) (1 + cos) / 2 goes from lr0 - lr_min down to 0; "
    "the rate is lr_min plus it": cosine_until_the_end(
        lambda lr0, t, total_steps, lr_min: (lr0 - lr_min) * half_cosine(t, total_steps)
    ),
    "the / 2 is missing, so the rate starts at twice lr0: (1 + cos) / 2 goes from 1 down to 0": (
        cosine_until_the_end(
            lambda lr0, t, total_steps, lr_min: (
                lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps))
            )
        )
    ),
    "the cosine is taken alone, without 1 + ... / 2, so it goes from 1 down to -1 and the rate "
    "turns negative: (1 + cos(pi t / T)) / 2 goes from 1 down to 0": cosine_until_the_end(
        lambda lr0, t, total_steps, lr_min: (
            lr_min + (lr0 - lr_min) * math.cos(math.pi * t / total_steps)
        )
    ),
    "pi is missing: cos(t / T) covers less than a third of the half wave; cos(pi t / T) goes "
    "from 1 at t = 0 to -1 at t = T": cosine_until_the_end(
        lambda lr0, t, total_steps, lr_min: (
            lr_min + (lr0 - lr_min) * (1 + math.cos(t / total_steps)) / 2
        )
    ),
    "2 pi t / T makes a full period, down and back up to lr0 at t = T: cosine decay follows "
    "half a period, cos(pi t / T)": cosine_until_the_end(
        lambda lr0, t, total_steps, lr_min: (
            lr_min + (lr0 - lr_min) * (1 + math.cos(2 * math.pi * t / total_steps)) / 2
        )
    ),
    "the cosine reaches lr_min one step early: its period is total_steps, pi t / total_steps, "
    "not total_steps - 1": lambda lr0, t, total_steps, lr_min=0.0: reference.cosine_decay(
        lr0, t, total_steps - 1, lr_min
    ),
    "this is a sine: (1 + sin(pi t / T)) / 2 starts at one half and rises first; the rate "
    "follows (1 + cos(pi t / T)) / 2, from 1 at the start to 0 at the end": cosine_until_the_end(
        lambda lr0, t, total_steps, lr_min: (
            lr_min + (lr0 - lr_min) * (1 + math.sin(math.pi * t / total_steps)) / 2
        )
    ),
    "the rate rises from lr_min to lr0 (1 - cos, or lr0 and lr_min swapped): it falls from lr0 "
    "at t = 0 to lr_min at T, lr_min + (lr0 - lr_min) (1 + cos(pi t / T)) / 2": (
        cosine_until_the_end(
            lambda lr0, t, total_steps, lr_min: (
                lr_min + (lr0 - lr_min) * (1 - math.cos(math.pi * t / total_steps)) / 2
            )
        )
    ),
    "t // total_steps is an integer division, 0 until the end, so the rate stays at lr0: the "
    "fraction of the run done is t / total_steps": cosine_until_the_end(
        lambda lr0, t, total_steps, lr_min: (
            lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * (t // total_steps))) / 2
        )
    ),
}

LINEAR_WARMUP_MISTAKES = {
    "the first step (t = 0) already gets lr0 / warmup_steps: "
    "use (t + 1) / warmup_steps, not t / warmup_steps": (
        lambda lr0, t, warmup_steps: lr0 * min(1.0, t / warmup_steps)
    ),
    "the fraction of the warmup done is an integer division, 0 until the last warmup step: "
    "the rate must climb a little at every step, by the fraction (t + 1) / warmup_steps": (
        lambda lr0, t, warmup_steps: lr0 * min(1.0, (t + 1) // warmup_steps)
    ),
    "the rate keeps rising after the warmup: it is capped at lr0, "
    "lr0 * min(1, (t + 1) / warmup_steps)": lambda lr0, t, warmup_steps: (
        lr0 * (t + 1) / warmup_steps
    ),
    "max instead of min: the rate is lr0 during the warmup and grows after it; "
    "lr0 * min(1, (t + 1) / warmup_steps) climbs to lr0 and stays there": (
        lambda lr0, t, warmup_steps: lr0 * max(1.0, (t + 1) / warmup_steps)
    ),
    "the rate is capped at 1, not at lr0: min(1, lr0 * (t + 1) / warmup_steps); the fraction "
    "is capped at 1, lr0 * min(1, (t + 1) / warmup_steps)": lambda lr0, t, warmup_steps: min(
        1.0, lr0 * (t + 1) / warmup_steps
    ),
    "lr0 is left out: min(1, (t + 1) / warmup_steps) is the fraction of lr0 reached; the rate "
    "is lr0 times it": lambda lr0, t, warmup_steps: min(1.0, (t + 1) / warmup_steps),
    "min(lr0, (t + 1) / warmup_steps) caps the fraction at lr0 but never scales it: the rate is "
    "lr0 times the fraction, lr0 * min(1, (t + 1) / warmup_steps)": (
        lambda lr0, t, warmup_steps: min(lr0, (t + 1) / warmup_steps)
    ),
    "the warmup is one step too long: (t + 1) / (warmup_steps + 1) reaches lr0 at "
    "t = warmup_steps; it reaches lr0 at the warmup's last step, t = warmup_steps - 1, "
    "with (t + 1) / warmup_steps": lambda lr0, t, warmup_steps: (
        lr0 * min(1.0, (t + 1) / (warmup_steps + 1))
    ),
    "t / (warmup_steps - 1) starts at 0: the first step already gets lr0 / warmup_steps, "
    "(t + 1) / warmup_steps": lambda lr0, t, warmup_steps: lr0 * min(1.0, t / (warmup_steps - 1)),
    "t + 1 / warmup_steps adds 1 / warmup_steps to t, so the rate is lr0 from step 1 on: the "
    "fraction is (t + 1) / warmup_steps, with parentheses": lambda lr0, t, warmup_steps: (
        lr0 * min(1.0, t + 1 / warmup_steps)
    ),
}

MISTAKES = {
    name: {why: guarded(wrong) for why, wrong in catalog.items()}
    for name, catalog in {
        "step_decay": STEP_DECAY_MISTAKES,
        "exponential_decay": EXPONENTIAL_DECAY_MISTAKES,
        "inverse_time_decay": INVERSE_TIME_DECAY_MISTAKES,
        "cosine_decay": COSINE_DECAY_MISTAKES,
        "linear_warmup": LINEAR_WARMUP_MISTAKES,
    }.items()
}


def check_schedule(student, name, steps, args_of, what):
    function = getattr(reference, name)
    for t in steps:
        args, kwargs = args_of(int(t))
        expected = function(*args, **kwargs)
        got = as_float(student.call(name, *args, **kwargs), f"{name}()")
        if not np.isclose(got, expected, rtol=1e-12, atol=1e-15):
            shown = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
            raise CheckFailed(
                f"{name}({shown}) = {got:.12g}, expected {expected:.12g} {what}"
                + name_schedule_mistake(student, name, got, args_of(int(t)), steps, args_of)
            )


def gives(rate: float, wrong, args, kwargs) -> bool:
    """Does ``wrong`` give ``rate`` on these arguments, to a relative 1e-9 (NaN giving NaN)? No
    absolute tolerance: two wrong schedules whose rates are both far below 1e-12 at some step
    (k ** t and exp(-t / k), say) are still told apart there."""
    value = wrong(*args, **kwargs)
    if math.isnan(value) or math.isnan(rate):
        return math.isnan(value) and math.isnan(rate)
    return math.isclose(rate, value, rel_tol=1e-9, abs_tol=0.0)


def name_schedule_mistake(student, name, got, failed, steps, args_of) -> str:
    """The line naming the cataloged mistake that gives ``got`` at the step that failed
    (its arguments ``failed``) and the student's rate at every step of the run: two wrong
    schedules can agree at one step (both 0 at t = 0, say), rarely at all of them."""
    args, kwargs = failed
    matching = [why for why, wrong in MISTAKES[name].items() if gives(got, wrong, args, kwargs)]
    if len(matching) > 1:
        runs = [args_of(int(t)) for t in steps]
        try:
            with unrecorded(student):  # the check's own probes, not the call that failed
                rates = [as_float(student.call(name, *a, **k), f"{name}()") for a, k in runs]
        except (CheckFailed, StudentCallFailed):
            rates = None
        if rates is not None:
            matching = [
                why
                for why in matching
                if all(gives(rate, MISTAKES[name][why], a, k) for rate, (a, k) in zip(rates, runs))
            ]
    return f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else ""


CASES = {
    "step_decay": lambda rng: (
        range(0, 60, 3),
        (lambda lr0, drop, every: lambda t: ((lr0, t), {"drop": drop, "every": every}))(
            float(rng.uniform(0.01, 1)), float(rng.uniform(0.1, 0.9)), int(rng.integers(2, 12))
        ),
        "(multiply by drop once every `every` epochs: lr0 * drop ** (epoch // every))",
    ),
    "exponential_decay": lambda rng: (
        range(0, 100, 7),
        (lambda lr0, k: lambda t: ((lr0, t, k), {}))(
            float(rng.uniform(0.01, 1)), float(rng.uniform(0.001, 0.1))
        ),
        "(lr0 * exp(-k t))",
    ),
    "inverse_time_decay": lambda rng: (
        range(0, 100, 7),
        (lambda lr0, k: lambda t: ((lr0, t, k), {}))(
            float(rng.uniform(0.01, 1)), float(rng.uniform(0.001, 0.5))
        ),
        "(lr0 / (1 + k t))",
    ),
    "cosine_decay": lambda rng: (
        range(0, 130, 4),
        (lambda lr0, total, lr_min: lambda t: ((lr0, t, total), {"lr_min": lr_min}))(
            float(rng.uniform(0.01, 1)),
            int(rng.integers(20, 100)),
            float(rng.choice([1e-4, 1e-3, 1e-2])),
        ),
        "(lr_min + (lr0 - lr_min)(1 + cos(pi t / total)) / 2, then lr_min once t >= total)",
    ),
    "linear_warmup": lambda rng: (
        range(0, 40),
        (lambda lr0, warmup: lambda t: ((lr0, t, warmup), {}))(
            float(rng.uniform(0.01, 1)), int(rng.integers(2, 20))
        ),
        "(lr0 * min(1, (t + 1) / warmup_steps))",
    ),
}

for schedule, make_case in CASES.items():

    @CHECKS.check(
        f"test_{schedule}",
        "Does it give the reference's learning rate at every step of a random run?",
    )
    def every_step(student, rng, schedule=schedule, make_case=make_case):
        steps, args_of, what = make_case(rng)
        check_schedule(student, schedule, steps, args_of, what)


@CHECKS.check(
    "test_step_decay",
    "Does it halve the rate every 10 epochs when drop and every are left at their defaults?",
)
def step_decay_defaults(student, rng):
    lr0 = float(rng.uniform(0.01, 1))
    check_schedule(
        student,
        "step_decay",
        range(0, 45, 3),
        lambda t: ((lr0, t), {}),
        "(drop=0.5 and every=10 by default)",
    )


@CHECKS.check("test_cosine_decay", "Does it decay to 0 when lr_min is left at its default?")
def cosine_default_floor(student, rng):
    lr0, total = float(rng.uniform(0.01, 1)), int(rng.integers(20, 100))
    check_schedule(
        student,
        "cosine_decay",
        range(0, total + 20, 5),
        lambda t: ((lr0, t, total), {}),
        "(lr_min defaults to 0.0)",
    )


# test_decay_constants: a choice, graded by running the reference's schedules with the student's
# constants on runs drawn here and asking whether each ends at lr_end (rtol 1e-6: far above
# round-off, or a constant found by bisection, far below any wrong rule's miss, which is at least
# 1e-4 on these runs).
SECTIONS["test_decay_constants"] = "five-schedules"
DECAY_RTOL = 1e-6


def decay_run(rng) -> tuple[float, float, int]:
    """(lr0, lr_end, total_steps): lr0 / lr_end log-uniform in [2, 10 000]."""
    lr0 = float(rng.uniform(0.01, 1))
    ratio = float(np.exp(rng.uniform(np.log(2), np.log(1e4))))
    return lr0, lr0 / ratio, int(rng.integers(20, 5001))


def rate_at(schedule, lr0, t, k) -> float:
    """The reference schedule's rate at step t; inf where a wild constant overflows it."""
    try:
        return float(schedule(lr0, t, k))
    except (OverflowError, ZeroDivisionError):
        return math.inf


def exponential_constant(k_of):
    """decay_constants with exponential decay's constant ``k_of(ratio, total_steps)``, where
    ratio = lr0 / lr_end, and the right constant of 1/t decay."""
    return lambda lr0, lr_end, total_steps: (
        k_of(lr0 / lr_end, total_steps),
        reference.decay_constants(lr0, lr_end, total_steps)[1],
    )


def inverse_time_constant(k_of):
    """decay_constants with the right constant of exponential decay and 1/t decay's constant
    ``k_of(lr0, lr_end, total_steps)``."""
    return lambda lr0, lr_end, total_steps: (
        reference.decay_constants(lr0, lr_end, total_steps)[0],
        k_of(lr0, lr_end, total_steps),
    )


# Wrong versions of decay_constants, each with one constant wrong; a check names the mistake of
# the constant it runs.
DECAY_CONSTANT_MISTAKES = {
    "exponential decay's k uses log10: exp(-k T) = lr_end / lr0 gives k = ln(lr0 / lr_end) / T, "
    "the natural logarithm (math.log)": exponential_constant(
        lambda ratio, T: math.log10(ratio) / T
    ),
    "exponential decay's k uses log2: exp(-k T) = lr_end / lr0 gives k = ln(lr0 / lr_end) / T, "
    "the natural logarithm (math.log)": exponential_constant(
        lambda ratio, T: math.log2(ratio) / T
    ),
    "exponential decay's k is negative, ln(lr_end / lr0) / T: the ratio is upside down; "
    "exp(-k T) = lr_end / lr0 gives k = ln(lr0 / lr_end) / T": exponential_constant(
        lambda ratio, T: math.log(1 / ratio) / T
    ),
    "exponential decay's k ends the run one step early, at t = total_steps - 1: the rate must "
    "reach lr_end at t = total_steps, k = ln(lr0 / lr_end) / total_steps": exponential_constant(
        lambda ratio, T: math.log(ratio) / (T - 1)
    ),
    "exponential decay's k is not divided by the number of steps: exp(-k T) = lr_end / lr0 "
    "gives k = ln(lr0 / lr_end) / T": exponential_constant(lambda ratio, T: math.log(ratio)),
    "exponential decay's k is upside down, T / ln(lr0 / lr_end) (a time constant): "
    "exp(-k T) = lr_end / lr0 gives k = ln(lr0 / lr_end) / T": exponential_constant(
        lambda ratio, T: T / math.log(ratio)
    ),
    "exponential decay's k is 1/t decay's, (lr0 / lr_end - 1) / T: each constant comes from "
    "its own schedule; exp(-k T) = lr_end / lr0 gives k = ln(lr0 / lr_end) / T": (
        exponential_constant(lambda ratio, T: (ratio - 1) / T)
    ),
    "exponential decay's k is the factor per step, (lr_end / lr0) ** (1 / T) (PyTorch's "
    "gamma = exp(-k)): k is in the exponent, k = ln(lr0 / lr_end) / T": exponential_constant(
        lambda ratio, T: (1 / ratio) ** (1 / T)
    ),
    "exponential decay's k is 1 - (lr_end / lr0) ** (1 / T), the constant of the discrete "
    "decay (1 - k) ** t: exp(-k T) = lr_end / lr0 gives k = ln(lr0 / lr_end) / T": (
        exponential_constant(lambda ratio, T: 1 - (1 / ratio) ** (1 / T))
    ),
    "1/t decay's k misses the - 1: lr0 / (1 + k T) = lr_end gives 1 + k T = lr0 / lr_end, "
    "so k = (lr0 / lr_end - 1) / T": inverse_time_constant(
        lambda lr0, lr_end, T: lr0 / lr_end / T
    ),
    "1/t decay's k uses the difference lr0 - lr_end: lr0 / (1 + k T) = lr_end gives "
    "k = (lr0 / lr_end - 1) / T, from the ratio": inverse_time_constant(
        lambda lr0, lr_end, T: (lr0 - lr_end) / T
    ),
    "1/t decay's k ends the run one step early, at t = total_steps - 1: the rate must reach "
    "lr_end at t = total_steps, k = (lr0 / lr_end - 1) / total_steps": inverse_time_constant(
        lambda lr0, lr_end, T: (lr0 / lr_end - 1) / (T - 1)
    ),
    "1/t decay's k is not divided by the number of steps: lr0 / (1 + k T) = lr_end gives "
    "k = (lr0 / lr_end - 1) / T": inverse_time_constant(lambda lr0, lr_end, T: lr0 / lr_end - 1),
    "1/t decay's k is upside down, T / (lr0 / lr_end - 1): lr0 / (1 + k T) = lr_end gives "
    "k = (lr0 / lr_end - 1) / T": inverse_time_constant(
        lambda lr0, lr_end, T: T / (lr0 / lr_end - 1)
    ),
    "1/t decay's k is exponential decay's, ln(lr0 / lr_end) / T: each constant comes from its "
    "own schedule; lr0 / (1 + k T) = lr_end gives k = (lr0 / lr_end - 1) / T": (
        inverse_time_constant(lambda lr0, lr_end, T: math.log(lr0 / lr_end) / T)
    ),
    "1/t decay's k uses the ratio upside down, 1 - lr_end / lr0: lr0 / (1 + k T) = lr_end "
    "gives 1 + k T = lr0 / lr_end, so k = (lr0 / lr_end - 1) / T": inverse_time_constant(
        lambda lr0, lr_end, T: (1 - lr_end / lr0) / T
    ),
    "1/t decay's k is negative, (lr_end / lr0 - 1) / T: the ratio is upside down; "
    "lr0 / (1 + k T) = lr_end gives k = (lr0 / lr_end - 1) / T": inverse_time_constant(
        lambda lr0, lr_end, T: (lr_end / lr0 - 1) / T
    ),
}


def name_constant_mistake(k, index, lr0, lr_end, total) -> str:
    """The line naming the cataloged mistake whose constant number ``index`` (0: exponential, 1:
    1/t) is ``k``, or ''."""
    catalog = {
        why: (lambda *args, wrong=wrong: wrong(*args)[index])
        for why, wrong in DECAY_CONSTANT_MISTAKES.items()
    }
    right = reference.decay_constants(lr0, lr_end, total)[index]
    return name_mistake(k, catalog, lr0, lr_end, total, right_answer=right)


def check_decay_constant(student, rng, index, name, label):
    schedule = getattr(reference, name)
    for _ in range(5):
        lr0, lr_end, total = decay_run(rng)
        returned = as_tuple(
            student.call("decay_constants", lr0, lr_end, total),
            ("k_exponential", "k_inverse_time"),
            "decay_constants()",
        )
        # Both constants are the answer, whichever this check runs.
        constants = []
        for part_index, (part, part_label) in enumerate(zip(returned, ("exponential", "1/t"))):
            try:
                constants.append(
                    positive_number(part, f"decay_constants()'s {part_label} constant")
                )
            except CheckFailed as failure:
                raise CheckFailed(
                    f"{failure}" + name_constant_mistake(part, part_index, lr0, lr_end, total)
                ) from None
        k = constants[index]
        reached = rate_at(schedule, lr0, total, k)
        if not np.isclose(reached, lr_end, rtol=DECAY_RTOL, atol=0.0):
            if reached < lr_end:
                verdict = "the rate falls too far by then: this k is too large"
            elif reached > lr_end:
                verdict = "the rate does not fall far enough by then: this k is too small"
            else:
                verdict = "the run gives no number"
            raise CheckFailed(
                f"decay_constants({lr0:.6g}, {lr_end:.6g}, {total}) gave the {label} schedule "
                f"k = {k:.6g}; with it, {name}({lr0:.6g}, {total}, k) = {reached:.6g}, but the "
                f"run should end at lr_end = {lr_end:.6g} (relative tolerance {DECAY_RTOL:g}): "
                f"{verdict}" + name_constant_mistake(k, index, lr0, lr_end, total)
            )


@CHECKS.check(
    "test_decay_constants",
    "Does exponential decay with its constant end at lr_end after total_steps steps?",
)
def exponential_decay_ends_at_lr_end(student, rng):
    check_decay_constant(student, rng, 0, "exponential_decay", "exponential")


@CHECKS.check(
    "test_decay_constants",
    "Does 1/t decay with its constant end at lr_end after total_steps steps?",
)
def inverse_time_decay_ends_at_lr_end(student, rng):
    check_decay_constant(student, rng, 1, "inverse_time_decay", "1/t")
