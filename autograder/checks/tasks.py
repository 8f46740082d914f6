"""Checks of the tasks that are not implementations: a choice and a prediction.

- A **choice** is a function the student writes that picks settings (a learning rate, a
  friction, a schedule) from a problem's description (its curvatures, its length). A check
  draws a problem from ``rng``, asks the student's function for its settings
  (`chosen_settings`, which validates each against its `Setting`), runs the hidden reference
  with them on the problem, and asks whether the run reaches a target (`assert_reaches`). The
  target leaves honest slack: every sound choice by the theory passes on every seed, and the
  poor ones (a fixed value where the theory says it depends on the problem, the best setting of
  a slower method) fail; a failure says what the settings reached, what the target was, and
  what the theory's tuning reaches on the same problem, never the formula.
- A **prediction** is a function that returns a number the theory gives (a friction, a
  factor, a cost) from a few numbers. A check draws those numbers and compares the answer
  with the theory's value at a stated relative tolerance (`assert_predicted`), naming a
  known wrong formula when the answer is its value.

Written answers are graded by hand in formgrader (see autograder/rubrics.py): no check
scores them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from . import CheckFailed, as_float, as_tuple
from .mistakes import name_mistake


@dataclass(frozen=True)
class Setting:
    """A setting a choice returns: its name, the range it must lie in, and that range in words."""

    name: str
    low: float = -math.inf
    high: float = math.inf
    low_included: bool = False
    high_included: bool = False
    words: str = ""  # e.g. "a positive number", "from 0 up to, not including, 1"

    def admits(self, value: float) -> bool:
        above = value >= self.low if self.low_included else value > self.low
        below = value <= self.high if self.high_included else value < self.high
        return math.isfinite(value) and above and below


def chosen_settings(value, settings: tuple[Setting, ...], function: str) -> dict[str, float]:
    """What a choice function returned, as {name: number}: a tuple (or list) of as many numbers
    as ``settings`` (one number for a single setting), each finite and in its range."""
    names = tuple(s.name for s in settings)
    parts = (value,) if len(settings) == 1 else as_tuple(value, names, f"{function}()")
    chosen = {}
    for setting, part in zip(settings, parts):
        number = as_float(part, f"{function}() {setting.name}")
        if not setting.admits(number):
            raise CheckFailed(
                f"{function}() returned {setting.name}={number!r}: it must be "
                f"{setting.words or f'between {setting.low:g} and {setting.high:g}'}"
            )
        chosen[setting.name] = number
    return chosen


def settings_text(chosen: dict[str, float]) -> str:
    """``lr=0.0123, rho=0.81``: chosen settings, in a failure message."""
    return ", ".join(f"{name}={value:.4g}" for name, value in chosen.items())


def assert_reaches(
    achieved: float,
    target: float,
    chosen: dict[str, float],
    *,
    on: str,
    measured: str,
    hint: str = "",
) -> None:
    """Pass when ``achieved`` (a run's measure with the ``chosen`` settings; lower is better) is
    at most ``target``. The failure says: with which settings, ``on`` which problem, what was
    ``measured``, the target, and a ``hint`` (what the theory's tuning reaches on it)."""
    if math.isfinite(achieved) and achieved <= target:
        return
    outcome = (
        f"{measured} was {achieved:.3g}, the target was {target:.3g}"
        if math.isfinite(achieved)
        else f"the run diverged ({measured} became {achieved}): these settings are unstable "
        "on this problem"
    )
    raise CheckFailed(
        f"with {settings_text(chosen)} {on}, {outcome}." + (f" {hint}" if hint else "")
    )


def finite_number(value, what: str) -> float:
    """One finite real number (an int, a float or a 0-d array) as a float."""
    number = as_float(value, what)
    if not math.isfinite(number):
        raise CheckFailed(f"{what}: expected a finite number, got {number!r}")
    return number


def positive_number(value, what: str) -> float:
    """One finite number above zero, as a float."""
    number = finite_number(value, what)
    if number <= 0:
        raise CheckFailed(f"{what}: expected a number above 0, got {number!r}")
    return number


def compare_prediction(got, expected: float, rtol: float, what: str, hint: str = "") -> None:
    """Fails unless ``got`` is within ``rtol`` of ``expected`` (relative to it), saying both, the
    tolerance and, if given, a hint on what the difference suggests."""
    number = finite_number(got, what)
    if abs(number - expected) <= rtol * abs(expected):
        return
    ratio = f" ({number / expected:.4g} times the expected value)" if expected else ""
    raise CheckFailed(
        f"{what}: got {number:.6g}, expected {expected:.6g} (relative tolerance {rtol:g})"
        f"{ratio}{hint}"
    )


def assert_predicted(
    got,
    expected: float,
    *,
    rtol: float,
    function: str,
    given: dict[str, float],
    mistakes: dict[str, Callable] | None = None,
) -> None:
    """`compare_prediction` of what ``function`` returned for the arguments ``given``, naming a
    cataloged wrong formula whose value the answer is."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in given.items())
    what = f"{function}({arguments})"
    number = finite_number(got, what)
    compare_prediction(number, expected, rtol, what, name_mistake(number, mistakes or {}, **given))
