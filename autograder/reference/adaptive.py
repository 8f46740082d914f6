"""Reference for the adaptive-methods exercise: AdaGrad, RMSProp, Adam and AdamW.

Every rule takes the weights ``w``, the gradient ``dw`` at ``w``, its state (zero before
the first step) and its hyperparameters, and returns the new weights with the new state.
Nothing is changed in place.
"""

from __future__ import annotations

import numpy as np


def adagrad_step(w, dw, h, lr, eps=1e-8):
    """h = h + dw * dw; w = w - lr * dw / (sqrt(h) + eps). Returns (w, h).

    torch.optim.Adagrad is the same rule (its eps defaults to 1e-10; lr_decay 0).
    """
    h = h + dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def rmsprop_step(w, dw, h, lr, decay=0.99, eps=1e-8):
    """h = decay * h + (1 - decay) * dw * dw; w = w - lr * dw / (sqrt(h) + eps). Returns (w, h).

    torch.optim.RMSprop is the same rule, with ``alpha`` for ``decay``.
    """
    h = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam with bias correction; the step counter ``t`` is incremented before use.

    t = t + 1; m = beta1 m + (1 - beta1) dw; v = beta2 v + (1 - beta2) dw^2;
    w = w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps). Returns (w, m, v, t).

    torch.optim.Adam computes the same step: it applies the first correction to lr and
    divides sqrt(v) by sqrt(1 - beta2^t) before adding eps, which is this form rearranged.
    """
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adamw_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    """AdamW: Adam on the loss's gradient, with the weights decayed apart from it.

    w = w - lr * weight_decay * w, then Adam's step (computed from ``dw`` alone).
    Returns (w, m, v, t). Matches torch.optim.AdamW. L2 inside Adam (adding
    2 * lambda * w to dw) is not the same: Adam's scaling would shrink the decay too.
    """
    decayed = w - lr * weight_decay * w
    w_new, m, v, t = adam_step(w, dw, m, v, t, lr, beta1, beta2, eps)
    return decayed + (w_new - w), m, v, t


def rmsprop_steady_step(g, lr, decay, t):
    """The size of RMSProp's t-th step on a weight whose gradient is ``g`` at every step, from
    h = 0 and with eps = 0. Unrolled, h_t = (1 - decay) (1 + decay + ... + decay^(t-1)) g^2
    = (1 - decay^t) g^2, so the step is lr / sqrt(1 - decay^t) whatever g (book/adaptive.md,
    section "The decay rate")."""
    share_filled = 1.0 - decay**t
    return lr / np.sqrt(share_filled)
