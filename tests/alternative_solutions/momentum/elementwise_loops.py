"""Momentum and Nesterov written entry by entry, with Nesterov's update in its expanded form
w + rho * (v_new - v) + v_new (rearranged from w - rho * v + (1 + rho) * v_new)."""


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
