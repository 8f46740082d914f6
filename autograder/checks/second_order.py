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
`ITERATION_BAND`) and follow its losses for the first iterations (rtol 1e-6). A failure names
the cataloged mistake (the *_MISTAKES dicts) whose wrong version gives the same answer; a
wrong line search is named only when it also returns that mistake's steps on SEARCH_PROBES,
fixed searches on which the cataloged mistakes all differ.

Iteration counts are compared only on runs where round-off cannot change them by more
than the band: L-BFGS with one or two pairs on an ill-conditioned quadratic is chaotic (a
last-bit difference anywhere, from another CPU's BLAS kernel or another correct order of
additions, moves its count by up to a third), so the short-memory check draws a
well-conditioned one. benchmarks/lbfgs_iterations.py measures the spread on every draw.
"""

from __future__ import annotations

import numpy as np

from optlab.linesearch import wolfe_line_search
from optlab.problems import Beale, Quadratic, Rosenbrock, quadratic
from optlab.testing import assert_close

from ..reference import second_order as reference
from ..sandbox.session import StudentCallFailed
from . import CheckFailed, Registry, as_array, as_float, as_int, as_tuple, problem_argument
from .diagnosis import LIKELY_MISTAKE, unrecorded
from .mistakes import name_mistake
from .problems import random_quadratic
from .tasks import positive_number

# The section of book/second_order.md that explains each function, for feedback.
SECTIONS = {
    "test_newton_step": "newton-s-method",
    "test_bfgs_update": "quasi-newton-bfgs",
    "test_lbfgs_direction": "l-bfgs-the-last-m-pairs",
    "test_backtracking_line_search": "line-search",
    "test_lbfgs": "l-bfgs-the-last-m-pairs",
}
# A named mistake (a phrase of its explanation) that another section explains better.
MISTAKE_SECTIONS = {
    "the update is made even when the curvature condition": "the-curvature-condition",
    "H is reset to the identity when the update is skipped": "the-curvature-condition",
    "the update is skipped only when Δg^T s < 0": "the-curvature-condition",
    "the curvature test is reversed": "the-curvature-condition",
    "the step comes from backtracking": "why-quasi-newton-methods-need-the-curvature-condition",
    "L-BFGS's count": "l-bfgs-the-last-m-pairs",
}
CHECKS = Registry("second_order", sections=SECTIONS, mistake_sections=MISTAKE_SECTIONS)


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


def named(failure: AssertionError, got, mistakes: dict, *args, **kwargs) -> CheckFailed:
    """The failure, with the cataloged mistake (``{why: wrong version}``) that gives ``got`` on
    these arguments, if one does."""
    return CheckFailed(f"{failure}" + name_mistake(got, mistakes, *args, **kwargs))


# --- newton_step --------------------------------------------------------------------------

NEWTON_MISTAKES = {
    "the step goes uphill: Newton's step is Δw_N = -(∇²L)^-1 g, against the gradient": (
        lambda w, g, hessian: w + np.linalg.solve(hessian, g)
    ),
    "g is multiplied by the Hessian: Newton's step multiplies it by the Hessian's inverse, "
    "Δw_N = -(∇²L)^-1 g, the solution of ∇²L Δw = -g": lambda w, g, hessian: w - hessian @ g,
    "only the Hessian's diagonal is used: Newton's step Δw_N = -(∇²L)^-1 g solves with the "
    "whole Hessian, whose off-diagonal entries couple the weights": (
        lambda w, g, hessian: w - g / np.diag(hessian)
    ),
    "this is a gradient step, g divided by the Hessian's trace: Newton's step "
    "Δw_N = -(∇²L)^-1 g solves with the whole Hessian": (
        lambda w, g, hessian: w - g / np.trace(hessian)
    ),
    "this returns the step Δw_N = -(∇²L)^-1 g, not the new weights: newton_step returns "
    "w + Δw_N": lambda w, g, hessian: -np.linalg.solve(hessian, g),
    "the system solved is ∇²L p = w: Newton's step solves it for the gradient, "
    "∇²L Δw_N = -g, and adds the solution to w": (
        lambda w, g, hessian: w - np.linalg.solve(hessian, w)
    ),
    "the step is halved, as if the 1/2 of the quadratic model carried over: the model "
    "L(w) + g^T Δw + Δw^T ∇²L Δw / 2 is least at the whole step, Δw_N = -(∇²L)^-1 g": (
        lambda w, g, hessian: w - 0.5 * np.linalg.solve(hessian, g)
    ),
    "the Hessian is damped, ∇²L + I (Levenberg-Marquardt's form): Newton's step solves with "
    "the Hessian itself, ∇²L Δw_N = -g": lambda w, g, hessian: (
        w - np.linalg.solve(hessian + np.eye(len(g)), g)
    ),
    "this is steepest descent with the exact step along -g, (g^T g / g^T ∇²L g) g: Newton's "
    "step turns the gradient by the Hessian's inverse, Δw_N = -(∇²L)^-1 g": (
        lambda w, g, hessian: w - float(g @ g) / float(g @ hessian @ g) * g
    ),
}


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
        raise named(failure, got, NEWTON_MISTAKES, w, g, problem.A) from None


@CHECKS.check("test_newton_step", "Does it match the reference on Rosenbrock's Hessian?")
def newton_on_rosenbrock(student, rng):
    w1, w2 = rng.uniform(-1.5, 1.5, 2)
    hessian = np.array([[2 - 400 * (w2 - 3 * w1 * w1), -400 * w1], [-400 * w1, 200.0]])
    w, g = np.array([w1, w2]), Rosenbrock().grad(np.array([w1, w2]))
    got = as_array(student.call("newton_step", w, g, hessian), "newton_step", (2,))
    try:
        assert_matches_reference(
            got, reference.newton_step(w, g, hessian), "Newton step on Rosenbrock"
        )
    except AssertionError as failure:
        raise named(failure, got, NEWTON_MISTAKES, w, g, hessian) from None


# --- bfgs_update --------------------------------------------------------------------------


def _bfgs(
    H,
    s,
    grad_change,
    rho_of=None,
    left_of=None,
    right_of=None,
    pair_term=lambda rho, s, grad_change: rho * np.outer(s, s),
    skips=lambda curvature: curvature <= 0,
):
    """The BFGS update of H, with one part swapped for a student's: rho_of(s, Δg), the left
    factor left_of(rho, s, Δg), the right one right_of(left), the term pair_term(rho, s, Δg)
    (ρ s s^T), and the curvatures Δg^T s at which the update is skipped."""
    # A float64 division: at Δg^T s = 0 the mistaken update gives inf and NaN, as a student's.
    curvature = np.float64(grad_change @ s)
    if skips(curvature):
        return H
    rho = np.float64(1.0) / curvature if rho_of is None else rho_of(s, grad_change)
    left = (
        np.eye(len(s)) - rho * np.outer(s, grad_change)
        if left_of is None
        else left_of(rho, s, grad_change)
    )
    right = left.T if right_of is None else right_of(left)
    return left @ H @ right + pair_term(rho, s, grad_change)


def _hessian_bfgs(H, s, grad_change):
    """BFGS's update of a Hessian estimate B (B - B s s^T B / s^T B s + Δg Δg^T / Δg^T s),
    applied to H."""
    H_s = H @ s
    return (
        H
        - np.outer(H_s, H_s) / float(s @ H_s)
        + np.outer(grad_change, grad_change) / float(grad_change @ s)
    )


def _sr1(H, s, grad_change):
    """The symmetric rank-one update: H + r r^T / (r^T Δg), r = s - H Δg."""
    r = s - H @ grad_change
    return H + np.outer(r, r) / float(r @ grad_change)


def _dfp(H, s, grad_change):
    H_change = H @ grad_change
    return (
        H
        - np.outer(H_change, H_change) / float(grad_change @ H_change)
        + np.outer(s, s) / float(grad_change @ s)
    )


# Mistakes of the update from a pair that meets the curvature condition.
BFGS_MISTAKES = {
    "ρ is 1 / (s^T s): the BFGS update divides by the curvature along the step, "
    "ρ = 1 / (Δg^T s)": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, rho_of=lambda s, grad_change: 1.0 / float(s @ s)
    ),
    "ρ is Δg^T s itself: the BFGS update uses its inverse, ρ = 1 / (Δg^T s)": (
        lambda H, s, grad_change: _bfgs(
            H, s, grad_change, rho_of=lambda s, grad_change: float(grad_change @ s)
        )
    ),
    "the outer products in the factors are Δg s^T on the left: in the BFGS update the left "
    "factor is I - ρ s Δg^T and the right one its transpose": lambda H, s, grad_change: _bfgs(
        H,
        s,
        grad_change,
        left_of=lambda rho, s, grad_change: np.eye(len(s)) - rho * np.outer(grad_change, s),
    ),
    "both factors are I - ρ s Δg^T: in the BFGS update the right factor is the left one's "
    "transpose, which keeps H symmetric": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, right_of=lambda left: left
    ),
    "the term ρ s s^T is missing: without it the BFGS update does not meet the secant "
    "equation H_new Δg = s": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, pair_term=lambda rho, s, grad_change: 0.0
    ),
    "this is the DFP update, BFGS's dual: the chapter's update of H is BFGS's, built from "
    "the factors I - ρ s Δg^T and its transpose": _dfp,
    "the term ρ s s^T is subtracted: the BFGS update adds it, and with it H_new meets the "
    "secant equation H_new Δg = s": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, pair_term=lambda rho, s, grad_change: -rho * np.outer(s, s)
    ),
    "the term added is s s^T, without ρ: the BFGS update adds ρ s s^T, ρ = 1 / (Δg^T s)": (
        lambda H, s, grad_change: _bfgs(
            H, s, grad_change, pair_term=lambda rho, s, grad_change: np.outer(s, s)
        )
    ),
    "the term added is ρ Δg Δg^T: the BFGS update of the inverse estimate H adds ρ s s^T, "
    "which maps Δg to s (the secant equation H_new Δg = s)": lambda H, s, grad_change: _bfgs(
        H,
        s,
        grad_change,
        pair_term=lambda rho, s, grad_change: rho * np.outer(grad_change, grad_change),
    ),
    "ρ is 1 / (Δg^T Δg): the BFGS update divides by the curvature along the step, "
    "ρ = 1 / (Δg^T s)": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, rho_of=lambda s, grad_change: 1.0 / float(grad_change @ grad_change)
    ),
    "the factors add ρ s Δg^T to I: in the BFGS update they subtract it, I - ρ s Δg^T on the "
    "left and its transpose on the right": lambda H, s, grad_change: _bfgs(
        H,
        s,
        grad_change,
        left_of=lambda rho, s, grad_change: np.eye(len(s)) + rho * np.outer(s, grad_change),
    ),
    "the right factor is missing: the BFGS update multiplies H by I - ρ s Δg^T on the left "
    "and by its transpose, I - ρ Δg s^T, on the right": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, right_of=lambda left: np.eye(len(s))
    ),
    "the factors are missing (H + ρ s s^T): the BFGS update first multiplies H by "
    "I - ρ s Δg^T on the left and its transpose on the right, then adds ρ s s^T": (
        lambda H, s, grad_change: _bfgs(
            H, s, grad_change, left_of=lambda rho, s, grad_change: np.eye(len(s))
        )
    ),
    "this is BFGS's update of the Hessian, B - B s s^T B / (s^T B s) + Δg Δg^T / (Δg^T s), "
    "applied to the inverse estimate H: the chapter's update of H (equation bfgs-update) is "
    "built from the factors I - ρ s Δg^T and its transpose": _hessian_bfgs,
    "this is the symmetric rank-one (SR1) update: the chapter's update of H is BFGS's, a "
    "rank-two change built from the factors I - ρ s Δg^T and its transpose": _sr1,
    "the curvature test is reversed: this skips the update (H comes back unchanged) when the "
    "pair meets the curvature condition Δg^T s > 0; the update is made then, and skipped "
    "only when Δg^T s <= 0": lambda H, s, grad_change: _bfgs(
        H, s, grad_change, skips=lambda curvature: curvature > 0
    ),
}


def bfgs_update_from_good_pair(student, rng, n: int, what: str) -> tuple:
    """The student's update of a random n x n estimate from a pair that meets the curvature
    condition, checked against the reference's: (the update, s, grad_change)."""
    H = random_spd(rng, n, 10.0)
    (s,), (grad_change,) = curvature_pairs(rng, n, 1)
    got = as_array(student.call("bfgs_update", H, s, grad_change), "bfgs_update", H.shape)
    try:
        assert_matches_reference(got, reference.bfgs_update(H, s, grad_change), what)
    except AssertionError as failure:
        raise named(failure, got, BFGS_MISTAKES, H, s, grad_change) from None
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


