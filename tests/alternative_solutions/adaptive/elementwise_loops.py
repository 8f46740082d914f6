"""Every rule entry by entry with math.sqrt: AdaGrad and RMSProp as a per-coordinate rate
lr / (sqrt(h) + eps) times dw, Adam's corrections folded into one denominator
lr * m / ((1 - beta1^t) * (sqrt(v / (1 - beta2^t)) + eps)), AdamW as w * (1 - lr * wd) - Adam's
step. RMSProp's steady step is measured: t steps of the rule on one weight, eps 0."""

import math


def adagrad_step(w, dw, h, lr, eps=1e-8):
    w_new, h_new = np.empty_like(w), np.empty_like(h)
    for i in np.ndindex(w.shape):
        h_new[i] = h[i] + dw[i] ** 2
        rate = lr / (math.sqrt(h_new[i]) + eps)
        w_new[i] = w[i] - rate * dw[i]
    return w_new, h_new


def rmsprop_step(w, dw, h, lr, decay=0.99, eps=1e-8):
    w_new, h_new = np.empty_like(w), np.empty_like(h)
    for i in np.ndindex(w.shape):
        h_new[i] = decay * h[i] + (1 - decay) * dw[i] ** 2
        rate = lr / (math.sqrt(h_new[i]) + eps)
        w_new[i] = w[i] - rate * dw[i]
    return w_new, h_new


def _adam_moments_and_step(dw, m, v, t, lr, beta1, beta2, eps):
    """The new moments and Adam's step (to subtract from w), entry by entry."""
    m_new, v_new, step = np.empty_like(m), np.empty_like(v), np.empty_like(dw)
    correction1, correction2 = 1 - beta1**t, 1 - beta2**t
    for i in np.ndindex(dw.shape):
        m_new[i] = beta1 * m[i] + (1 - beta1) * dw[i]
        v_new[i] = beta2 * v[i] + (1 - beta2) * dw[i] * dw[i]
        step[i] = lr * m_new[i] / (correction1 * (math.sqrt(v_new[i] / correction2) + eps))
    return m_new, v_new, step


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m_new, v_new, step = _adam_moments_and_step(dw, m, v, t, lr, beta1, beta2, eps)
    w_new = np.empty_like(w)
    for i in np.ndindex(w.shape):
        w_new[i] = w[i] - step[i]
    return w_new, m_new, v_new, t


def adamw_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    t = t + 1
    m_new, v_new, step = _adam_moments_and_step(dw, m, v, t, lr, beta1, beta2, eps)
    shrink = 1 - lr * weight_decay
    w_new = np.empty_like(w)
    for i in np.ndindex(w.shape):
        w_new[i] = w[i] * shrink - step[i]
    return w_new, m_new, v_new, t


def rmsprop_steady_step(g, lr, decay, t):
    w, h = 0.0, 0.0
    for _ in range(t):
        h = decay * h + (1 - decay) * g * g
        step = lr * g / math.sqrt(h)
        w -= step
    return abs(step)
