"""Written with explicit loops: the head found as the highest layer number, He's scale as
sqrt(2) / sqrt(fan_in), the rates from the count of frozen layers, and the momentum step with the
parameter updated in the expanded form p + rho * v - rate * grad (from the old velocity)."""


def replace_head(params, num_classes, rng):
    last = max(int(name[1:]) for name in params if name.startswith("W"))
    fan_in = params[f"W{last}"].shape[0]
    new = {}
    for name, value in params.items():
        new[name] = np.array(value, copy=True)
    new[f"W{last}"] = np.sqrt(2.0) / np.sqrt(fan_in) * rng.standard_normal((fan_in, num_classes))
    new[f"b{last}"] = np.zeros(num_classes)
    return new


def learning_rates(param_names, num_trainable_layers, lr, fine_tune_factor=0.1):
    num_layers = max(int(name[1:]) for name in param_names)
    num_frozen = num_layers - num_trainable_layers
    rates = {}
    for name in param_names:
        layer = int(name[1:])
        if layer <= num_frozen:
            rates[name] = 0.0
        elif layer < num_layers:
            rates[name] = fine_tune_factor * lr
        else:
            rates[name] = lr
    return rates


def fine_tune_step(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        rate = rates[name]
        if rate == 0.0:
            new_params[name], new_velocity[name] = params[name], velocity[name]
        else:
            new_params[name] = params[name] + rho * velocity[name] - rate * grads[name]
            new_velocity[name] = rho * velocity[name] - rate * grads[name]
    return new_params, new_velocity


def trained_parameter_count(sizes, num_classes, num_trainable_layers):
    # Layer by layer from the top: the head with the target's width, then the layers below it.
    num_layers = len(sizes) - 1
    count = 0
    for layer in range(num_layers, num_layers - num_trainable_layers, -1):
        fan_in = sizes[layer - 1]
        fan_out = num_classes if layer == num_layers else sizes[layer]
        count += fan_in * fan_out + fan_out
    return count
