"""The random-search references against first principles; the local-search checks against a
walk that stands still and against honest walks that add their steps in another order."""

from __future__ import annotations

import numpy as np
import pytest
from grading_support import failed_checks

from autograder.reference.random_search import random_local_search, random_search
from optlab.problems import quadratic

BOWL = quadratic(5.0, dim=3, seed=0)


def test_is_random_search_the_best_of_the_seeds_draws():
    rng = np.random.default_rng(4)
    candidates = [2.0 * rng.standard_normal(3) for _ in range(30)]
    losses = [BOWL.loss(c) for c in candidates]
    w, value, history = random_search(BOWL.loss, (3,), 30, scale=2.0, seed=4)
    assert value == min(losses) and np.array_equal(w, candidates[int(np.argmin(losses))])
    assert np.array_equal(history, np.minimum.accumulate(losses))


def test_does_random_local_search_only_go_downhill_and_reach_the_bottom():
    w, value, history = random_local_search(
        BOWL.loss, np.full(3, 3.0), 2000, step_size=0.05, seed=1
    )
    assert np.all(np.diff(history) <= 0) and value == history[-1] == BOWL.loss(w)
    assert np.linalg.norm(w - BOWL.minimizer) < 0.1


def stands_still(loss, w0, num_steps, step_size=0.1, seed=0):
    """A walk that never moves: right exactly when the reference's walk finds no lower loss."""
    return np.array(w0, dtype=np.float64), float(loss(w0)), np.full(num_steps + 1, float(loss(w0)))


@pytest.mark.parametrize("rng_seed", [116, 132, 177])
def test_does_a_walk_that_stands_still_fail_even_where_the_first_draw_would_not_move(rng_seed):
    """On these generators the digits check's first draw gives a walk in which the reference never
    moves; the check must draw again rather than pass a walk that stands still."""
    from grading_support import LocalStudent

    from autograder.checks import CheckFailed
    from autograder.checks.random_search import digits_walk, local_search_on_digits

    problem, W0, n, step, seed = digits_walk(np.random.default_rng(rng_seed))
    history = random_local_search(problem.loss, W0, n, step_size=step, seed=seed)[2]
    assert np.all(np.diff(history) == 0), (
        "the first draw must be one where the reference stands still"
    )
    with pytest.raises(CheckFailed):
        local_search_on_digits(
            LocalStudent({"random_local_search": stands_still}), np.random.default_rng(rng_seed)
        )


def test_do_the_catalogs_wrong_versions_reduce_to_the_reference_without_their_flags():
    from autograder.checks.random_search import local_search, search

    for got, expected in (
        (search(BOWL.loss, (3,), 20, 2.0, 5), random_search(BOWL.loss, (3,), 20, 2.0, 5)),
        (
            local_search(BOWL.loss, np.ones(3), 20, 0.3, 5),
            random_local_search(BOWL.loss, np.ones(3), 20, 0.3, 5),
        ),
    ):
        assert all(np.array_equal(g, e) for g, e in zip(got, expected))


def alternative_namespace(style: str) -> dict:
    """What an alternative correct solution (tests/alternative_solutions/random_search/)
    defines."""
    from grading_support import alternative_answers

    answers, rest = alternative_answers("random_search", style)
    namespace = {"np": np}
    exec(rest + "\n\n" + "\n\n".join(answers.values()), namespace)
    return namespace


# Seeds on which two honest walks parted from the reference's by more than rtol 1e-12 (atol 0),
# which the checks once asked for: on the digits, weights that cancel to near zero (found on one
# machine; which entries cancel depends little on it); on quadratics, a loss that cancels (there
# the BLAS kernel decides).
HONEST_WALKS = [
    (style, check, seed)
    for style in ("upfront_draws_and_displacement", "loops_and_unit_directions")
    for check, seeds in (
        ("local_search_on_digits", (11, 53, 93, 110, 127, 142)),
        ("local_search_on_quadratic", (1313, 1985)),
    )
    for seed in seeds
]


def honest_walk(style, check, seed):
    """(the alternative's namespace, its walk and the reference's) on the check's draw for
    ``seed``."""
    import autograder.checks.random_search as checks
    from autograder.checks import draw_until, load_registry

    namespace = alternative_namespace(style)
    index = [
        c.run for c in load_registry("random_search").groups["test_random_local_search"]
    ].index(getattr(checks, check))
    walk = checks.digits_walk if check == "local_search_on_digits" else checks.quadratic_walk
    problem, w0, n, step, walk_seed = draw_until(
        np.random.default_rng([seed, index]), walk, checks.reference_walks
    )
    got = namespace["random_local_search"](problem.loss, w0, n, step_size=step, seed=walk_seed)
    return namespace, got, random_local_search(problem.loss, w0, n, step_size=step, seed=walk_seed)


@pytest.mark.parametrize("style,check,seed", HONEST_WALKS)
def test_does_a_walk_that_adds_its_steps_in_another_order_pass(style, check, seed):
    """Summed in another order, a walk's weights (and so its losses) differ in the last bits; the
    checks allow 1e-12 of the size of the terms, not only of their possibly cancelled sum."""
    namespace, _, _ = honest_walk(style, check, seed)
    assert failed_checks("random_search", namespace, seed)["test_random_local_search"] == []


def test_would_the_old_comparison_fail_honest_walks():
    parted = [
        case
        for case in HONEST_WALKS
        if not all(np.allclose(g, e, rtol=1e-12, atol=0) for g, e in zip(*honest_walk(*case)[1:]))
    ]
    assert len(parted) >= 2, parted


@pytest.mark.parametrize("num_weights", [1, 2, 5, 300])
def test_is_the_expected_gain_what_random_tries_on_a_plane_gain(num_weights):
    """200 000 tries W + tau Z on a linear loss: their mean decrease, rejected tries counted as
    0, is the prediction, whatever the number of weights."""
    from autograder.reference.random_search import expected_gain_per_try

    draws = np.random.default_rng(num_weights)
    gradient = draws.standard_normal(num_weights)
    gradient *= 1.5 / np.linalg.norm(gradient)
    gains = np.maximum(0.0, -0.2 * draws.standard_normal((200_000, num_weights)) @ gradient)
    assert np.isclose(gains.mean(), expected_gain_per_try(1.5, 0.2, num_weights), rtol=0.01)
