"""Naming a mistake: does a wrong answer equal what a known wrong version of the function gives?

Each check module keeps a catalog ``{explanation: wrong_version}``; a wrong version takes
the arguments the student's function was given and returns what the mistaken code would.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def same_values(got, wrong) -> bool:
    """Every part of ``got`` equals the matching part of ``wrong`` (to rtol 1e-6, NaN equal to NaN)."""
    with np.errstate(all="ignore"):
        return len(got) == len(wrong) and all(
            np.shape(g) == np.shape(e)
            and np.allclose(np.asarray(g, dtype=np.float64), np.asarray(e, dtype=np.float64),
                            rtol=1e-6, atol=1e-12, equal_nan=True)
            for g, e in zip(got, wrong))


def name_mistake(got, mistakes: dict[str, Callable], *args, **kwargs) -> str:
    """A line naming the first cataloged mistake whose output is ``got``, or '' when none is."""
    got = got if isinstance(got, tuple) else (got,)
    for why, wrong in mistakes.items():
        with np.errstate(all="ignore"):
            expected = wrong(*args, **kwargs)
        if same_values(got, expected if isinstance(expected, tuple) else (expected,)):
            return f"\n    Likely mistake: {why}"
    return ""
