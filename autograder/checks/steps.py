"""Stepping a student's update rule beside the reference, and saying where they part.

At every step both rules get the same inputs: the weights and state the student's own
rule returned at the previous step, and the gradient there. Each output (the weights,
then each piece of state) must match the reference's; the first step where one does
not is reported with the values, and, when the student's output matches a known wrong
version of the rule, the mistake is named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from optlab.testing import assert_close

from ..sandbox.session import StudentCallFailed
from . import CheckFailed, as_array, as_float, as_tuple
from .diagnosis import LIKELY_MISTAKE, unrecorded
from .mistakes import same_values

SMALLEST_PROBLEM = "Smallest problem: "


def _outputs(value, names: tuple[str, ...], name: str, like: tuple, dtype) -> list:
    """The returned (w, *state) as arrays (and numbers, for scalar state), checked for shape and
    dtype."""
    parts = [value] if len(names) == 1 else as_tuple(value, names, f"{name}()")
    checked = []
    for part, part_name, model in zip(parts, names, like):
        if isinstance(model, np.ndarray):
            if dtype is not None and isinstance(part, np.ndarray) and part.dtype != dtype:
                raise CheckFailed(
                    f"{name}() returned {part_name} as {part.dtype} for {np.dtype(dtype)} inputs: "
                    "keep the dtype of w (a Python float does, np.float64(...) does not)"
                )
            checked.append(as_array(part, f"{name}() {part_name}", model.shape))
        else:
            checked.append(np.float64(as_float(part, f"{name}() {part_name}")))
    return checked


def _parts(value, count: int) -> tuple:
    return (value,) if count == 1 else tuple(value)


class Rule(Protocol):
    """An update rule students write, ``(w, dw, *state, **hyper) -> (w, *state)`` (``w`` alone
    without state), and what it is checked against (update_rules.UpdateRule is one)."""

    name: str  # the student's function
    reference: Callable  # the right rule
    state_names: tuple[str, ...]  # what it carries from step to step, after the weights
    mistakes: dict[str, Callable]  # known wrong versions, by explanation


def _outputs_of(rule: Rule) -> tuple[str, ...]:
    return ("w", *rule.state_names)


def _student_step(student, rule: Rule, w: np.ndarray, dw: np.ndarray, state: tuple, hyper: dict):
    """One step of the student's rule, its outputs checked for shape and dtype."""
    returned = student.call(rule.name, w, dw, *state, **hyper)
    return _outputs(returned, _outputs_of(rule), rule.name, (w, *state), w.dtype)


def _step(rule: Rule, version: Callable, w: np.ndarray, dw: np.ndarray, state: tuple, hyper):
    """One step of ``version`` of ``rule`` (its reference or a mistake), as a tuple of outputs."""
    return _parts(version(w, dw, *state, **hyper), len(_outputs_of(rule)))


@dataclass(frozen=True)
class Steps:
    """Where both rules are stepped: from ``w0``, ``count`` steps along the gradient ``grad``."""

    grad: Callable
    w0: np.ndarray  # its dtype is the weights' (float32 problems are stepped in float32)
    count: int
    hyper: dict  # the rule's keyword arguments
    initial_state: tuple | None = None  # default: zero arrays shaped like w0
    rtol: float = 1e-9
    atol: float = 1e-12


@dataclass(frozen=True)
class Step:
    """One step's inputs, and what the student's rule returned for them."""

    w: np.ndarray
    dw: np.ndarray
    state: tuple
    got: list


def step_side_by_side(student, rule: Rule, steps: Steps) -> None:
    """Run ``steps.count`` steps of the student's ``rule`` and of its reference, side by side."""
    w = np.array(steps.w0)
    state = (
        tuple(steps.initial_state)
        if steps.initial_state is not None
        else tuple(np.zeros_like(w) for _ in rule.state_names)
    )
    dtype = w.dtype
    for k in range(1, steps.count + 1):
        dw = np.asarray(steps.grad(w), dtype=dtype)
        got = _student_step(student, rule, w, dw, state, steps.hyper)
        expected = _step(rule, rule.reference, w, dw, state, steps.hyper)
        for part, got_part, expected_part in zip(_outputs_of(rule), got, expected):
            try:
                assert_close(
                    got_part, expected_part, rtol=steps.rtol, atol=steps.atol, what=f"{part}"
                )
            except AssertionError as failure:
                step = Step(w, dw, state, got)
                matched = _matching_mistakes(student, rule, steps, step, steps.count - k)
                hint = (
                    f"\n    {LIKELY_MISTAKE}{matched[0]}"
                    if matched
                    else _smallest_failing_problem_unrecorded(student, rule, steps)
                )
                settings = ", ".join(f"{key}={value:g}" for key, value in steps.hyper.items())
                raise CheckFailed(
                    f"{rule.name}() parts from the reference at step {k} of {steps.count} "
                    f"({k - 1} steps matched; {settings}; weights of shape {w.shape}, {dtype}): "
                    f"{failure}{hint}"
                ) from None
        w = np.asarray(got[0], dtype=dtype)
        state = tuple(
            np.asarray(g, dtype=dtype) if isinstance(s, np.ndarray) else type(s)(g)
            for g, s in zip(got[1:], state)
        )


