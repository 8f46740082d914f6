"""Held-out wrong versions of the momentum exercise: momentum_step, nesterov_step,
choose_momentum and momentum_speedup."""

import math

# --- momentum_step ---------------------------------------------------------------------------


def momentum_step_pytorch_velocity(w, dw, v, lr, rho=0.9):
    v = rho * v + dw
    return w - lr * v, v


def momentum_step_moves_with_old_velocity(w, dw, v, lr, rho=0.9):
    w_new = w + v
    v = rho * v - lr * dw
    return w_new, v


def momentum_step_running_average(w, dw, v, lr, rho=0.9):
    v = rho * v - (1 - rho) * lr * dw
    return w + v, v


def momentum_step_in_place(w, dw, v, lr, rho=0.9):
    v *= rho
    v -= lr * dw
    w += v
    return w, v


def momentum_step_velocity_sign_flipped(w, dw, v, lr, rho=0.9):
    v = rho * v + lr * dw
    return w + v, v


# --- nesterov_step ---------------------------------------------------------------------------


def nesterov_step_plain_momentum(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + v_new, v_new


def nesterov_step_plus_rho_v(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + rho * v + (1 + rho) * v_new, v_new


def nesterov_step_forgets_one_plus(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + v_new, v_new


def nesterov_step_forgets_old_velocity_term(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + (1 + rho) * v_new, v_new


def nesterov_step_one_minus_rho(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + (1 - rho) * v_new, v_new


# --- choose_momentum -------------------------------------------------------------------------
# A choice is graded by what it reaches. Two entries written as mistakes reached the target on
# every problem, so they are no mistakes and were taken out when the set was first graded: rho
# not squared (the convergence factor in place of rho*), and gradient descent's best rate
# 2 / (mu + nu_max) with rho*.


def choose_momentum_lr_not_squared(mu, nu_max):
    root_kappa = math.sqrt(nu_max / mu)
    return 2 / (math.sqrt(nu_max) + math.sqrt(mu)), ((root_kappa - 1) / (root_kappa + 1)) ** 2


def choose_momentum_kappa_without_root(mu, nu_max):
    kappa = nu_max / mu
    return (2 / (math.sqrt(nu_max) + math.sqrt(mu))) ** 2, ((kappa - 1) / (kappa + 1)) ** 2


def choose_momentum_rule_of_thumb(mu, nu_max):
    return 1 / nu_max, 0.9


# --- momentum_speedup ------------------------------------------------------------------------


def momentum_speedup_terminal_velocity(rho, t):
    return math.inf if rho == 1 else 1 / (1 - rho)


def momentum_speedup_one_term_too_many(rho, t):
    return float(t + 1) if rho == 1 else (1 - rho ** (t + 1)) / (1 - rho)


def momentum_speedup_total_distance(rho, t):
    return float(sum(sum(rho**j for j in range(k)) for k in range(1, t + 1)))


def momentum_speedup_one_term_too_few(rho, t):
    return float(t - 1) if rho == 1 else (1 - rho ** (t - 1)) / (1 - rho)


def momentum_speedup_series_from_rho(rho, t):
    # rho + rho**2 + ... + rho**t: the series started at k = 1 instead of k = 0.
    return float(sum(rho**k for k in range(1, t + 1)))


HELD_OUT = {
    "momentum_step": {
        "PyTorch's velocity: v = rho * v + dw; w - lr * v, returns that v": (
            momentum_step_pytorch_velocity
        ),
        "moves w with the old velocity, then updates v": momentum_step_moves_with_old_velocity,
        "running-average velocity: v = rho * v - (1 - rho) * lr * dw": (
            momentum_step_running_average
        ),
        "updates w and v in place": momentum_step_in_place,
        "velocity sign flipped: v = rho * v + lr * dw, then w + v": (
            momentum_step_velocity_sign_flipped
        ),
    },
    "nesterov_step": {
        "plain momentum: w + v_new": nesterov_step_plain_momentum,
        "sign of the rho * v term flipped: w + rho * v + (1 + rho) * v_new": (
            nesterov_step_plus_rho_v
        ),
        "forgets the (1 + rho): w - rho * v + v_new": nesterov_step_forgets_one_plus,
        "drops the - rho * v term: w + (1 + rho) * v_new": (
            nesterov_step_forgets_old_velocity_term
        ),
        "(1 - rho) instead of (1 + rho) on v_new": nesterov_step_one_minus_rho,
    },
    "choose_momentum": {
        "learning rate not squared: 2 / (sqrt(nu_max) + sqrt(mu))": (
            choose_momentum_lr_not_squared
        ),
        "kappa instead of sqrt(kappa) in rho": choose_momentum_kappa_without_root,
        "rule of thumb lr = 1 / nu_max, rho = 0.9, not from the analysis": (
            choose_momentum_rule_of_thumb
        ),
    },
    "momentum_speedup": {
        "terminal speed 1 / (1 - rho), whatever t": momentum_speedup_terminal_velocity,
        "t + 1 terms: (1 - rho**(t + 1)) / (1 - rho)": momentum_speedup_one_term_too_many,
        "total distance of the first t steps, not the t-th step": (
            momentum_speedup_total_distance
        ),
        "t - 1 terms: (1 - rho**(t - 1)) / (1 - rho)": momentum_speedup_one_term_too_few,
        "series starts at rho instead of 1: rho + ... + rho**t": momentum_speedup_series_from_rho,
    },
}
