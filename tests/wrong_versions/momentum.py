"""Wrong versions of momentum_step and nesterov_step."""

from autograder.checks import momentum as checks
from autograder.reference.momentum import momentum_step, nesterov_step

MUTANTS = {
    "test_momentum_step": {
        "flipped sign": lambda w, dw, v, lr, rho=0.9: (w - (rho * v + lr * dw), rho * v + lr * dw),
        "PyTorch's velocity": lambda w, dw, v, lr, rho=0.9: (
            w - lr * (rho * v + dw),
            rho * v + dw,
        ),
        "velocity not carried": lambda w, dw, v, lr, rho=0.9: (w - lr * dw, -lr * dw),
        "rho defaults to 0.99": lambda w, dw, v, lr, rho=0.99: momentum_step(w, dw, v, lr, rho),
        "returns the old velocity": lambda w, dw, v, lr, rho=0.9: (
            momentum_step(w, dw, v, lr, rho)[0],
            v,
        ),
    },
    "test_nesterov_step": {
        "plain momentum": momentum_step,
        "velocity not carried": lambda w, dw, v, lr, rho=0.9: nesterov_step(w, dw, 0 * v, lr, rho),
        "(1 - rho) for (1 + rho)": lambda w, dw, v, lr, rho=0.9: (
            w - rho * v + (1 - rho) * (rho * v - lr * dw),
            rho * v - lr * dw,
        ),
    },
}
CATALOGS = {"momentum_step": checks.MOMENTUM_MISTAKES, "nesterov_step": checks.NESTEROV_MISTAKES}
SECTIONS = {
    "test_momentum_step": {"this is PyTorch's form": "pytorch-s-form"},
    "test_nesterov_step": {
        "this is plain momentum": "the-change-of-variables",
        "not the look-ahead point": "the-change-of-variables",
        "not taken back": "the-change-of-variables",
    },
}