def _bfgs_never_skipping(H, s, grad_change):
    return _bfgs(H, s, grad_change, skips=lambda curvature: False)


def _bfgs_skipping_below_zero(H, s, grad_change):
    return _bfgs(H, s, grad_change, skips=lambda curvature: curvature < 0)


# Mistakes of the skip, on a pair that fails the curvature condition (Δg^T s < 0), then on one
# at its edge (Δg^T s = 0 exactly).
SKIP_MISTAKES = {
    "the update is made even when the curvature condition Δg^T s > 0 fails: "
    "then it must be skipped, H returned unchanged": _bfgs_never_skipping,
    "H is reset to the identity when the update is skipped: a skipped update returns H "
    "unchanged": lambda H, s, grad_change: (
        np.eye(len(s)) if grad_change @ s <= 0 else reference.bfgs_update(H, s, grad_change)
    ),
}
ZERO_CURVATURE_MISTAKES = {
    "the update is skipped only when Δg^T s < 0, and at Δg^T s = 0 it divides by zero: "
    "the curvature condition is Δg^T s > 0, so skip whenever Δg^T s <= 0": (
        _bfgs_skipping_below_zero
    ),
}


def orthogonal_pair(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(s, grad_change) with grad_change @ s = 0 exactly: small whole numbers, whose products
    and sums are exact in float64, with grad_change rotating s's first two entries."""
    s = rng.integers(-4, 5, n).astype(np.float64)
    s[:2] = rng.integers(1, 5, 2) * rng.choice([-1.0, 1.0], 2)
    grad_change = np.zeros(n)
    grad_change[0], grad_change[1] = s[1], -s[0]
    return s, grad_change


@CHECKS.check(
    "test_bfgs_update",
    "Does it update on a good pair, then skip a pair that fails the curvature condition, "
    "and one at its edge (Δg^T s = 0)?",
)
def bfgs_skips(student, rng):
    n = int(rng.integers(2, 6))
    updated, _, _ = bfgs_update_from_good_pair(student, rng, n, "the update from a good pair")
    bad_s = rng.standard_normal(n)
    bad_change = -bad_s + 0.1 * rng.standard_normal(n)  # Δg^T s < 0
    if bad_change @ bad_s >= 0:
        bad_change = -bad_s
    zero_s, zero_change = orthogonal_pair(rng, n)
    for s, grad_change, mistakes, what in (
        (bad_s, bad_change, SKIP_MISTAKES, "H when grad_change @ s < 0"),
        (zero_s, zero_change, ZERO_CURVATURE_MISTAKES, "H when grad_change @ s = 0 exactly"),
    ):
        got = as_array(student.call("bfgs_update", updated, s, grad_change), "bfgs_update", (n, n))
        try:
            assert_close(
                got,
                updated,
                rtol=0,
                atol=1e-15,
                what=f"{what} (it must come back unchanged)",
            )
        except AssertionError as failure:
            raise named(failure, got, mistakes, updated, s, grad_change) from None


# --- lbfgs_direction ----------------------------------------------------------------------


def wrong_order(g, s_list, grad_change_list):
    return reference.lbfgs_direction(g, s_list[::-1], grad_change_list[::-1])


def _two_loop(
    g,
    s_list,
    grad_change_list,
    first_newest_first=True,
    second_oldest_first=True,
    alphas_reversed=True,
    gamma_pair=-1,
    sign=-1.0,
    gamma_of=lambda s, grad_change: float(s @ grad_change) / float(grad_change @ grad_change),
    rho_of=lambda s, grad_change: 1.0 / float(grad_change @ s),
    alpha_with=lambda s, grad_change: s,
    first_along=lambda s, grad_change: grad_change,
    beta_with=lambda s, grad_change: grad_change,
    second_along=lambda s, grad_change: s,
    difference=lambda alpha, beta: alpha - beta,
    gamma_at_end=False,
):
    """The two-loop recursion with one part swapped for a student's: the order of each loop,
    which alpha the second loop pairs with each pair, the pair gamma is taken from and its
    formula gamma_of(s, Δg), ρ = rho_of(s, Δg), the vectors alpha and beta are dotted with
    (alpha = ρ alpha_with^T q, beta = ρ beta_with^T r), the vectors the loops move q and r
    along, the difference the second loop adds, gamma applied after the second loop instead
    of before it, and the sign."""
    q = np.array(g, dtype=np.float64)
    pairs = list(zip(s_list, grad_change_list))
    if not pairs:
        return sign * q
    alphas = []
    for s, grad_change in reversed(pairs) if first_newest_first else pairs:
        alpha = rho_of(s, grad_change) * float(alpha_with(s, grad_change) @ q)
        q = q - alpha * first_along(s, grad_change)
        alphas.append(alpha)
    gamma = gamma_of(*pairs[gamma_pair])
    r = q if gamma_at_end else gamma * q
    second = pairs if second_oldest_first else pairs[::-1]
    for (s, grad_change), alpha in zip(second, alphas[::-1] if alphas_reversed else alphas):
        beta = rho_of(s, grad_change) * float(beta_with(s, grad_change) @ r)
        r = r + difference(alpha, beta) * second_along(s, grad_change)
    return sign * (gamma * r if gamma_at_end else r)


def _divided_by_gamma(g, s_list, grad_change_list):
    direction = reference.lbfgs_direction(g, s_list, grad_change_list)
    if not s_list:
        return direction
    newest_s, newest_change = s_list[-1], grad_change_list[-1]
    return direction * float(newest_change @ newest_change) / float(newest_s @ newest_change)


DIRECTION_MISTAKES = {
    "the pairs are taken newest first: with the pairs numbered oldest first, the first loop "
    "runs from the newest pair to the oldest, the second back from the oldest": wrong_order,
    "the first loop runs from the oldest pair: it runs from the newest to the oldest, "
    "and the second loop back from the oldest to the newest": lambda g, S, G: _two_loop(
        g, S, G, first_newest_first=False
    ),
    "the second loop runs from the newest pair: it runs back from the oldest to the newest, "
    "the first loop's order reversed": lambda g, S, G: _two_loop(
        g, S, G, second_oldest_first=False
    ),
    "the second loop pairs each pair with another pair's α: the first loop stores them "
    "newest first, so the second, oldest first, reads them in reverse": lambda g, S, G: _two_loop(
        g, S, G, alphas_reversed=False
    ),
    "γ is taken from the oldest pair: the initial scale γ = s^T Δg / Δg^T Δg is the newest "
    "pair's": lambda g, S, G: _two_loop(g, S, G, gamma_pair=0),
    "only the newest pair is used: the direction (lbfgs-direction) applies the BFGS update of "
    "every stored pair, oldest first": lambda g, S, G: _two_loop(g, S[-1:], G[-1:]),
    "the direction's sign: return -H g, a descent direction": lambda g, S, G: _two_loop(
        g, S, G, sign=1.0
    ),
    "the initial scaling: start the second loop from gamma * q, "
    "gamma = (s @ grad_change) / (grad_change @ grad_change) of the newest pair": (
        _divided_by_gamma
    ),
    "γ is applied after the second loop: the estimate starts from H_0 = γ I, so the second "
    "loop starts from r = γ q, and its updates are made on the scaled vector": (
        lambda g, S, G: _two_loop(g, S, G, gamma_at_end=True)
    ),
    "γ is 1, no initial scaling: L-BFGS starts from H_0 = γ I, with "
    "γ = s^T Δg / Δg^T Δg of the newest pair": lambda g, S, G: _two_loop(
        g, S, G, gamma_of=lambda s, grad_change: 1.0
    ),
    "γ is upside down (Δg^T Δg / s^T Δg, a curvature): γ estimates the inverse curvature "
    "along the last step, γ = s^T Δg / Δg^T Δg": lambda g, S, G: _two_loop(
        g,
        S,
        G,
        gamma_of=lambda s, grad_change: float(grad_change @ grad_change) / float(s @ grad_change),
    ),
    "γ is s^T s / s^T Δg: the initial scale is γ = s^T Δg / Δg^T Δg of the newest pair, "
    "with Δg in the denominator": lambda g, S, G: _two_loop(
        g, S, G, gamma_of=lambda s, grad_change: float(s @ s) / float(s @ grad_change)
    ),
    "ρ is 1 / (s^T s): each pair's ρ is 1 / (Δg^T s), the curvature along its step": (
        lambda g, S, G: _two_loop(g, S, G, rho_of=lambda s, grad_change: 1.0 / float(s @ s))
    ),
    "the first loop's α is ρ Δg^T q: it is ρ s^T q, and then q loses α Δg": (
        lambda g, S, G: _two_loop(g, S, G, alpha_with=lambda s, grad_change: grad_change)
    ),
    "the first loop subtracts α s from q: it subtracts α Δg (q = q - α Δg), and the second "
    "loop adds along s": lambda g, S, G: _two_loop(g, S, G, first_along=lambda s, grad_change: s),
    "the second loop's β is ρ s^T r: it is ρ Δg^T r, and then r gains (α - β) s": (
        lambda g, S, G: _two_loop(g, S, G, beta_with=lambda s, grad_change: s)
    ),
    "the second loop adds along Δg: it adds (α - β) s to r, the first loop having "
    "subtracted along Δg": lambda g, S, G: _two_loop(
        g, S, G, second_along=lambda s, grad_change: grad_change
    ),
    "the second loop adds (β - α) s: it adds (α - β) s, α from the first loop and "
    "β = ρ Δg^T r": lambda g, S, G: _two_loop(
        g, S, G, difference=lambda alpha, beta: beta - alpha
    ),
}


def check_direction(student, g, s_list, grad_change_list, what: str) -> None:
    n = len(g)
    got = as_array(
        student.call("lbfgs_direction", g, s_list, grad_change_list), "lbfgs_direction", (n,)
    )
    try:
        assert_matches_reference(got, reference.lbfgs_direction(g, s_list, grad_change_list), what)
    except AssertionError as failure:
        raise named(failure, got, DIRECTION_MISTAKES, g, s_list, grad_change_list) from None


@CHECKS.check(
    "test_lbfgs_direction", "Does the two-loop recursion give the reference's direction?", weight=2
)
def lbfgs_random(student, rng):
    n, m = int(rng.integers(3, 9)), int(rng.integers(2, 6))
    s_list, grad_change_list = curvature_pairs(rng, n, m)
    g = rng.standard_normal(n)
    check_direction(
        student, g, s_list, grad_change_list, f"the direction from {m} pairs in {n} dimensions"
    )


@CHECKS.check(
    "test_lbfgs_direction",
    "With no pairs, is the direction -g, and with one pair, the reference's?",
)
def lbfgs_edges(student, rng):
    g = rng.standard_normal(4)
    got = as_array(student.call("lbfgs_direction", g, [], []), "lbfgs_direction", (4,))
    try:
        assert_close(got, -g, rtol=1e-12, what="the direction with no pairs")
    except AssertionError as failure:
        raise named(failure, got, DIRECTION_MISTAKES, g, [], []) from None
    s_list, grad_change_list = curvature_pairs(rng, 4, 1)
    check_direction(student, g, s_list, grad_change_list, "the direction from one pair")


# --- backtracking_line_search -------------------------------------------------------------


def _backtracking(
    f,
    w,
    direction,
    g,
    alpha=1.0,
    shrink=0.5,
    c1=1e-4,
    shrink_first=False,
    give_up_with=None,
    tries=60,
    point=lambda w, alpha, direction: w + alpha * direction,
    slope_of=lambda g, direction: float(g @ direction),
    accepts=lambda loss, bound, alpha, c1, slope: loss <= bound + c1 * alpha * slope,
    next_alpha=lambda alpha, shrink: alpha * shrink,
    success=lambda alpha, shrink: alpha,
    bound_moves=False,
):
    """Backtracking with one part swapped for a student's: shrinking before the first try, or
    returning ``give_up_with(alpha)`` (alpha the first step) when no try meets Armijo's
    condition; the number of tries, the point tried, the slope, the test accepts(loss, bound,
    alpha, c1, slope) with bound f(w) (or, if ``bound_moves``, the loss of the previous try),
    the next step tried and the step returned on success."""
    first, bound, slope = alpha, f(w), slope_of(g, direction)
    for _ in range(tries):
        if shrink_first:
            alpha = next_alpha(alpha, shrink)
        loss = f(point(w, alpha, direction))
        if accepts(loss, bound, alpha, c1, slope):
            return success(alpha, shrink)
        if bound_moves:
            bound = loss
        if not shrink_first:
            alpha = next_alpha(alpha, shrink)
    return alpha if give_up_with is None else give_up_with(first)


def _searching(**parts):
    return lambda *args, **settings: _backtracking(*args, **settings, **parts)


SEARCH_MISTAKES = {
    "the first step is shrunk before it is tried: backtracking tries alpha itself first, and "
    "returns it when it meets the Armijo condition": _searching(shrink_first=True),
    "when no try meets the Armijo condition, this returns the first step: the search returns "
    "its last, alpha shrunk 60 times": _searching(give_up_with=lambda first: first),
    "the point tried is w + d, whatever the step: each try evaluates the loss at "
    "w + alpha d, for the alpha being tried": _searching(
        point=lambda w, alpha, direction: w + direction
    ),
    "the Armijo bound has the wrong sign (f(w) - c1 alpha g^T d, above f(w)): the loss must "
    "fall below f(w) + c1 alpha g^T d, the decrease the slope g^T d < 0 promises": (
        _searching(
            accepts=lambda loss, bound, alpha, c1, slope: loss <= bound - c1 * alpha * slope
        )
    ),
    "the Armijo bound is missing alpha (f(w) + c1 g^T d): the decrease asked for shrinks with "
    "the step, f(w) + c1 alpha g^T d": _searching(
        accepts=lambda loss, bound, alpha, c1, slope: loss <= bound + c1 * slope
    ),
    "the slope is -g^T g, the steepest descent's: it is the slope along the direction given, "
    "g^T d": _searching(slope_of=lambda g, direction: -float(g @ g)),
    "the test is a plain decrease, f(w + alpha d) < f(w): the Armijo condition asks for the "
    "decrease c1 alpha g^T d the slope promises, f(w + alpha d) <= f(w) + c1 alpha g^T d": (
        _searching(accepts=lambda loss, bound, alpha, c1, slope: loss < bound)
    ),
    "the c1 passed in is ignored (1e-4 is used): the Armijo condition uses the caller's c1": (
        lambda f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4: _backtracking(
            f, w, direction, g, alpha, shrink
        )
    ),
    "each try is compared with the previous try's loss: the Armijo condition compares every "
    "try with the loss at the start, f(w)": _searching(bound_moves=True),
    "the shrink passed in is ignored (alpha is halved): each failed try is multiplied by the "
    "caller's shrink": lambda f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4: _backtracking(
        f, w, direction, g, alpha, 0.5, c1
    ),
    "the step grows after a failed try (alpha / shrink): backtracking multiplies it by "
    "shrink < 1, trying shorter and shorter steps": _searching(
        next_alpha=lambda alpha, shrink: alpha / shrink
    ),
    "the step returned is one shrink past the one that met the Armijo condition: return the "
    "alpha that was tried and passed": _searching(success=lambda alpha, shrink: alpha * shrink),
    "when no try meets the Armijo condition, this returns alpha shrunk 59 times (the last "
    "step tried, not shrunk once more): the search returns alpha shrunk 60 times": (
        _searching(tries=59)
    ),
}


def _search_probes() -> tuple:
    """Searches (problem, w, direction, g, settings) on which the cataloged wrong searches all
    return different steps: a Rosenbrock start along -g and along a longer -3 g; a bowl's Newton
    direction, and a short step along -g tried from alpha = 4; a bowl's minimum, where no step
    meets the Armijo condition; and a step of 1.9999 along -g on the bowl w**2 / 2 from w = 1,
    which lowers the loss by 1e-4, too little for Armijo's c1 = 0.3."""
    valley, bowl = Rosenbrock(), Quadratic(A=np.diag([1.0, 4.0]), b=np.zeros(2))
    round_bowl = Quadratic(A=np.eye(2), b=np.zeros(2))
    start, corner, east = np.array([-1.2, 1.0]), np.ones(2), np.array([1.0, 0.0])
    uphill = np.array([1.0, -0.5])
    return (
        (valley, start, -valley.grad(start), valley.grad(start), {"c1": 1e-4, "shrink": 0.5}),
        (
            valley,
            start,
            -3 * valley.grad(start),
            valley.grad(start),
            {"alpha": 0.5, "shrink": 0.3, "c1": 0.3},
        ),
        (
            bowl,
            corner,
            -np.linalg.solve(bowl.A, bowl.grad(corner)),
            bowl.grad(corner),
            {"c1": 0.3},
        ),
        (bowl, corner, -0.2 * bowl.grad(corner), bowl.grad(corner), {"alpha": 4.0, "c1": 0.3}),
        (bowl, np.zeros(2), uphill, -uphill, {"shrink": 0.3}),
        (round_bowl, east, -east, east, {"alpha": 1.9999, "c1": 0.3}),
    )


SEARCH_PROBES = _search_probes()


def _log_step(alpha: float) -> float:
    """A step in log scale, where 0.5**60 and 0.5**59 differ as much as 1 and 2 (a comparison
    of steps themselves, to an absolute 1e-12, finds them equal); NaN for a step <= 0."""
    return float(np.log(alpha)) if alpha > 0 else float("nan")


def named_search(student, failing: tuple, got: float) -> str:
    """A line naming the cataloged wrong search that returned ``got`` on the ``failing`` search
    (problem, w, direction, g, settings) and returns that mistake's steps on every search of
    SEARCH_PROBES, or ''.

    One step says little (every search returns alpha shrunk some number of times, and several
    mistakes shrink as often on one line): the probes, on which the mistakes all differ, tell
    which it is. Calls made to the student's search for them are left out of the diagnosis."""
    searches = (failing, *SEARCH_PROBES)
    steps = [got]
    with unrecorded(student):
        for problem, w, direction, g, settings in SEARCH_PROBES:
            try:
                returned = student.call(
                    "backtracking_line_search",
                    problem_argument(problem, "loss"),
                    w,
                    direction,
                    g,
                    **settings,
                )
                steps.append(as_float(returned, "backtracking_line_search"))
            except (AssertionError, StudentCallFailed):
                return ""

    def on_every_search(search):
        return lambda: tuple(
            _log_step(search(problem.loss, w, direction, g, **settings))
            for problem, w, direction, g, settings in searches
        )

    return name_mistake(
        tuple(_log_step(step) for step in steps),
        {why: on_every_search(wrong) for why, wrong in SEARCH_MISTAKES.items()},
        right_answer=on_every_search(reference.backtracking_line_search)(),
    )


def check_search(student, problem, w, direction, g, settings: dict, where: str) -> None:
    """The student's step against the reference's, to rtol 1e-12; else say whether the step
    meets the Armijo condition, and name a mistake."""
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
    if np.isclose(got, expected, rtol=1e-12, atol=0):
        return
    armijo_bound = problem.loss(w) + settings["c1"] * got * float(g @ direction)
    taken = problem.loss(w + got * direction) <= armijo_bound
    why = (
        "it meets the Armijo condition but is not the first (largest) such step: "
        "try alpha, then shrink"
        if taken
        else "it does not meet the Armijo condition f(w + a d) <= f(w) + c1 a g^T d"
    )
    raise CheckFailed(
        f"backtracking_line_search {where} returned {got:.6g}, expected "
        f"{expected:.6g} ({', '.join(f'{k}={v:g}' for k, v in settings.items())}): {why}"
        + named_search(student, (problem, w, direction, g, settings), got)
    )


def random_search_settings(rng) -> dict:
    return {
        "alpha": float(rng.choice([1.0, 0.5])),
        "shrink": float(rng.choice([0.5, 0.3])),
        "c1": float(rng.choice([1e-4, 0.3])),
    }


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
        settings = random_search_settings(rng)
        check_search(student, problem, w, direction, g, settings, f"at w={w.round(3)}")


@CHECKS.check(
    "test_backtracking_line_search",
    "Does it take the first step when it works (a Newton direction on a quadratic), "
    "and the 60th shrink when no step does?",
)
def backtracking_first_and_last(student, rng):
    problem = random_quadratic(rng, (2, 20), (2, 6))
    w = problem.minimizer + rng.standard_normal(problem.A.shape[0])
    g = problem.grad(w)
    check_search(
        student,
        problem,
        w,
        -np.linalg.solve(problem.A, g),
        g,
        random_search_settings(rng),
        "along the Newton direction of a quadratic, where the first step meets the Armijo "
        "condition,",
    )
    # At the minimum w = 0 of a quadratic, a g that is not the gradient there makes d look
    # downhill (g^T d < 0): every try raises the loss, and none meets the condition.
    bowl = Quadratic(A=problem.A, b=np.zeros(problem.A.shape[0]))
    w = np.zeros(problem.A.shape[0])
    direction = rng.standard_normal(w.shape)
    check_search(
        student,
        bowl,
        w,
        direction,
        -direction,
        random_search_settings(rng),
        "at the minimum of a quadratic, where no step meets the Armijo condition,",
    )


# --- lbfgs --------------------------------------------------------------------------------


# How far a right L-BFGS's iteration count may be from the reference's on the checks' runs.
# benchmarks/lbfgs_iterations.md: with every direction perturbed by relative noise of 1e-15
# (round-off), counts move by up to 2; by 1e-13, up to 2; by 1e-11, up to 5.
ITERATION_BAND = 5


def _lbfgs(
    f,
    grad,
    w0,
    m=10,
    tol=1e-6,
    max_iter=500,
    keep=lambda pairs, m: pairs[-m:],
    count_offset=0,
    stores_pairs=True,
    line_search=True,
    converged=lambda g, tol: np.max(np.abs(g)) <= tol,
    tests_before_the_step=True,
    keep_changes=None,
    search=wolfe_line_search,
    direction_of=reference.lbfgs_direction,
    first_history=True,
    last_count=lambda max_iter: max_iter,
):
    """L-BFGS with one part swapped for a student's: which pairs are kept (of the steps, and
    of the gradient changes if ``keep_changes`` is given), the count returned on convergence
    (off by ``count_offset``) and without it, whether pairs are stored at all, the line search
    (``search``; full steps without ``line_search``), the direction from the lists, the
    stopping test and where it is made, and whether history starts with f(w0)."""
    keep_changes = keep_changes or keep
    w = np.array(w0, dtype=np.float64)
    g, s_list, grad_change_list = grad(w), [], []
    history = [f(w)] if first_history else []
    for k in range(max_iter):
        if tests_before_the_step and converged(g, tol):
            return w, k + count_offset, np.array(history)
        direction = direction_of(g, s_list, grad_change_list)
        alpha = search(f, grad, w, direction) if line_search else 1.0
        w_new = w + alpha * direction
        g_new = grad(w_new)
        s, grad_change = w_new - w, g_new - g
        curvature = grad_change @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(grad_change)
        if stores_pairs and curvature:
            s_list = keep(s_list + [s], m)
            grad_change_list = keep_changes(grad_change_list + [grad_change], m)
        w, g = w_new, g_new
        history.append(f(w))
        if not tests_before_the_step and converged(g, tol):
            return w, k + 1 + count_offset, np.array(history)
    return w, last_count(max_iter), np.array(history)


def _looping(**parts):
    return lambda *args, **settings: _lbfgs(*args, **settings, **parts)


# The mistakes of the loop (the direction and the line search are right). The stopping test
# on the norm comes before the test after the step: from a start whose gradient has a small
# norm, both take one step.
LBFGS_MISTAKES = {
    "the oldest M pairs are kept: the iteration (lbfgs-iteration) stores each new pair and "
    "drops the oldest once it holds M": lambda *args, **settings: _lbfgs(
        *args, **settings, keep=lambda pairs, m: pairs[:m]
    ),
    "the iteration count is one too many: it is the number of steps taken, "
    "one less than the number of losses in history": lambda *args, **settings: _lbfgs(
        *args, **settings, count_offset=1
    ),
    "no pair is ever stored, and L-BFGS is gradient descent with a line search: the pair is "
    "s = w_new - w and Δg = g_new - g, taken before w and g are replaced; with s of the "
    "wrong sign or Δg = 0 the curvature condition Δg^T s > 0 always fails": (
        lambda *args, **settings: _lbfgs(*args, **settings, stores_pairs=False)
    ),
    "the argument m is ignored: L-BFGS keeps the last M = m pairs": (
        lambda f, grad, w0, m=10, **settings: _lbfgs(f, grad, w0, 10, **settings)
    ),
    "the full step α = 1 is taken: each iteration (lbfgs-iteration) takes the step α_t of the "
    "line search": lambda *args, **settings: _lbfgs(*args, **settings, line_search=False),
    "the stopping test uses the norm of g: it is max |g| <= tol, the largest entry": (
        lambda *args, **settings: _lbfgs(
            *args, **settings, converged=lambda g, tol: np.linalg.norm(g) <= tol
        )
    ),
    "the stopping test is made only after a step: it comes first in each iteration, "
    "so a w0 that already meets it is returned after 0 iterations": (
        lambda *args, **settings: _lbfgs(*args, **settings, tests_before_the_step=False)
    ),
    "every pair is kept, never the last m alone: the iteration (lbfgs-iteration) drops the "
    "oldest pair once it holds M = m": _looping(keep=lambda pairs, m: pairs),
    "the list of gradient changes is never trimmed to m, so s_i and Δg_i come from different "
    "steps: drop the oldest of both lists together": _looping(keep_changes=lambda pairs, m: pairs),
    "the pairs are handed to lbfgs_direction newest first: it takes them oldest first, the "
    "newest pair last": _looping(
        direction_of=lambda g, S, G: reference.lbfgs_direction(g, S[::-1], G[::-1])
    ),
    "the step comes from backtracking, the Armijo condition alone: each iteration takes "
    "wolfe_line_search's step, whose curvature condition keeps Δg^T s > 0 for the pair": (
        _looping(
            search=lambda f, grad, w, direction: reference.backtracking_line_search(
                f, w, direction, grad(w)
            )
        )
    ),
    "history does not start with f(w0): it holds the loss at w0, then after each iteration, "
    "one more entry than iterations": _looping(first_history=False),
    "the count returned without convergence is max_iter - 1: after max_iter iterations "
    "without meeting the stopping test, it is max_iter": _looping(
        last_count=lambda max_iter: max_iter - 1
    ),
    "the tol passed in is ignored (1e-6 is used): the stopping test is max |g| <= tol, with "
    "the caller's tol": lambda f, grad, w0, m=10, tol=1e-6, max_iter=500: _lbfgs(
        f, grad, w0, m, 1e-6, max_iter
    ),
}


def check_lbfgs(student, problem, w0, what, **settings):
    """The student's lbfgs against the reference's, with the same ``settings`` (m, tol,
    max_iter); a failure names the cataloged mistake that gives the same run."""
    what += "".join(f", {key}={value:g}" for key, value in settings.items())
    got = student.call(
        "lbfgs",
        problem_argument(problem, "loss"),
        problem_argument(problem, "grad"),
        w0,
        **settings,
    )
    w, iterations, history = as_tuple(got, ("w", "iterations", "history"), f"lbfgs {what}")
    w = as_array(w, f"lbfgs {what}: w", w0.shape)
    iterations = as_int(iterations, f"lbfgs {what}: the iteration count", at_least=0)
    history = as_array(history, f"lbfgs {what}: history")
    try:
        compare_lbfgs_run(problem, w0, what, settings, w, iterations, history)
    except AssertionError as failure:
        raise named(
            failure,
            (w, iterations, history),
            LBFGS_MISTAKES,
            problem.loss,
            problem.grad,
            w0,
            **settings,
        ) from None


def compare_lbfgs_run(problem, w0, what, settings, w, iterations, history) -> None:
    w_ref, iterations_ref, history_ref = reference.lbfgs(
        problem.loss, problem.grad, w0, **settings
    )
    if iterations_ref == 0 and iterations != 0:
        raise CheckFailed(
            f"lbfgs {what}: took {iterations} iterations from a w0 that already meets the "
            "stopping test max |g| <= tol; expected 0 iterations"
        )
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
    "Does it keep only the last m pairs, stop at tol (at once from a start that meets it), "
    "and stop after max_iter iterations?",
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
    ten pairs its count is stable); max_iter on Rosenbrock; then two starts that already meet
    the stopping test (see `converged_starts`)."""
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
        *converged_starts(rng),
    ]


def converged_starts(rng) -> list[tuple]:
    """Two starts on a quadratic where max |g| <= tol already, so that lbfgs must return w0
    after 0 iterations: one whose gradient's norm is below tol too (a loop that tests only
    after a step moves), one whose norm is above it (a test on the norm moves)."""
    problem = random_quadratic(rng, (10, 100), (8, 12))
    n, tol = problem.A.shape[0], float(10 ** rng.uniform(-3, -1))
    signs = rng.choice([-1.0, 1.0], (2, n))
    small_norm = signs[0] * rng.uniform(0.2, 0.5, n) * tol / np.sqrt(n)  # ||g|| <= tol / 2
    small_max = signs[1] * rng.uniform(0.5, 0.9, n) * tol  # max |g| <= 0.9 tol, ||g|| > 1.4 tol
    return [
        (
            problem,
            problem.minimizer + np.linalg.solve(problem.A, gradient),
            f"on a quadratic, from a start where max |g| = {np.max(np.abs(gradient)) / tol:.2g} "
            "tol",
            {"tol": tol},
        )
        for gradient in (small_norm, small_max)
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


def _counts(memory_bytes, m, *, bytes_per_number=8, newton_of=np.sqrt, numbers_per_weight=None):
    """(P for Newton, P for L-BFGS), unrounded, with one part swapped for a student's: the bytes
    of a number, P from the numbers Newton's method may store, and the numbers L-BFGS stores
    for each weight (2 m)."""
    numbers = memory_bytes / bytes_per_number
    per_weight = 2 * m if numbers_per_weight is None else numbers_per_weight(m)
    return newton_of(numbers), numbers / per_weight


# Wrong counts, as functions of the check's arguments: each is named when both of the answer's
# counts are within COUNT_RTOL of its own (or 1 weight, for rounding).
COUNT_MISTAKES = {
    "the counts are swapped: return Newton's P first, then L-BFGS's, (P_newton, P_lbfgs)": (
        lambda memory_bytes, m: _counts(memory_bytes, m)[::-1]
    ),
    "the bytes are counted as numbers: each float64 number takes 8 bytes, so the memory "
    "holds memory_bytes / 8 numbers": lambda memory_bytes, m: _counts(
        memory_bytes, m, bytes_per_number=1
    ),
    "a number is taken as 4 bytes (float32): every number here is a float64, 8 bytes": (
        lambda memory_bytes, m: _counts(memory_bytes, m, bytes_per_number=4)
    ),
    "the memory is divided by 64, as if it were counted in bits: memory_bytes is in bytes, and "
    "a float64 number takes 8 of them": lambda memory_bytes, m: _counts(
        memory_bytes, m, bytes_per_number=64
    ),
    "L-BFGS's count leaves out the 2: it stores m pairs of two vectors, s and Δg, each of P "
    "numbers, 2 m P numbers in all": lambda memory_bytes, m: _counts(
        memory_bytes, m, numbers_per_weight=lambda m: m
    ),
    "L-BFGS's count adds the weights and the gradient (2 m P + 2 P numbers): count only what "
    "it adds to gradient descent, its m pairs, 2 m P numbers": lambda memory_bytes, m: _counts(
        memory_bytes, m, numbers_per_weight=lambda m: 2 * m + 2
    ),
    "Newton's count stores half the Hessian, P (P + 1) / 2 numbers: the chapter counts the "
    "whole Hessian, P**2 numbers": lambda memory_bytes, m: _counts(
        memory_bytes, m, newton_of=lambda numbers: np.sqrt(2 * numbers)
    ),
    "Newton's count is a cube root, the P**3 of the solve's time: the memory holds the "
    "Hessian, P**2 numbers, so P is a square root": lambda memory_bytes, m: _counts(
        memory_bytes, m, newton_of=np.cbrt
    ),
    "Newton's count divides by 8 after the square root (sqrt(memory_bytes) / 8): the memory "
    "holds memory_bytes / 8 numbers, and P**2 of them fit": lambda memory_bytes, m: (
        np.sqrt(memory_bytes) / 8,
        _counts(memory_bytes, m)[1],
    ),
}


def named_count(counts: list[float], memory_bytes: int, m: int) -> str:
    """A line naming the cataloged wrong count whose two counts are both what the student's are,
    to COUNT_RTOL (or 1 weight), or '': nothing when two mistakes fit, or the mistake's counts
    are the right ones."""
    right = reference.largest_weight_counts(memory_bytes, m)

    def near(one, other) -> bool:
        return all(np.isclose(a, b, rtol=COUNT_RTOL, atol=1.0) for a, b in zip(one, other))

    fitting = [
        why
        for why, wrong in COUNT_MISTAKES.items()
        if near(counts, wrong(memory_bytes, m)) and not near(wrong(memory_bytes, m), right)
    ]
    return f"\n    {LIKELY_MISTAKE}{fitting[0]}" if len(fitting) == 1 else ""


def check_weight_count(student, rng, index, method):
    for _ in range(5):
        memory_bytes = int(np.exp(rng.uniform(np.log(1e6), np.log(1e12))))
        m = int(rng.integers(3, 31))
        returned = as_tuple(
            student.call("largest_weight_counts", memory_bytes, m),
            ("P_newton", "P_lbfgs"),
            "largest_weight_counts()",
        )
        # Both counts are the answer, whichever this check compares.
        counts = [
            positive_number(part, f"largest_weight_counts()'s P for {part_method}")
            for part, part_method in zip(returned, ("Newton's method", "L-BFGS"))
        ]
        got = counts[index]
        expected = reference.largest_weight_counts(memory_bytes, m)[index]
        if not np.isclose(got, expected, rtol=COUNT_RTOL, atol=0.0):
            raise CheckFailed(
                f"largest_weight_counts({memory_bytes}, m={m}): P for {method}: got {got:.6g}, "
                f"expected {expected} (relative tolerance {COUNT_RTOL:g}); count the numbers "
                f"{method} stores for P weights, 8 bytes each"
                + named_count(counts, memory_bytes, m)
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
