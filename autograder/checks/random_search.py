"""Hidden checks for the random-search exercise (solutions/random_search/random_search.ipynb).

    test_random_search        random_search(loss, shape, num_samples, scale=1.0, seed=0)
    test_random_local_search  random_local_search(loss, w0, num_steps, step_size=0.1, seed=0)
    test_expected_gain_per_try  expected_gain_per_try(grad_norm, step_size, num_weights)

Both must reproduce the reference exactly for the same seed (the draw order is stated in
the docstrings): best weights, best loss and history, to rtol 1e-12. A walk's weights are w0
plus the steps it took, which correct code may add in any order, and a quadratic's loss is a
difference of terms: each is also allowed 1e-12 of the size of its terms (WEIGHT_SIZES,
loss_size), since their sum may cancel to near zero. Known wrong versions (the last sample
kept, raw losses in the history, uphill steps taken, ...) are named. The expected gain of a try
is a prediction, compared with the exact value to rtol 1e-2.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from optlab.problems import Quadratic
from optlab.testing import assert_close

from ..reference import random_search as reference
from . import CheckFailed, Registry, as_array, as_float, as_tuple, draw_until, problem_argument
from .mistakes import name_mistake
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
    for k in range(num_samples):
        draws = np.random.default_rng(seed) if mistake == "rng_per_sample" else rng
        if mistake == "uniform":
            w = draws.uniform(-scale, scale, shape)
        elif mistake == "legacy":
            w = scale * legacy.standard_normal(shape)
        else:
            w = (1.0 if mistake == "unscaled" else scale) * draws.standard_normal(shape)
        value = loss(w)
        before = best_loss
        if (value > best_loss if mistake == "worst" else value < best_loss) or (
            mistake == "keep_last"
        ):
            best_w, best_loss = w, value
        if mistake == "last_w":
            best_w = w
        history[k] = {"raw_history": value, "history_before": before}.get(mistake, best_loss)
    return best_w, float(best_loss), history


def local_search(loss, w0, num_steps, step_size=0.1, seed=0, mistake=None):
    """random_local_search, or its wrong version that makes ``mistake`` (a value of
    LOCAL_SEARCH_MISTAKES)."""
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=np.float64)
    current = loss(w)
    history = [] if mistake == "skip_start" else [current]
    for _ in range(num_steps):
        start = np.array(w0, dtype=np.float64) if mistake == "around_w0" else w
        draw = (
            rng.uniform(-1, 1, w.shape) if mistake == "uniform" else rng.standard_normal(w.shape)
        )
        candidate = start + step_size * draw
        value = loss(candidate)
        if (value > current if mistake == "rises" else value < current) or mistake == "uphill":
            w, current = candidate, value
        history.append(value if mistake == "raw_history" else current)
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


def compare(student, name, problem, *args, what, **kwargs):
    """Call the student's ``name`` and the reference's on ``problem``'s loss with the same
    arguments."""
    got = student.call(name, problem_argument(problem, "loss"), *args, **kwargs)
    try:
        expected = getattr(reference, name)(problem.loss, *args, **kwargs)
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
            name_mistake(tuple(got), MISTAKES[name], problem.loss, *args, **kwargs)
            if is_triple(got)
            else ""
        )
        raise CheckFailed(f"{failure}{hint}") from None


def is_triple(got) -> bool:
    """Does ``got`` have the (w, loss, history) form that a wrong version can be compared with?"""
    return (
        isinstance(got, (tuple, list))
        and len(got) == 3
        and all(isinstance(part, (np.ndarray, float, int, np.floating)) for part in got)
    )


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


def check_gain(student, rng, num_weights: int, what: str) -> None:
    grad_norm = float(np.exp(rng.uniform(np.log(1e-3), np.log(1e3))))
    step_size = float(np.exp(rng.uniform(np.log(1e-4), np.log(1.0))))
    call = f"expected_gain_per_try({grad_norm:.6g}, {step_size:.6g}, {num_weights})"
    expected = float(reference.expected_gain_per_try(grad_norm, step_size, num_weights))
    compare_prediction(
        student.call("expected_gain_per_try", grad_norm, step_size, num_weights),
        expected,
        GAIN_RTOL,
        f"{call} {what}",
        f"; a step of length step_size along the steepest direction would gain "
        f"{step_size * grad_norm:.6g}",
    )


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
