"""The forms of torch.optim: w - lr * (dw / (sqrt(h) + eps)), moving averages as lerps
(h + (1 - decay) * (dw^2 - h)), Adam's corrections on the step size and on sqrt(v) separately
(lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)), AdamW decaying w before Adam's
step. RMSProp's steady step sums the unrolled average's weights (1 - decay) decay^k as a
series."""

import math


def adagrad_step(w, dw, h, lr, eps=1e-8):
    h = h + np.square(dw)
    std = np.sqrt(h) + eps
    return w - lr * (dw / std), h


def rmsprop_step(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = h + (1 - decay) * (dw * dw - h)
    avg = np.sqrt(h) + eps
    return w - lr * (dw / avg), h


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = m + (1 - beta1) * (dw - m)
    v = v * beta2 + (1 - beta2) * np.square(dw)
    step_size = lr / (1 - beta1**t)
    denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
    return w - step_size * (m / denom), m, v, t


def adamw_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    w = w.copy()
    w *= 1 - lr * weight_decay
    w_new, m, v, t = adam_step(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new, m, v, t


def rmsprop_steady_step(g, lr, decay, t):
    weights = (1 - decay) * decay ** np.arange(t)
    h = float(np.sum(weights)) * g**2
    return lr * abs(g) / math.sqrt(h)
