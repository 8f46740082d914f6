"""Wrong versions of the adaptive rules: the checks' own catalogs."""

from autograder.checks import adaptive as checks

CATALOGS = {
    "adagrad_step": checks.ADAGRAD_MISTAKES,
    "rmsprop_step": checks.RMSPROP_MISTAKES,
    "adam_step": checks.ADAM_MISTAKES,
    "adamw_step": checks.ADAMW_MISTAKES,
}
SECTIONS = {
    "test_adagrad_step": {"eps is inside the square root": "our-forms-and-pytorch-s"},
    "test_rmsprop_step": {"eps is inside the square root": "our-forms-and-pytorch-s"},
    "test_adam_step": {
        "no bias correction": "the-bias-of-zero-initialized-moments",
        "t is incremented after it is used": "why-t-is-incremented-before-it-is-used",
        "eps is inside the square root": "our-forms-and-pytorch-s",
    },
}
