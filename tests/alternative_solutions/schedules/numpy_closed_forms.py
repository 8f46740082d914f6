"""Closed forms with NumPy: step decay as exp(log(drop) * n), exponential decay as a division by
exp(k t), 1/t decay through np.reciprocal, cosine as the weighted mix lr0 c + lr_min (1 - c) with
c = (1 + cos) / 2, and warmup as lr0 times the clipped step count over warmup_steps."""


def step_decay(lr0, epoch, drop=0.5, every=10):
    drops = epoch // every
    return lr0 * np.exp(np.log(drop) * drops)


def exponential_decay(lr0, t, k):
    return lr0 / np.exp(k * t)


def inverse_time_decay(lr0, t, k):
    return lr0 * np.reciprocal(1.0 + k * t)


def cosine_decay(lr0, t, total_steps, lr_min=0.0):
    if t >= total_steps:
        return lr_min
    c = 0.5 * (1.0 + np.cos(np.pi * t / total_steps))
    return lr0 * c + lr_min * (1.0 - c)


def linear_warmup(lr0, t, warmup_steps):
    return lr0 * np.clip(t + 1, 1, warmup_steps) / warmup_steps


def decay_constants(lr0, lr_end, total_steps):
    # Both through the logarithm of the ratio: exp(-k T) = lr_end / lr0 and 1 + k T = lr0 / lr_end.
    log_ratio = np.log(lr0) - np.log(lr_end)
    return float(log_ratio / total_steps), float(np.expm1(log_ratio) / total_steps)
