"""Held-out wrong versions of the transfer-learning exercise: replace_head, learning_rates,
fine_tune_step and trained_parameter_count."""

import numpy as np

# --- replace_head ----------------------------------------------------------------------------


def replace_head_xavier_scale(params, num_classes, rng):
    last = len(params) // 2
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(1.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def replace_head_fan_out_scale(params, num_classes, rng):
    last = len(params) // 2
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / num_classes)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def replace_head_drawn_transposed(params, num_classes, rng):
    last = len(params) // 2
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = (rng.standard_normal((num_classes, fan_in)) * np.sqrt(2.0 / fan_in)).T
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def replace_head_last_name_by_string_order(params, num_classes, rng):
    head = max(name for name in params if name.startswith("W"))
    fan_in = params[head].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[head] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new["b" + head[1:]] = np.zeros(num_classes)
    return new


def replace_head_keeps_old_bias(params, num_classes, rng):
    last = len(params) // 2
    fan_in = params[f"W{last}"].shape[0]
    new = {name: value.copy() for name, value in params.items()}
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    return new


def replace_head_shallow_copy(params, num_classes, rng):
    last = len(params) // 2
    fan_in = params[f"W{last}"].shape[0]
    new = dict(params)
    new[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def replace_head_modifies_params(params, num_classes, rng):
    last = len(params) // 2
    fan_in = params[f"W{last}"].shape[0]
    params[f"W{last}"] = rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in)
    params[f"b{last}"] = np.zeros(num_classes)
    return params


# --- learning_rates --------------------------------------------------------------------------


