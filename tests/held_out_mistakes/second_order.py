"""Held-out wrong versions of the second-order exercise: newton_step, bfgs_update,
lbfgs_direction, backtracking_line_search, lbfgs and largest_weight_counts.

The wrong ``lbfgs`` versions are whole student functions: each carries its own (correct)
two-loop recursion and imports the public ``wolfe_line_search`` that the notebook imports.
"""

import math

import numpy as np

# --- newton_step -----------------------------------------------------------------------------


def newton_step_sign_flipped(w, g, hessian):
    return w + np.linalg.solve(hessian, g)


def newton_step_multiplies_by_hessian(w, g, hessian):
    return w - hessian @ g


def newton_step_diagonal_only(w, g, hessian):
    return w - g / np.diag(hessian)


def newton_step_in_place(w, g, hessian):
    w -= np.linalg.solve(hessian, g)
    return w


# --- bfgs_update -----------------------------------------------------------------------------


def bfgs_update_no_curvature_check(H, s, grad_change):
    rho = 1.0 / (grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_update_rho_from_step_length(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / (s @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_update_inner_product_for_outer(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / (grad_change @ s)
    identity = np.eye(len(s))
    # s @ grad_change.T of 1-D arrays is their dot product, not the outer product.
    return (identity - rho * s @ grad_change.T) @ H @ (
        identity - rho * grad_change @ s.T
    ) + rho * s @ s.T


def bfgs_update_hessian_formula(H, s, grad_change):
    # The BFGS update of the Hessian B applied to the inverse estimate H.
    if grad_change @ s <= 0:
        return H
    Hs = H @ s
    return H - np.outer(Hs, Hs) / (s @ Hs) + np.outer(grad_change, grad_change) / (grad_change @ s)


def bfgs_update_forgets_last_term(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / (grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T


def bfgs_update_in_place(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / (grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    H[...] = left @ H @ left.T + rho * np.outer(s, s)
    return H


# --- lbfgs_direction -------------------------------------------------------------------------


def lbfgs_direction_returns_plus_hg(g, s_list, grad_change_list):
    q = np.array(g, dtype=np.float64)
    rhos = [1.0 / (y @ s) for s, y in zip(s_list, grad_change_list)]
    alphas = [0.0] * len(s_list)
    for i in reversed(range(len(s_list))):
        alphas[i] = rhos[i] * (s_list[i] @ q)
        q = q - alphas[i] * grad_change_list[i]
    gamma = 1.0
    if s_list:
        gamma = (s_list[-1] @ grad_change_list[-1]) / (grad_change_list[-1] @ grad_change_list[-1])
    r = gamma * q
    for i in range(len(s_list)):
        beta = rhos[i] * (grad_change_list[i] @ r)
        r = r + (alphas[i] - beta) * s_list[i]
    return r


def lbfgs_direction_gamma_from_oldest(g, s_list, grad_change_list):
    q = np.array(g, dtype=np.float64)
    rhos = [1.0 / (y @ s) for s, y in zip(s_list, grad_change_list)]
    alphas = [0.0] * len(s_list)
    for i in reversed(range(len(s_list))):
        alphas[i] = rhos[i] * (s_list[i] @ q)
        q = q - alphas[i] * grad_change_list[i]
    gamma = 1.0
    if s_list:
        gamma = (s_list[0] @ grad_change_list[0]) / (grad_change_list[0] @ grad_change_list[0])
    r = gamma * q
    for i in range(len(s_list)):
        beta = rhos[i] * (grad_change_list[i] @ r)
        r = r + (alphas[i] - beta) * s_list[i]
    return -r


def lbfgs_direction_no_gamma(g, s_list, grad_change_list):
    q = np.array(g, dtype=np.float64)
    rhos = [1.0 / (y @ s) for s, y in zip(s_list, grad_change_list)]
    alphas = [0.0] * len(s_list)
    for i in reversed(range(len(s_list))):
        alphas[i] = rhos[i] * (s_list[i] @ q)
        q = q - alphas[i] * grad_change_list[i]
    r = q
    for i in range(len(s_list)):
        beta = rhos[i] * (grad_change_list[i] @ r)
        r = r + (alphas[i] - beta) * s_list[i]
    return -r


def lbfgs_direction_loops_in_wrong_order(g, s_list, grad_change_list):
    q = np.array(g, dtype=np.float64)
    rhos = [1.0 / (y @ s) for s, y in zip(s_list, grad_change_list)]
    alphas = [0.0] * len(s_list)
    for i in range(len(s_list)):
        alphas[i] = rhos[i] * (s_list[i] @ q)
        q = q - alphas[i] * grad_change_list[i]
    gamma = 1.0
    if s_list:
        gamma = (s_list[-1] @ grad_change_list[-1]) / (grad_change_list[-1] @ grad_change_list[-1])
    r = gamma * q
    for i in reversed(range(len(s_list))):
        beta = rhos[i] * (grad_change_list[i] @ r)
        r = r + (alphas[i] - beta) * s_list[i]
    return -r


def lbfgs_direction_alphas_not_reversed(g, s_list, grad_change_list):
    q = np.array(g, dtype=np.float64)
    pairs = list(zip(s_list, grad_change_list))
    rhos = [1.0 / (y @ s) for s, y in pairs]
    alphas = []
    for (s, y), rho in reversed(list(zip(pairs, rhos))):
        alpha = rho * (s @ q)
        q = q - alpha * y
        alphas.append(alpha)
    gamma = 1.0
    if pairs:
        gamma = (pairs[-1][0] @ pairs[-1][1]) / (pairs[-1][1] @ pairs[-1][1])
    r = gamma * q
    for ((s, y), rho), alpha in zip(zip(pairs, rhos), alphas):
        beta = rho * (y @ r)
        r = r + (alpha - beta) * s
    return -r


def lbfgs_direction_updates_g_in_place(g, s_list, grad_change_list):
    q = g
    rhos = [1.0 / (y @ s) for s, y in zip(s_list, grad_change_list)]
    alphas = [0.0] * len(s_list)
    for i in reversed(range(len(s_list))):
        alphas[i] = rhos[i] * (s_list[i] @ q)
        q -= alphas[i] * grad_change_list[i]
    gamma = 1.0
    if s_list:
        gamma = (s_list[-1] @ grad_change_list[-1]) / (grad_change_list[-1] @ grad_change_list[-1])
    r = gamma * q
    for i in range(len(s_list)):
        beta = rhos[i] * (grad_change_list[i] @ r)
        r = r + (alphas[i] - beta) * s_list[i]
    return -r


# --- backtracking_line_search ----------------------------------------------------------------


def backtracking_line_search_sign_flipped(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    f0, slope = f(w), g @ direction
    for _ in range(max_halvings):
        if f(w + alpha * direction) <= f0 - c1 * alpha * slope:
            return alpha
        alpha *= shrink
    return alpha


def backtracking_line_search_forgets_alpha(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    f0, slope = f(w), g @ direction
    for _ in range(max_halvings):
        if f(w + alpha * direction) <= f0 + c1 * slope:
            return alpha
        alpha *= shrink
    return alpha


def backtracking_line_search_skips_first_try(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    f0, slope = f(w), g @ direction
    for _ in range(max_halvings):
        alpha *= shrink
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha
    return alpha


def backtracking_line_search_plain_decrease(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    f0 = f(w)
    for _ in range(max_halvings):
        if f(w + alpha * direction) < f0:
            return alpha
        alpha *= shrink
    return alpha


def backtracking_line_search_returns_new_weights(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    f0, slope = f(w), g @ direction
    for _ in range(max_halvings):
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return w + alpha * direction
        alpha *= shrink
    return w + alpha * direction


# --- lbfgs -----------------------------------------------------------------------------------


def lbfgs_history_misses_start(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    from optlab.linesearch import wolfe_line_search

    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], []
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, d)
        w_new = w + alpha * d
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list = (s_list + [s])[-m:]
            y_list = (y_list + [y])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_keeps_every_pair(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    from optlab.linesearch import wolfe_line_search

    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, d)
        w_new = w + alpha * d
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list.append(s)
            y_list.append(y)
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_keeps_oldest_pairs(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    from optlab.linesearch import wolfe_line_search

    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, d)
        w_new = w + alpha * d
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list = (s_list + [s])[:m]
            y_list = (y_list + [y])[:m]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_gradient_change_reversed(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    from optlab.linesearch import wolfe_line_search

    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, d)
        w_new = w + alpha * d
        g_new = grad(w_new)
        s, y = w_new - w, g - g_new
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list = (s_list + [s])[-m:]
            y_list = (y_list + [y])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_unit_step(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        w_new = w + d
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list = (s_list + [s])[-m:]
            y_list = (y_list + [y])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_counts_iterations_from_one(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    from optlab.linesearch import wolfe_line_search

    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(1, max_iter + 1):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, d)
        w_new = w + alpha * d
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list = (s_list + [s])[-m:]
            y_list = (y_list + [y])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_gradient_never_updated(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    from optlab.linesearch import wolfe_line_search

    def direction_of(g, s_list, y_list):
        q, alphas = g.copy(), []
        for s, y in zip(reversed(s_list), reversed(y_list)):
            alphas.append((s @ q) / (y @ s))
            q = q - alphas[-1] * y
        r = q * ((s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1]) if s_list else 1.0)
        for s, y, alpha in zip(s_list, y_list, reversed(alphas)):
            r = r + (alpha - (y @ r) / (y @ s)) * s
        return -r

    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        d = direction_of(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, d)
        w_new = w + alpha * d
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list = (s_list + [s])[-m:]
            y_list = (y_list + [y])[-m:]
        w = w_new
        history.append(f(w))
    return w, max_iter, np.array(history)


# --- largest_weight_counts -------------------------------------------------------------------


def largest_weight_counts_bytes_as_numbers(memory_bytes, m):
    return int(math.sqrt(memory_bytes)), memory_bytes // (2 * m)


def largest_weight_counts_one_vector_per_pair(memory_bytes, m):
    numbers = memory_bytes // 8
    return int(math.sqrt(numbers)), numbers // m


def largest_weight_counts_newton_linear(memory_bytes, m):
    numbers = memory_bytes // 8
    return numbers, numbers // (2 * m)


def largest_weight_counts_float32(memory_bytes, m):
    numbers = memory_bytes // 4
    return int(math.sqrt(numbers)), numbers // (2 * m)


def largest_weight_counts_returns_swapped(memory_bytes, m):
    numbers = memory_bytes // 8
    return numbers // (2 * m), int(math.sqrt(numbers))


HELD_OUT = {
    "newton_step": {
        "sign flipped: w + H^-1 g": newton_step_sign_flipped,
        "multiplies by the Hessian: w - H g": newton_step_multiplies_by_hessian,
        "divides by the Hessian's diagonal only": newton_step_diagonal_only,
        "updates w in place": newton_step_in_place,
    },
    "bfgs_update": {
        "no curvature check: updates even when dg^T s <= 0": bfgs_update_no_curvature_check,
        "rho = 1 / (s^T s) instead of 1 / (dg^T s)": bfgs_update_rho_from_step_length,
        "s @ dg.T on 1-D arrays: inner products where outer products belong": (
            bfgs_update_inner_product_for_outer
        ),
        "Hessian (B) update formula applied to the inverse estimate H": (
            bfgs_update_hessian_formula
        ),
        "forgets the + rho s s^T term": bfgs_update_forgets_last_term,
        "writes the update into H in place": bfgs_update_in_place,
    },
    "lbfgs_direction": {
        "returns +H g instead of -H g": lbfgs_direction_returns_plus_hg,
        "gamma from the oldest pair instead of the newest": lbfgs_direction_gamma_from_oldest,
        "no gamma scaling: H0 = I even with pairs": lbfgs_direction_no_gamma,
        "first loop oldest first, second loop newest first": (
            lbfgs_direction_loops_in_wrong_order
        ),
        "second loop pairs the alphas in the order they were stored (newest first)": (
            lbfgs_direction_alphas_not_reversed
        ),
        "q = g without a copy: the first loop overwrites g": lbfgs_direction_updates_g_in_place,
    },
    "backtracking_line_search": {
        "Armijo sign flipped: f(w) - c1 alpha g^T d": backtracking_line_search_sign_flipped,
        "forgets alpha in the decrease term: f(w) + c1 g^T d": (
            backtracking_line_search_forgets_alpha
        ),
        "shrinks before the first try: alpha itself never tried": (
            backtracking_line_search_skips_first_try
        ),
        "plain decrease f(w + alpha d) < f(w), no Armijo term": (
            backtracking_line_search_plain_decrease
        ),
        "returns the new weights w + alpha d instead of alpha": (
            backtracking_line_search_returns_new_weights
        ),
    },
    "lbfgs": {
        "history lacks f(w0)": lbfgs_history_misses_start,
        "keeps every pair: m ignored": lbfgs_keeps_every_pair,
        "keeps the oldest m pairs, drops the new ones": lbfgs_keeps_oldest_pairs,
        "grad_change = g - g_new: no pair passes the curvature test": (
            lbfgs_gradient_change_reversed
        ),
        "no line search: unit step alpha = 1": lbfgs_unit_step,
        "iterations counted from 1: one too many on convergence": (
            lbfgs_counts_iterations_from_one
        ),
        "g never updated to g_new: stale gradient": lbfgs_gradient_never_updated,
    },
    "largest_weight_counts": {
        "forgets the 8 bytes per float64": largest_weight_counts_bytes_as_numbers,
        "one vector per pair: m P numbers for L-BFGS": largest_weight_counts_one_vector_per_pair,
        "Newton's P = numbers: forgets the Hessian is P^2": largest_weight_counts_newton_linear,
        "4 bytes per number (float32)": largest_weight_counts_float32,
        "returns (P_lbfgs, P_newton)": largest_weight_counts_returns_swapped,
    },
}
