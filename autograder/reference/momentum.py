"""Reference for the momentum exercise: SGD with momentum and Nesterov momentum.

Both carry a velocity ``v`` (zero before the first step) and return it with the weights.
"""

from __future__ import annotations


def momentum_step(w, dw, v, lr, rho=0.9):
    """v = rho * v - lr * dw; w = w + v. Returns (w, v).

    PyTorch (torch.optim.SGD(momentum=mu)) keeps b = mu * b + dw and steps w -= lr * b:
    the same iterates while lr is constant, with v = -lr * b.
    """
    v = rho * v - lr * dw
    return w + v, v


def nesterov_step(w, dw, v, lr, rho=0.9):
    """Nesterov momentum in the notes' change of variables; ``w`` is the look-ahead point and
    ``dw`` the gradient there. v_new = rho * v - lr * dw; w = w - rho * v + (1 + rho) * v_new.

    PyTorch's torch.optim.SGD(momentum=mu, nesterov=True) gives the same iterates for a
    constant lr.
    """
    v_new = rho * v - lr * dw
    return w - rho * v + (1 + rho) * v_new, v_new


def choose_momentum(mu, nu_max):
    """Heavy ball's optimal tuning (Polyak's; the book's equation heavy-ball) for a quadratic whose
    Hessian has eigenvalues between ``mu`` and ``nu_max``: (lr, rho) =
    ((2 / (sqrt(nu_max) + sqrt(mu)))**2, ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2)."""
    root_kappa = (nu_max / mu) ** 0.5
    return (2 / (nu_max**0.5 + mu**0.5)) ** 2, ((root_kappa - 1) / (root_kappa + 1)) ** 2


def momentum_speedup(rho, t):
    """The length of momentum's t-th step (t = 1 the first, from v = 0) in SGD steps, when the
    gradient is the same at every step: the geometric series 1 + rho + ... + rho**(t - 1)."""
    return float(t) if rho == 1 else (1 - rho**t) / (1 - rho)
