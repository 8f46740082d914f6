"""Student mistakes in the transfer-learning exercise (new head, per-layer rates, frozen layers),
written from the notebook's docstrings and the chapter, not from the checks' catalogs."""

import numpy as np


def _layers(names):
    return sum(1 for name in names if name.startswith("W"))


def head_xavier_scale(params, num_classes, rng):
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(1.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def head_transposed(params, num_classes, rng):
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((num_classes, fan_in)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def head_fan_in_of_first_layer(params, num_classes, rng):
    last = _layers(params)
    fan_in = params["W1"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def head_random_bias(params, num_classes, rng):
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = rng.standard_normal(num_classes) * np.sqrt(2.0 / fan_in)
    return new


def head_layers_counted_with_biases(params, num_classes, rng):
    last = len(params)
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def head_fan_out_scale(params, num_classes, rng):
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / num_classes)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def head_replaces_first_layer(params, num_classes, rng):
    fan_in = params["W1"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new["W1"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new["b1"] = np.zeros(num_classes)
    return new


def head_scaled_by_fan_in_not_its_root(params, num_classes, rng):
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * 2.0 / fan_in
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def _rates(param_names, lr, rate_of):
    num_layers = _layers(param_names)
    return {name: float(rate_of(int(name[1:]), num_layers, lr)) for name in param_names}


def rates_one_layer_too_many(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    def rate(layer, num_layers, lr):
        if layer == num_layers:
            return lr
        if layer >= num_layers - num_trainable_layers:
            return lr * fine_tune_factor
        return 0.0

    return _rates(param_names, lr, rate)


def rates_layers_counted_with_biases(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    num_layers = len(param_names)
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


def rates_factor_ignored(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    def rate(layer, num_layers, lr):
        return lr if layer > num_layers - num_trainable_layers else 0.0

    return _rates(param_names, lr, rate)


def rates_biases_frozen(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    num_layers = _layers(param_names)
    rates = {}
    for name in param_names:
        layer = int(name[1:])
        if name.startswith("b"):
            rates[name] = 0.0
        elif layer == num_layers:
            rates[name] = float(lr)
        elif layer > num_layers - num_trainable_layers:
            rates[name] = float(lr * fine_tune_factor)
        else:
            rates[name] = 0.0
    return rates


def rates_divided_by_factor(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    def rate(layer, num_layers, lr):
        if layer == num_layers:
            return lr
        if layer > num_layers - num_trainable_layers:
            return lr / fine_tune_factor
        return 0.0

    return _rates(param_names, lr, rate)


def rates_head_scaled_too(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    def rate(layer, num_layers, lr):
        return lr * fine_tune_factor if layer > num_layers - num_trainable_layers else 0.0

    return _rates(param_names, lr, rate)


def rates_counted_from_the_bottom(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    def rate(layer, num_layers, lr):
        if layer == num_layers:
            return lr
        if layer <= num_trainable_layers - 1:
            return lr * fine_tune_factor
        return 0.0

    return _rates(param_names, lr, rate)


def rates_shrink_layer_by_layer(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    def rate(layer, num_layers, lr):
        if layer > num_layers - num_trainable_layers:
            return lr * fine_tune_factor ** (num_layers - layer)
        return 0.0

    return _rates(param_names, lr, rate)


def step_frozen_velocity_decays(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        v = rho * velocity[name] - rates[name] * grads[name]
        new_velocity[name] = v
        new_params[name] = value if rates[name] == 0 else value + v
    return new_params, new_velocity


def step_one_rate_for_all(params, grads, velocity, rates, rho=0.9):
    lr = max(rates.values())
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, velocity[name]
            continue
        v = rho * velocity[name] - lr * grads[name]
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


def step_old_velocity_returned(params, grads, velocity, rates, rho=0.9):
    new_params = {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name] = value
            continue
        new_params[name] = value + rho * velocity[name] - rates[name] * grads[name]
    return new_params, dict(velocity)


def step_rate_outside_velocity(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, velocity[name]
            continue
        v = rho * velocity[name] - grads[name]
        new_params[name], new_velocity[name] = value + rates[name] * v, v
    return new_params, new_velocity


def step_frozen_not_special_cased(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


def step_weights_minus_velocity(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, velocity[name]
            continue
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = value - v, v
    return new_params, new_velocity


def step_fixed_rho(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, velocity[name]
            continue
        v = 0.9 * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


def step_frozen_velocity_zeroed(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, np.zeros_like(velocity[name])
            continue
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


MISTAKES = {
    "replace_head": {
        "Xavier scale sqrt(1 / fan_in) instead of He's sqrt(2 / fan_in)": head_xavier_scale,
        "new W drawn as (num_classes, fan_in)": head_transposed,
        "fan_in read from W1 instead of the last W": head_fan_in_of_first_layer,
        "new bias drawn at random instead of zeros": head_random_bias,
        "layers counted as len(params), biases included": head_layers_counted_with_biases,
        "scale sqrt(2 / num_classes) (fan-out)": head_fan_out_scale,
        "replaces the first layer instead of the last": head_replaces_first_layer,
        "scaled by 2 / fan_in instead of its square root": head_scaled_by_fan_in_not_its_root,
    },
    "learning_rates": {
        "one layer too many trainable (>= instead of >)": rates_one_layer_too_many,
        "layers counted as len(param_names), biases included": (rates_layers_counted_with_biases),
        "fine-tuned layers get lr (the factor ignored)": rates_factor_ignored,
        "biases always frozen": rates_biases_frozen,
        "lr / fine_tune_factor instead of lr * fine_tune_factor": rates_divided_by_factor,
        "the head gets lr * fine_tune_factor too": rates_head_scaled_too,
        "trainable layers counted from the bottom": rates_counted_from_the_bottom,
        "each layer down learns fine_tune_factor times slower than the one above": (
            rates_shrink_layer_by_layer
        ),
    },
    "fine_tune_step": {
        "a frozen parameter's velocity still decays (rho * v)": step_frozen_velocity_decays,
        "one rate (the largest) for every trainable parameter": step_one_rate_for_all,
        "the old velocity returned": step_old_velocity_returned,
        "rate outside the velocity: v = rho * v - grad; p + rate * v": (
            step_rate_outside_velocity
        ),
        "frozen parameters not special-cased: they move with their velocity": (
            step_frozen_not_special_cased
        ),
        "p - v instead of p + v": step_weights_minus_velocity,
        "ignores the rho argument (uses 0.9)": step_fixed_rho,
        "a frozen parameter's velocity reset to zeros": step_frozen_velocity_zeroed,
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_head_in_place(params, num_classes, rng):
    last = sum(1 for name in params if name.startswith("W"))
    fan_in = params[f"W{last}"].shape[0]
    params[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    params[f"b{last}"] = np.zeros(num_classes)
    return params


def held_head_shallow_copy(params, num_classes, rng):
    last = sum(1 for name in params if name.startswith("W"))
    fan_in = params[f"W{last}"].shape[0]
    new = dict(params)
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def held_head_fan_in_from_columns(params, num_classes, rng):
    last = sum(1 for name in params if name.startswith("W"))
    fan_in = params[f"W{last}"].shape[0]
    scale_from = params[f"W{last}"].shape[1]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / scale_from)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def held_head_variance_as_std(params, num_classes, rng):
    last = sum(1 for name in params if name.startswith("W"))
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.normal(0.0, 2.0 / fan_in, (fan_in, num_classes))
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def held_rates(param_names, num_trainable_layers, lr, fine_tune_factor, variant):
    num_layers = sum(1 for name in param_names if name.startswith("W"))
    rates = {}
    for name in param_names:
        layer = int(name[1:])
        if layer == num_layers:
            rates[name] = float(lr * fine_tune_factor) if variant == "swapped" else float(lr)
        elif layer > num_layers - num_trainable_layers:
            if variant == "factor":
                rates[name] = float(fine_tune_factor)
            elif variant == "swapped":
                rates[name] = float(lr)
            else:
                rates[name] = float(lr * fine_tune_factor)
        elif variant != "dropped":
            rates[name] = 0.0
    return rates


def held_rates_frozen_left_out(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    return held_rates(param_names, num_trainable_layers, lr, fine_tune_factor, "dropped")


def held_rates_factor_only(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    return held_rates(param_names, num_trainable_layers, lr, fine_tune_factor, "factor")


def held_rates_swapped(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    return held_rates(param_names, num_trainable_layers, lr, fine_tune_factor, "swapped")


def held_step_in_place(params, grads, velocity, rates, rho=0.9):
    new_velocity = {}
    for name in params:
        if rates[name] == 0:
            new_velocity[name] = velocity[name]
            continue
        new_velocity[name] = rho * velocity[name] - rates[name] * grads[name]
        params[name] += new_velocity[name]
    return params, new_velocity


def held_step_rate_on_velocity(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        v = rates[name] * (rho * velocity[name] - grads[name])
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


def held_step_frozen_dropped(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            continue
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = value + v, v
    return new_params, new_velocity


def held_count(sizes, num_classes, num_trainable_layers, variant):
    widths = list(sizes[:-1]) + [num_classes] if variant != "head" else list(sizes)
    layers = list(zip(widths[:-1], widths[1:]))
    if variant == "bottom":
        chosen = layers[:num_trainable_layers]
    elif variant == "one more":
        chosen = layers[-num_trainable_layers - 1 :]
    else:
        chosen = layers[-num_trainable_layers:]
    bias = 0 if variant == "no bias" else 1
    return sum((fan_in + bias) * fan_out for fan_in, fan_out in chosen)


def held_count_no_biases(sizes, num_classes, num_trainable_layers):
    return held_count(sizes, num_classes, num_trainable_layers, "no bias")


def held_count_old_head(sizes, num_classes, num_trainable_layers):
    return held_count(sizes, num_classes, num_trainable_layers, "head")


def held_count_bottom_layers(sizes, num_classes, num_trainable_layers):
    return held_count(sizes, num_classes, num_trainable_layers, "bottom")


def held_count_one_more(sizes, num_classes, num_trainable_layers):
    return held_count(sizes, num_classes, num_trainable_layers, "one more")


SECOND_ROUND = {
    "replace_head": {
        "params changed in place": held_head_in_place,
        "shallow copy: the other arrays shared with the pretrained network": (
            held_head_shallow_copy
        ),
        "He scale from the old head's fan-out": held_head_fan_in_from_columns,
        "rng.normal(0, 2 / fan_in): the variance as the standard deviation": (
            held_head_variance_as_std
        ),
    },
    "learning_rates": {
        "frozen layers left out of the dict": held_rates_frozen_left_out,
        "fine-tuned layers get fine_tune_factor (lr forgotten)": held_rates_factor_only,
        "head gets lr * factor, the layers below lr": held_rates_swapped,
    },
    "fine_tune_step": {
        "params changed in place": held_step_in_place,
        "rate multiplies the whole velocity: v = rate * (rho v - grad)": (
            held_step_rate_on_velocity
        ),
        "frozen parameters left out of the returned dicts": held_step_frozen_dropped,
    },
    "trained_parameter_count": {
        "biases forgotten: fan_in * fan_out": held_count_no_biases,
        "head's fan-out the old sizes[-1], not num_classes": held_count_old_head,
        "counts the bottom layers": held_count_bottom_layers,
        "one layer too many": held_count_one_more,
    },
}
