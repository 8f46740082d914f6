"""Saying what a wrong answer does, when no cataloged mistake matches it.

Every call a check makes into the student's code is recorded (`Recording`). When the check
fails and its message names no mistake, the last recorded call whose answer differs from
the hidden reference's on the same inputs is described in words (`what_it_does`): how the
answer relates to the right one (scaled by a constant, sign flipped, transposed, equal to
an input it was given, right in all but a few entries, right only to float32's precision),
which input change would make the reference give it (an argument left at its default, a
step count one off, a state treated as zero, two arguments swapped, a list reversed), which
input it ignores (changing it does not change the answer), and whether the same function
was right on earlier calls of the check. The line starts with `WHAT_IT_DOES`.

A diagnosis only adds words to a failure: it is computed after the verdict, and anything
that goes wrong while computing it (a student call that fails or runs out of time) leaves
the failure's message as it was.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from types import ModuleType

import numpy as np

from ..sandbox import harness
from ..sandbox.session import InfrastructureError, StudentCallFailed

WHAT_IT_DOES = "What it does: "
LIKELY_MISTAKE = "Likely mistake: "
# Two answers agree when they are this close: far below any difference a mistake makes, far
# above round-off.
AGREE = {"rtol": 1e-7, "atol": 1e-12}
# Agreement to about float32's precision only.
FLOAT32 = {"rtol": 3e-5, "atol": 1e-7}


@dataclass
class Call:
    """One call a check made into the student's code, and what came back."""

    name: str
    args: tuple
    kwargs: dict
    returned: object = None
    failed: bool = False


@dataclass
class Recording:
    """A student (a sandbox session, or a stand-in) whose calls are recorded for a diagnosis."""

    student: object
    calls: list[Call] = field(default_factory=list)
    paused: bool = False

    def call(self, name: str, *args, **kwargs):
        if self.paused:
            return self.student.call(name, *args, **kwargs)
        # The grader's own copies: a check may go on to change its arrays.
        record = Call(name, copy.deepcopy(args), copy.deepcopy(kwargs))
        self.calls.append(record)
        try:
            record.returned = self.student.call(name, *args, **kwargs)
        except StudentCallFailed:
            record.failed = True
            raise
        return record.returned

    def __getattr__(self, name):
        return getattr(self.student, name)


@contextmanager
def unrecorded(student):
    """Calls made in this block are left out of ``student``'s recording: a check's own probes
    after a failure, which are not the calls the failure is about."""
    if not isinstance(student, Recording):
        yield
        return
    was, student.paused = student.paused, True
    try:
        yield
    finally:
        student.paused = was


