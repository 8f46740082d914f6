"""Checking values with messages that say what is wrong: type and shape first, then closeness.

The exercises' visible tests use these, and so do the autograder's hidden checks, so a
student sees the same kind of message in the notebook and in the feedback. Each
function raises AssertionError with observed and expected values, or returns quietly.
"""

from __future__ import annotations

import numpy as np

# The thresholds of CS231n's notes for the relative error of a gradient check, in float64 (the
# notes divide by max(|x|, |y|), the course by |x| + |y|: at most a factor 2 apart): at most
# GOOD_THRESHOLD the gradient is right; above WRONG_THRESHOLD it is wrong; in between, look
# closer (kinks in the loss, float32).
GOOD_THRESHOLD = 1e-7
WRONG_THRESHOLD = 1e-2


def verdict(error: float) -> str:
    """Words for a gradient check's relative error, by the lecture's thresholds."""
    if error <= GOOD_THRESHOLD:
        return "correct"
    if error > WRONG_THRESHOLD:
        return "wrong"
    return "look closer: kinks in the loss? float32?"  # the words of the gradients chapter's table


def describe(value) -> str:
    """A few words for what a value is ('an array of shape (3,) and dtype float64')."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "wire_description"):  # a value that could not cross from a sandbox as data
        return value.wire_description
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} values"
    return f"a value of type {type(value).__name__}"


def as_array(value, what: str, shape: tuple | None = None) -> np.ndarray:
    """The returned value as a float array, if it is a numeric NumPy array of the right shape."""
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{what}: expected a NumPy array"
            + (f" of shape {shape}" if shape is not None else "")
            + f", got {describe(value)}"
        )
    if value.dtype.kind not in "biuf":
        raise AssertionError(f"{what}: expected real numbers, got dtype {value.dtype}")
    if shape is not None and value.shape != tuple(shape):
        raise AssertionError(f"{what}: expected shape {tuple(shape)}, got shape {value.shape}")
    return value.astype(np.float64)


def as_float(value, what: str) -> float:
    """The returned value as a Python float, if it is one number (a float, an int or a 0-d
    array)."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        return float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise AssertionError(f"{what}: expected a single number, got {describe(value)}")


def as_pair(value, what: str) -> tuple:
    """The returned value as a (loss, gradient) pair."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise AssertionError(f"{what}: expected a pair (loss, gradient), got {describe(value)}")
    return tuple(value)


def assert_close(got, expected, *, rtol: float, atol: float = 0.0, what: str) -> None:
    """Elementwise |got - expected| <= atol + rtol * |expected|, or a message naming the worst
    entry."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape {got.shape}")
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))[0]
        raise AssertionError(
            f"{what}: contains {got[tuple(bad)]} at index {tuple(int(i) for i in bad)}"
        )
    excess = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    if np.all(excess <= 0):
        return
    worst = np.unravel_index(int(np.argmax(excess)), excess.shape) if excess.ndim else ()
    relative = (
        f"relative error {abs(got[worst] - expected[worst]) / abs(expected[worst]):.2g}; "
        if expected[worst] != 0
        else ""
    )
    where = f" at index {tuple(int(i) for i in worst)}" if excess.ndim else ""
    count = int(np.sum(excess > 0))
    raise AssertionError(
        f"{what}: {count} of {excess.size} entries are off{where}: "
        f"got {got[worst]:.10g}, expected {expected[worst]:.10g} "
        f"({relative}tolerance rtol={rtol:g}, atol={atol:g})"
    )


def assert_gradient(
    f,
    grad,
    w,
    *,
    what: str,
    directions: int = 4,
    h: float = 1e-5,
    rtol: float = 1e-6,
    seed: int = 0,
) -> None:
    """``grad`` is the gradient of the scalar function ``f`` at ``w``, checked by slopes along
    directions.

    Along each of a few random unit directions d, the slope of f measured by the centered
    difference (f(w + h d) - f(w - h d)) / (2h) must equal the slope the gradient predicts,
    sum(grad * d), within rtol * (|grad| + |measured slope|). A wrong gradient differs from
    the right one along almost every direction, so a few suffice, at 2 evaluations of f each
    whatever the size of w (JAX's check_grads works the same way). ``f`` is given new arrays
    and must not change them.
    """
    w = np.asarray(w, dtype=np.float64)
    grad = as_array(grad, what, w.shape)
    rng = np.random.default_rng(seed)
    for k in range(1, directions + 1):
        d = rng.standard_normal(w.shape)
        d /= np.linalg.norm(d)
        measured = (float(f(w + h * d)) - float(f(w - h * d))) / (2 * h)
        predicted = float(np.sum(grad * d))
        if (
            not abs(measured - predicted)
            <= rtol * (float(np.linalg.norm(grad)) + abs(measured)) + 1e-12
        ):
            raise AssertionError(
                f"{what}: along random direction {k} of {directions}, "
                f"f changes at the rate {measured:.10g} (centered difference, h={h:g}), "
                f"but the gradient predicts {predicted:.10g} (sum of gradient * direction): "
                "the gradient is wrong, or f is not smooth within h of w"
            )


def as_image(value, what: str, shape: tuple | None = None) -> np.ndarray:
    """The returned value as an image: a NumPy array of dtype uint8 (and of ``shape``, if
    given)."""
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{what}: expected a NumPy array of dtype uint8"
            + (f" and shape {shape}" if shape is not None else "")
            + f", got {describe(value)}"
        )
    if value.dtype != np.uint8:
        raise AssertionError(
            f"{what}: expected dtype uint8 (keep the image's dtype: round, clip to 0..255, "
            f"then .astype(np.uint8)), got {value.dtype}"
        )
    if shape is not None and value.shape != tuple(shape):
        raise AssertionError(f"{what}: expected shape {tuple(shape)}, got shape {value.shape}")
    return value


def assert_same_image(got, expected, what: str) -> None:
    """The two uint8 images are equal pixel for pixel, or a message naming the first pixel that
    differs."""
    got = as_image(got, what, np.shape(expected))
    differ = got != expected
    if differ.any():
        first = tuple(int(i) for i in np.argwhere(differ)[0])
        raise AssertionError(
            f"{what}: {int(differ.sum())} of {differ.size} values differ; the first at index "
            f"{first}: got {got[first]}, expected {expected[first]}"
        )
