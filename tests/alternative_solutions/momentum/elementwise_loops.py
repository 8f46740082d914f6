"""Momentum and Nesterov written entry by entry, with Nesterov's update in its expanded form
w + rho * (v_new - v) + v_new (rearranged from w - rho * v + (1 + rho) * v_new); the tuning
solved from the double-root conditions, and the speedup summed term by term."""


def momentum_step(w, dw, v, lr, rho=0.9):
    w_new, v_new = np.empty_like(w), np.empty_like(v)
    for i in np.ndindex(w.shape):
        v_new[i] = rho * v[i] - lr * dw[i]
        w_new[i] = w[i] + v_new[i]
    return w_new, v_new


def nesterov_step(w, dw, v, lr, rho=0.9):
    w_new, v_new = np.empty_like(w), np.empty_like(v)
    for i in np.ndindex(w.shape):
        v_new[i] = rho * v[i] - lr * dw[i]
        w_new[i] = w[i] + rho * (v_new[i] - v[i]) + v_new[i]
    return w_new, v_new


def choose_momentum(mu, nu_max):
    # The double-root conditions lr * mu = (1 - s)**2, lr * nu_max = (1 + s)**2, s = sqrt(rho)
    s = (nu_max**0.5 - mu**0.5) / (nu_max**0.5 + mu**0.5)
    return (1 - s) ** 2 / mu, s * s


def momentum_speedup(rho, t):
    total, weight = 0.0, 1.0
    for _ in range(t):
        total += weight
        weight *= rho
    return total
