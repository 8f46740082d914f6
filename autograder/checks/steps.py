"""Stepping a student's update rule beside the reference, and saying where they part.

At every step both rules get the same inputs: the weights and state the student's own
rule returned at the previous step, and the gradient there. Each output (the weights,
then each piece of state) must match the reference's; the first step where one does
not is reported with the values, and, when the student's output matches a known wrong
version of the rule, the mistake is named.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from optlab.testing import as_array, assert_close

from . import CheckFailed


def _outputs(value, names: tuple[str, ...], name: str, shape: tuple) -> list[np.ndarray]:
    if len(names) == 1:
        return [as_array(value, f"{name}() result", shape)]
    if not (isinstance(value, (tuple, list)) and len(value) == len(names)):
        raise CheckFailed(f"{name}() should return ({', '.join(names)}), got "
                          f"{type(value).__name__ if not isinstance(value, (tuple, list)) else f'{len(value)} values'}")
    return [as_array(v, f"{name}() {n}", shape) for v, n in zip(value, names)]


def _as_tuple(value, count: int) -> tuple:
    return (value,) if count == 1 else tuple(value)


def step_side_by_side(student, name: str, reference: Callable, grad: Callable, w0: np.ndarray,
                      num_steps: int, hyper: dict, state_names: tuple[str, ...] = (),
                      mistakes: dict[str, Callable] | None = None, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    """Run ``num_steps`` steps of the student's rule ``name`` and of ``reference`` from ``w0``."""
    names = ("w", *state_names)
    w = np.array(w0, dtype=np.float64)
    state = tuple(np.zeros_like(w) for _ in state_names)
    for k in range(1, num_steps + 1):
        dw = grad(w)
        got = _outputs(student.call(name, w, dw, *state, **hyper), names, name, w.shape)
        expected = _as_tuple(reference(w, dw, *state, **hyper), len(names))
        for part, got_part, expected_part in zip(names, got, expected):
            try:
                assert_close(got_part, expected_part, rtol=rtol, atol=atol, what=f"{part}")
            except AssertionError as failure:
                matched = [f"{why}" for why, wrong in (mistakes or {}).items()
                           if all(np.allclose(g, e, rtol=1e-9, atol=1e-12)
                                  for g, e in zip(got, _as_tuple(wrong(w, dw, *state, **hyper), len(names))))]
                hint = f"\n    Likely mistake: {matched[0]}" if matched else ""
                settings = ", ".join(f"{key}={value:g}" for key, value in hyper.items())
                raise CheckFailed(f"{name}() parts from the reference at step {k} of {num_steps} "
                                  f"({k - 1} steps matched; {settings}; weights of shape {w.shape}): "
                                  f"{failure}{hint}") from None
        w, *rest = got
        state = tuple(rest)


def compare_trajectory(got, expected: np.ndarray, what: str, rtol: float = 1e-9, atol: float = 1e-12) -> None:
    """A whole returned trajectory against the reference's, naming the first iterate that differs."""
    got = as_array(got, what, expected.shape)
    for k in range(len(expected)):
        try:
            assert_close(got[k], expected[k], rtol=rtol, atol=atol, what=f"iterate {k}")
        except AssertionError as failure:
            raise CheckFailed(f"{what} parts from the reference at iterate {k} of {len(expected) - 1} "
                              f"({k} iterates matched): {failure}") from None
