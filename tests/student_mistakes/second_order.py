"""Student mistakes in the second-order exercise (Newton, BFGS, L-BFGS, backtracking), written
from the notebook's docstrings and the chapter, not from the checks' catalogs."""

import numpy as np

from optlab.linesearch import wolfe_line_search


def newton_uphill(w, g, hessian):
    return w + np.linalg.solve(hessian, g)


def newton_multiplies_by_hessian(w, g, hessian):
    return w - hessian @ g


def newton_diagonal_only(w, g, hessian):
    return w - g / np.diag(hessian)


def newton_returns_the_step(w, g, hessian):
    return -np.linalg.solve(hessian, g)


def newton_solves_for_w(w, g, hessian):
    return w - np.linalg.solve(hessian, w)


def newton_gradient_step(w, g, hessian):
    return w - g / np.trace(hessian)


def bfgs_never_skips(H, s, grad_change):
    rho = 1.0 / float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_rho_from_s_only(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / float(s @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_outer_products_swapped(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(grad_change, s)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_without_the_new_pair_term(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T


def bfgs_right_factor_not_transposed(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = 1.0 / float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left + rho * np.outer(s, s)


def bfgs_skips_only_negative_curvature(H, s, grad_change):
    if grad_change @ s < 0:
        return H
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.float64(1.0) / np.float64(grad_change @ s)
        left = np.eye(len(s)) - rho * np.outer(s, grad_change)
        return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_identity_when_skipping(H, s, grad_change):
    if grad_change @ s <= 0:
        return np.eye(len(s))
    rho = 1.0 / float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_rho_not_inverted(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    rho = float(grad_change @ s)
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T + rho * np.outer(s, s)


def bfgs_dfp_update(H, s, grad_change):
    if grad_change @ s <= 0:
        return H
    Hy = H @ grad_change
    return H - np.outer(Hy, Hy) / (grad_change @ Hy) + np.outer(s, s) / (grad_change @ s)


def _two_loop(
    g,
    s_list,
    grad_change_list,
    first_order=reversed,
    second_order=lambda pairs: pairs,
    gamma_pair=-1,
    gamma_of=lambda s, y: (s @ y) / (y @ y),
    sign=-1.0,
    first_vector=lambda s, y: y,
    second_vector=lambda s, y: y,
    rho_of=lambda s, y: 1.0 / (y @ s),
    alphas_reversed=True,
    no_pairs_sign=-1.0,
):
    """The two-loop recursion with one part a student may get wrong swapped for theirs."""
    if not s_list:
        return no_pairs_sign * np.array(g, dtype=np.float64)
    pairs = list(zip(s_list, grad_change_list))
    q, alphas = np.array(g, dtype=np.float64), []
    for s, y in first_order(pairs):
        alpha = rho_of(s, y) * (s @ q)
        q = q - alpha * first_vector(s, y)
        alphas.append(alpha)
    s, y = pairs[gamma_pair]
    r = gamma_of(s, y) * q
    for (s, y), alpha in zip(second_order(pairs), reversed(alphas) if alphas_reversed else alphas):
        beta = rho_of(s, y) * (second_vector(s, y) @ r)
        r = r + (alpha - beta) * s
    return sign * r


def direction_first_loop_oldest_first(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, first_order=list)


def direction_second_loop_newest_first(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, second_order=lambda pairs: list(reversed(pairs)))


def direction_alphas_not_reversed(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, alphas_reversed=False)


def direction_without_minus(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, sign=1.0, no_pairs_sign=1.0)


def direction_gamma_of_oldest_pair(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, gamma_pair=0)


def direction_gamma_one(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, gamma_of=lambda s, y: 1.0)


def direction_gamma_inverted(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, gamma_of=lambda s, y: (y @ y) / (s @ y))


def direction_first_loop_subtracts_s(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, first_vector=lambda s, y: s)


def direction_beta_from_s(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, second_vector=lambda s, y: s)


def direction_beta_minus_alpha(g, s_list, grad_change_list):
    pairs = list(zip(s_list, grad_change_list))
    if not pairs:
        return -np.array(g, dtype=np.float64)
    q, alphas = np.array(g, dtype=np.float64), []
    for s, y in reversed(pairs):
        alpha = (s @ q) / (y @ s)
        q = q - alpha * y
        alphas.append(alpha)
    s, y = pairs[-1]
    r = (s @ y) / (y @ y) * q
    for (s, y), alpha in zip(pairs, reversed(alphas)):
        beta = (y @ r) / (y @ s)
        r = r + (beta - alpha) * s
    return -r


def direction_rho_from_s_only(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, rho_of=lambda s, y: 1.0 / (s @ s))


def direction_gradient_when_no_pairs(g, s_list, grad_change_list):
    return _two_loop(g, s_list, grad_change_list, no_pairs_sign=1.0)


def direction_newest_pair_only(g, s_list, grad_change_list):
    return _two_loop(g, s_list[-1:], grad_change_list[-1:])


def direction_gamma_applied_at_the_end(g, s_list, grad_change_list):
    pairs = list(zip(s_list, grad_change_list))
    if not pairs:
        return -np.array(g, dtype=np.float64)
    q, alphas = np.array(g, dtype=np.float64), []
    for s, y in reversed(pairs):
        alpha = (s @ q) / (y @ s)
        q = q - alpha * y
        alphas.append(alpha)
    r = q
    for (s, y), alpha in zip(pairs, reversed(alphas)):
        r = r + (alpha - (y @ r) / (y @ s)) * s
    s, y = pairs[-1]
    return -(s @ y) / (y @ y) * r


def search_armijo_sign_flipped(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), float(g @ direction)
    for _ in range(60):
        if f(w + alpha * direction) <= f0 - c1 * alpha * slope:
            return alpha
        alpha *= shrink
    return alpha


def search_slope_of_gradient_norm(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), -float(g @ g)
    for _ in range(60):
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha
        alpha *= shrink
    return alpha


def search_condition_without_alpha(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), float(g @ direction)
    for _ in range(60):
        if f(w + alpha * direction) <= f0 + c1 * slope:
            return alpha
        alpha *= shrink
    return alpha


def search_shrinks_before_trying(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), float(g @ direction)
    for _ in range(60):
        alpha *= shrink
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha
    return alpha


def search_returns_one_shrink_too_many(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), float(g @ direction)
    for _ in range(60):
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha * shrink
        alpha *= shrink
    return alpha


def search_shrink_ignored(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), float(g @ direction)
    for _ in range(60):
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha
        alpha *= 0.5
    return alpha


def search_gives_up_with_the_first_alpha(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope, trial = f(w), float(g @ direction), alpha
    for _ in range(60):
        if f(w + trial * direction) <= f0 + c1 * trial * slope:
            return trial
        trial *= shrink
    return alpha


def search_point_without_alpha(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0, slope = f(w), float(g @ direction)
    for _ in range(60):
        if f(w + direction) <= f0 + c1 * alpha * slope:
            return alpha
        alpha *= shrink
    return alpha


def search_c1_ignored(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0 = f(w)
    for _ in range(60):
        if f(w + alpha * direction) < f0:
            return alpha
        alpha *= shrink
    return alpha


def _direction(g, s_list, grad_change_list):
    """A right two-loop recursion, which a student's lbfgs calls as their lbfgs_direction."""
    return _two_loop(g, s_list, grad_change_list)


def _lbfgs(
    f,
    grad,
    w0,
    m=10,
    tol=1e-6,
    max_iter=500,
    keep=lambda pairs, m: pairs[-m:],
    first_history=True,
    iterations=lambda k: k,
    converged=lambda g, tol: np.max(np.abs(g)) <= tol,
    step_sign=1.0,
    update_g_first=False,
    check_after_step=False,
    last_count=lambda max_iter: max_iter,
):
    """L-BFGS with one part a student may get wrong swapped for theirs."""
    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list = grad(w), [], []
    history = [f(w)] if first_history else []
    for k in range(max_iter):
        if not check_after_step and converged(g, tol):
            return w, iterations(k), np.array(history)
        direction = _direction(g, s_list, y_list)
        alpha = wolfe_line_search(f, grad, w, direction)
        w_new = w + alpha * direction
        g_new = grad(w_new)
        if update_g_first:
            w, g = w_new, g_new
        s, y = step_sign * (w_new - w), g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list, y_list = keep(s_list + [s], m), keep(y_list + [y], m)
        w, g = w_new, g_new
        history.append(f(w))
        if check_after_step and converged(g, tol):
            return w, iterations(k + 1), np.array(history)
    return w, last_count(max_iter), np.array(history)


def lbfgs_keeps_every_pair(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, keep=lambda pairs, m: pairs)


def lbfgs_keeps_the_oldest_pairs(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, keep=lambda pairs, m: pairs[:m])


def lbfgs_history_without_start(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, first_history=False)


def lbfgs_iterations_off_by_one(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, iterations=lambda k: k + 1)


def lbfgs_stops_on_the_norm(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, converged=lambda g, tol: np.linalg.norm(g) <= tol)


def lbfgs_step_sign_flipped(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, step_sign=-1.0)


def lbfgs_gradient_change_after_update(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, update_g_first=True)


def lbfgs_checks_convergence_after_the_step(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, check_after_step=True)


def lbfgs_last_index_when_not_converged(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, tol, max_iter, last_count=lambda max_iter: max_iter - 1)


def lbfgs_m_ignored(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, 10, tol, max_iter)


def lbfgs_tol_ignored(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return _lbfgs(f, grad, w0, m, 1e-6, max_iter)


def lbfgs_full_steps(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    w = np.array(w0, dtype=np.float64)
    g, s_list, y_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, k, np.array(history)
        w_new = w + _direction(g, s_list, y_list)
        g_new = grad(w_new)
        s, y = w_new - w, g_new - g
        if y @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
            s_list, y_list = (s_list + [s])[-m:], (y_list + [y])[-m:]
        w, g = w_new, g_new
        history.append(f(w))
        if not np.all(np.isfinite(w)):
            break
    return w, max_iter, np.array(history)


MISTAKES = {
    "newton_step": {
        "sign flipped: w + H^-1 g": newton_uphill,
        "multiplies by the Hessian instead of solving": newton_multiplies_by_hessian,
        "divides by the Hessian's diagonal only": newton_diagonal_only,
        "returns the step, not the new w": newton_returns_the_step,
        "solves hessian @ p = w instead of g": newton_solves_for_w,
        "a gradient step scaled by the Hessian's trace": newton_gradient_step,
    },
    "bfgs_update": {
        "never skips, even when grad_change @ s <= 0": bfgs_never_skips,
        "rho = 1 / (s @ s)": bfgs_rho_from_s_only,
        "outer products of (grad_change, s) instead of (s, grad_change)": (
            bfgs_outer_products_swapped
        ),
        "the rho s s^T term forgotten": bfgs_without_the_new_pair_term,
        "right factor not transposed": bfgs_right_factor_not_transposed,
        "skips only when grad_change @ s < 0 (divides by zero at 0)": (
            bfgs_skips_only_negative_curvature
        ),
        "returns the identity instead of H when skipping": bfgs_identity_when_skipping,
        "rho = grad_change @ s, not its inverse": bfgs_rho_not_inverted,
        "the DFP update instead of BFGS": bfgs_dfp_update,
    },
    "lbfgs_direction": {
        "first loop runs oldest pair first": direction_first_loop_oldest_first,
        "second loop runs newest pair first": direction_second_loop_newest_first,
        "second loop pairs each pair with the wrong alpha (alphas not reversed)": (
            direction_alphas_not_reversed
        ),
        "returns H g instead of -H g": direction_without_minus,
        "gamma from the oldest pair": direction_gamma_of_oldest_pair,
        "gamma = 1 (no initial scaling)": direction_gamma_one,
        "gamma inverted: Δg^T Δg / s^T Δg": direction_gamma_inverted,
        "first loop subtracts alpha * s instead of alpha * Δg": (direction_first_loop_subtracts_s),
        "second loop's beta from s instead of Δg": direction_beta_from_s,
        "r + (beta - alpha) s instead of r + (alpha - beta) s": direction_beta_minus_alpha,
        "rho = 1 / (s @ s)": direction_rho_from_s_only,
        "with no pairs returns g instead of -g": direction_gradient_when_no_pairs,
        "uses only the newest pair": direction_newest_pair_only,
        "gamma applied after the second loop instead of between the loops": (
            direction_gamma_applied_at_the_end
        ),
    },
    "backtracking_line_search": {
        "Armijo's sign flipped: f0 - c1 alpha g^T d": search_armijo_sign_flipped,
        "slope -g^T g instead of g^T d": search_slope_of_gradient_norm,
        "alpha missing from the decrease term": search_condition_without_alpha,
        "shrinks before the first try": search_shrinks_before_trying,
        "returns alpha * shrink on success": search_returns_one_shrink_too_many,
        "ignores the shrink argument (halves)": search_shrink_ignored,
        "returns the first alpha when nothing works": search_gives_up_with_the_first_alpha,
        "tries w + direction, not w + alpha * direction": search_point_without_alpha,
        "simple decrease f < f0 instead of Armijo's": search_c1_ignored,
    },
    "lbfgs": {
        "keeps every pair (m ignored)": lbfgs_keeps_every_pair,
        "keeps the oldest m pairs instead of the newest": lbfgs_keeps_the_oldest_pairs,
        "history without f(w0)": lbfgs_history_without_start,
        "iteration count one too many": lbfgs_iterations_off_by_one,
        "stops on the norm of g instead of max |g|": lbfgs_stops_on_the_norm,
        "s = w - w_new (sign flipped): no pair passes the curvature test": (
            lbfgs_step_sign_flipped
        ),
        "g updated before grad_change is taken: grad_change = 0": (
            lbfgs_gradient_change_after_update
        ),
        "convergence checked only after a step": lbfgs_checks_convergence_after_the_step,
        "returns max_iter - 1 when it does not converge": lbfgs_last_index_when_not_converged,
        "ignores the m argument (uses 10)": lbfgs_m_ignored,
        "ignores the tol argument (uses 1e-6)": lbfgs_tol_ignored,
        "full steps, no line search": lbfgs_full_steps,
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_newton_half_step(w, g, hessian):
    return w - 0.5 * np.linalg.solve(hessian, g)


def held_newton_damped(w, g, hessian):
    return w - np.linalg.solve(hessian + np.eye(len(g)), g)


def held_bfgs_in_place(H, s, grad_change):
    curvature = float(grad_change @ s)
    if curvature <= 0:
        return H
    rho = 1.0 / curvature
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    H[...] = left @ H @ left.T + rho * np.outer(s, s)
    return H


def held_bfgs_minus_ss(H, s, grad_change):
    curvature = float(grad_change @ s)
    if curvature <= 0:
        return H
    rho = 1.0 / curvature
    left = np.eye(len(s)) - rho * np.outer(s, grad_change)
    return left @ H @ left.T - rho * np.outer(s, s)


def held_bfgs_hessian_formula(H, s, grad_change):
    curvature = float(grad_change @ s)
    if curvature <= 0:
        return H
    Hs = H @ s
    return H - np.outer(Hs, Hs) / float(s @ Hs) + np.outer(grad_change, grad_change) / curvature


def held_two_loop(g, s_list, grad_change_list, alpha_from_change=False, gamma_form="newest"):
    q = np.array(g, dtype=np.float64)
    pairs = list(zip(s_list, grad_change_list))
    rhos = [1.0 / float(c @ s) for s, c in pairs]
    alphas = []
    for (s, c), rho in reversed(list(zip(pairs, rhos))):
        alpha = rho * float((c if alpha_from_change else s) @ q)
        q = q - alpha * c
        alphas.append(alpha)
    gamma = 1.0
    if pairs:
        s, c = pairs[-1]
        gamma = (
            float(s @ c) / float(c @ c) if gamma_form == "newest" else float(s @ s) / float(s @ c)
        )
    r = gamma * q
    for ((s, c), rho), alpha in zip(zip(pairs, rhos), reversed(alphas)):
        r = r + (alpha - rho * float(c @ r)) * s
    return -r


def held_direction_alpha_from_change(g, s_list, grad_change_list):
    return held_two_loop(g, s_list, grad_change_list, alpha_from_change=True)


def held_direction_in_place(g, s_list, grad_change_list):
    q = g
    pairs = list(zip(s_list, grad_change_list))
    rhos = [1.0 / float(c @ s) for s, c in pairs]
    alphas = []
    for (s, c), rho in reversed(list(zip(pairs, rhos))):
        alpha = rho * float(s @ q)
        q -= alpha * c
        alphas.append(alpha)
    gamma = 1.0
    if pairs:
        s, c = pairs[-1]
        gamma = float(s @ c) / float(c @ c)
    r = gamma * q
    for ((s, c), rho), alpha in zip(zip(pairs, rhos), reversed(alphas)):
        r = r + (alpha - rho * float(c @ r)) * s
    return -r


def held_direction_gamma_s_over(g, s_list, grad_change_list):
    return held_two_loop(g, s_list, grad_change_list, gamma_form="s")


def held_backtracking_grows(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60):
    f0, slope = f(w), float(g @ direction)
    for _ in range(max_halvings):
        if f(w + alpha * direction) <= f0 + c1 * alpha * slope:
            return alpha
        alpha /= shrink
    return alpha


def held_backtracking_fixed_c1(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    f0, slope = f(w), float(g @ direction)
    for _ in range(max_halvings):
        if f(w + alpha * direction) <= f0 + 1e-4 * alpha * slope:
            return alpha
        alpha *= shrink
    return alpha


def held_backtracking_previous_trial(
    f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4, max_halvings=60
):
    reference, slope = f(w), float(g @ direction)
    for _ in range(max_halvings):
        value = f(w + alpha * direction)
        if value <= reference + c1 * alpha * slope:
            return alpha
        reference = value
        alpha *= shrink
    return alpha


def held_lbfgs_loop(f, grad, w0, m, tol, max_iter, variant):
    w = np.array(w0, dtype=np.float64)
    g, s_list, change_list, history = grad(w), [], [], [f(w)]
    for k in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return w, (k + 1 if variant == "count" else k), np.array(history)
        if variant == "steepest":
            direction = -g
        else:
            direction = lbfgs_direction_for_held(g, s_list, change_list)
        alpha = wolfe_line_search(f, grad, w, direction)
        w_new = w + alpha * direction
        g_new = grad(w_new)
        s, change = w_new - w, g_new - g
        if change @ s > 1e-12 * np.linalg.norm(s) * np.linalg.norm(change):
            s_list = (s_list + [s])[-m:]
            change_list = (
                change_list + [change] if variant == "lists" else (change_list + [change])[-m:]
            )
        w, g = w_new, g_new
        history.append(f(w))
    return w, max_iter, np.array(history)


def lbfgs_direction_for_held(g, s_list, grad_change_list):
    return held_two_loop(g, s_list, grad_change_list)


def held_lbfgs_iterations_plus_one(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return held_lbfgs_loop(f, grad, w0, m, tol, max_iter, "count")


def held_lbfgs_steepest(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return held_lbfgs_loop(f, grad, w0, m, tol, max_iter, "steepest")


def held_lbfgs_change_list_kept_whole(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    return held_lbfgs_loop(f, grad, w0, m, tol, max_iter, "lists")


def held_counts_bytes_as_numbers(memory_bytes, m):
    return int(np.sqrt(memory_bytes)), int(memory_bytes // (2 * m))


def held_counts_two_forgotten(memory_bytes, m):
    numbers = memory_bytes // 8
    return int(np.sqrt(numbers)), int(numbers // m)


def held_counts_float32(memory_bytes, m):
    numbers = memory_bytes // 4
    return int(np.sqrt(numbers)), int(numbers // (2 * m))


def held_counts_swapped(memory_bytes, m):
    numbers = memory_bytes // 8
    return int(numbers // (2 * m)), int(np.sqrt(numbers))


SECOND_ROUND = {
    "newton_step": {
        "half step: w - H^-1 g / 2 (the Taylor 1/2)": held_newton_half_step,
        "damped: solves (H + I) p = g": held_newton_damped,
    },
    "bfgs_update": {
        "H updated in place": held_bfgs_in_place,
        "- rho s s^T instead of +": held_bfgs_minus_ss,
        "the Hessian's BFGS update applied to the inverse": held_bfgs_hessian_formula,
    },
    "lbfgs_direction": {
        "first loop's alpha from Δg^T q instead of s^T q": held_direction_alpha_from_change,
        "q = g without a copy: g changed in place": held_direction_in_place,
        "gamma = s^T s / s^T Δg": held_direction_gamma_s_over,
    },
    "backtracking_line_search": {
        "alpha /= shrink: the step grows": held_backtracking_grows,
        "ignores the c1 argument (uses 1e-4)": held_backtracking_fixed_c1,
        "compares with the previous trial's value instead of f(w)": (
            held_backtracking_previous_trial
        ),
    },
    "lbfgs": {
        "iteration count one too many on convergence": held_lbfgs_iterations_plus_one,
        "steepest descent: the pairs never used": held_lbfgs_steepest,
        "Δg list never trimmed to m: pairs mismatched": held_lbfgs_change_list_kept_whole,
    },
    "largest_weight_counts": {
        "bytes taken as numbers (no // 8)": held_counts_bytes_as_numbers,
        "L-BFGS: m P numbers, the 2 forgotten": held_counts_two_forgotten,
        "4 bytes a number (float32)": held_counts_float32,
        "returns (L-BFGS, Newton) instead of (Newton, L-BFGS)": held_counts_swapped,
    },
}
