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
from .diagnosis import unrecorded
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


def cosine_without_floor(lr0, t, total_steps, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


MISTAKES = {
    "step_decay": {
        "the rate must drop in steps: use epoch // every (integer division), not epoch / every": (
            lambda lr0, epoch, drop=0.5, every=10: lr0 * drop ** (epoch / every)
        )
    },
    "exponential_decay": {
        "t counts from 0, and the rate at t = 0 is lr0: exp(-k * t), not exp(-k * (t + 1))": (
            lambda lr0, t, k: lr0 * math.exp(-k * (t + 1))
        )
    },
    "inverse_time_decay": {
        "the notes' 1/t decay divides by (1 + k t), not by (1 + k) ** t": lambda lr0, t, k: (
            lr0 / (1 + k) ** t
        )
    },
    "cosine_decay": {
        "after total_steps the rate stays at lr_min: the cosine must not rise again": (
            cosine_without_floor
        ),
        "the cosine goes from lr0 down to lr_min, not to 0": (
            lambda lr0, t, total_steps, lr_min=0.0: reference.cosine_decay(lr0, t, total_steps)
        ),
        "lr_min is added to the whole cosine of lr0, so the rate starts at lr0 + lr_min: the "
        "cosine spans the gap lr0 - lr_min, from lr0 at the start to lr_min at the end": (
            lambda lr0, t, total_steps, lr_min=0.0: (
                lr_min
                if t >= total_steps
                else lr_min + lr0 * (1 + math.cos(math.pi * t / total_steps)) / 2
            )
        ),
    },
    "linear_warmup": {
        "the first step (t = 0) already gets lr0 / warmup_steps: "
        "use (t + 1) / warmup_steps, not t / warmup_steps": (
            lambda lr0, t, warmup_steps: lr0 * min(1.0, t / warmup_steps)
        ),
        "the fraction of the warmup done is an integer division, 0 until the last warmup step: "
        "the rate must climb a little at every step, by the fraction (t + 1) / warmup_steps": (
            lambda lr0, t, warmup_steps: lr0 * min(1.0, (t + 1) // warmup_steps)
        ),
    },
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


def name_schedule_mistake(student, name, got, failed, steps, args_of) -> str:
    """The line naming the cataloged mistake that gives ``got`` at the step that failed
    (its arguments ``failed``) and the student's rate at every step of the run: two wrong
    schedules can agree at one step (both 0 at t = 0, say), rarely at all of them."""
    args, kwargs = failed
    matching = {
        why: wrong
        for why, wrong in MISTAKES[name].items()
        if name_mistake(got, {why: wrong}, *args, **kwargs)
    }
    if len(matching) < 2:
        return name_mistake(got, matching, *args, **kwargs)
    runs = [args_of(int(t)) for t in steps]
    try:
        with unrecorded(student):  # the check's own probes, not the call that failed
            rates = [as_float(student.call(name, *a, **k), f"{name}()") for a, k in runs]
    except (CheckFailed, StudentCallFailed):
        rates = None
    for why, wrong in matching.items():
        if rates is None or all(
            name_mistake(rate, {why: wrong}, *a, **k) for rate, (a, k) in zip(rates, runs)
        ):
            return name_mistake(got, {why: wrong}, *args, **kwargs)
    return ""


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
        constants = [
            positive_number(part, f"decay_constants()'s {part_label} constant")
            for part, part_label in zip(returned, ("exponential", "1/t"))
        ]
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
                f"{verdict}"
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