def _smallest_failing_problem_unrecorded(student, rule: Rule, steps: Steps) -> str:
    with unrecorded(student):
        return smallest_failing_problem(student, rule, steps)


def smallest_failing_problem(student, rule: Rule, steps: Steps, most_steps: int = 5) -> str:
    """A line showing the first step at which the student's rule parts from the reference on
    the smallest problem there is: one weight, w = 1, with the loss w**2 / 2 (so dw = w) and
    the check's hyperparameters; '' when it does not part there within ``most_steps``."""
    w = np.ones(1, dtype=steps.w0.dtype)
    initial = steps.initial_state or tuple(np.zeros_like(steps.w0) for _ in rule.state_names)
    state = tuple(np.zeros(1, dtype=w.dtype) if isinstance(s, np.ndarray) else s for s in initial)
    names = _outputs_of(rule)
    settings = ", ".join(f"{key}={value:g}" for key, value in steps.hyper.items())
    for k in range(1, most_steps + 1):
        dw = w.copy()
        try:
            got = _student_step(student, rule, w, dw, state, steps.hyper)
        except (AssertionError, StudentCallFailed):
            return ""
        expected = _step(rule, rule.reference, w, dw, state, steps.hyper)
        if not same_values(got, expected):
            shown = lambda values: ", ".join(  # noqa: E731
                f"{name} = {float(np.ravel(value)[0]):.6g}" for name, value in zip(names, values)
            )
            given = ", ".join(
                f"{name} = {float(np.ravel(value)[0]):.6g}"
                for name, value in zip(("w", "dw", *rule.state_names), (w, dw, *state))
            )
            return (
                f"\n    {SMALLEST_PROBLEM}one weight, from w = 1 with the loss w**2 / 2 "
                f"(so dw = w) and {settings}: step {k} is the first that differs. Given {given}, "
                f"it returns {shown(got)}; the right values are {shown(expected)}"
            )
        w = np.asarray(got[0], dtype=w.dtype)
        state = tuple(
            np.asarray(g, dtype=w.dtype) if isinstance(s, np.ndarray) else type(s)(g)
            for g, s in zip(got[1:], state)
        )
    return ""


def _matching_mistakes(
    student, rule: Rule, steps: Steps, step: Step, steps_left: int, more_steps: int = 4
) -> list[str]:
    """The cataloged mistakes of ``rule`` whose output is what the student's rule returned at
    ``step``.

    Two wrong versions can agree on one step (with the velocity still zero, say); then the
    student's rule is stepped on, from its own outputs, until only one of them still agrees
    (or ``more_steps`` steps are done), so that the name given is the one that fits.
    """

    def agreeing(candidates, step: Step) -> list[str]:
        right = _step(rule, rule.reference, step.w, step.dw, step.state, steps.hyper)
        wrong = {
            why: _step(rule, rule.mistakes[why], step.w, step.dw, step.state, steps.hyper)
            for why in candidates
        }
        # A mistake that gives the right values on this step cannot be told from them here.
        return [
            why
            for why in candidates
            if same_values(step.got, wrong[why]) and not same_values(right, wrong[why])
        ]

    matched = agreeing(list(rule.mistakes), step)
    for _ in range(min(more_steps, steps_left)):
        if len(matched) < 2:
            break
        w, state = np.asarray(step.got[0], dtype=step.w.dtype), tuple(step.got[1:])
        dw = np.asarray(steps.grad(w), dtype=w.dtype)
        try:
            step = Step(w, dw, state, _student_step(student, rule, w, dw, state, steps.hyper))
        except (AssertionError, StudentCallFailed):  # the step that parted is what counts
            break
        still = agreeing(matched, step)
        if not still:
            break
        matched = still
    return matched


def compare_trajectory(
    got, expected: np.ndarray, what: str, rtol: float = 1e-9, atol: float = 1e-12
) -> None:
    """A whole returned trajectory against the reference's, naming the first iterate that
    differs."""
    got = as_array(got, what, expected.shape)
    for k in range(len(expected)):
        try:
            assert_close(got[k], expected[k], rtol=rtol, atol=atol, what=f"iterate {k}")
        except AssertionError as failure:
            raise CheckFailed(
                f"{what} parts from the reference at iterate {k} of {len(expected) - 1} "
                f"({k} iterates matched): {failure}"
            ) from None
