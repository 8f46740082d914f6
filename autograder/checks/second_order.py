"""Hidden checks for the second-order exercise (solutions/second_order/second_order.ipynb).

    test_newton_step                newton_step(w, g, hessian)
    test_bfgs_update                bfgs_update(H, s, grad_change)
    test_lbfgs_direction            lbfgs_direction(g, s_list, grad_change_list)
    test_backtracking_line_search   backtracking_line_search(f, w, direction, g, alpha=1.0,
                                                             shrink=0.5, c1=1e-4)
    test_lbfgs                      lbfgs(f, grad, w0, m=10, tol=1e-6, max_iter=500)

Steps, updates and directions must match the reference to rtol 1e-9 on random problems;
the line search must return the reference's step exactly; the full loop must reach the
minimum (max |w - w*| <= 1e-5) in the reference's number of iterations (within
`ITERATION_BAND`) and follow its losses for the first iterations (rtol 1e-6).

Iteration counts are compared only on runs where round-off cannot change them by more
than the band: L-BFGS with one or two pairs on an ill-conditioned quadratic is chaotic (a
last-bit difference anywhere, from another CPU's BLAS kernel or another correct order of
additions, moves its count by up to a third), so the short-memory check draws a
well-conditioned one. benchmarks/lbfgs_iterations.py measures the spread on every draw.
"""

from __future__ import annotations

import numpy as np

from optlab.problems import Beale, Rosenbrock, quadratic
from optlab.testing import assert_close

from ..reference import second_order as reference
from . import CheckFailed, Registry, as_array, as_float, as_int, as_tuple, problem_argument
from .problems import random_quadratic

# The section of book/second_order.md that explains each function, for feedback.
SECTIONS = {
    "test_newton_step": "newton-s-method",
    "test_bfgs_update": "quasi-newton-bfgs",
    "test_lbfgs_direction": "l-bfgs-the-last-m-pairs",
    "test_backtracking_line_search": "line-search",
    "test_lbfgs": "l-bfgs-the-last-m-pairs",
}
CHECKS = Registry("second_order", sections=SECTIONS)


def random_spd(rng, n, condition=100.0):
    return quadratic(condition, dim=n, seed=int(rng.integers(2**31))).A


def curvature_pairs(rng, n, m):
    """Pairs (s, grad_change = A s) of a random SPD A: all meet the curvature condition."""
    A = random_spd(rng, n)
    s_list = [rng.standard_normal(n) for _ in range(m)]
    return s_list, [A @ s for s in s_list]


# How close a step, update or direction must be to the reference's: the same formula may
# differ only in round-off. A wrong version is named when the answer is this close to it.
REFERENCE_TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}


def assert_matches_reference(got, expected, what: str) -> None:
    assert_close(got, expected, **REFERENCE_TOLERANCE, what=what)


def named(failure: AssertionError, got, wrong_versions: dict) -> CheckFailed:
    for why, value in wrong_versions.items():
        if np.allclose(got, value, **REFERENCE_TOLERANCE):
            return CheckFailed(f"{failure}\n    Likely mistake: {why}")
    return CheckFailed(str(failure))


# --- newton_step --------------------------------------------------------------------------


@CHECKS.check(
    "test_newton_step", "Does one Newton step land on the minimum of a random quadratic?"
)
def newton_on_quadratic(student, rng):
    problem = random_quadratic(rng, (10, 1e4), (2, 8))
    w = rng.standard_normal(problem.A.shape[0]) * 3
    g = problem.grad(w)
    got = as_array(student.call("newton_step", w, g, problem.A), "newton_step", w.shape)
    try:
        assert_close(
            got,
            problem.minimizer,
            rtol=1e-8,
            atol=1e-10,
            what="the Newton step from a random point",
        )
    except AssertionError as failure:
        raise named(
            failure,
            got,
            {
                "the step goes the wrong way: w - H^-1 g, not w + H^-1 g": w
                + np.linalg.solve(problem.A, g),
                "the step uses H g instead of H^-1 g": w - problem.A @ g,
            },
        ) from None


@CHECKS.check("test_newton_step", "Does it match the reference on Rosenbrock's Hessian?")
def newton_on_rosenbrock(student, rng):
    w1, w2 = rng.uniform(-1.5, 1.5, 2)
    hessian = np.array([[2 - 400 * (w2 - 3 * w1 * w1), -400 * w1], [-400 * w1, 200.0]])
    w, g = np.array([w1, w2]), Rosenbrock().grad(np.array([w1, w2]))
    got = as_array(student.call("newton_step", w, g, hessian), "newton_step", (2,))
    assert_matches_reference(
        got, reference.newton_step(w, g, hessian), "Newton step on Rosenbrock"
    )


