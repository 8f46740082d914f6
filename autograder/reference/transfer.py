"""Reference for the transfer-learning exercise: a new head, per-layer learning rates, frozen
layers.

Parameters are dicts of arrays named ``W1, b1, W2, b2, ...`` in layer order, as in
`optlab.network`; the last layer is the head that gives the class scores. Nothing is
changed in place.
"""

from __future__ import annotations

import numpy as np


def replace_head(params, num_classes, rng):
    """A copy of ``params`` with a new last layer for ``num_classes`` classes.

    The new W has shape (fan_in, num_classes), drawn as rng.standard_normal((fan_in,
    num_classes)) * sqrt(2 / fan_in) (He initialization); the new b is zeros. Every other
    array is copied, so training the result cannot change the pretrained network.
    """
    last = sum(1 for name in params if name.startswith("W"))
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def learning_rates(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    """The learning rate of every parameter for fine-tuning the top ``num_trainable_layers``
    layers.

    The last layer (the new head) gets ``lr``; the ``num_trainable_layers - 1`` layers
    below it get ``lr * fine_tune_factor``; every other layer is frozen: 0.0. With 1 it is
    a linear classifier on frozen features; with all layers it fine-tunes everything.
    """
    num_layers = sum(1 for name in param_names if name.startswith("W"))
    rates = {}
    for name in param_names:
        layer = int(name[1:])
        if layer == num_layers:
            rates[name] = float(lr)
        elif layer > num_layers - num_trainable_layers:
            rates[name] = float(lr * fine_tune_factor)
        else:
            rates[name] = 0.0
    return rates


def fine_tune_step(params, grads, velocity, rates, rho=0.9):
    """One momentum step per parameter with its own learning rate; a frozen one (rate 0) stays
    exactly.

    For each name with rate > 0: v = rho * v - rate * grad; p = p + v. A frozen parameter
    and its velocity are returned unchanged. Returns (params, velocity), new dicts.
    """
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, velocity[name]
            continue
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


def trained_parameter_count(sizes, num_classes, num_trainable_layers):
    """The entries of the parameters that train: (fan_in + 1) fan_out for each of the top
    num_trainable_layers layers, the head's fan_out being num_classes."""
    widths = list(sizes[:-1]) + [num_classes]
    layers = list(zip(widths[:-1], widths[1:]))
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in layers[-num_trainable_layers:])
