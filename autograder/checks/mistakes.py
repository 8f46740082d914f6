"""Naming a mistake: does a wrong answer equal what a known wrong version of the function gives?

Each check module keeps a catalog ``{explanation: wrong_version}``; a wrong version takes
the arguments the student's function was given and returns what the mistaken code would.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def same_values(got, wrong) -> bool:
    """Every part of ``got`` equals the matching part of ``wrong`` (to rtol 1e-6, NaN equal to
    NaN).

    A part of ``got`` that is not real numbers (None, a string, complex numbers) equals nothing."""
    with np.errstate(all="ignore"):
        return len(got) == len(wrong) and all(
            is_real(g)
            and np.shape(g) == np.shape(e)
            and np.allclose(
                np.asarray(g, dtype=np.float64),
                np.asarray(e, dtype=np.float64),
                rtol=1e-6,
                atol=1e-12,
                equal_nan=True,
            )
            for g, e in zip(got, wrong)
        )


def is_real(value) -> bool:
    """A number or an array of real numbers (booleans included): what a wrong version can
    return."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf"
    return isinstance(value, (int, float))


def name_mistake(got, mistakes: dict[str, Callable], *args, right_answer=None, **kwargs) -> str:
    """A line naming the first cataloged mistake whose output is ``got``, or '' when none is.

    Given the ``right_answer`` on these arguments, a mistake whose output is that answer is
    passed over: it did not make this answer wrong (on a 1-D w, say, perturbing whole rows is
    perturbing entries)."""
    got = got if isinstance(got, tuple) else (got,)
    right = right_answer if isinstance(right_answer, tuple) else (right_answer,)
    for why, wrong in mistakes.items():
        with np.errstate(all="ignore"):
            output = wrong(*args, **kwargs)
        output = output if isinstance(output, tuple) else (output,)
        if same_values(got, output) and not (
            right_answer is not None and same_values(output, right)
        ):
            return f"\n    Likely mistake: {why}"
    return ""
