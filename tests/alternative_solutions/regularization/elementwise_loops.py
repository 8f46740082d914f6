"""Penalties and dropout written entry by entry: each value is summed one entry at a time in
storage order (not NumPy's pairwise sum; float32 weights accumulate in float32), the elastic net's
gradient is expanded to 2 lam beta W + lam sign(W), the mask is built from one uniform per unit,
and the original form's test-time output is x - drop_prob * x."""


def l2_penalty(W, lam):
    dW = np.empty_like(W)
    total = 0.0
    for i in np.ndindex(W.shape):
        w = W[i]
        total += w * w
        dW[i] = 2.0 * lam * w
    return lam * total, dW


def l1_penalty(W, lam):
    dW = np.empty_like(W)
    total = 0.0
    for i in np.ndindex(W.shape):
        w = W[i]
        total += abs(w)
        dW[i] = lam if w > 0 else (-lam if w < 0 else 0.0)
    return lam * total, dW


def elastic_net_penalty(W, lam, beta=0.5):
    dW = np.empty_like(W)
    total = 0.0
    for i in np.ndindex(W.shape):
        w = W[i]
        sign = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
        total += beta * w * w + abs(w)
        dW[i] = 2.0 * lam * beta * w + lam * sign
    return lam * total, dW


def dropout_forward(x, drop_prob, rng, train=True, inverted=True):
    if not train:
        if inverted:
            return x.copy(), None
        return x - drop_prob * x, None
    draws = rng.random(x.shape)
    mask = np.zeros(x.shape, dtype=bool)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        if draws[i] >= drop_prob:
            mask[i] = True
            out[i] = x[i] / (1 - drop_prob) if inverted else x[i]
    return out, mask


def dropout_backward(dout, mask, drop_prob, inverted=True):
    dx = np.zeros_like(dout)
    for i in np.ndindex(dout.shape):
        if mask[i]:
            dx[i] = dout[i] / (1 - drop_prob) if inverted else dout[i]
    return dx


def halving_steps(lr, lam):
    # Take the steps on one weight, with the L2 gradient 2 lam w, until it is at half or below.
    w, steps = 1.0, 0
    while w > 0.5:
        w -= lr * 2 * lam * w
        steps += 1
    return steps