# --- bfgs_update --------------------------------------------------------------------------


def bfgs_update_from_good_pair(student, rng, n: int, what: str) -> tuple:
    """The student's update of a random n x n estimate from a pair that meets the curvature
    condition, checked against the reference's: (the update, s, grad_change)."""
    H = random_spd(rng, n, 10.0)
    (s,), (grad_change,) = curvature_pairs(rng, n, 1)
    got = as_array(student.call("bfgs_update", H, s, grad_change), "bfgs_update", H.shape)
    assert_matches_reference(got, reference.bfgs_update(H, s, grad_change), what)
    return got, s, grad_change


@CHECKS.check(
    "test_bfgs_update",
    "Does it match the reference update and satisfy the secant equation?",
    weight=2,
)
def bfgs_random(student, rng):
    n = int(rng.integers(2, 7))
    got, s, grad_change = bfgs_update_from_good_pair(
        student, rng, n, f"the updated {n}x{n} estimate"
    )
    assert_close(
        got @ grad_change,
        s,
        rtol=1e-8,
        atol=1e-10,
        what="H_new @ grad_change (the secant equation asks for s)",
    )


@CHECKS.check(
    "test_bfgs_update",
    "Does it update on a good pair, then skip a pair that fails the curvature condition?",
)
def bfgs_skips(student, rng):
    n = int(rng.integers(2, 6))
    updated, _, _ = bfgs_update_from_good_pair(student, rng, n, "the update from a good pair")
    bad_s = rng.standard_normal(n)
    bad_change = -bad_s + 0.1 * rng.standard_normal(n)  # Δg^T s < 0
    if bad_change @ bad_s >= 0:
        bad_change = -bad_s
    got = as_array(student.call("bfgs_update", updated, bad_s, bad_change), "bfgs_update", (n, n))
    assert_close(
        got,
        updated,
        rtol=0,
        atol=1e-15,
        what="H when grad_change @ s <= 0 (it must come back unchanged)",
    )


# --- lbfgs_direction ----------------------------------------------------------------------


def wrong_order(g, s_list, grad_change_list):
    return reference.lbfgs_direction(g, s_list[::-1], grad_change_list[::-1])


@CHECKS.check(
    "test_lbfgs_direction", "Does the two-loop recursion give the reference's direction?", weight=2
)
def lbfgs_random(student, rng):
    n, m = int(rng.integers(3, 9)), int(rng.integers(2, 6))
    s_list, grad_change_list = curvature_pairs(rng, n, m)
    g = rng.standard_normal(n)
    got = as_array(
        student.call("lbfgs_direction", g, s_list, grad_change_list), "lbfgs_direction", (n,)
    )
    expected = reference.lbfgs_direction(g, s_list, grad_change_list)
    try:
        assert_matches_reference(got, expected, f"the direction from {m} pairs in {n} dimensions")
    except AssertionError as failure:
        newest_s, newest_change = s_list[-1], grad_change_list[-1]
        divided_by_gamma = (
            expected * float(newest_change @ newest_change) / float(newest_s @ newest_change)
        )
        raise named(
            failure,
            got,
            {
                "the loops run in the wrong order: "
                "the first goes from the newest pair to the oldest, "
                "the second back from the oldest": wrong_order(g, s_list, grad_change_list),
                "the direction's sign: return -H g, a descent direction": -expected,
                "the initial scaling: start the second loop from gamma * q, "
                "gamma = (s @ grad_change) / (grad_change @ grad_change) of the newest pair": (
                    divided_by_gamma
                ),
            },
        ) from None


@CHECKS.check(
    "test_lbfgs_direction",
    "With no pairs, is the direction -g, and with one pair, the reference's?",
)
def lbfgs_edges(student, rng):
    g = rng.standard_normal(4)
    assert_close(
        as_array(student.call("lbfgs_direction", g, [], []), "lbfgs_direction", (4,)),
        -g,
        rtol=1e-12,
        what="the direction with no pairs",
    )
    s_list, grad_change_list = curvature_pairs(rng, 4, 1)
    assert_matches_reference(
        as_array(
            student.call("lbfgs_direction", g, s_list, grad_change_list), "lbfgs_direction", (4,)
        ),
        reference.lbfgs_direction(g, s_list, grad_change_list),
        "the direction from one pair",
    )


# --- backtracking_line_search -------------------------------------------------------------


