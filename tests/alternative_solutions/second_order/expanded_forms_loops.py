"""Newton's step by least squares (np.linalg.lstsq solves the same nonsingular system); the BFGS
update in its expanded form H + (rho + rho^2 Δg^T H Δg) s s^T - rho (H Δg s^T + s Δg^T H),
Δg the change of the gradient; the two-loop recursion with dot products summed in Python loops
and rho divided in place; the Armijo search trying alpha * shrink**k; L-BFGS keeping its pairs
in a deque(maxlen=m)."""

from collections import deque


def _dot(a, b):
    total = 0.0
    for a_i, b_i in zip(a, b):
        total += float(a_i) * float(b_i)
    return total


def newton_step(w, g, hessian):
    step, *_ = np.linalg.lstsq(hessian, g, rcond=None)
    return w - step


def bfgs_update(H, s, grad_change):
    dg = grad_change
    s_dg = float(s @ dg)
    if s_dg <= 0:
        return H
    rho = 1.0 / s_dg
    H_dg = H @ dg
    dg_H_dg = float(dg @ H_dg)
    return (
        H
        + (rho + rho * rho * dg_H_dg) * np.outer(s, s)
        - rho * (np.outer(H_dg, s) + np.outer(s, H_dg))
    )


def lbfgs_direction(g, s_list, grad_change_list):
    dgs = grad_change_list
    q = [float(x) for x in g]
    n, m = len(q), len(s_list)
    alphas = [0.0] * m
    for i in range(m - 1, -1, -1):
        s, dg = s_list[i], dgs[i]
        alphas[i] = _dot(s, q) / _dot(dg, s)
        q = [q[j] - alphas[i] * float(dg[j]) for j in range(n)]
    gamma = _dot(s_list[-1], dgs[-1]) / _dot(dgs[-1], dgs[-1]) if m else 1.0
    r = [gamma * x for x in q]
    for i in range(m):
        s, dg = s_list[i], dgs[i]
        beta = _dot(dg, r) / _dot(dg, s)
        r = [r[j] + (alphas[i] - beta) * float(s[j]) for j in range(n)]
    return -np.array(r)


def backtracking_line_search(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0 = f(w)
    slope = _dot(g, direction)
    for k in range(60):
        step = alpha * shrink**k
        if f(w + step * direction) <= f0 + c1 * step * slope:
            return step
    return alpha * shrink**60


def lbfgs(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    w = np.array(w0, dtype=float)
    g = grad(w)
    pairs = deque(maxlen=m)
    history = [f(w)]
    iterations = 0
    while iterations < max_iter and np.linalg.norm(g, ord=np.inf) > tol:
        direction = lbfgs_direction(g, [s for s, _ in pairs], [dg for _, dg in pairs])
        alpha = wolfe_line_search(f, grad, w, direction)
        w_new = w + alpha * direction
        g_new = grad(w_new)
        s, dg = w_new - w, g_new - g
        if _dot(dg, s) > 1e-12 * np.sqrt(_dot(s, s)) * np.sqrt(_dot(dg, dg)):
            pairs.append((s, dg))
        w, g = w_new, g_new
        history.append(f(w))
        iterations += 1
    return w, iterations, np.array(history)


def largest_weight_counts(memory_bytes, m):
    # Grow P while the next count fits: Newton's by one, L-BFGS's by doubling, then bisection.
    P_newton = 0
    while 8 * (P_newton + 1) ** 2 <= memory_bytes:
        P_newton += 1
    low, high = 0, 1
    while 16 * m * high <= memory_bytes:
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if 16 * m * middle <= memory_bytes:
            low = middle
        else:
            high = middle
    return P_newton, low
