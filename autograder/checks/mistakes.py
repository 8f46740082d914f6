"""Naming a mistake: does a wrong answer equal what a known wrong version of the function gives?

Each check module keeps a catalog ``{explanation: wrong_version}``; a wrong version takes
the arguments the student's function was given and returns what the mistaken code would.
Where two wrong versions give the same answer on a check's problem, `telling_mistake` asks the
student's function again, on probes of the check's choosing, and names a mistake only when
one alone fits them all.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..sandbox.session import StudentCallFailed
from .diagnosis import LIKELY_MISTAKE, unrecorded


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


def parts_of(answer) -> tuple:
    """An answer as the tuple of the values it returns (one value is a tuple of one)."""
    return answer if isinstance(answer, tuple) else (answer,)


def outputs_of(wrong: Callable, *args, **kwargs) -> tuple:
    """``parts_of`` what a wrong version returns on these arguments, its overflows and 0 / 0
    left quiet: a wrong formula may well divide by zero."""
    with np.errstate(all="ignore"):
        return parts_of(wrong(*args, **kwargs))


def telling_mistake(
    got, mistakes: dict[str, Callable], call: tuple[tuple, dict], right, *probes: Callable
) -> str:
    """The line naming the cataloged mistake whose output on ``call`` (positional and keyword
    arguments) is ``got`` and not the ``right`` answer, as `name_mistake` does; '' when none
    is, or when more than one is and the probes do not leave one alone.

    Two wrong versions can give the same answer on a check's problem (walks that never move, a
    factor 2 that is also sqrt(P) at P = 4). Then each of ``probes`` is called in turn, while
    more than one mistake is left: it returns the student's answer on another problem (a call
    left out of the recording, see `unrecorded_call`) and the call of the wrong versions there,
    and only the mistakes that give that answer too are kept. A tie that no probe breaks, or a
    probe that none fits (another mistake that agrees here by chance), names nothing."""
    matched = []
    for why, wrong in mistakes.items():
        output = outputs_of(wrong, *call[0], **call[1])
        if same_values(parts_of(got), output) and not same_values(output, parts_of(right)):
            matched.append(why)
    for probe in probes:
        if len(matched) < 2:
            break
        try:
            answer, arguments = probe()
        except (AssertionError, StudentCallFailed):  # the check's failure is what counts
            return ""
        if answer is None:
            return ""
        matched = [
            why
            for why in matched
            if same_values(
                parts_of(answer), outputs_of(mistakes[why], *arguments[0], **arguments[1])
            )
        ]
    return f"\n    {LIKELY_MISTAKE}{matched[0]}" if len(matched) == 1 else ""


def unrecorded_call(student, name: str, *args, **kwargs):
    """The student's ``name`` on ``args``, a call of the grader's own, left out of the
    recording (the diagnosis describes the calls the checks made)."""
    with unrecorded(student):
        return student.call(name, *args, **kwargs)
