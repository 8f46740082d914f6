"""Wrong versions of the penalties and of dropout."""

import numpy as np

from autograder.checks import regularization as checks
from autograder.reference.regularization import dropout_forward


def not_rescaled(x, drop_prob, rng, train=True, inverted=True):
    """Inverted dropout without its division by 1 - drop_prob (at test time, x unchanged)."""
    out, mask = dropout_forward(x, drop_prob, rng, train, inverted=False)
    return (x if train is False and inverted else out), mask


MUTANTS = {
    "test_l2_penalty": {
        "a factor 1/2": lambda W, lam: (float(lam * np.sum(W * W) / 2), lam * W),
        "gradient misses the factor 2": lambda W, lam: (float(lam * np.sum(W * W)), lam * W),
    },
    "test_l1_penalty": {
        "sign(0) taken as 1": lambda W, lam: (
            float(lam * np.sum(np.abs(W))),
            lam * np.where(W >= 0, 1.0, -1.0),
        )
    },
    "test_elastic_net_penalty": {
        "beta on the absolute values": lambda W, lam, beta=0.5: (
            float(lam * np.sum(W * W + beta * np.abs(W))),
            lam * (2 * W + beta * np.sign(W)),
        )
    },
    "test_dropout_forward": {
        "not rescaled": not_rescaled,
        "drop_prob taken as the keep probability": (
            lambda x, drop_prob, rng, train=True, inverted=True: dropout_forward(
                x, 1 - drop_prob, rng, train, inverted
            )
        ),
        "original form scaled by drop_prob at test time": (
            lambda x, drop_prob, rng, train=True, inverted=True: (
                dropout_forward(x, drop_prob, rng, train, inverted)
                if train or inverted
                else (x * drop_prob, None)
            )
        ),
        "ignores the generator it is given": (
            lambda x, drop_prob, rng, train=True, inverted=True: dropout_forward(
                x, drop_prob, np.random.default_rng(0), train, inverted
            )
        ),
    },
    "test_dropout_backward": {
        "not rescaled": lambda dout, mask, drop_prob, inverted=True: dout * mask,
        "through the dropped units": lambda dout, mask, drop_prob, inverted=True: (
            dout * ~mask / (1 - drop_prob)
        ),
    },
}
CATALOGS = dict(
    checks.PENALTY_MISTAKES,
    dropout_forward=checks.DROPOUT_MISTAKES | checks.MASK_MISTAKES,
    dropout_backward=checks.BACKWARD_MISTAKES,
    halving_steps=checks.HALVING_MISTAKES,
)


def from_numpys_generator(x, drop_prob, rng, train=True, inverted=True):
    """The mask drawn from NumPy's global generator, not from rng."""
    return dropout_forward(x, drop_prob, np.random.default_rng(), train, inverted)


MUTANTS["test_dropout_forward"]["draws from NumPy's global generator"] = from_numpys_generator
FEEDBACK = {
    "test_dropout_forward": {
        "not rescaled": "Likely mistake: dropout not rescaled",
        "drop_prob taken as the keep probability": (
            "drop_prob is the probability of DROPPING a unit"
        ),
        "draws from NumPy's global generator": (
            "called again with the same seed, it returns another answer"
        ),
    }
}
SECTIONS = {
    "test_l2_penalty": {"the L2 penalty has a factor 1/2": "l2-is-weight-decay"},
    "test_dropout_forward": {
        "the mask keeps a unit with probability drop_prob": "switching-off-random-units",
        "the mask is read back from the output": "switching-off-random-units",
        "the mask keeps a unit when its draw is below 1 - drop_prob": (
            "switching-off-random-units"
        ),
        "the mask returned marks the dropped units": "switching-off-random-units",
        "dropout not rescaled": "what-the-test-time-network-must-compute",
    },
}

# halving_steps: a prediction, graded by taking the steps.
MUTANTS["test_halving_steps"] = {
    "PyTorch's factor 1 - lr lam, the L2 penalty's 1/2 put back": lambda lr, lam: int(
        np.ceil(np.log(0.5) / np.log(1 - lr * lam))
    ),
    "the last step above one half": lambda lr, lam: int(
        np.floor(np.log(0.5) / np.log(1 - 2 * lr * lam))
    ),
    "rounded to the nearest step": lambda lr, lam: int(
        np.rint(np.log(0.5) / np.log(1 - 2 * lr * lam))
    ),
    "a linear fall to one half": lambda lr, lam: int(np.ceil(0.5 / (2 * lr * lam))),
}
FEEDBACK["test_halving_steps"] = {
    "PyTorch's factor 1 - lr lam, the L2 penalty's 1/2 put back": "too many steps",
    "the last step above one half": "too few steps",
}
