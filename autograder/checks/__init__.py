"""Hidden checks: trusted code that calls a student's functions and judges what comes back.

Each assignment has a module here, named after it (``checks/gradients.py`` for the
``gradients`` exercise), holding one `Registry` called ``CHECKS``. A check belongs to one
autograded test cell of the notebook (by its nbgrader ``grade_id``); the cell's points
are shared among its checks by weight. A check is a function ``(student, rng) -> None``:

- ``student.call(name, *args, **kwargs)`` calls the notebook's function in the student's
  sandboxed process and returns plain data (or raises `StudentCallFailed`);
- ``rng`` is a NumPy generator seeded at grading time, so every grading run draws new
  problems and no submission can know them in advance;
- it raises `CheckFailed` (or the AssertionError of an `optlab.testing` helper) with a
  message that says what was wrong (observed and expected values, shapes), and returns
  None when the check passes.

A student's function may return anything (NaN, None, a string, an array of any shape or
dtype, a value that could not cross from the sandbox): a check validates what it uses
with the helpers here (`as_array`, `as_float`, `as_int`, `as_tuple`; `optlab.testing`'s
`as_image` for images) before computing with it, so that a wrong value fails with a
message saying what was expected and what came back (tests/test_crashing_returns.py
runs every check against such values).

Checks run in the grader's process; nothing the student's code does can reach them.
"""

from __future__ import annotations

import importlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from optlab import testing
from optlab.chapters import chapter
from optlab.testing import (
    as_float,
)  # one number or a 0-d array; NaN passes, for the comparison to report

from ..sandbox.harness import GeneratorArgument, ProblemArgument
from ..sandbox.numerics import reference_threads
from ..sandbox.session import InfrastructureError, StudentCallFailed
from .diagnosis import LIKELY_MISTAKE, WHAT_IT_DOES, Recording, diagnose

log = logging.getLogger(__name__)

# The start of the message of a check that raised something other than a failure (see run_checks).
UNJUDGED = "the grader could not judge the returned value"


class CheckFailed(AssertionError):
    """The student's function returned, but not the right thing; the message says how."""


# --- validating what a student's function returned -----------------------------------------


def describe(value) -> str:
    """A few words for a returned value: optlab.testing.describe, with the length of a list or dict
    and the value of a number."""
    if isinstance(value, list):
        return f"a list of {len(value)} values"
    if isinstance(value, dict):
        return f"a dict of {len(value)} entries"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {value!r}"
    return testing.describe(value)


def as_array(value, what: str, shape: tuple | None = None) -> np.ndarray:
    """optlab.testing.as_array (a NumPy array of real numbers, of ``shape`` if given, as float64),
    booleans refused as well: NumPy would count True and False as 1 and 0, which is not what was
    asked for."""
    if isinstance(value, np.ndarray) and value.dtype == bool:
        raise CheckFailed(
            f"{what}: expected real numbers, got an array of booleans of shape {value.shape}"
        )
    return testing.as_array(value, what, shape)


