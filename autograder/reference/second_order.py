"""Reference for the second-order exercise: Newton, BFGS, L-BFGS and the backtracking line search.

Notation: f the objective, g its gradient at w, H an inverse-Hessian estimate,
s = w_new - w the latest step and grad_change = g_new - g the change of the gradient over
it (Δg in the chapter and in the formulas below; y in Nocedal and Wright).
"""

from __future__ import annotations

import numpy as np

from optlab.linesearch import wolfe_line_search  # public: the loops' line search, not an exercise


def newton_step(w, g, hessian):
    """w - hessian^{-1} g, by solving (never inverting) hessian @ p = g."""
    return w - np.linalg.solve(hessian, g)


def bfgs_update(H, s, grad_change):
    """The BFGS update of the inverse-Hessian estimate H from one pair (s, grad_change).

    H_new = (I - rho s Δg^T) H (I - rho Δg s^T) + rho s s^T, with Δg = grad_change and
    rho = 1 / (Δg^T s). It keeps H symmetric positive definite only when the curvature
    condition Δg^T s > 0 holds; when it does not, H is returned unchanged (the update is
    skipped).
    """
    curvature = float(grad_change @ s)
    if curvature <= 0:
        return H
    rho = 1.0 / curvature
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def lbfgs_direction(g, s_list, grad_change_list):
    """-H g for the L-BFGS estimate H built from the stored pairs (oldest first), by the
    two-loop recursion.

    The initial estimate is gamma I with gamma = s^T Δg / Δg^T Δg of the newest pair (I
    with no pairs). Costs O(m N) for m pairs in N dimensions; never forms H.
    """
    q = np.array(g, dtype=np.float64)
    pairs = list(zip(s_list, grad_change_list))
    rhos = [1.0 / float(grad_change @ s) for s, grad_change in pairs]
    alphas = []
    for (s, grad_change), rho in reversed(list(zip(pairs, rhos))):
        alpha = rho * float(s @ q)
        q = q - alpha * grad_change
        alphas.append(alpha)
    if pairs:
        newest_s, newest_change = pairs[-1]
        gamma = float(newest_s @ newest_change) / float(newest_change @ newest_change)
    else:
        gamma = 1.0
    r = gamma * q
    for ((s, grad_change), rho), alpha in zip(zip(pairs, rhos), reversed(alphas)):
        beta = rho * float(grad_change @ r)
        r = r + (alpha - beta) * s
    return -r


def backtracking_line_search(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60):
    """The first alpha of alpha, shrink * alpha, shrink^2 * alpha, ... meeting the Armijo condition

        f(w + alpha d) <= f(w) + c1 * alpha * g^T d     (sufficient decrease).

    ``direction`` must be a descent direction (g^T d < 0).
    """
    f0, slope = f(w), float(g @ direction)
    for _ in range(max_halvings):
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha
        alpha *= shrink
    return alpha


def lbfgs(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    """L-BFGS keeping the last ``m`` pairs, with a strong-Wolfe line search. Stops when
    max |g| <= tol.

    Returns (w, iterations, history): history[k] is f after iteration k (history[0] = f(w0)).
    Pairs that break the curvature condition are not stored.
    """
    w = np.array(w0, dtype=np.float64)
    g, s_list, grad_change_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        direction = lbfgs_direction(g, s_list, grad_change_list)
        alpha = wolfe_line_search(f, grad, w, direction)
        w_new = w + alpha * direction
        g_new = grad(w_new)
        s, grad_change = w_new - w, g_new - g
        if grad_change @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(grad_change):
            s_list = (s_list + [s])[-m:]
            grad_change_list = (grad_change_list + [grad_change])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def largest_weight_counts(memory_bytes, m):
    """(P for Newton, P for L-BFGS): the largest P whose Hessian (P**2 float64 numbers) fits in
    memory_bytes, and whose m pairs (2 m P numbers) do."""
    numbers = memory_bytes // 8
    return int(np.sqrt(numbers)), int(numbers // (2 * m))
