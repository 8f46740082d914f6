"""Reference for the regularization exercise: penalties on the weights, and dropout.

A penalty takes a weight array ``W`` and its strength ``lam`` and returns ``(value, dW)``:
the number added to the loss and its gradient, of W's shape and dtype. The course's L2
has no factor 1/2, so its gradient is ``2 * lam * W``.

Dropout takes the activations ``x``, the probability ``drop_prob`` that a unit is
dropped, a generator ``rng`` and the mode, and returns ``(out, mask)``; ``mask`` is the
boolean array of the units kept (None at test time), which the backward pass needs.
"""

from __future__ import annotations

import numpy as np


def l2_penalty(W, lam):
    """lam * sum(W**2) and its gradient 2 * lam * W (weight decay).

    SGD's ``weight_decay=wd`` in PyTorch adds ``wd * W`` to the gradient: the course's
    L2 with lam = wd / 2.
    """
    return float(lam * np.sum(W * W)), 2 * lam * W


def l1_penalty(W, lam):
    """lam * sum(|W|) and its gradient lam * sign(W), taking 0 where W == 0 (a subgradient)."""
    return float(lam * np.sum(np.abs(W))), lam * np.sign(W)


def elastic_net_penalty(W, lam, beta=0.5):
    """lam * sum(beta * W**2 + |W|), the notes' elastic net, and its gradient
    lam * (2 beta W + sign(W))."""
    return float(lam * np.sum(beta * W * W + np.abs(W))), lam * (2 * beta * W + np.sign(W))


def dropout_forward(x, drop_prob, rng, train=True, inverted=True):
    """Dropout: in training, each unit of ``x`` is zeroed with probability ``drop_prob``.

    The kept units are ``mask = rng.random(x.shape) >= drop_prob``. Both forms keep the
    expected output of a unit the same in training and at test time:

    - inverted (the usual form, and PyTorch's): training gives ``x * mask / (1 - drop_prob)``,
      test time gives ``x``;
    - not inverted (the notes' original form): training gives ``x * mask``, test time
      gives ``x * (1 - drop_prob)``.

    Returns (out, mask), with ``mask`` None at test time (no generator draw then).
    """
    keep_prob = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep_prob), None
    mask = rng.random(x.shape) >= drop_prob
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def dropout_backward(dout, mask, drop_prob, inverted=True):
    """The gradient with respect to dropout's input, in training: dout * mask
    (/ (1 - drop_prob) if inverted)."""
    dx = dout * mask
    return dx / (1 - drop_prob) if inverted else dx


def halving_steps(lr, lam):
    """The fewest steps of gradient descent on lam * sum(W**2) alone after which the weights are
    at most half their start: the smallest t with (1 - 2 lr lam) ** t <= 1/2."""
    return int(np.ceil(np.log(0.5) / np.log(1 - 2 * lr * lam)))
