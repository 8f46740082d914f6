"""Whatever a student's function returns, the grading goes on: each hidden check fails cleanly.

A value a check did not foresee (NaN where a count is expected, None, a string, an array of
the wrong shape or dtype, a value that could not cross from the sandbox) must fail only
the checks that use it, with a message that says what came back; if it crashed a check,
the whole submission would end not graded and the student would lose the points of every
right function. Every check of every exercise runs here, in this process, against a fake
student that returns such values: for every call, and in place of one part of the right
answer (the solution notebook's, computed here). run_checks fails a check that raises
anyway (its last line of defence, UNJUDGED in the message); no check may need it.
"""

from __future__ import annotations

import copy
import functools
import logging

import numpy as np
import pytest
from grading_support import ROOT, LocalStudent, solution_namespace

from autograder.checks import UNJUDGED, Check, load_registry, run_checks
from autograder.course import assignments
from autograder.sandbox import harness
from autograder.sandbox.session import InfrastructureError

SEED = 0

# What a student's function might return, each as the grader receives it (through the wire format).
RETURNS = {
    "nan": float("nan"),
    "inf": float("inf"),
    "-inf": float("-inf"),
    "None": None,
    "a string": "0.5",
    "True": True,
    "a negative int": -3,
    "a huge int": 2**62,
    "a list": [1.0, 2.0],
    "an empty list": [],
    "a dict": {"w": 1.0},
    "a 1-tuple": (1.0,),
    "a 5-tuple": (1.0, 2.0, 3.0, 4.0, 5.0),
    "a nested structure": [[1.0, [2.0, (3.0, None)]], {"w": {"v": []}}],
    "a bool array": np.array([True, False, True]),
    "an int8 array": np.arange(3, dtype=np.int8),
    "a complex array": np.array([1 + 2j, 3j, 0j]),
    "a float16 array": np.array([0.5, 1.5, 2.5], dtype=np.float16),
    "a NumPy scalar (a 0-d array)": np.float64(2.5),
    "a 0-d NaN": np.array(np.nan),
    "an empty array": np.zeros((0, 3)),
    "a huge array": np.ones(1_000_000),
    "an array of NaN": np.full(3, np.nan),
    "a 3-d array": np.ones((2, 3, 4)),
    "a set (undecodable)": {1, 2},
    "an array of objects (undecodable)": np.array([None, 1], dtype=object),
}
CORPUS = {name: harness.decode(harness.encode(value)) for name, value in RETURNS.items()}


def every_check() -> list[tuple[str, Check]]:
    return [
        (assignment, check)
        for assignment in assignments(ROOT)
        for checks in load_registry(assignment).groups.values()
        for check in checks
    ]


CHECKS = every_check()


class Idle:
    """A student whose calls cannot be timed (the checks' time limits are the sandbox's)."""

    def limit_time(self, deadline, limit: str = "") -> None:
        pass


class ReturnsAlways(Idle):
    """Returns the same value for every call."""

    def __init__(self, value):
        self.value = value

    def call(self, name, *args, **kwargs):
        return copy.deepcopy(self.value)


# --- the right answer, one part corrupted ----------------------------------------------------

MISSING = object()


def part_at(value, path: tuple):
    for key in path:
        if (
            isinstance(value, (tuple, list))
            and isinstance(key, int)
            and key < len(value)
            or isinstance(value, dict)
            and key in value
        ):
            value = value[key]
        else:
            return MISSING
    return value


def replaced(value, path: tuple, new):
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, key: replaced(value[key], rest, new)}
    parts = list(value)
    parts[key] = replaced(parts[key], rest, new)
    return tuple(parts) if isinstance(value, tuple) else parts


