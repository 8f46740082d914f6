"""PyTorch's way: He's scale written as 1 / sqrt(fan_in / 2), the rates by a dict comprehension
over the layer numbers, and momentum through PyTorch's buffer b = rho * b + grad, converted from
and to the course's velocity v = -rate * b (exact while a parameter's rate is constant, as in
every step here); frozen parameters are skipped."""

import re


def replace_head(params, num_classes, rng):
    layers = sorted({int(re.fullmatch(r"[Wb](\d+)", name).group(1)) for name in params})
    last = layers[-1]
    fan_in = params[f"W{last}"].shape[0]
    head = {
        f"W{last}": rng.standard_normal((fan_in, num_classes)) / np.sqrt(fan_in / 2),
        f"b{last}": np.zeros(num_classes),
    }
    return {name: head[name] if name in head else value.copy() for name, value in params.items()}


def learning_rates(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    layer_of = {name: int(re.fullmatch(r"[Wb](\d+)", name).group(1)) for name in param_names}
    top = max(layer_of.values())
    rate_of_layer = {
        layer: (
            float(lr)
            if layer == top
            else float(lr * fine_tune_factor)
            if layer > top - num_trainable_layers
            else 0.0
        )
        for layer in range(1, top + 1)
    }
    return {name: rate_of_layer[layer] for name, layer in layer_of.items()}


def fine_tune_step(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = dict(params), dict(velocity)
    for name, rate in rates.items():
        if rate > 0:
            buffer = rho * (-velocity[name] / rate) + grads[name]
            new_velocity[name] = -rate * buffer
            new_params[name] = params[name] + new_velocity[name]
    return new_params, new_velocity


def trained_parameter_count(sizes, num_classes, num_trainable_layers):
    # Build the network, give it the new head, and count the entries that get a rate.
    params = replace_head(network.init_mlp(list(sizes)), num_classes, np.random.default_rng(0))
    rates = learning_rates(list(params), num_trainable_layers, 1.0)
    return int(sum(params[name].size for name in params if rates[name] > 0))