@CHECKS.check(
    "test_backtracking_line_search",
    "Does it return the reference's Armijo step on Rosenbrock?",
    weight=2,
)
def backtracking_rosenbrock(student, rng):
    problem = Rosenbrock()
    for _ in range(3):
        w = rng.uniform(-1.5, 1.5, 2)
        g = problem.grad(w)
        direction = -g * float(rng.uniform(0.1, 2.0))
        settings = {
            "alpha": float(rng.choice([1.0, 0.5])),
            "shrink": float(rng.choice([0.5, 0.3])),
            "c1": float(rng.choice([1e-4, 0.3])),
        }
        got = as_float(
            student.call(
                "backtracking_line_search",
                problem_argument(problem, "loss"),
                w,
                direction,
                g,
                **settings,
            ),
            "backtracking_line_search",
        )
        expected = reference.backtracking_line_search(problem.loss, w, direction, g, **settings)
        if not np.isclose(got, expected, rtol=1e-12, atol=0):
            armijo_bound = problem.loss(w) + settings["c1"] * got * float(g @ direction)
            taken = problem.loss(w + got * direction) <= armijo_bound
            why = (
                "it meets the Armijo condition but is not the first (largest) such step: "
                "try alpha, then shrink"
                if taken
                else "it does not meet the Armijo condition f(w + a d) <= f(w) + c1 a g^T d"
            )
            raise CheckFailed(
                f"backtracking_line_search at w={w.round(3)} returned {got:.6g}, expected "
                f"{expected:.6g} ({', '.join(f'{k}={v:g}' for k, v in settings.items())}): {why}"
            )


# --- lbfgs --------------------------------------------------------------------------------


# How far a right L-BFGS's iteration count may be from the reference's on the checks' runs.
# benchmarks/lbfgs_iterations.md: with every direction perturbed by relative noise of 1e-15
# (round-off), counts move by up to 2; by 1e-13, up to 2; by 1e-11, up to 5.
ITERATION_BAND = 5


def check_lbfgs(student, problem, w0, what, **settings):
    """The student's lbfgs against the reference's, with the same ``settings`` (m, tol,
    max_iter)."""
    what += "".join(f", {key}={value:g}" for key, value in settings.items())
    got = student.call(
        "lbfgs",
        problem_argument(problem, "loss"),
        problem_argument(problem, "grad"),
        w0,
        **settings,
    )
    w, iterations, history = as_tuple(got, ("w", "iterations", "history"), f"lbfgs {what}")
    w_ref, iterations_ref, history_ref = reference.lbfgs(
        problem.loss, problem.grad, w0, **settings
    )
    w = as_array(w, f"lbfgs {what}: w", w0.shape)
    iterations = as_int(iterations, f"lbfgs {what}: the iteration count", at_least=0)
    history = as_array(history, f"lbfgs {what}: history")
    if history.shape != (iterations + 1,):
        raise CheckFailed(
            f"lbfgs {what}: history has shape {history.shape} after {iterations} iterations; "
            f"expected ({iterations + 1},): f(w0), then f after each iteration"
        )
    if not np.all(np.isfinite(history)):
        first = int(np.argmin(np.isfinite(history)))
        raise CheckFailed(
            f"lbfgs {what}: history holds {history[first]} at entry {first}; "
            "expected a finite loss at every entry"
        )
    if "max_iter" in settings and iterations_ref == settings["max_iter"]:
        if iterations != iterations_ref:
            raise CheckFailed(
                f"lbfgs {what}: took {iterations} iterations; it must stop after max_iter"
            )
        assert_close(
            w, w_ref, rtol=1e-6, atol=1e-9, what=f"lbfgs {what}: w after max_iter iterations"
        )
    elif "tol" in settings:
        assert_close(
            w, w_ref, rtol=0, atol=10 * settings["tol"], what=f"lbfgs {what}: the final w"
        )
    else:
        assert_close(
            w,
            problem.minimizer,
            rtol=0,
            atol=1e-5,
            what=f"lbfgs {what}: the final w (the minimum)",
        )
    if abs(iterations - iterations_ref) > ITERATION_BAND:
        raise CheckFailed(
            f"lbfgs {what}: took {iterations} iterations, the reference {iterations_ref} "
            "(on this problem a right L-BFGS takes the reference's count "
            f"within {ITERATION_BAND}, whatever the machine: "
            "check the stopping test and which pairs are kept)"
        )
    k = min(8, len(history_ref), len(history))
    assert_close(
        history[:k],
        history_ref[:k],
        rtol=1e-6,
        atol=1e-12,
        what=f"lbfgs {what}: the first {k} losses",
    )


@CHECKS.check(
    "test_lbfgs",
    "Does the full loop reach Rosenbrock's minimum from (-1.2, 1) like the reference?",
)
def lbfgs_rosenbrock(student, rng):
    check_lbfgs_runs(student, rosenbrock_runs(rng))


