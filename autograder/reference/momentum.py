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
