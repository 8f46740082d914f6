"""A small fully connected network in NumPy: the model of the last three chapters.

    params = init_mlp([64, 128, 64, 10], seed=0)   # {"W1": (64, 128), ..., "b3": (10,)}
    scores, cache = forward(params, X)              # scores (N, 10)
    grads = backward(params, cache, dscores)        # one gradient per parameter, same names
    loss, grads = loss_and_grads(params, X, y)      # mean cross-entropy and its gradients

Layer ``l`` (numbered from 1) computes ``h_l = relu(h_{l-1} @ W_l + b_l)`` with ``h_0 = X``;
the last layer has no ReLU and gives the class scores. A parameter dict maps names to
arrays; its layers are ``W1, b1, W2, b2, ...`` in order.

Two hooks make the regularization chapter's methods pluggable:

- ``noise(h, layer) -> (h_noisy, backward)`` is applied to the activations of every
  hidden layer during training; ``backward(dh_noisy) -> dh`` carries the gradient back
  through it. Dropout is such a function. ``noise=None`` is the network at test time.
- ``penalty(W) -> (value, dW)`` is added for every weight matrix (biases are not
  penalized, as is usual).

`train` runs minibatches through an update rule given as a function of the parameter
dicts, so that any optimizer of the course (and frozen layers) can drive it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .models import log_softmax


def layer_count(params: dict) -> int:
    """How many layers the network has (the number of weight matrices)."""
    return sum(1 for name in params if name.startswith("W"))


def init_mlp(sizes: list[int], seed: int = 0, dtype: type = np.float64) -> dict[str, np.ndarray]:
    """He-initialized weights (normal, variance 2 / fan_in) and zero biases for layers of
    ``sizes``."""
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = (
            rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        ).astype(dtype)
        params[f"b{layer}"] = np.zeros(fan_out, dtype=dtype)
    return params


def forward(params: dict, X: np.ndarray, noise: Callable | None = None, depth: int | None = None):
    """The scores for the rows of ``X``, and what `backward` needs.

    With ``depth`` the pass stops after that many hidden layers and returns their
    activations instead of the scores (the features a later layer sees).
    """
    num_layers = layer_count(params)
    stop = num_layers if depth is None else depth
    h, cache = X, []
    for layer in range(1, stop + 1):
        z = h @ params[f"W{layer}"] + params[f"b{layer}"]
        if layer == num_layers:
            cache.append((h, z, None))
            return z, cache
        a = np.maximum(z, 0)
        back = None
        if noise is not None:
            a, back = noise(a, layer)
        cache.append((h, z, back))
        h = a
    return h, cache


def backward(params: dict, cache: list, dscores: np.ndarray) -> dict[str, np.ndarray]:
    """The gradient of every parameter, given the gradient of the loss with respect to the
    scores."""
    grads = {}
    upstream = dscores
    for layer in range(len(cache), 0, -1):
        h, z, back = cache[layer - 1]
        if layer < len(cache):  # a hidden layer: through its noise, then its ReLU
            if back is not None:
                upstream = back(upstream)
            upstream = upstream * (z > 0)
        grads[f"W{layer}"] = h.T @ upstream
        grads[f"b{layer}"] = upstream.sum(axis=0)
        upstream = upstream @ params[f"W{layer}"].T
    return {name: grads[name] for name in params}


def loss_and_grads(
    params: dict,
    X: np.ndarray,
    y: np.ndarray,
    noise: Callable | None = None,
    penalty: Callable | None = None,
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean cross-entropy of the softmax of the scores (plus the penalty on every W) and its
    gradients."""
    scores, cache = forward(params, X, noise)
    n = len(y)
    rows = np.arange(n)
    log_probs = log_softmax(scores)
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    grads = backward(params, cache, dscores / n)
    if penalty is not None:
        for name in params:
            if name.startswith("W"):
                value, gradient = penalty(params[name])
                loss += value
                grads[name] = grads[name] + gradient
    return float(loss), grads


def predict(params: dict, X: np.ndarray) -> np.ndarray:
    """The class with the largest score for every row of ``X`` (the test-time network: no
    noise)."""
    return np.argmax(forward(params, X)[0], axis=1)


def accuracy(params: dict, X: np.ndarray, y: np.ndarray) -> float:
    """The fraction of rows of ``X`` classified as their label."""
    return float(np.mean(predict(params, X) == y))


def train(
    params: dict,
    X: np.ndarray,
    y: np.ndarray,
    batches: Iterable[np.ndarray],
    update: Callable,
    noise: Callable | None = None,
    penalty: Callable | None = None,
    transform: Callable | None = None,
) -> tuple[dict, list[float]]:
    """Take one step of ``update`` per minibatch; return the trained parameters and the loss of
    every batch.

    ``batches`` yields arrays of row indices; ``update(params, grads) -> params`` is the
    optimizer (a closure keeps its state). ``transform(X_batch) -> X_batch`` is applied to
    each minibatch before the forward pass (data augmentation). ``params`` is not changed.
    """
    losses = []
    for rows in batches:
        X_batch = X[rows] if transform is None else transform(X[rows])
        loss, grads = loss_and_grads(params, X_batch, y[rows], noise, penalty)
        params = update(params, grads)
        losses.append(loss)
    return params, losses