def as_int(value, what: str, at_least: int | None = None) -> int:
    """One whole number (an int, a 0-d integer array, or a float with nothing after the point) as
    an int."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu":
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        whole = value
    else:
        number = as_float(value, what)
        if not (math.isfinite(number) and number.is_integer()):
            raise CheckFailed(f"{what}: expected a whole number, got {number!r}")
        whole = int(number)
    if at_least is not None and whole < at_least:
        raise CheckFailed(f"{what}: expected a whole number of at least {at_least}, got {whole}")
    return whole


def as_tuple(value, names: tuple[str, ...], what: str) -> tuple:
    """The returned value as a tuple of ``len(names)`` parts (a list of as many will do), named in
    the message."""
    if isinstance(value, (tuple, list)) and len(value) == len(names):
        return tuple(value)
    raise CheckFailed(f"{what}: expected a tuple ({', '.join(names)}), got {describe(value)}")


@dataclass(frozen=True)
class Check:
    grade_id: str
    question: str  # what the check asks, shown in feedback
    run: Callable
    weight: float = 1.0
    assignment: str = ""  # whose reference the diagnosis of a failure compares with


@dataclass
class CheckResult:
    question: str
    passed: bool
    weight: float
    message: str = ""


@dataclass
class Registry:
    """The hidden checks of one assignment, grouped by the grade cell they score."""

    assignment: str
    # For each grade cell, the anchor of the section of the assignment's chapter that explains it.
    sections: dict[str, str] = field(default_factory=dict)
    # A named mistake (a phrase of its explanation) whose own section explains it better.
    mistake_sections: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[Check]] = field(default_factory=dict)
    # The functions whose docstrings promise new arrays: a result that shares memory with an
    # argument (a view of it) fails the call, as one that changes an argument in place does.
    returns_new: frozenset[str] = frozenset()

    @property
    def blocked(self) -> dict[str, str]:
        """Modules the exercise asks students to write themselves, unavailable while grading it
        (the chapter table's, optlab/chapters.py), each with what the student is told."""
        return dict(chapter(self.assignment).blocked)

    def check(self, grade_id: str, question: str, weight: float = 1.0):
        def register(function: Callable) -> Callable:
            self.groups.setdefault(grade_id, []).append(
                Check(grade_id, question, function, weight, self.assignment)
            )
            return function

        return register

    def section_for(self, grade_id: str, results: list[CheckResult]) -> str | None:
        """The anchor of the section that explains what failed in this cell: a named mistake's, or
        the cell's."""
        failed = " ".join(r.message for r in results if not r.passed)
        for phrase, anchor in self.mistake_sections.items():
            if phrase in failed:
                return anchor
        return self.sections.get(grade_id)


def load_registry(assignment: str) -> Registry:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", assignment):
        raise ValueError(f"not an assignment name: {assignment!r}")
    module = importlib.import_module(f"{__name__}.{assignment}")
    return module.CHECKS


def run_checks(
    checks: list[Check],
    student,
    seed: int,
    check_seconds: float | None = None,
    deadline: float | None = None,
    deadline_limit: str = "",
) -> list[CheckResult]:
    """Run each check with its own generator drawn from ``seed``; each passes or fails on its own.

    A check's calls into student code may take ``check_seconds`` in all, and none may run
    past ``deadline`` (time.monotonic(); the submission's limit, named by
    ``deadline_limit``): a check started after it fails without running.

    A check that raises something other than a failure (a grader bug: a returned value it
    did not validate, say) fails alone, with a message naming the exception, and is logged
    as a warning with its traceback for the instructor: raising would leave the whole
    submission not graded, and the student without the points of every right function.
    An `InfrastructureError` (the machine failed, not the student) and a MemoryError,
    KeyboardInterrupt or SystemExit of the grader are raised: no score can be given then.
    """
    results = []
    for index, check in enumerate(checks):
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            results.append(
                CheckResult(
                    check.question,
                    False,
                    check.weight,
                    f"not run: {deadline_limit}, and the checks before this one used it up",
                )
            )
            continue
        ends = (
            [(now + check_seconds, f"this check's calls may take {check_seconds:g} s in all")]
            if check_seconds
            else []
        )
        ends += [(deadline, deadline_limit)] if deadline is not None else []
        student.limit_time(*min(ends)) if ends else student.limit_time(None)
        rng = np.random.default_rng([seed, index])
        recording = Recording(student)
        try:
            # Overflow on a student's diverging values is theirs to see; the reference computes on
            # as many threads as the student's process does.
            with np.errstate(all="ignore"), reference_threads():
                check.run(recording, rng)
        except (AssertionError, StudentCallFailed) as failure:
            message = str(failure)
            if isinstance(failure, AssertionError) and not named(message):
                with np.errstate(all="ignore"), reference_threads():
                    message += diagnose(recording, reference_of(check.assignment))
            results.append(CheckResult(check.question, False, check.weight, message))
        except (InfrastructureError, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence; see the docstring
            log.warning(
                "hidden check %r (%s) raised instead of judging: a grader bug",
                check.question,
                check.grade_id,
                exc_info=True,
            )
            results.append(
                CheckResult(
                    check.question,
                    False,
                    check.weight,
                    f"{UNJUDGED} ({type(error).__name__}: {str(error)[:300]}); "
                    "this is the grader's fault, and the instructor has been told",
                )
            )
        else:
            results.append(CheckResult(check.question, True, check.weight))
    student.limit_time(None)
    return results


def named(message: str) -> bool:
    """Whether a failure's message already says what the answer does."""
    return LIKELY_MISTAKE in message or WHAT_IT_DOES in message


def reference_of(assignment: str):
    """The hidden reference module of ``assignment``, or None."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", assignment or ""):
        return None
    try:
        return importlib.import_module(f"autograder.reference.{assignment}")
    except ImportError:
        return None


def score(results: list[CheckResult], points: float) -> float:
    """The cell's points shared by the weights of the checks that passed (to 1/100 of a point)."""
    total = sum(r.weight for r in results)
    earned = sum(r.weight for r in results if r.passed)
    return round(points * earned / total, 2) if total else 0.0


def draw_until(rng: np.random.Generator, draw: Callable, telling: Callable, tries: int = 100):
    """``draw(rng)``, drawn again until ``telling(drawn)``: a problem on which a trivial wrong
    answer (a walk that stands still, an image returned unchanged) matches the reference
    cannot tell the two apart."""
    for _ in range(tries):
        drawn = draw(rng)
        if telling(drawn):
            return drawn
    raise RuntimeError(f"no draw in {tries} could tell a right answer from a trivial one")


def problem_argument(problem, method: str | None = None) -> ProblemArgument:
    """An argument the student's code receives as ``problem`` itself or one of its methods."""
    return ProblemArgument({"spec": problem.to_spec(), "method": method})


def generator_argument(seed: int) -> GeneratorArgument:
    """An argument the student's code receives as ``np.random.default_rng(seed)``."""
    return GeneratorArgument({"seed": int(seed)})
