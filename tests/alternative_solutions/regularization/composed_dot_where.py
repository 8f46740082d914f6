"""Vectorized differently from the reference: the sums of squares as a dot product (BLAS order),
the L1 sum row by row, the elastic net as the sum of the L2 penalty (with strength lam * beta)
and the L1 penalty, the sign by np.where, and dropout through the dropped units and np.where,
scaling by the reciprocal of the keep probability."""


def l2_penalty(W, lam):
    flat = W.ravel()
    return float(lam * (flat @ flat)), W * (2 * lam)


def l1_penalty(W, lam):
    magnitudes = np.abs(W).reshape(-1, W.shape[-1])
    sign = np.where(W > 0, 1, np.where(W < 0, -1, 0)).astype(W.dtype)
    return float(lam * magnitudes.sum(axis=1).sum()), lam * sign


def elastic_net_penalty(W, lam, beta=0.5):
    squares, d_squares = l2_penalty(W, lam * beta)
    absolutes, d_absolutes = l1_penalty(W, lam)
    return squares + absolutes, d_squares + d_absolutes


def dropout_forward(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1.0 - drop_prob
    if not train:
        return (x.copy() if inverted else keep_prob * x), None
    dropped = rng.random(x.shape) < drop_prob
    mask = ~dropped
    scale = 1.0 / keep_prob if inverted else 1.0
    return np.where(dropped, 0, x * scale), mask


def dropout_backward(dout, mask, drop_prob, inverted=True):
    scale = 1.0 / (1.0 - drop_prob) if inverted else 1.0
    return np.where(mask, dout * scale, 0)


def halving_steps(lr, lam):
    # The steps t solve t log(1 - 2 lr lam) = log(1/2); log1p keeps a small 2 lr lam accurate.
    return int(np.ceil(-np.log(2.0) / np.log1p(-2.0 * lr * lam)))