def paths(value) -> list[tuple]:
    """Where a returned value can be corrupted: each element of a tuple (or the whole value), and
    the middle entry of each dict or list among those (a network's parameter, a batch)."""
    tops = [(i,) for i in range(len(value))] if isinstance(value, tuple) else [()]
    inner = []
    for path in tops:
        part = part_at(value, path)
        if isinstance(part, (dict, list)) and part:
            keys = sorted(part) if isinstance(part, dict) else range(len(part))
            inner.append(path + (list(keys)[len(part) // 2],))
    return tops + inner


def same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    return type(a) is type(b) and repr(a) == repr(b)


class CorruptingStudent(LocalStudent):
    """The solution's functions, run here, with the part at ``path`` of every result replaced by
    ``corrupt(part)`` (MISSING: left alone); records the paths the results have."""

    def __init__(self, namespace: dict, path: tuple | None = None, corrupt=None):
        super().__init__(namespace)
        self.path, self.corrupt = path, corrupt
        self.paths: set[tuple] = set()
        self.corrupted = False  # whether any result came back changed

    def call(self, name, *args, **kwargs):
        right = super().call(name, *args, **kwargs)
        self.paths.update(paths(right))
        part = MISSING if self.path is None else part_at(right, self.path)
        if part is MISSING:
            return right
        new = self.corrupt(part)
        if new is MISSING or same(new, part):
            return right
        self.corrupted = True
        return replaced(right, self.path, new)


def with_entry(number: float):
    """A corruption: the part with one entry (the middle one of an array, or the part if a number)
    set to ``number``; MISSING for a part that holds no numbers."""

    def corrupt(part):
        if isinstance(part, np.ndarray) and part.size:
            changed = part.astype(part.dtype if part.dtype.kind in "fc" else np.float64)
            changed.flat[part.size // 2] = number
            return changed
        if isinstance(part, (int, float)) and not isinstance(part, bool):
            return number
        return MISSING

    return corrupt


CORRUPTIONS = {
    f"{name} in place of the part": (lambda part, value=value: copy.deepcopy(value))
    for name, value in CORPUS.items()
}
CORRUPTIONS.update(
    {"a NaN entry in the part": with_entry(np.nan), "an inf entry in the part": with_entry(np.inf)}
)


@functools.cache
def namespace(assignment: str) -> dict:
    return solution_namespace(assignment)


@functools.cache
def right_answer_runs(seed: int) -> list[tuple[str, Check, bool, str, list[tuple]]]:
    """For each check, run with the right answers: (assignment, check, passed, message, paths of
    its results)."""
    runs = []
    for assignment, check in CHECKS:
        student = CorruptingStudent(namespace(assignment))
        (result,) = run_checks([check], student, seed)
        runs.append(
            (assignment, check, result.passed, result.message, sorted(student.paths, key=repr))
        )
    return runs


def unclean(result) -> str | None:
    """What is wrong with how a check judged a crashing return, or None if it failed cleanly."""
    if result.passed:
        return "passed"
    if not result.message.strip():
        return "failed without a message"
    if UNJUDGED in result.message:
        return f"raised: {result.message}"
    return None


def report(problems: list[str]) -> str:
    return f"{len(problems)} checks did not fail cleanly, e.g.:\n" + "\n".join(problems[:10])


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [SEED, 1])
def test_does_every_check_pass_with_the_right_answers_of_the_fake_student(seed):
    failed = [
        f"{assignment}: {check.question}: {message}"
        for assignment, check, passed, message, _ in right_answer_runs(seed)
        if not passed
    ]
    assert not failed, failed


@pytest.mark.parametrize("name", CORPUS)
def test_does_every_check_fail_cleanly_when_every_call_returns(name):
    problems = []
    for assignment, check in CHECKS:
        (result,) = run_checks([check], ReturnsAlways(CORPUS[name]), SEED)
        if why := unclean(result):
            problems.append(f"{assignment}: {check.question}: {why}")
    assert not problems, report(problems)


# Checks that score one part of a returned pair, so that each part earns its own points: the
# other part is validated (a positive finite number) but not compared, so a valid number in it
# passes. Any other corruption of it must still fail the check.
UNSCORED = {
    ("Does exponential decay with its constant end at lr_end after total_steps steps?", (1,)),
    ("Does 1/t decay with its constant end at lr_end after total_steps steps?", (0,)),
    ("Is its P the largest whose Newton Hessian fits in the memory?", (1,)),
    ("Is its P the largest whose L-BFGS pairs fit in the memory?", (0,)),
}
VALID_NUMBERS = {
    "a huge int in place of the part",
    "a NumPy scalar (a 0-d array) in place of the part",
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_does_every_check_fail_cleanly_on_a_crashing_value_in_any_returned_part(corruption):
    problems, runs = [], 0
    for assignment, check, _, _, result_paths in right_answer_runs(SEED):
        for path in result_paths:
            student = CorruptingStudent(namespace(assignment), path, CORRUPTIONS[corruption])
            (result,) = run_checks([check], student, SEED)
            if not student.corrupted:
                # No result had this part, or it already was this value (a mask of None, say).
                continue
            runs += 1
            if (
                result.passed
                and corruption in VALID_NUMBERS
                and (check.question, path) in UNSCORED
            ):
                continue
            if why := unclean(result):
                problems.append(f"{assignment}: {check.question} (part {path}): {why}")
    assert runs > len(CHECKS) / 2, f"only {runs} runs had a part corrupted"
    assert not problems, report(problems)


def test_does_a_nan_iteration_count_from_lbfgs_fail_with_a_message_about_the_count():
    """What once left a submission not graded: int(nan) raised ValueError in the lbfgs checks."""
    right = namespace("second_order")["lbfgs"]

    def lbfgs(*args, **kwargs):
        w, _, history = right(*args, **kwargs)
        return w, float("nan"), history

    results = run_checks(
        load_registry("second_order").groups["test_lbfgs"], LocalStudent({"lbfgs": lbfgs}), SEED
    )
    assert results and all(
        not r.passed and "the iteration count: expected a whole number, got nan" in r.message
        for r in results
    ), [r.message for r in results]


def test_does_a_check_that_raises_fail_alone_and_warn_the_instructor(caplog):
    def crashes(student, rng):
        int(float("nan"))

    checks = [
        Check("test_x", "Does it crash?", crashes),
        Check("test_x", "Does it pass?", lambda student, rng: None),
    ]
    with caplog.at_level(logging.WARNING, logger="autograder.checks"):
        results = run_checks(checks, Idle(), SEED)
    assert [r.passed for r in results] == [False, True]
    assert (
        UNJUDGED in results[0].message
        and "ValueError: cannot convert float NaN to integer" in results[0].message
    )
    assert "Does it crash?" in caplog.text and "Traceback" in caplog.text


@pytest.mark.parametrize(
    "error",
    [
        InfrastructureError("the student process was killed from outside"),
        MemoryError(),
        KeyboardInterrupt(),
        SystemExit(1),
    ],
    ids=lambda error: type(error).__name__,
)
def test_does_a_failure_of_the_grading_machine_still_stop_the_grading(error):
    def raises(student, rng):
        raise error

    with pytest.raises(type(error)):
        run_checks([Check("test_x", "Does it stop?", raises)], Idle(), SEED)
