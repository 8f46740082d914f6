"""Stepping a student's update rule beside the reference, and saying where they part.

At every step both rules get the same inputs: the weights and state the student's own
rule returned at the previous step, and the gradient there. Each output (the weights,
then each piece of state) must match the reference's; the first step where one does
not is reported with the values, and, when the student's output matches a known wrong
version of the rule, the mistake is named.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from optlab.testing import assert_close

from ..sandbox.session import StudentCallFailed
from . import CheckFailed, as_array, as_float, as_tuple
from .mistakes import same_values


def _outputs(value, names: tuple[str, ...], name: str, like: tuple, dtype) -> list:
    """The returned (w, *state) as arrays (and numbers, for scalar state), checked for shape and dtype."""
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


def step_side_by_side(
    student,
    name: str,
    reference: Callable,
    grad: Callable,
    w0: np.ndarray,
    num_steps: int,
    hyper: dict,
    state_names: tuple[str, ...] = (),
    mistakes: dict[str, Callable] | None = None,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    initial_state: tuple | None = None,
) -> None:
    """Run ``num_steps`` steps of the student's rule ``name`` and of ``reference`` from ``w0``.

    The state starts as ``initial_state`` (default: zero arrays shaped like ``w0``); the
    weights keep the dtype of ``w0`` (so float32 problems are stepped in float32).
    """
    names = ("w", *state_names)
    w = np.array(w0)
    state = (
        tuple(initial_state)
        if initial_state is not None
        else tuple(np.zeros_like(w) for _ in state_names)
    )
    dtype = w.dtype
    for k in range(1, num_steps + 1):
        dw = np.asarray(grad(w), dtype=dtype)
        like = (w, *state)
        got = _outputs(student.call(name, w, dw, *state, **hyper), names, name, like, dtype)
        expected = _parts(reference(w, dw, *state, **hyper), len(names))
        for part, got_part, expected_part in zip(names, got, expected):
            try:
                assert_close(got_part, expected_part, rtol=rtol, atol=atol, what=f"{part}")
            except AssertionError as failure:
                matched = _matching_mistakes(
                    student,
                    name,
                    grad,
                    names,
                    got,
                    w,
                    dw,
                    state,
                    hyper,
                    mistakes or {},
                    steps_left=num_steps - k,
                )
                hint = f"\n    Likely mistake: {matched[0]}" if matched else ""
                settings = ", ".join(f"{key}={value:g}" for key, value in hyper.items())
                raise CheckFailed(
                    f"{name}() parts from the reference at step {k} of {num_steps} "
                    f"({k - 1} steps matched; {settings}; weights of shape {w.shape}, {dtype}): "
                    f"{failure}{hint}"
                ) from None
        w = np.asarray(got[0], dtype=dtype)
        state = tuple(
            np.asarray(g, dtype=dtype) if isinstance(s, np.ndarray) else type(s)(g)
            for g, s in zip(got[1:], state)
        )


def _matching_mistakes(
    student, name, grad, names, got, w, dw, state, hyper, mistakes, steps_left, more_steps=4
):
    """The cataloged mistakes whose output is ``got`` for the inputs ``w``, ``dw`` and ``state``.

    Two wrong versions can agree on one step (with the velocity still zero, say); then the
    student's rule is stepped on, from its own outputs, until only one of them still agrees
    (or ``more_steps`` steps are done), so that the name given is the one that fits.
    """

    def agreeing(candidates, got, w, dw, state):
        return [
            why
            for why in candidates
            if same_values(got, _parts(mistakes[why](w, dw, *state, **hyper), len(names)))
        ]

    matched = agreeing(list(mistakes), got, w, dw, state)
    for _ in range(min(more_steps, steps_left)):
        if len(matched) < 2:
            break
        w, state = np.asarray(got[0], dtype=w.dtype), tuple(got[1:])
        dw = np.asarray(grad(w), dtype=w.dtype)
        try:
            got = _outputs(
                student.call(name, w, dw, *state, **hyper), names, name, (w, *state), w.dtype
            )
        except (AssertionError, StudentCallFailed):  # the step that parted is what counts
            break
        still = agreeing(matched, got, w, dw, state)
        if not still:
            break
        matched = still
    return matched


def compare_trajectory(
    got, expected: np.ndarray, what: str, rtol: float = 1e-9, atol: float = 1e-12
) -> None:
    """A whole returned trajectory against the reference's, naming the first iterate that differs."""
    got = as_array(got, what, expected.shape)
    for k in range(len(expected)):
        try:
            assert_close(got[k], expected[k], rtol=rtol, atol=atol, what=f"iterate {k}")
        except AssertionError as failure:
            raise CheckFailed(
                f"{what} parts from the reference at iterate {k} of {len(expected) - 1} "
                f"({k} iterates matched): {failure}"
            ) from None
