"""Shared by the checks of tasks that ask for a number the theory gives (a prediction) or for a
hyperparameter (a choice): the student's number, validated, and a prediction compared with the
reference's within a stated relative tolerance."""

from __future__ import annotations

import math

from . import CheckFailed, as_float


def finite_number(value, what: str) -> float:
    """One finite real number (an int, a float or a 0-d array) as a float."""
    number = as_float(value, what)
    if not math.isfinite(number):
        raise CheckFailed(f"{what}: expected a finite number, got {number!r}")
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
