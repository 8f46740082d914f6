"""Wrong versions of momentum_step and nesterov_step."""

from autograder.checks import momentum as checks
from autograder.reference.momentum import choose_momentum, momentum_step, nesterov_step

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
    "test_momentum_step": {
        "this is PyTorch's form": "pytorch-s-form",
        "this is Nesterov's step": "the-change-of-variables",
    },
    "test_nesterov_step": {
        "this is plain momentum": "the-change-of-variables",
        "not the look-ahead point": "the-change-of-variables",
        "not taken back": "the-change-of-variables",
        "added instead of taken back": "the-change-of-variables",
        "this is PyTorch's form": "pytorch-s-form",
        "the correction rho * (v_new - v) is subtracted": "the-change-of-variables",
        "the correction v_new - v is missing its rho": "the-change-of-variables",
    },
}

# The choice and the prediction (autograder/checks/tasks.py): poor choices fail on every seed,
# wrong formulas are named.
MUTANTS["test_choose_momentum"] = {
    "a fixed friction 0.9 with lr 1/nu_max": lambda mu, nu_max: (1 / nu_max, 0.9),
    "a fixed friction 0.99 with lr 1/nu_max": lambda mu, nu_max: (1 / nu_max, 0.99),
    "gradient descent at its best learning rate": lambda mu, nu_max: (2 / (mu + nu_max), 0.0),
    "the best friction with a learning rate 20% too large": lambda mu, nu_max: (
        1.2 * choose_momentum(mu, nu_max)[0],
        choose_momentum(mu, nu_max)[1],
    ),
    "the best friction with lr 1/nu_max": lambda mu, nu_max: (
        1 / nu_max,
        choose_momentum(mu, nu_max)[1],
    ),
    "a friction of 1": lambda mu, nu_max: (choose_momentum(mu, nu_max)[0], 1.0),
    "a negative learning rate": lambda mu, nu_max: (-choose_momentum(mu, nu_max)[0], 0.5),
}
MUTANTS["test_momentum_speedup"] = {
    "the limit 1/(1 - rho)": lambda rho, t: 1 / (1 - rho),
    "one step too many": lambda rho, t: (1 - rho ** (t + 1)) / (1 - rho),
    "rho**t": lambda rho, t: rho**t,
    "a sum that starts at rho": lambda rho, t: sum(rho**k for k in range(1, t + 1)),
}
CATALOGS["momentum_speedup"] = checks.SPEEDUP_MISTAKES
CATALOGS["choose_momentum"] = checks.CHOICE_MISTAKES
FEEDBACK = {
    "test_choose_momentum": {
        "a fixed friction 0.9 with lr 1/nu_max": "Tuned for this condition number, momentum "
        "gets there in",
        "gradient descent at its best learning rate": "the target was 1e-08",
        "the best friction with a learning rate 20% too large": "the run diverged",
        "a friction of 1": "it must be at least 0 and less than 1",
        "a negative learning rate": "it must be a positive number",
    },
    "test_momentum_speedup": {
        "the limit 1/(1 - rho)": "Likely mistake: this is the limit 1/(1 - rho)",
        "one step too many": "Likely mistake: this counts one step too many",
    },
}
SEEDS = (0, 1, 2, 3, 4)