def diagnose(recording: Recording, reference: ModuleType | None) -> str:
    """The line that says what the student's answer does, or '' when nothing is found."""
    if reference is None:
        return ""
    try:
        words = what_it_does(recording, reference)
    except (InfrastructureError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - a diagnosis that cannot be made leaves the message as it was
        return ""
    return f"\n    {WHAT_IT_DOES}{words}" if words else ""


def what_it_does(recording: Recording, reference: ModuleType) -> str:
    """Words for the last recorded call whose answer is not the reference's."""
    calls = [
        c for c in recording.calls if not c.failed and callable(getattr(reference, c.name, None))
    ]
    for index in range(len(calls) - 1, -1, -1):
        call = calls[index]
        right = getattr(reference, call.name)
        expected = _run(right, call.args, call.kwargs)
        if expected is _FAILED:
            continue
        if _agrees(call.returned, expected):
            if changed_dtype := _changed_dtype(call.returned, expected):
                return changed_dtype
            continue
        earlier = [c for c in calls[:index] if c.name == call.name]
        # Randomness from elsewhere than the generator given explains any values: said first.
        words = _random_source(recording.student, call, right, expected) or _relation(
            call, right, expected, recording.student
        )
        probe = "" if words else _probe(recording.student, call, right, expected)
        history = _history(call, earlier, right)
        return "; ".join(part for part in (words or probe, history) if part)
    return ""


# --- comparing answers ------------------------------------------------------------------------


_FAILED = object()


def _run(function: Callable, args: tuple, kwargs: dict):
    """``function`` on fresh copies of the arguments (problems and generators built anew), or
    _FAILED."""
    try:
        with np.errstate(all="ignore"):
            return function(
                *(harness.build(copy.deepcopy(a)) for a in args),
                **{k: harness.build(copy.deepcopy(v)) for k, v in kwargs.items()},
            )
    except Exception:  # noqa: BLE001 - an input the reference refuses tells nothing
        return _FAILED


def _parts(value) -> list:
    """The leaves of an answer: the parts of a tuple or list, and the entries of a dict (by
    sorted key), one level down."""
    return [leaf for _, leaf in _leaves(value)]


def _leaves(value) -> list[tuple[str, object]]:
    """(words for where it is, leaf) for each leaf of an answer."""
    if isinstance(value, dict):
        return [(f"its entry {key!r}", value[key]) for key in sorted(value, key=str)]
    if not isinstance(value, (tuple, list)) or _numbers(value) is not None:
        return [("the value it returns", value)]
    leaves = []
    for index, part in enumerate(value):
        where = _ordinal(index, len(value))
        if isinstance(part, dict):
            leaves += [(f"entry {k!r} of {where}", part[k]) for k in sorted(part, key=str)]
        else:
            leaves.append((where, part))
    return leaves


def _numbers(value):
    """``value`` as a float64 array when it is real numbers, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.astype(np.float64)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        return np.asarray(value, dtype=np.float64)
    return None


def _close(got, expected, tolerance=AGREE) -> bool:
    g, e = _numbers(got), _numbers(expected)
    if g is None or e is None or g.shape != e.shape:
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(g, e, equal_nan=True, **tolerance))


def _agrees(got, expected) -> bool:
    gs, es = _parts(got), _parts(expected)
    return len(gs) == len(es) and all(
        (g is None and e is None) or _close(g, e) for g, e in zip(gs, es)
    )


def _ordinal(index: int, count: int) -> str:
    if count == 1:
        return "the value it returns"
    words = ["first", "second", "third", "fourth", "fifth", "sixth"]
    word = words[index] if index < len(words) else f"{index + 1}th"
    return f"the {word} of the {count} values it returns"


def _named_arguments(function: Callable, args: tuple, kwargs: dict) -> dict:
    """The call's arguments by the reference's parameter names, defaults included."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError:
        return {}
    bound.apply_defaults()
    return dict(bound.arguments)


def _defaults(function: Callable) -> dict:
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


# --- how an answer relates to the right one -------------------------------------------------


def _relation(call: Call, right: Callable, expected, student=None) -> str:
    """How the first wrong leaf of the answer relates to the right one, or ''."""
    gots, expecteds = _leaves(call.returned), _leaves(expected)
    if [where for where, _ in gots] != [where for where, _ in expecteds]:
        return _missing_parts(gots, expecteds)
    arguments = _named_arguments(right, call.args, call.kwargs)
    if swapped := _reordered(gots, expecteds):
        return swapped
    for index, ((what, got), (_, want)) in enumerate(zip(gots, expecteds)):
        if _close(got, want) or (got is None and want is None):
            continue
        if want is None:
            return f"{what} is a value where the right answer is None (nothing is asked there)"
        g, e = _numbers(got), _numbers(want)
        if g is None or e is None:
            return ""
        if e.ndim == 0 and g.size > 1 and _close(g.sum(), e):
            return f"{what} is an array whose sum is the right number: sum it"
        found = _equal_to_input(g, e, arguments)
        if g.size == 1:  # of one number, a plain factor says more than a changed input
            found = (
                found
                or _compared(g, e, arguments)
                or _as_if(call, right, expected, index, student)
            )
        else:
            found = (
                found
                or _as_if(call, right, expected, index, student)
                or _compared(g, e, arguments)
            )
        found = found or _sliced(g, e)
        return f"{what} {found}" if found else ""
    return ""


def _changed_dtype(got, expected) -> str:
    """The right values in another dtype, in words, or ''."""
    for (where, g), (_, e) in zip(_leaves(got), _leaves(expected)):
        if isinstance(g, np.ndarray) and isinstance(e, np.ndarray) and g.dtype != e.dtype:
            return f"{where} has the right values as {g.dtype}, where the answer is {e.dtype}"
    return ""


def _reordered(gots: list, expecteds: list) -> str:
    """The right values of a tuple returned in another order, or ''."""
    if len(gots) < 2 or any(where.startswith(("its entry", "entry")) for where, _ in gots):
        return ""  # a dict's entries have keys, not an order
    order = []
    for _, want in expecteds:
        matches = [i for i, (_, got) in enumerate(gots) if i not in order and _close(got, want)]
        if not matches:
            return ""
        order.append(matches[0])
    if order == sorted(order):
        return ""
    first = next(i for i, j in enumerate(order) if i != j)
    short = lambda i: _ordinal(i, len(gots)).split(" of the ")[0].removeprefix("the ")  # noqa: E731
    return (
        f"returns the right values in another order: the right answer's {short(first)} value "
        f"is its {short(order[first])}"
    )


def _missing_parts(gots: list, expecteds: list) -> str:
    """Entries of a dict answer that are missing or extra."""
    got_names, expected_names = [w for w, _ in gots], [w for w, _ in expecteds]
    missing = [w for w in expected_names if w not in got_names]
    extra = [w for w in got_names if w not in expected_names]
    if len(got_names) != len(expected_names) and not any(
        w.startswith(("its entry", "entry")) for w in got_names + expected_names
    ):
        return f"has {len(got_names)} value(s) where the right answer has {len(expected_names)}"
    if not (missing or extra) or not all(
        w.startswith(("its entry", "entry")) for w in got_names + expected_names
    ):
        return ""
    said = []
    if missing:
        said.append("has no " + ", ".join(w.removeprefix("its ") for w in missing[:4]))
    if extra:
        said.append("has an extra " + ", ".join(w.removeprefix("its ") for w in extra[:4]))
    return "the dict it returns " + " and ".join(said)


def _sliced(g: np.ndarray, e: np.ndarray) -> str:
    """An answer that is the right one with rows missing or added at an end."""
    if g.ndim == 0 or e.ndim == 0 or g.shape[1:] != e.shape[1:] or g.shape == e.shape:
        return ""
    if len(g) < len(e):
        if _close(g, e[len(e) - len(g) :]):
            return f"is the right answer without its first {len(e) - len(g)} row(s)"
        if _close(g, e[: len(g)]):
            return f"is the right answer without its last {len(e) - len(g)} row(s)"
    elif _close(g[len(g) - len(e) :], e):
        return f"is the right answer with {len(g) - len(e)} extra row(s) in front"
    elif _close(g[: len(e)], e):
        return f"is the right answer with {len(g) - len(e)} extra row(s) at the end"
    return ""


def _equal_to_input(g: np.ndarray, e: np.ndarray, arguments: dict) -> str:
    given = []
    for name, value in arguments.items():
        if isinstance(value, dict):
            given += [(f"{name}[{key!r}]", v) for key, v in value.items()]
        else:
            given.append((name, value))
    for name, value in given:
        numbers = _numbers(value)
        telling = numbers is not None and (
            numbers.size > 1
            or isinstance(value, (int, np.integer))
            or float(numbers) not in (0.0, 1.0, -1.0)
        )
        if telling and _close(g, numbers) and not _close(e, numbers):
            return f"is `{name}`, the value it was given, unchanged"
    if e.ndim >= 1 and len(e) > 1 and g.shape == e.shape[1:] and _close(g, e[-1]):
        return "is only the last row of the right answer"
    return ""


def _as_if(call: Call, right: Callable, expected, index: int, student=None) -> str:
    """The input change that makes the reference give the student's answer, in words."""
    arguments = _named_arguments(right, call.args, call.kwargs)
    if not arguments:
        return ""
    gots = _parts(call.returned)
    # One number (a step size from a few halvings, a count) matches many changed inputs by
    # chance: only a count one off is said of it, and a changed number that the student's
    # function, called again on nearby inputs, still follows.
    one_number = len(gots) == 1 and np.size(gots[0]) == 1
    changes = [
        (lambda a, changed=changed: changed, words)
        for changed, words in _changed_inputs(right, arguments)
    ]
    for change, words in (*changes, *_changed_numbers(arguments)):
        changed = change(arguments)
        if one_number and not words.endswith("one off"):
            if student is None or not _follows(student, call, right, change, arguments):
                continue
        value = _run(right, (), changed)
        if value is _FAILED:
            continue
        # Every part, not only the one that is wrong: one number can match by chance.
        parts = _parts(value)
        whole = np.size(gots[index]) > 1 or _agrees(call.returned, value)
        if (
            whole
            and len(parts) == len(gots)
            and all(
                _close(g, p) or (j != index and _close(g, e))
                for j, (g, p, e) in enumerate(zip(gots, parts, _parts(expected)))
            )
        ):
            return f"is what the right rule gives {words}"
    return ""


def _changed_inputs(right: Callable, arguments: dict):
    """Inputs that differ from the call's by one mistake a student makes, each with words."""
    defaults = _defaults(right)
    arrays = {n: v for n, v in arguments.items() if isinstance(v, np.ndarray) and v.size}
    for name, value in arguments.items():
        if isinstance(value, bool):
            yield {**arguments, name: not value}, f"with `{name}`={not value}, not {value}"
        elif isinstance(value, (int, np.integer)):
            for other in (value - 1, value + 1):
                yield (
                    {**arguments, name: type(value)(other)},
                    f"with `{name}`={other} instead of {value}: one off",
                )
        elif isinstance(value, (float, np.floating)):
            default = defaults.get(name)
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                if not np.isclose(default, value):
                    yield (
                        {**arguments, name: type(value)(default)},
                        f"with `{name}` at its default {default:g}, not the {value:g} passed: "
                        f"it ignores `{name}`",
                    )
    for name, value in arrays.items():
        if np.any(value):
            yield (
                {**arguments, name: np.zeros_like(value)},
                f"with `{name}` all zeros, as if `{name}` played no part",
            )
    names = list(arrays)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if arrays[a].shape == arrays[b].shape and not np.array_equal(arrays[a], arrays[b]):
                yield (
                    {**arguments, a: arrays[b], b: arrays[a]},
                    f"with `{a}` and `{b}` swapped",
                )
    for name, value in arguments.items():
        if isinstance(value, list) and len(value) > 1:
            yield {**arguments, name: value[::-1]}, f"with `{name}` in reverse order"
    lists = [n for n, v in arguments.items() if isinstance(v, list) and len(v) > 1]
    for i, a in enumerate(lists):
        for b in lists[i + 1 :]:
            if len(arguments[a]) == len(arguments[b]):
                yield (
                    {**arguments, a: arguments[b], b: arguments[a]},
                    f"with `{a}` and `{b}` swapped",
                )


# The factors a number is most often off by: a constant forgotten or doubled (1/2 of a
# square's derivative, the 3 of a cube's, 8 bytes a float64), and their inverses.
FACTORS = (2, 3, 4, 8)


def _changed_numbers(arguments: dict):
    """Number inputs changed as a formula slip changes them, each (change: arguments ->
    changed arguments, words): scaled by a common constant, squared or square-rooted, left
    out (taken as 1), read as 1 - itself, multiplied or divided by another number input, or
    swapped with one."""
    numbers = [
        n
        for n, v in arguments.items()
        if isinstance(v, (int, float, np.integer, np.floating))
        and not isinstance(v, bool)
        and np.isfinite(v)
        and v not in (0, 1)
    ]
    floats = [n for n in numbers if isinstance(arguments[n], (float, np.floating))]

    def with_(name, how):
        return lambda a: {**a, name: type(a[name])(how(a[name]))}

    for name in numbers:
        value = arguments[name]
        for k in FACTORS:
            yield with_(name, lambda v, k=k: v * k), f"with `{name}` {k} times as large"
            if name in floats or value % k == 0:
                divided = (lambda v, k=k: v / k) if name in floats else (lambda v, k=k: v // k)
                yield with_(name, divided), f"with `{name}` divided by {k}"
        yield with_(name, lambda v: v * v), f"with `{name}` squared"
        if value > 0:
            yield with_(name, lambda v: 1), f"with `{name}` taken as 1, as if it played no part"
        if name in floats and value > 0:
            yield with_(name, np.sqrt), f"with the square root of `{name}` in its place"
        if name in floats and 0 < value < 1:
            yield with_(name, lambda v: 1 - v), f"with 1 - `{name}` in place of `{name}`"
    for a in floats:
        for b in floats:
            if a != b:
                yield (
                    (lambda x, a=a, b=b: {**x, a: x[a] * x[b]}),
                    f"with `{a}` times `{b}` in place of `{a}`",
                )
                yield (
                    (lambda x, a=a, b=b: {**x, a: x[a] / x[b]}),
                    f"with `{a}` divided by `{b}` in place of `{a}`",
                )
                if a < b:
                    yield (
                        (lambda x, a=a, b=b: {**x, a: x[b], b: x[a]}),
                        f"with `{a}` and `{b}` swapped",
                    )


# How far inputs are moved to see whether an answer follows a changed input: enough to move
# any answer that depends on them smoothly, little enough to keep them valid.
NUDGE = 1.037


def _follows(student, call: Call, right: Callable, change: Callable, arguments: dict) -> bool:
    """Whether the student's function, called again with its number inputs nudged, still
    gives what the reference gives with ``change`` applied to them, where that differs from
    before: a relation that holds at two inputs, not a coincidence at one."""
    nudged = dict(arguments)
    for name, value in arguments.items():
        if isinstance(value, (float, np.floating)):
            nudged[name] = type(value)(value * NUDGE)
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 30:
            nudged[name] = type(value)(round(value * NUDGE))
    if all(nudged[name] is value for name, value in arguments.items()):
        return False
    want, before = _run(right, (), change(nudged)), _run(right, (), change(arguments))
    if want is _FAILED or before is _FAILED or _agrees(want, before):
        return False
    answer = _call_with(student, call, nudged)
    return answer is not _FAILED and _agrees(answer, want)


def _compared(g: np.ndarray, e: np.ndarray, arguments: dict) -> str:
    """How ``g`` relates to ``e`` by itself: a constant factor, a transpose, a few entries."""
    if g.shape != e.shape:
        if g.ndim == 2 and g.T.shape == e.shape and _close(g.T, e):
            return "is the right array transposed"
        if g.size == e.size and _close(g.reshape(e.shape), e):
            return f"has the right values in shape {g.shape}, not {e.shape}"
        return ""
    if not np.all(np.isfinite(g)):
        return ""
    if _close(g, -e):
        return "is the right value with its sign flipped"
    scale = _scale(g, e)
    if scale is not None:
        # One number is always some multiple of another: only a factor with a meaning says
        # anything then.
        words = _name_of(scale, arguments, meaningful_only=g.size < 3)
        if words:
            return f"is the right value times {words}"
    if _rounded_to_float32(g) and not _rounded_to_float32(e) and _close(g, e, FLOAT32):
        return (
            "is the right value rounded to float32 (about 7 digits): part of the computation "
            "is in float32"
        )
    if g.ndim == 2 and g.shape == g.T.shape and _close(g.T, e):
        return "is the right array transposed"
    if g.size > 1 and _close(np.sort(g, axis=None), np.sort(e, axis=None)):
        return "has the right values in another order"
    offset = g - e
    if g.size > 1 and np.allclose(offset, offset.flat[0], rtol=1e-7, atol=1e-12):
        return f"is the right value plus a constant {offset.flat[0]:.6g}"
    wrong = ~np.isclose(g, e, **AGREE)
    if g.size > 3 and 0 < wrong.sum() <= max(1, g.size // 4):
        where = [tuple(int(i) for i in index) for index in np.argwhere(wrong)[:3]]
        shown = ", ".join(str(w[0] if len(w) == 1 else w) for w in where)
        more = ", ..." if wrong.sum() > 3 else ""
        return (
            f"is right except at {int(wrong.sum())} of its {g.size} entries (index {shown}{more})"
        )
    return ""


def _rounded_to_float32(values: np.ndarray) -> bool:
    """Every entry is a float32 number: what float32 arithmetic leaves, converted back."""
    return bool(np.all(values.astype(np.float32).astype(np.float64) == values))


def _scale(g: np.ndarray, e: np.ndarray) -> float | None:
    """The constant c with g = c e, when there is one and it is not 1."""
    norm = float(np.vdot(e, e))
    if norm == 0 or not np.isfinite(norm):
        return None
    c = float(np.vdot(g, e)) / norm
    if c == 0 or np.isclose(c, 1, rtol=1e-4) or not _close(g, c * e):
        return None
    return c


# Constants a formula holds that a slip leaves out or puts in: a logarithm's base, the normal
# distribution's sqrt(2 pi), a square root's 2.
CONSTANTS = (
    (np.log(10), "ln 10 (2.3026): a natural logarithm where log10 is taken, or the reverse"),
    (1 / np.log(10), "1/ln 10 (0.4343): log10 where the natural logarithm is asked"),
    (np.log(2), "ln 2 (0.6931): log2 where the natural logarithm is asked, or the reverse"),
    (1 / np.log(2), "1/ln 2 (1.4427): log2 where the natural logarithm is asked"),
    (np.sqrt(2 * np.pi), "sqrt(2 pi) (2.5066)"),
    (1 / np.sqrt(2 * np.pi), "1/sqrt(2 pi) (0.3989)"),
    (np.sqrt(np.pi / 2), "sqrt(pi/2) (1.2533), 1/2 over 1/sqrt(2 pi)"),
    (np.sqrt(2 / np.pi), "sqrt(2/pi) (0.7979)"),
    (np.sqrt(2), "sqrt(2)"),
    (1 / np.sqrt(2), "1/sqrt(2)"),
    (np.pi, "pi"),
    (1 / np.pi, "1/pi"),
    (np.e, "e"),
    (1 / np.e, "1/e"),
)


def _name_of(scale: float, arguments: dict, meaningful_only: bool = False) -> str:
    """A constant factor in words: an argument's value (or its reciprocal, square or negative),
    an array argument's dimension, or a simple fraction; else the number, or '' when
    ``meaningful_only``."""
    candidates = []
    for name, value in arguments.items():
        number = _numbers(value)
        if isinstance(value, bool) or number is None:
            continue
        if number.size == 1:
            number = float(number)
            if number not in (0.0, 1.0, -1.0):
                candidates += [
                    (number, f"`{name}` ({number:g})"),
                    (1 / number, f"1/`{name}` (1/{number:g})"),
                    (-number, f"-`{name}` ({-number:g})"),
                ]
                # Powers of a small count, and complements, say something of many entries; of
                # one number they are coincidences more often than not.
                if not meaningful_only or abs(number) >= 10 or not number.is_integer():
                    candidates.append((number**2, f"`{name}` squared"))
                    if number > 0:
                        candidates += [
                            (number**0.5, f"the square root of `{name}` ({number**0.5:.6g})"),
                            (number**-0.5, f"1/sqrt(`{name}`) ({number**-0.5:.6g})"),
                        ]
                if 0 < number < 1 and not meaningful_only:
                    candidates += [
                        (1 - number, f"1 - `{name}` ({1 - number:g})"),
                        (1 / (1 - number), f"1/(1 - `{name}`) (1/{1 - number:g})"),
                        ((1 - number) ** 2, f"(1 - `{name}`) squared"),
                    ]
        else:
            for axis, length in enumerate(np.shape(value)):
                if length > 2:
                    candidates += [
                        (length, f"{length}, the length of axis {axis} of `{name}`"),
                        (
                            1 / length,
                            f"1/{length}, one over the length of axis {axis} of `{name}`",
                        ),
                    ]
    for factor, words in (*candidates, *CONSTANTS):
        if np.isclose(scale, factor, rtol=1e-7):
            return words
    # A few entries are some simple fraction of the right ones by chance more often.
    fraction = Fraction(scale).limit_denominator(2 if meaningful_only else 4)
    simplest = abs(fraction.numerator) <= (2 if meaningful_only else 8)
    if fraction and simplest and np.isclose(scale, float(fraction), rtol=1e-7):
        return f"{fraction}"
    return "" if meaningful_only else f"{scale:.6g} (a constant factor)"


# --- calling the student's function again ---------------------------------------------------


def _probe(student, call: Call, right: Callable, expected) -> str:
    """What calling the student's function again shows: a default of its own, or an input it
    ignores."""
    return _wrong_default(student, call, right, expected) or _ignored_input(
        student, call, right, expected
    )


def _random_source(student, call: Call, right: Callable, expected) -> str:
    """Where a function that draws takes its randomness from, when not from the generator or
    seed it is given: the same seed gives another answer, or another seed the same one."""
    arguments = _named_arguments(right, call.args, call.kwargs)
    sources = {
        name: value
        for name, value in arguments.items()
        if isinstance(value, harness.GeneratorArgument)
        or (
            name == "seed" and isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        )
    }
    if not sources:
        return ""
    again = _call_with(student, call, arguments)
    if again is _FAILED:
        return ""
    if not _same(again, call.returned):
        return (
            "called again with the same seed, it returns another answer: its draws come from "
            "somewhere other than the generator or seed it is given (NumPy's global state, or "
            "a generator it makes itself)"
        )
    for name, value in sources.items():
        if isinstance(value, harness.GeneratorArgument):
            other = harness.GeneratorArgument({"seed": (value.seed + 1) % 2**63})
        else:
            other = type(value)(value + 1)
        new_expected = _run(right, (), {**arguments, name: other})
        if new_expected is _FAILED or _agrees(new_expected, expected):
            continue
        answer = _call_with(student, call, {**arguments, name: other})
        if answer is not _FAILED and _same(answer, call.returned):
            return (
                f"given another `{name}`, it returns the same answer, where the right one "
                f"changes: it ignores `{name}`, or keeps none of its draws"
            )
    return ""


def _call_with(student, call: Call, arguments: dict):
    """The student's function called again, with ``arguments`` passed as the check passed
    them (positionally or by name), or _FAILED."""
    names = list(arguments)
    passed = set(names[: len(call.args)]) | set(call.kwargs)
    positional = [arguments[n] for n in names[: len(call.args)]]
    keywords = {n: arguments[n] for n in names[len(call.args) :] if n in passed}
    try:
        return student.call(call.name, *positional, **keywords)
    except StudentCallFailed:
        return _FAILED


def _same(one, other) -> bool:
    """Exactly the same answer, leaf by leaf."""
    ones, others = _parts(one), _parts(other)
    return len(ones) == len(others) and all(_same_leaf(a, b) for a, b in zip(ones, others))


def _same_leaf(one, other) -> bool:
    numbers, other_numbers = _numbers(one), _numbers(other)
    if numbers is None or other_numbers is None:
        return one is None and other is None  # None where no value is asked (a mask at test time)
    return np.array_equal(numbers, other_numbers, equal_nan=True)


def _wrong_default(student, call: Call, right: Callable, expected) -> str:
    """A default the student's function has that is not the reference's: passing the
    reference's default explicitly gives the right answer."""
    arguments = _named_arguments(right, call.args, call.kwargs)
    names = list(arguments)
    left_out = [n for n in names[len(call.args) :] if n not in call.kwargs]
    for name in left_out:
        try:
            again = student.call(call.name, *call.args, **call.kwargs, **{name: arguments[name]})
        except StudentCallFailed:
            return ""
        if _agrees(again, expected):
            return (
                f"its default for `{name}` is not {arguments[name]!r}: called with "
                f"{name}={arguments[name]!r} it gives the right answer"
            )
    return ""


def _ignored_input(student, call: Call, right: Callable, expected) -> str:
    """An input the student's function ignores: changing it changes the right answer, not
    theirs."""
    arguments = _named_arguments(right, call.args, call.kwargs)
    leaves = [_numbers(part) for part in _parts(call.returned)]
    if (
        not arguments
        or any(leaf is None or not np.all(np.isfinite(leaf)) for leaf in leaves)
        or any(_coarse(part) for part in _parts(call.returned))
        or not any(leaf.size > 1 and np.ptp(leaf) > 0 for leaf in leaves)
    ):
        # A single number, a constant array or a NaN can stay the same by chance (a maximum,
        # a clipped value, an answer that is zero wherever it is asked).
        return ""
    names = list(arguments)
    passed = set(names[: len(call.args)]) | set(call.kwargs)
    for name, value in arguments.items():
        if name not in passed or _changed_values(value) is None:
            continue
        if all(
            _same_answer_for(student, call, right, expected, {**arguments, name: changed})
            for changed in _changed_values(value)
        ):
            return (
                f"it ignores `{name}`: given another `{name}`, it returns the same, "
                "where the right answer changes"
            )
    return ""


def _coarse(value) -> bool:
    """So large that its rounding step exceeds 0.1: a change of an input can be lost in it."""
    dtype = (
        value.dtype if isinstance(value, np.ndarray) and value.dtype.kind == "f" else np.float64
    )
    numbers = _numbers(value)
    return numbers is not None and np.max(np.abs(numbers), initial=0) * np.finfo(dtype).eps > 0.1


def _same_answer_for(student, call, right, expected, arguments: dict) -> bool:
    """Whether the student's function returns exactly what it did when called with
    ``arguments``, for which the right answer is not what it was."""
    new_expected = _run(right, (), arguments)
    if new_expected is _FAILED or _agrees(new_expected, expected):
        return False
    again = _call_with(student, call, arguments)
    return again is not _FAILED and _same(again, call.returned)


def _changed_values(value) -> list | None:
    """Two other values for an input, or None for an input not to change (flags, counts)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (float, np.floating)) and value != 0:
        return [type(value)(value * 0.7), type(value)(value * 1.3)]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size and np.any(value):
        return [(value * 0.7 + 0.1).astype(value.dtype), (value * 1.3 - 0.2).astype(value.dtype)]
    return None


# --- the same function on earlier calls -----------------------------------------------------


def _history(call: Call, earlier: list[Call], right: Callable) -> str:
    """Whether the function was right on this check's earlier calls, and what was different
    then, or ''."""
    if not earlier or not all(
        (value := _run(right, c.args, c.kwargs)) is not _FAILED and _agrees(c.returned, value)
        for c in earlier
    ):
        return ""
    count = len(earlier)
    words = (
        f"{call.name}() was right on the first call of this check and wrong on the second"
        if count == 1
        else f"{call.name}() was right on the first {count} calls of this check and wrong on "
        f"call {count + 1}"
    )
    now = _named_arguments(right, call.args, call.kwargs)
    zero_before = [
        name
        for name, value in now.items()
        if isinstance(value, np.ndarray)
        and np.any(value)
        and all(
            isinstance(v := _named_arguments(right, c.args, c.kwargs).get(name), np.ndarray)
            and not np.any(v)
            for c in earlier
        )
    ]
    if zero_before and count == 1:
        names = " and ".join(f"`{name}`" for name in zero_before)
        words += f": before, {names} {'was' if len(zero_before) == 1 else 'were'} all zeros"
    return words
