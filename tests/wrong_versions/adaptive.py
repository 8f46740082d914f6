"""Wrong versions of the adaptive rules: the checks' own catalogs."""

import math

from autograder.checks import adaptive as checks

CATALOGS = {
    "adagrad_step": checks.ADAGRAD_MISTAKES,
    "rmsprop_step": checks.RMSPROP_MISTAKES,
    "adam_step": checks.ADAM_MISTAKES,
    "adamw_step": checks.ADAMW_MISTAKES,
    "rmsprop_steady_step": checks.STEADY_MISTAKES,
}
SECTIONS = {
    "test_adagrad_step": {"eps is inside the square root": "our-forms-and-pytorch-s"},
    "test_rmsprop_step": {"eps is inside the square root": "our-forms-and-pytorch-s"},
    "test_adam_step": {
        "no bias correction": "the-bias-of-zero-initialized-moments",
        "t is incremented after it is used": "why-t-is-incremented-before-it-is-used",
        "eps is inside the square root": "our-forms-and-pytorch-s",
        "t is never incremented": "why-t-is-incremented-before-it-is-used",
        "t comes back unchanged": "why-t-is-incremented-before-it-is-used",
        "Keras's and TensorFlow's form": "our-forms-and-pytorch-s",
        "only m is bias-corrected": "the-bias-of-zero-initialized-moments",
    },
    "test_adamw_step": {
        "t comes back unchanged": "why-t-is-incremented-before-it-is-used",
        "with the penalty's gradient 2 * weight_decay * w": "adamw-weight-decay-decoupled",
    },
    "test_rmsprop_steady_step": {"this is AdaGrad's step": "the-decay-rate"},
}

MUTANTS = {
    "test_rmsprop_steady_step": {
        "every step as large as the first": lambda g, lr, decay, t: lr / math.sqrt(1 - decay),
        "h already full": lambda g, lr, decay, t: lr,
        "counts the steps from 0": lambda g, lr, decay, t: (
            lr / math.sqrt(1 - decay ** (t - 1)) if t > 1 else math.inf
        ),
        "no square root": lambda g, lr, decay, t: lr / (1 - decay**t),
        "scaled by the gradient": lambda g, lr, decay, t: lr * abs(g) / math.sqrt(1 - decay**t),
        "AdaGrad's sum": lambda g, lr, decay, t: lr / math.sqrt(t),
    }
}
SEEDS = (0, 1, 2)
