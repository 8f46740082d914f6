"""Newton's step as the solve of H w_new = H w - g; the BFGS update as V H V^T + rho s s^T with
V = I - rho s Δg^T, multiplied out by one np.einsum; the two-loop recursion over the pairs stacked
as matrices (rho from a row-wise einsum); the Armijo search as a while loop; L-BFGS with
s = alpha * direction and the oldest pair popped from a list."""


def newton_step(w, g, hessian):
    return np.linalg.solve(hessian, hessian @ w - g)


def bfgs_update(H, s, grad_change):
    dg = grad_change
    curvature = np.dot(dg, s)
    if not curvature > 0:
        return H
    rho = 1.0 / curvature
    V = np.eye(len(s)) - rho * np.outer(s, dg)
    return np.einsum("ik,kl,jl->ij", V, H, V) + rho * np.outer(s, s)


def lbfgs_direction(g, s_list, grad_change_list):
    if not s_list:
        return -np.array(g, dtype=float)
    S, G = np.array(s_list, dtype=float), np.array(grad_change_list, dtype=float)
    rho = 1.0 / np.einsum("ij,ij->i", G, S)
    alpha = np.zeros(len(S))
    q = np.array(g, dtype=float)
    for i in reversed(range(len(S))):
        alpha[i] = rho[i] * np.dot(S[i], q)
        q -= alpha[i] * G[i]
    r = (np.dot(S[-1], G[-1]) / np.dot(G[-1], G[-1])) * q
    for i in range(len(S)):
        beta = rho[i] * np.dot(G[i], r)
        r += S[i] * (alpha[i] - beta)
    return -r


def backtracking_line_search(f, w, direction, g, alpha=1.0, shrink=0.5, c1=1e-4):
    f0 = f(w)
    decrease = c1 * np.sum(g * direction)
    shrinks = 0
    while f(w + alpha * direction) > f0 + alpha * decrease and shrinks < 60:
        alpha *= shrink
        shrinks += 1
    return float(alpha)


def lbfgs(f, grad, w0, m=10, tol=1e-6, max_iter=500):
    w = np.asarray(w0, dtype=float).copy()
    g = grad(w)
    s_list, grad_change_list, history = [], [], [f(w)]
    for iteration in range(max_iter):
        if np.abs(g).max() <= tol:
            return w, iteration, np.array(history)
        direction = lbfgs_direction(g, s_list, grad_change_list)
        alpha = wolfe_line_search(f, grad, w, direction)
        s = alpha * direction
        w = w + s
        g_new = grad(w)
        dg = g_new - g
        g = g_new
        if np.dot(dg, s) > 1e-12 * np.linalg.norm(s) * np.linalg.norm(dg):
            s_list.append(s)
            grad_change_list.append(dg)
            if len(s_list) > m:
                s_list.pop(0)
                grad_change_list.pop(0)
        history.append(f(w))
    return w, max_iter, np.array(history)


def largest_weight_counts(memory_bytes, m):
    # The counts as floats, solved from 8 P^2 = memory and 8 (2 m P) = memory without rounding.
    return float(np.sqrt(memory_bytes / 8.0)), memory_bytes / (16.0 * m)