def learning_rates_one_layer_too_many(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    num_layers = len(param_names) // 2
    rates = {}
    for name in param_names:
        layer = int(name[1:])
        if layer == num_layers:
            rates[name] = float(lr)
        elif layer >= num_layers - num_trainable_layers:
            rates[name] = float(lr * fine_tune_factor)
        else:
            rates[name] = 0.0
    return rates


def learning_rates_factor_ignored(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    num_layers = len(param_names) // 2
    rates = {}
    for name in param_names:
        layer = int(name[1:])
        rates[name] = float(lr) if layer > num_layers - num_trainable_layers else 0.0
    return rates


def learning_rates_layer_from_last_digit(
    param_names, num_trainable_layers, lr, fine_tune_factor=0.1
):
    num_layers = len(param_names) // 2
    rates = {}
    for name in param_names:
        layer = int(name[-1])
        if layer == num_layers:
            rates[name] = float(lr)
        elif layer > num_layers - num_trainable_layers:
            rates[name] = float(lr * fine_tune_factor)
        else:
            rates[name] = 0.0
    return rates


def learning_rates_biases_counted_as_layers(
    param_names, num_trainable_layers, lr, fine_tune_factor=0.1
):
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


def learning_rates_assumes_sorted_names(
    param_names, num_trainable_layers, lr, fine_tune_factor=0.1
):
    names = list(param_names)
    rates = {name: 0.0 for name in names}
    # Walk back from the end two names (W, b) per layer, as if the names came in layer order.
    for k in range(num_trainable_layers):
        rate = float(lr) if k == 0 else float(lr * fine_tune_factor)
        for name in names[len(names) - 2 * (k + 1) : len(names) - 2 * k]:
            rates[name] = rate
    return rates


def learning_rates_biases_frozen(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    num_layers = len(param_names) // 2
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


# --- fine_tune_step --------------------------------------------------------------------------


def fine_tune_step_frozen_still_coast(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = params[name] + v, v
    return new_params, new_velocity


def fine_tune_step_frozen_velocity_reset(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        if rates[name] == 0:
            new_params[name] = params[name]
            new_velocity[name] = np.zeros_like(velocity[name])
            continue
        v = rho * velocity[name] - rates[name] * grads[name]
        new_params[name], new_velocity[name] = params[name] + v, v
    return new_params, new_velocity


def fine_tune_step_pytorch_form(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        if rates[name] == 0:
            new_params[name], new_velocity[name] = params[name], velocity[name]
            continue
        v = rho * velocity[name] + grads[name]
        new_params[name], new_velocity[name] = params[name] - rates[name] * v, v
    return new_params, new_velocity


def fine_tune_step_velocity_sign_flipped(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        if rates[name] == 0:
            new_params[name], new_velocity[name] = params[name], velocity[name]
            continue
        v = rho * velocity[name] + rates[name] * grads[name]
        new_params[name], new_velocity[name] = params[name] + v, v
    return new_params, new_velocity


def fine_tune_step_moves_with_old_velocity(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        if rates[name] == 0:
            new_params[name], new_velocity[name] = params[name], velocity[name]
            continue
        new_params[name] = params[name] + velocity[name]
        new_velocity[name] = rho * velocity[name] - rates[name] * grads[name]
    return new_params, new_velocity


def fine_tune_step_in_place(params, grads, velocity, rates, rho=0.9):
    for name in params:
        if rates[name] == 0:
            continue
        velocity[name] *= rho
        velocity[name] -= rates[name] * grads[name]
        params[name] += velocity[name]
    return params, velocity


# --- trained_parameter_count -----------------------------------------------------------------


def trained_parameter_count_forgets_biases(sizes, num_classes, num_trainable_layers):
    widths = list(sizes[:-1]) + [num_classes]
    layers = list(zip(widths[:-1], widths[1:]))
    return sum(fan_in * fan_out for fan_in, fan_out in layers[-num_trainable_layers:])


def trained_parameter_count_source_head(sizes, num_classes, num_trainable_layers):
    layers = list(zip(sizes[:-1], sizes[1:]))
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in layers[-num_trainable_layers:])


def trained_parameter_count_bottom_layers(sizes, num_classes, num_trainable_layers):
    widths = list(sizes[:-1]) + [num_classes]
    layers = list(zip(widths[:-1], widths[1:]))
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in layers[:num_trainable_layers])


def trained_parameter_count_one_layer_too_many(sizes, num_classes, num_trainable_layers):
    widths = list(sizes[:-1]) + [num_classes]
    layers = list(zip(widths[:-1], widths[1:]))
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in layers[-(num_trainable_layers + 1) :])


def trained_parameter_count_bias_per_input(sizes, num_classes, num_trainable_layers):
    widths = list(sizes[:-1]) + [num_classes]
    layers = list(zip(widths[:-1], widths[1:]))
    return sum(fan_in * (fan_out + 1) for fan_in, fan_out in layers[-num_trainable_layers:])


HELD_OUT = {
    "replace_head": {
        "scale sqrt(1 / fan_in) instead of He's sqrt(2 / fan_in)": replace_head_xavier_scale,
        "scale sqrt(2 / num_classes): fan_out instead of fan_in": replace_head_fan_out_scale,
        "draws (num_classes, fan_in) and transposes": replace_head_drawn_transposed,
        "head found as the largest name: 'W9' beats 'W10'": (
            replace_head_last_name_by_string_order
        ),
        "keeps the old head's bias": replace_head_keeps_old_bias,
        "dict(params): the other arrays are shared, not copied": replace_head_shallow_copy,
        "writes the new head into params and returns it": replace_head_modifies_params,
    },
    "learning_rates": {
        ">= instead of >: one more layer fine-tuned": learning_rates_one_layer_too_many,
        "fine-tuned layers get lr: the factor is ignored": learning_rates_factor_ignored,
        "layer number from the name's last digit: W10 read as layer 0": (
            learning_rates_layer_from_last_digit
        ),
        "number of layers taken as the number of names (biases counted)": (
            learning_rates_biases_counted_as_layers
        ),
        "assumes the names come in layer order: takes the last ones as the top": (
            learning_rates_assumes_sorted_names
        ),
        "only the weights get a rate: every bias is frozen": learning_rates_biases_frozen,
    },
    "fine_tune_step": {
        "frozen parameters not skipped: they coast on their velocity": (
            fine_tune_step_frozen_still_coast
        ),
        "frozen parameters' velocity reset to zeros": fine_tune_step_frozen_velocity_reset,
        "PyTorch's form: v = rho v + grad; p - rate v": fine_tune_step_pytorch_form,
        "velocity sign flipped: v = rho v + rate grad": fine_tune_step_velocity_sign_flipped,
        "moves the parameter with the old velocity": fine_tune_step_moves_with_old_velocity,
        "updates the given dicts' arrays in place": fine_tune_step_in_place,
    },
    "trained_parameter_count": {
        "forgets the biases: fan_in fan_out per layer": trained_parameter_count_forgets_biases,
        "head counted with the source classes, not num_classes": (
            trained_parameter_count_source_head
        ),
        "counts the bottom layers instead of the top ones": (
            trained_parameter_count_bottom_layers
        ),
        "one layer too many: the top num_trainable_layers + 1": (
            trained_parameter_count_one_layer_too_many
        ),
        "one bias per input: fan_in (fan_out + 1)": trained_parameter_count_bias_per_input,
    },
}
