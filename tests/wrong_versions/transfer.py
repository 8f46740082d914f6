"""Wrong versions of replace_head, learning_rates and fine_tune_step."""

import numpy as np

from autograder.checks import transfer as checks
from autograder.reference.transfer import fine_tune_step, learning_rates, replace_head


def head_scaled_by_the_classes(params, num_classes, rng):
    """He's scale from the new head's width, sqrt(2 / num_classes), not from its fan-in."""
    last = sum(name.startswith("W") for name in params)
    fan_in = params[f"W{last}"].shape[0]
    return {name: value.copy() for name, value in params.items()} | {
        f"W{last}": rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / num_classes),
        f"b{last}": np.zeros(num_classes),
    }


def head_on_the_last_name_as_text(params, num_classes, rng):
    """The head found as the last of the W names sorted as text: "W9" after "W10"."""
    last = max(name for name in params if name.startswith("W"))[1:]
    fan_in = params[f"W{last}"].shape[0]
    return {name: value.copy() for name, value in params.items()} | {
        f"W{last}": rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in),
        f"b{last}": np.zeros(num_classes),
    }


def rates_by_the_last_digit(names, num_trainable_layers, lr, fine_tune_factor=0.1):
    """The layer read from the name's last character: "W12" is taken for layer 2."""
    num_layers = max(int(name[-1]) for name in names)
    first_trained = num_layers - num_trainable_layers + 1
    return {
        name: lr
        if int(name[-1]) == num_layers
        else (lr * fine_tune_factor if int(name[-1]) >= first_trained else 0.0)
        for name in names
    }


def momentum_on_frozen_too(params, grads, velocity, rates, rho=0.9):
    new_params, new_velocity = {}, {}
    for name in params:
        new_velocity[name] = rho * velocity[name] - rates[name] * grads[name]
        new_params[name] = params[name] + new_velocity[name]
    return new_params, new_velocity


MUTANTS = {
    "test_replace_head": {
        "scaled by the number of classes": head_scaled_by_the_classes,
        "the head found by sorting the names as text": head_on_the_last_name_as_text,
        "first bias reset": lambda params, k, rng: (
            replace_head(params, k, rng) | {"b1": np.zeros_like(params["b1"])}
        ),
    },
    "test_learning_rates": {
        "the layer read from the last digit of the name": rates_by_the_last_digit,
        "one layer too many trains": lambda names, k, lr, fine_tune_factor=0.1: learning_rates(
            names, k + 1, lr, fine_tune_factor
        ),
        "the head's rate scaled too": lambda names, k, lr, fine_tune_factor=0.1: {
            name: rate * fine_tune_factor
            for name, rate in learning_rates(names, k, lr, fine_tune_factor).items()
        },
    },
    "test_fine_tune_step": {
        "frozen layers move on their velocity": momentum_on_frozen_too,
        "every layer at the head's rate": lambda params, grads, velocity, rates, rho=0.9: (
            fine_tune_step(params, grads, velocity, dict.fromkeys(rates, max(rates.values())), rho)
        ),
    },
}


def with_head(wrong_head):
    """replace_head whose new W is ``wrong_head(params, num_classes, rng)`` (a wrong head of the
    checks' HEAD_MISTAKES, which takes a seed or, as here, the generator itself)."""

    def replace(params, num_classes, rng):
        last = sum(name.startswith("W") for name in params)
        return {name: value.copy() for name, value in params.items()} | {
            f"W{last}": wrong_head(params, num_classes, rng),
            f"b{last}": np.zeros(num_classes),
        }

    return replace


CATALOGS = {
    # Whole wrong versions, then those whose new W alone is wrong.
    "replace_head": checks.REPLACE_HEAD_MISTAKES
    | {why: with_head(wrong) for why, wrong in checks.HEAD_MISTAKES.items()},
    # The checks' wrong rates take the factor as their fourth argument; the check passes it by
    # its name.
    "learning_rates": {
        why: lambda names, k, lr, fine_tune_factor=0.1, wrong=wrong: wrong(
            names, k, lr, fine_tune_factor
        )
        for why, wrong in checks.RATE_MISTAKES.items()
    },
    "fine_tune_step": checks.FINE_TUNE_MISTAKES,
    "trained_parameter_count": checks.PARAMETER_COUNT_MISTAKES,
}
FEEDBACK = {
    "test_fine_tune_step": {
        "frozen layers move on their velocity": "is frozen (rate 0) but moved; a frozen "
        "parameter with velocity left from earlier"
    }
}


def _count(sizes, num_classes, trainable, head=True, biases=True, below=0):
    widths = list(sizes[:-1]) + [num_classes if head else sizes[-1]]
    layers = list(zip(widths[:-1], widths[1:]))
    chosen = layers[-trainable - below : len(layers) - below]
    return sum((fan_in + int(biases)) * fan_out for fan_in, fan_out in chosen)


# trained_parameter_count: a prediction, checked against a count on the reference's networks.
MUTANTS["test_trained_parameter_count"] = {
    "the old head's width": lambda s, k, n: _count(s, k, n, head=False),
    "weights only, no biases": lambda s, k, n: _count(s, k, n, biases=False),
    "the head plus num_trainable_layers layers below it": lambda s, k, n: _count(
        s, k, min(n + 1, len(s) - 1)
    ),
    "the frozen layers counted instead": lambda s, k, n: (
        _count(s, k, len(s) - 1) - _count(s, k, n)
    ),
}
