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

Checks run in the grader's process; nothing the student's code does can reach them.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..sandbox.harness import GeneratorArgument, ProblemArgument
from ..sandbox.numerics import reference_threads
from ..sandbox.session import StudentCallFailed


class CheckFailed(AssertionError):
    """The student's function returned, but not the right thing; the message says how."""


@dataclass(frozen=True)
class Check:
    grade_id: str
    question: str          # what the check asks, shown in feedback
    run: Callable
    weight: float = 1.0


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
    # Modules the exercise asks students to write themselves: unavailable while grading it.
    blocked: dict[str, str] = field(default_factory=dict)
    # For each grade cell, the anchor of the section of the assignment's chapter that explains it.
    sections: dict[str, str] = field(default_factory=dict)
    # A named mistake (a phrase of its explanation) whose own section explains it better.
    mistake_sections: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[Check]] = field(default_factory=dict)

    def check(self, grade_id: str, question: str, weight: float = 1.0):
        def register(function: Callable) -> Callable:
            self.groups.setdefault(grade_id, []).append(Check(grade_id, question, function, weight))
            return function
        return register


    def section_for(self, grade_id: str, results: list["CheckResult"]) -> str | None:
        """The anchor of the section that explains what failed in this cell: a named mistake's, or the cell's."""
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


def run_checks(checks: list[Check], student, seed: int, check_seconds: float | None = None,
               deadline: float | None = None, deadline_limit: str = "") -> list[CheckResult]:
    """Run each check with its own generator drawn from ``seed``; a grader bug is raised, not scored.

    A check's calls into student code may take ``check_seconds`` in all, and none may run
    past ``deadline`` (time.monotonic(); the submission's limit, named by
    ``deadline_limit``): a check started after it fails without running.
    """
    results = []
    for index, check in enumerate(checks):
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            results.append(CheckResult(check.question, False, check.weight,
                                       f"not run: {deadline_limit}, and the checks before this one used it up"))
            continue
        ends = [(now + check_seconds, f"this check's calls may take {check_seconds:g} s in all")] if check_seconds else []
        ends += [(deadline, deadline_limit)] if deadline is not None else []
        student.limit_time(*min(ends)) if ends else student.limit_time(None)
        rng = np.random.default_rng([seed, index])
        try:
            # Overflow on a student's diverging values is theirs to see; the reference computes on
            # as many threads as the student's process does.
            with np.errstate(all="ignore"), reference_threads():
                check.run(student, rng)
        except (AssertionError, StudentCallFailed) as failure:
            results.append(CheckResult(check.question, False, check.weight, str(failure)))
        else:
            results.append(CheckResult(check.question, True, check.weight))
    student.limit_time(None)
    return results


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
