"""Reference for the second-order exercise: Newton, BFGS, L-BFGS and the backtracking line search.

Notation: f the objective, g its gradient at w, H an inverse-Hessian estimate,
s = w_new - w and y = g_new - g the latest step and change of gradient.
"""

from __future__ import annotations

import numpy as np

from optlab.linesearch import wolfe_line_search  # public: the loops' line search, not an exercise


def newton_step(w, g, hessian):
    """w - hessian^{-1} g, by solving (never inverting) hessian @ p = g."""
    return w - np.linalg.solve(hessian, g)


def bfgs_update(H, s, y):
    """The BFGS update of the inverse-Hessian estimate H from one pair (s, y).

    H_new = (I - rho s y^T) H (I - rho y s^T) + rho s s^T, with rho = 1 / (y^T s).
    It keeps H symmetric positive definite only when the curvature condition y^T s > 0
    holds; when it does not, H is returned unchanged (the update is skipped).
    """
    ys = float(y @ s)
    if ys <= 0:
        return H
    rho = 1.0 / ys
    left = np.eye(len(s)) - rho * np.outer(s, y)
    return left @ H @ left.T + rho * np.outer(s, s)


def lbfgs_direction(g, s_list, y_list):
    """-H g for the L-BFGS estimate H built from the stored pairs (oldest first), by the
    two-loop recursion.

    The initial estimate is gamma I with gamma = s^T y / y^T y of the newest pair (I with
    no pairs). Costs O(m N) for m pairs in N dimensions; never forms H.
    """
    q = np.array(g, dtype=np.float64)
    rhos = [1.0 / float(y @ s) for s, y in zip(s_list, y_list)]
    alphas = []
    for s, y, rho in reversed(list(zip(s_list, y_list, rhos))):
        alpha = rho * float(s @ q)
        q = q - alpha * y
        alphas.append(alpha)
    gamma = float(s_list[-1] @ y_list[-1]) / float(y_list[-1] @ y_list[-1]) if s_list else 1.0
    r = gamma * q
    for (s, y, rho), alpha in zip(zip(s_list, y_list, rhos), reversed(alphas)):
        beta = rho * float(y @ r)
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
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        direction = lbfgs_direction(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, direction)
        w_new = w + alpha * direction
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list, y_list = (s_list + [s])[-m:], (y_list + [y])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)
