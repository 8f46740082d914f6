"""Hidden checks for the random-search exercise (solutions/random_search/random_search.ipynb).

    test_random_search        random_search(loss, shape, num_samples, scale=1.0, seed=0)
    test_random_local_search  random_local_search(loss, w0, num_steps, step_size=0.1, seed=0)
    test_expected_gain_per_try  expected_gain_per_try(grad_norm, step_size, num_weights)

Both must reproduce the reference exactly for the same seed (the draw order is stated in
the docstrings): best weights, best loss and history, to rtol 1e-12. A walk's weights are w0
plus the steps it took, which correct code may add in any order, and a quadratic's loss is a
difference of terms: each is also allowed 1e-12 of the size of its terms (WEIGHT_SIZES,
loss_size), since their sum may cancel to near zero. On a continuous loss two samples never
tie, so one check searches the digits' 0-1 error rate, a fraction of the examples, with a seed
on which a later sample ties the best: the earlier one must be kept (a strictly lower loss
replaces it). Known wrong versions (the last sample
kept, raw losses in the history, uphill steps taken, ...: SEARCH_MISTAKES,
LOCAL_SEARCH_MISTAKES) are named. The expected gain of a try is a prediction, compared with the
exact value to rtol 1e-2; known wrong formulas (GAIN_MISTAKES) are named.

Two wrong versions can give the same answer on a check's problem (two walks that never move);
`mistakes.telling_mistake` then runs the student's function once more, on a probe problem that
tells them apart (PROBE_PROBLEM), and names the one that fits there too (none, if the tie
stays).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from math import lgamma

import numpy as np

from optlab.problems import Quadratic
from optlab.testing import assert_close

from ..reference import random_search as reference
from . import CheckFailed, Registry, as_array, as_float, as_tuple, draw_until, problem_argument
from .mistakes import telling_mistake, unrecorded_call
from .problems import digits_problem, random_quadratic
from .tasks import compare_prediction

# The section of book/random_search.md that explains each function, for feedback.
SECTIONS = {
    "test_random_search": "random-search",
    "test_random_local_search": "random-local-search",
}
CHECKS = Registry("random_search", sections=SECTIONS)


def search(loss, shape, num_samples, scale=1.0, seed=0, mistake=None):
    """random_search, or its wrong version that makes ``mistake`` (a value of SEARCH_MISTAKES)."""
    rng = np.random.default_rng(seed)
    legacy = np.random.RandomState(seed)  # what np.random.seed(seed) starts
    best_w, best_loss, history = None, np.inf, np.empty(num_samples)
    if mistake == "worst":
        best_loss = -np.inf
    elif mistake == "zero_start":
        best_loss = 0.0
    elif mistake == "one_short":
        history = history[:-1]
    for k in range(len(history)):
        draws = rng
        if mistake == "rng_per_sample":
            draws = np.random.default_rng(seed)
        elif mistake == "seed_per_sample":
            draws = np.random.default_rng(seed + k)
        if mistake == "uniform":
            w = draws.uniform(-scale, scale, shape)
        elif mistake == "uniform_01":
            w = scale * draws.random(shape)
        elif mistake == "legacy":
            w = scale * legacy.standard_normal(shape)
        elif mistake == "shifted":
            w = scale + draws.standard_normal(shape)
        else:
            factor = {"unscaled": 1.0, "variance": np.sqrt(scale), "squared": scale**2}
            w = factor.get(mistake, scale) * draws.standard_normal(shape)
        value = loss(w)
        before = best_loss
        if mistake == "worst":
            better = value > best_loss
        elif mistake == "ties_replace":  # <= for <: a tie replaces the earlier best
            better = value <= best_loss
        else:
            better = value < best_loss
        if better or mistake == "keep_last":
            best_w, best_loss = w, value
        if mistake == "last_w":
            best_w = w
        history[k] = {"raw_history": value, "history_before": before}.get(mistake, best_loss)
    if mistake == "last_loss":
        return best_w, float(value), history
    return best_w, float(best_loss), history


def try_from(start, step_size, draw, mistake=None):
    """A try of random local search from ``start`` with the standard normal ``draw``, or the try
    that its wrong version making ``mistake`` takes."""
    if mistake == "step_as_mean":
        return start + step_size + draw
    if mistake == "unit_direction":
        return start + step_size * draw / np.linalg.norm(draw)
    if mistake == "root_step":
        return start + np.sqrt(step_size) * draw
    if mistake == "minus":
        return start - step_size * draw
    return start + step_size * draw


def local_search(loss, w0, num_steps, step_size=0.1, seed=0, mistake=None):
    """random_local_search, or its wrong version that makes ``mistake`` (a value of
    LOCAL_SEARCH_MISTAKES)."""
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [] if mistake == "skip_start" else [current]
    step, step_size = None, 0.1 if mistake == "step_default" else step_size
    for _ in range(num_steps):
        start = np.array(w0, dtype=np.float64) if mistake in ("around_w0", "stuck") else w
        if mistake == "uniform":
            draw = rng.uniform(-1, 1, w.shape)
        elif mistake == "draw_on_move":  # a new draw only after a move
            step = rng.standard_normal(w.shape) if step is None else step
            draw = step
        else:
            draw = rng.standard_normal(w.shape)
        candidate = try_from(start, step_size, draw, mistake)
        value = loss(candidate)
        before = current
        if (value > current if mistake == "rises" else value < current) or mistake == "uphill":
            if mistake == "stale_current":  # the weights move, the loss compared with stays
                w = candidate
            elif mistake == "stuck":  # the loss compared with moves, the weights stay
                current = value
            else:
                w, current = candidate, value
            step = None
        history.append({"raw_history": value, "history_before": before}.get(mistake, current))
    if mistake == "one_short":  # the last step taken, but not kept in the history
        history = history[:-1]
    if mistake in ("returns_w0", "stuck"):
        w = np.array(w0, dtype=np.float64)
    return w, float(current), np.array(history)


def catalog(wrong_version: Callable, mistakes: dict[str, str]) -> dict[str, Callable]:
    """The catalog {why: wrong version} of ``mistakes``, {why: the ``mistake`` that
    ``wrong_version`` is asked to make}."""
    return {why: partial(wrong_version, mistake=mistake) for why, mistake in mistakes.items()}


# Each known mistake, in the feedback's words, with the name `search` or `local_search` knows it
# by (tried in this order).
SEARCH_MISTAKES = {
    "history holds each sample's own loss; "
    "history[k] must be the best loss among the first k + 1 samples": "raw_history",
    "this keeps the last sample, not the best one: "
    "replace the best only when a sample's loss is smaller": "keep_last",
    "the generator is made again for every sample, so every sample is the same: "
    "make one rng = np.random.default_rng(seed) before the loop": "rng_per_sample",
    "the samples are not scaled: draw scale * rng.standard_normal(shape)": "unscaled",
    "the samples come from NumPy's legacy global generator (np.random.seed), whose draws "
    "differ from a Generator's: the exercise fixes the draws, those of one "
    "np.random.default_rng(seed), in order": "legacy",
    "the best weights are replaced by every sample, the best loss only by a better one: the "
    "weights returned are the sample that gave the best loss": "last_w",
    "this keeps the largest loss: random search keeps the sample of the smallest": "worst",
    "the samples are uniform on [-scale, scale]: random search draws each entry from a normal "
    "distribution of standard deviation scale": "uniform",
    "history[k] is the best loss before sample k, and the last sample is left out: "
    "history[k] is the best loss among the first k + 1 samples, sample k included": (
        "history_before"
    ),
    "the loss returned is the last sample's, not the best one's: return the best loss, the "
    "loss of the weights returned (history[-1])": "last_loss",
    "each sample is scale plus a standard normal draw, centred on scale (rng.normal(scale, "
    "...) takes scale as the mean): a sample is scale times the draw, W_k = scale * Z_k, of "
    "mean 0 and standard deviation scale": "shifted",
    "the samples have standard deviation sqrt(scale), as if scale were their variance: scale "
    "is the standard deviation of each entry, W_k = scale * Z_k": "variance",
    "the samples are scale**2 times the draws: scale is the standard deviation of each entry, "
    "W_k = scale * Z_k": "squared",
    "the samples are uniform on [0, scale) (rng.random): random search draws each entry from "
    "a normal distribution of mean 0 and standard deviation scale, "
    "scale * rng.standard_normal(shape)": "uniform_01",
    "the best loss starts at 0, so a sample counts only if its loss is negative (and with "
    "none, no weights are kept): it starts at inf, so that the first sample is kept": (
        "zero_start"
    ),
    "this draws one sample too few (range(1, num_samples) runs num_samples - 1 times): "
    "random search tries num_samples candidates, and history has num_samples entries": (
        "one_short"
    ),
    "a sample whose loss ties the best so far replaces it (<= for <): the best is replaced "
    "only by a strictly lower loss, so that a tie keeps the earlier sample": "ties_replace",
    "each sample has a generator of its own, seeded seed + k: the exercise draws every sample "
    "from one rng = np.random.default_rng(seed), made before the loop, in order": (
        "seed_per_sample"
    ),
}
LOCAL_SEARCH_MISTAKES = {
    "every step is taken, uphill too: "
    "move to the candidate only if its loss is smaller than the current one": "uphill",
    "each candidate is drawn around w0; it must be drawn around the current weights": "around_w0",
    "history holds each candidate's loss; "
    "history[k] must be the loss of the weights kept after step k": "raw_history",
    "history leaves out the start: "
    "history[0] must be loss(w0), so it has num_steps + 1 entries": "skip_start",
    "this moves when the loss rises: the walk moves to a candidate only when its loss is "
    "lower than the current one": "rises",
    "the steps are uniform on [-step_size, step_size]: a candidate adds to the current weights "
    "step_size times independent standard normal draws": "uniform",
    "the weights move, but the loss that tries must beat stays loss(w0): a move sets the "
    "current loss to the candidate's too, so that later tries must beat it": "stale_current",
    "the loss is updated after a better try but the weights are not, so every try is drawn "
    "around w0: a move sets both the weights and their loss to the candidate's": "stuck",
    "this returns w0, not the weights the walk ends at: return the current weights after "
    "the last step": "returns_w0",
    "the last step is left out of the history, which has num_steps entries: history[0] is "
    "loss(w0) and history[k] the loss after step k, num_steps + 1 entries in all": "one_short",
    "history[k] is the loss before step k is decided: history[k] is the loss of the weights "
    "kept after step k": "history_before",
    "a rejected try is tried again: a new Z is drawn only after a move; the walk draws one Z "
    "per step, whether or not the step is taken": "draw_on_move",
    "each try adds step_size + Z, as rng.normal(step_size, ...) does (its first argument is "
    "the mean): a try is W + step_size * Z, the standard normal draw times step_size": (
        "step_as_mean"
    ),
    "each try moves step_size along a unit direction Z / |Z|: a try is W + step_size * Z, "
    "with Z standard normal (about step_size * sqrt(P) long in P weights)": "unit_direction",
    "the tries are sqrt(step_size) * Z, as if step_size were a variance: step_size multiplies "
    "the standard normal draw, W + step_size * Z": "root_step",
    "each try subtracts step_size * Z: the draws are fixed by the seed, and a try adds them, "
    "W + step_size * Z": "minus",
    "the tries are 0.1 * Z whatever the step_size passed: a try is W + step_size * Z, with the "
    "step_size of the call (0.1 only by default)": "step_default",
}
MISTAKES = {
    "random_search": catalog(search, SEARCH_MISTAKES),
    "random_local_search": catalog(local_search, LOCAL_SEARCH_MISTAKES),
}


def search_sizes(history, shape, num_samples, scale=1.0, seed=0) -> np.ndarray:
    """For each entry of the weights, its largest size among the seed's candidates:
    scale * |draw|."""
    draws = np.random.default_rng(seed).standard_normal((num_samples, *shape))
    return scale * np.abs(draws).max(axis=0)


def walk_sizes(history, w0, num_steps, step_size=0.1, seed=0) -> np.ndarray:
    """For each entry of the weights, the sum of the sizes of the terms a walk adds up there:
    |w0| plus |step_size * draw| for each step the reference took (where its history goes down)."""
    draws = np.random.default_rng(seed).standard_normal((num_steps, *np.shape(w0)))
    return np.abs(w0) + step_size * np.abs(draws[np.diff(history) < 0]).sum(axis=0)


# The sizes of the terms that make up the weights of every entry of the reference's history.
WEIGHT_SIZES = {"random_search": search_sizes, "random_local_search": walk_sizes}


def loss_size(problem, sizes: np.ndarray) -> float:
    """A bound on the sizes of the terms of the loss at weights whose entries are at most
    ``sizes``."""
    if isinstance(problem, Quadratic):  # 1/2 w^T A w - u^T w, with u held in `problem.b`
        w = sizes.reshape(-1)
        return float(0.5 * w @ np.abs(problem.A) @ w + np.abs(problem.b) @ w)
    # softmax: log-sum-exp of the scores minus one
    scores = np.abs(problem.X) @ sizes.reshape(problem.shape)
    return float(np.log(problem.num_classes) + 2 * scores.max())


def check_result(
    got, expected, what: str, weights_atol: float = 0.0, loss_atol: float = 0.0
) -> None:
    w, loss, history = as_tuple(got, ("w", "loss", "history"), what)
    best_w, best_loss, best_history = expected
    history = as_array(history, f"{what} history", best_history.shape)
    for k in range(len(best_history)):
        if not np.isclose(history[k], best_history[k], rtol=1e-12, atol=loss_atol):
            raise CheckFailed(
                f"{what}: history parts from the reference at entry {k} ({k} entries matched): "
                f"got {history[k]:.10g}, expected {best_history[k]:.10g} (tolerance rtol=1e-12, "
                f"atol={loss_atol:.2g}). Same seed, same draws: "
                "draw each candidate from one rng = np.random.default_rng(seed), in order."
            )
    assert_close(
        as_float(loss, f"{what} loss"),
        best_loss,
        rtol=1e-12,
        atol=loss_atol,
        what=f"{what} best loss",
    )
    assert_close(
        as_array(w, f"{what} weights", best_w.shape),
        best_w,
        rtol=1e-12,
        atol=weights_atol,
        what=f"{what} best weights",
    )


def compare(student, name, problem, *args, what, method="loss", **kwargs):
    """Call the student's ``name`` and the reference's on ``problem``'s ``method`` (its loss, or
    another function of the weights, such as the digits' error rate) with the same
    arguments."""
    loss = getattr(problem, method)
    got = student.call(name, problem_argument(problem, method), *args, **kwargs)
    try:
        expected = getattr(reference, name)(loss, *args, **kwargs)
        sizes = WEIGHT_SIZES[name](expected[2], *args, **kwargs)
        check_result(
            got,
            expected,
            what,
            weights_atol=1e-12 * float(sizes.max()),
            loss_atol=1e-12 * loss_size(problem, sizes),
        )
    except AssertionError as failure:
        hint = (
            telling_mistake(
                as_answer(got),
                ANSWERS[name],
                ((loss, *args), kwargs),
                as_answer(expected),
                partial(probe_answer, student, name),
            )
            if as_answer(got) is not None
            else ""
        )
        raise CheckFailed(f"{failure}{hint}") from None


# Where a student's search is run again when two cataloged mistakes fit its answer: a quadratic
# in 6 weights on which every cataloged walk and search differs from every other.
PROBE_PROBLEM = random_quadratic(np.random.default_rng(20240611), (3, 3.01), 6)
PROBE_ARGUMENTS = {
    "random_search": ((6,), 12, {"scale": 1.7, "seed": 9}),
    "random_local_search": (
        np.linspace(-3.0, 2.0, 6),
        40,
        {"step_size": 0.4, "seed": 5},
    ),
}


def probe_answer(student, name: str) -> tuple:
    """The student's ``name`` on the probe problem (a call that is not the check's), and the
    arguments its wrong versions take there."""
    first, count, kwargs = PROBE_ARGUMENTS[name]
    answer = unrecorded_call(
        student, name, problem_argument(PROBE_PROBLEM, "loss"), first, count, **kwargs
    )
    return as_answer(answer), ((PROBE_PROBLEM.loss, first, count), kwargs)


def is_triple(got) -> bool:
    """Does ``got`` have the (w, loss, history) form that a wrong version can be compared with?"""
    return (
        isinstance(got, (tuple, list))
        and len(got) == 3
        and all(isinstance(part, (np.ndarray, float, int, np.floating)) for part in got)
    )


NO_WEIGHTS = np.empty(0)  # the best weights of a search that kept no sample (None), compared


def as_answer(got) -> tuple | None:
    """(w, loss, history) as a wrong version's output is compared with it, None weights (no sample
    kept, as when the best loss starts at 0) as NO_WEIGHTS; None if ``got`` has not that form."""
    if isinstance(got, (tuple, list)) and len(got) == 3 and got[0] is None:
        got = (NO_WEIGHTS, *got[1:])
    return tuple(got) if is_triple(got) else None


# The catalogs, each wrong version's output as `as_answer` gives it.
ANSWERS = {
    name: {
        why: lambda *args, wrong=wrong, **kwargs: as_answer(wrong(*args, **kwargs))
        for why, wrong in mistakes.items()
    }
    for name, mistakes in MISTAKES.items()
}


@CHECKS.check("test_random_search", "Does it reproduce the reference on a random quadratic?")
def random_search_on_quadratic(student, rng):
    problem = random_quadratic(rng, (2, 20), (2, 6))
    shape, n, scale, seed = (
        (problem.A.shape[0],),
        int(rng.integers(5, 40)),
        float(rng.uniform(0.5, 3)),
        int(rng.integers(1000)),
    )
    what = f"random_search ({n} samples, scale {scale:.3g}, seed {seed})"
    compare(student, "random_search", problem, shape, n, what=what, scale=scale, seed=seed)


@CHECKS.check(
    "test_random_search", "Does it search weight matrices of a classifier on real digits?"
)
def random_search_on_digits(student, rng):
    problem = digits_problem(rng)
    n, seed = int(rng.integers(5, 20)), int(rng.integers(1000))
    what = f"random_search on digits ({n} samples of shape {problem.shape})"
    compare(student, "random_search", problem, problem.shape, n, what=what, scale=0.01, seed=seed)


def ties_tell(drawn) -> bool:
    """Do `<` and `<=` keep different best weights in this search (a later sample ties the best
    loss)? On a continuous loss they never do."""
    problem, n, seed = drawn
    right = reference.random_search(problem.error_rate, problem.shape, n, scale=0.01, seed=seed)
    ties = search(
        problem.error_rate, problem.shape, n, scale=0.01, seed=seed, mistake="ties_replace"
    )
    return not np.array_equal(right[0], ties[0])


@CHECKS.check(
    "test_random_search",
    "Does a tie keep the earlier best, on the digits' 0-1 error rate?",
)
def random_search_keeps_earlier_on_ties(student, rng):
    # The error rate is a fraction of 60 examples: samples tie. A seed is drawn until a later
    # sample ties the best, so that replacing on a tie keeps other weights.
    problem = digits_problem(rng)
    n = int(rng.integers(10, 30))
    _, n, seed = draw_until(rng, lambda rng: (problem, n, int(rng.integers(1000))), ties_tell)
    what = (
        f"random_search on the digits' error rate ({n} samples of shape {problem.shape}, "
        f"seed {seed}; ties happen)"
    )
    compare(
        student,
        "random_search",
        problem,
        problem.shape,
        n,
        what=what,
        method="error_rate",
        scale=0.01,
        seed=seed,
    )


def quadratic_walk(rng):
    """(problem, w0, num_steps, step_size, seed) of a local search on a random quadratic."""
    problem = random_quadratic(rng, (2, 20), (2, 6))
    w0 = rng.standard_normal(problem.A.shape[0]) * 2
    return (
        problem,
        w0,
        int(rng.integers(10, 60)),
        float(rng.uniform(0.05, 0.5)),
        int(rng.integers(1000)),
    )


def digits_walk(rng):
    """(problem, w0, num_steps, step_size, seed) of a local search on a classifier's loss on the
    digits."""
    problem = digits_problem(rng)
    W0 = rng.standard_normal(problem.shape) * 0.01
    return problem, W0, int(rng.integers(10, 30)), 0.05, int(rng.integers(1000))


def reference_walks(drawn) -> bool:
    """Does the reference's walk take a step? One that never finds a lower loss cannot tell walking
    from standing still (on the digits, about 1 draw in 200)."""
    problem, w0, n, step, seed = drawn
    return bool(
        np.any(
            np.diff(
                reference.random_local_search(problem.loss, w0, n, step_size=step, seed=seed)[2]
            )
            < 0
        )
    )


@CHECKS.check("test_random_local_search", "Does it reproduce the reference on a random quadratic?")
def local_search_on_quadratic(student, rng):
    problem, w0, n, step, seed = draw_until(rng, quadratic_walk, reference_walks)
    what = f"random_local_search ({n} steps of size {step:.3g}, seed {seed})"
    compare(student, "random_local_search", problem, w0, n, what=what, step_size=step, seed=seed)


@CHECKS.check(
    "test_random_local_search", "Does it walk downhill on a classifier's loss on real digits?"
)
def local_search_on_digits(student, rng):
    problem, W0, n, step, seed = draw_until(rng, digits_walk, reference_walks)
    what = f"random_local_search on digits ({n} steps, weights {problem.shape})"
    compare(student, "random_local_search", problem, W0, n, what=what, step_size=step, seed=seed)


# --- predicting what a try gains --------------------------------------------------------------

SECTIONS["test_expected_gain_per_try"] = "why-guessing-fails-in-high-dimension"
GAIN_RTOL = 1e-2
# E[max(0, Z)] for a standard normal Z: the mean gain of a try, in units of step_size * grad_norm.
POSITIVE_PART = 1.0 / np.sqrt(2.0 * np.pi)


def length_times_cosine(grad_norm, step_size, num_weights):
    """The gain of a try as its length taken as exactly step_size * sqrt(P), times the mean
    downhill cosine of a random direction in P dimensions, Gamma(P/2) / (2 sqrt(pi)
    Gamma((P + 1)/2))."""
    log_ratio = lgamma(num_weights / 2) - lgamma((num_weights + 1) / 2)
    cosine = np.exp(log_ratio) / (2 * np.sqrt(np.pi))
    return step_size * np.sqrt(num_weights) * grad_norm * cosine


# Wrong formulas for the gain of a try, each with its explanation (tried in this order).
GAIN_MISTAKES = {
    "this multiplies by sqrt(P): a try is about step_size * sqrt(P) long, but its slope is "
    "only about g / sqrt(P) of the steepest one; the slope <grad L, Z> of the whole try is "
    "normal with standard deviation g whatever P, so a try gains "
    "step_size * g / sqrt(2 pi)": lambda g, tau, p: tau * g * np.sqrt(p) * POSITIVE_PART,
    "this divides by sqrt(P): 1 / sqrt(2 pi P) is the share of a steepest step of the try's "
    "own length, step_size * sqrt(P); measured in step_size, a try gains "
    "step_size * g / sqrt(2 pi), whatever the number of weights": (
        lambda g, tau, p: tau * g * POSITIVE_PART / np.sqrt(p)
    ),
    "this is a step of the try's length, step_size * sqrt(P), along the steepest direction: a "
    "random try gains only 1 / sqrt(2 pi P) of that, step_size * g / sqrt(2 pi)": (
        lambda g, tau, p: tau * g * np.sqrt(p)
    ),
    "this is a step of length step_size along the steepest direction, step_size * g: a random "
    "try's slope is g times a standard normal Z, and it gains E[max(0, Z)] = 1 / sqrt(2 pi) of "
    "that on average": lambda g, tau, p: tau * g,
    "this counts each kept try as gaining the whole step_size * g, half the time: a kept try "
    "gains step_size * g * Z for a positive standard normal Z, and E[max(0, Z)] is "
    "1 / sqrt(2 pi), not 1/2": lambda g, tau, p: tau * g / 2,
    "this is step_size * g * E|Z|, as if an uphill try gained too: a rejected try gains 0, "
    "so the mean is of max(0, Z), 1 / sqrt(2 pi), half of E|Z| = sqrt(2 / pi)": (
        lambda g, tau, p: tau * g * 2 * POSITIVE_PART
    ),
    "this halves the gain once more for the rejected tries: E[max(0, Z)] = 1 / sqrt(2 pi) "
    "already counts them as gaining 0": lambda g, tau, p: tau * g * POSITIVE_PART / 2,
    "the square root is missing: the mean of the positive part of a standard normal, "
    "E[max(0, Z)], is 1 / sqrt(2 pi), not 1 / (2 pi)": lambda g, tau, p: tau * g / (2 * np.pi),
    "this takes the try's length as exactly step_size * sqrt(P), times the mean downhill "
    "cosine of a random direction: with few weights |Z| is not sqrt(P); the slope "
    "<grad L, Z> is normal with standard deviation g, so a try gains "
    "step_size * g / sqrt(2 pi) exactly": length_times_cosine,
    "the gradient's length is squared, as in gradient descent's decrease lr * g**2: a try of "
    "size step_size changes the loss by step_size times its slope, step_size * g * Z": (
        lambda g, tau, p: tau * g**2 * POSITIVE_PART
    ),
    "the step size is left out: the slope of a try W + step_size * Z is g times a standard "
    "normal Z, and the try gains step_size times it": lambda g, tau, p: g * POSITIVE_PART,
    "this is the change of the loss, a negative number: the gain of a try is the decrease of "
    "the loss, E[max(0, L(W) - L(W + step_size Z))] >= 0": (
        lambda g, tau, p: -tau * g * POSITIVE_PART
    ),
}


def check_gain(student, rng, num_weights: int, what: str) -> None:
    grad_norm = float(np.exp(rng.uniform(np.log(1e-3), np.log(1e3))))
    step_size = float(np.exp(rng.uniform(np.log(1e-4), np.log(1.0))))
    call = f"expected_gain_per_try({grad_norm:.6g}, {step_size:.6g}, {num_weights})"
    expected = float(reference.expected_gain_per_try(grad_norm, step_size, num_weights))
    got = student.call("expected_gain_per_try", grad_norm, step_size, num_weights)
    try:
        compare_prediction(
            got,
            expected,
            GAIN_RTOL,
            f"{call} {what}",
            f"; a step of length step_size along the steepest direction would gain "
            f"{step_size * grad_norm:.6g}",
        )
    except AssertionError as failure:
        other = 7 if num_weights != 7 else 5  # where P = 4 makes sqrt(P) a plain 2

        def probe():
            answer = unrecorded_call(student, "expected_gain_per_try", grad_norm, step_size, other)
            return answer, ((grad_norm, step_size, other), {})

        named = telling_mistake(
            got, GAIN_MISTAKES, ((grad_norm, step_size, num_weights), {}), expected, probe
        )
        raise CheckFailed(f"{failure}{named}") from None


@CHECKS.check(
    "test_expected_gain_per_try", "Does it predict the gain of a try among many weights?"
)
def gain_many_weights(student, rng):
    for _ in range(4):
        num_weights = int(np.exp(rng.uniform(np.log(100), np.log(1_000_000))))
        check_gain(student, rng, num_weights, "(many weights)")


@CHECKS.check("test_expected_gain_per_try", "Does it predict the gain of a try among few weights?")
def gain_few_weights(student, rng):
    for num_weights in sorted(rng.choice(np.arange(2, 11), size=3, replace=False)):
        check_gain(student, rng, int(num_weights), "(few weights)")