@CHECKS.check(
    "test_lbfgs",
    "Does it reach Beale's minimum and a random ill-conditioned quadratic's?",
    weight=2,
)
def lbfgs_beale_quadratic(student, rng):
    check_lbfgs_runs(student, beale_and_quadratic_runs(rng))


@CHECKS.check(
    "test_lbfgs",
    "Does it keep only the last m pairs, stop at tol, and stop after max_iter iterations?",
)
def lbfgs_settings(student, rng):
    check_lbfgs_runs(student, settings_runs(rng))


def check_lbfgs_runs(student, runs) -> None:
    for problem, w0, what, settings in runs:
        check_lbfgs(student, problem, w0, what, **settings)


# The runs each lbfgs check draws: (problem, w0, what, settings).


def rosenbrock_runs(rng) -> list[tuple]:
    return [(Rosenbrock(), np.array([-1.2, 1.0]), "on Rosenbrock", {})]


# Not the classic (1, 1): from 3% of the starts within 0.2 of it, a right L-BFGS drifts onto
# Beale's plateau at x = 0. From every start of this box it reaches the minimum (checked on a
# grid).
BEALE_STARTS_CENTER = np.array([1.5, 0.0])
BEALE_STARTS_RADIUS = 0.5


def beale_and_quadratic_runs(rng) -> list[tuple]:
    beale = (
        Beale(),
        BEALE_STARTS_CENTER + rng.uniform(-BEALE_STARTS_RADIUS, BEALE_STARTS_RADIUS, 2),
        "on Beale",
        {},
    )
    problem = random_quadratic(rng, (50, 300), (5, 12))
    return [beale, (problem, problem.start, "on a quadratic", {})]


def settings_runs(rng) -> list[tuple]:
    """A short memory on a quadratic of condition 10 to 30, where one or two pairs take 25 to 55
    iterations that round-off does not change (at condition 100 to 300 they take up to 180, and a
    last-bit difference moves the count by up to 39); tol on an ill-conditioned quadratic (with
    ten pairs its count is stable); max_iter on Rosenbrock."""
    short = random_quadratic(rng, (10, 30), (8, 12))
    m = int(rng.integers(1, 3))
    problem = random_quadratic(rng, (100, 300), (8, 12))
    tol = float(10 ** rng.uniform(-3, -1))
    return [
        (short, short.start, "on a quadratic", {"m": m}),
        (problem, problem.start, "on a quadratic", {"tol": tol}),
        (
            Rosenbrock(),
            np.array([-1.2, 1.0]),
            "on Rosenbrock",
            {"max_iter": int(rng.integers(3, 8))},
        ),
    ]


LBFGS_RUNS = {
    "lbfgs_rosenbrock": rosenbrock_runs,
    "lbfgs_beale_quadratic": beale_and_quadratic_runs,
    "lbfgs_settings": settings_runs,
}


# test_largest_weight_counts: a prediction from the chapter's memory counts, within 1% (room for
# rounding either way and for a float answer; a wrong count is off by a factor of sqrt(2) at
# least).
SECTIONS["test_largest_weight_counts"] = "what-a-newton-step-costs"
COUNT_RTOL = 0.01


def check_weight_count(student, rng, index, method):
    for _ in range(5):
        memory_bytes = int(np.exp(rng.uniform(np.log(1e6), np.log(1e12))))
        m = int(rng.integers(3, 31))
        returned = as_tuple(
            student.call("largest_weight_counts", memory_bytes, m),
            ("P_newton", "P_lbfgs"),
            "largest_weight_counts()",
        )
        got = as_float(returned[index], f"largest_weight_counts()'s P for {method}")
        expected = reference.largest_weight_counts(memory_bytes, m)[index]
        if not np.isclose(got, expected, rtol=COUNT_RTOL, atol=0.0):
            raise CheckFailed(
                f"largest_weight_counts({memory_bytes}, m={m}): P for {method}: got {got:.6g}, "
                f"expected {expected} (relative tolerance {COUNT_RTOL:g}); count the numbers "
                f"{method} stores for P weights, 8 bytes each"
            )


@CHECKS.check(
    "test_largest_weight_counts",
    "Is its P the largest whose Newton Hessian fits in the memory?",
)
def newton_weight_count(student, rng):
    check_weight_count(student, rng, 0, "Newton's method")


@CHECKS.check(
    "test_largest_weight_counts",
    "Is its P the largest whose L-BFGS pairs fit in the memory?",
)
def lbfgs_weight_count(student, rng):
    check_weight_count(student, rng, 1, "L-BFGS")
