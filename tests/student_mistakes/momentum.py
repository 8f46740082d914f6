"""Student mistakes in the momentum exercise (SGD with momentum, Nesterov), written from the
notebook's docstrings and the chapter, not from the checks' catalogs."""

import math


def momentum_velocity_sign_flipped(w, dw, v, lr, rho=0.9):
    v = rho * v + lr * dw
    return w + v, v


def momentum_pytorch_buffer_returned(w, dw, v, lr, rho=0.9):
    buffer = rho * v + dw
    return w - lr * buffer, buffer


def momentum_steps_with_old_velocity(w, dw, v, lr, rho=0.9):
    return w + v, rho * v - lr * dw


def momentum_old_velocity_returned(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + v_new, v


def momentum_lr_outside_velocity(w, dw, v, lr, rho=0.9):
    v = rho * v - dw
    return w + lr * v, v


def momentum_dampened(w, dw, v, lr, rho=0.9):
    v = rho * v - (1 - rho) * lr * dw
    return w + v, v


def momentum_fixed_rho(w, dw, v, lr, rho=0.9):
    v = 0.9 * v - lr * dw
    return w + v, v


def momentum_weights_minus_velocity(w, dw, v, lr, rho=0.9):
    v = rho * v - lr * dw
    return w - v, v


def nesterov_plain_momentum(w, dw, v, lr, rho=0.9):
    v = rho * v - lr * dw
    return w + v, v


def nesterov_old_and_new_velocity_swapped(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v_new + (1 + rho) * v, v_new


def nesterov_without_undoing_look_ahead(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + (1 + rho) * v_new, v_new


def nesterov_old_velocity_returned(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + (1 + rho) * v_new, v


def nesterov_velocity_sign_flipped(w, dw, v, lr, rho=0.9):
    v_new = rho * v + lr * dw
    return w - rho * v + (1 + rho) * v_new, v_new


def nesterov_one_minus_rho(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + (1 - rho) * v_new, v_new


def nesterov_fixed_rho(w, dw, v, lr, rho=0.9):
    v_new = 0.9 * v - lr * dw
    return w - 0.9 * v + 1.9 * v_new, v_new


def nesterov_look_ahead_added_not_removed(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w + rho * v + (1 + rho) * v_new, v_new


MISTAKES = {
    "momentum_step": {
        "v = rho * v + lr * dw: the velocity points uphill": momentum_velocity_sign_flipped,
        "PyTorch's buffer rho * v + dw returned as the velocity": (
            momentum_pytorch_buffer_returned
        ),
        "the weights move by the old velocity": momentum_steps_with_old_velocity,
        "the old velocity returned": momentum_old_velocity_returned,
        "lr applied outside the velocity: v = rho * v - dw; w + lr * v": (
            momentum_lr_outside_velocity
        ),
        "gradient dampened by 1 - rho": momentum_dampened,
        "ignores the rho argument (uses 0.9)": momentum_fixed_rho,
        "w - v instead of w + v": momentum_weights_minus_velocity,
    },
    "nesterov_step": {
        "plain momentum (no look-ahead correction)": nesterov_plain_momentum,
        "old and new velocity swapped in the update": nesterov_old_and_new_velocity_swapped,
        "the look-ahead - rho * v not undone": nesterov_without_undoing_look_ahead,
        "the old velocity returned": nesterov_old_velocity_returned,
        "v = rho * v + lr * dw: the velocity points uphill": nesterov_velocity_sign_flipped,
        "(1 - rho) instead of (1 + rho)": nesterov_one_minus_rho,
        "ignores the rho argument (uses 0.9)": nesterov_fixed_rho,
        "+ rho * v instead of - rho * v": nesterov_look_ahead_added_not_removed,
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_momentum_rho_on_both(w, dw, v, lr, rho=0.9):
    v = rho * (v - lr * dw)
    return w + v, v


def held_momentum_velocity_decays_by_one_minus_rho(w, dw, v, lr, rho=0.9):
    v = (1 - rho) * v - lr * dw
    return w + v, v


def held_momentum_lr_twice(w, dw, v, lr, rho=0.9):
    v = rho * v - lr * dw
    return w + lr * v, v


def held_momentum_in_place(w, dw, v, lr, rho=0.9):
    v *= rho
    v -= lr * dw
    return w + v, v


def held_momentum_rho_on_step(w, dw, v, lr, rho=0.9):
    v = rho * v - lr * dw
    return w + rho * v, v


def held_nesterov_one_plus_forgotten(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho * v + rho * v_new, v_new


def held_nesterov_tuple_swapped(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return v_new, w - rho * v + (1 + rho) * v_new


def held_nesterov_lr_in_weights_only(w, dw, v, lr, rho=0.9):
    v_new = rho * v - dw
    return w - rho * v + (1 + rho) * lr * v_new, v_new


def held_nesterov_in_place(w, dw, v, lr, rho=0.9):
    old = v.copy()
    v *= rho
    v -= lr * dw
    return w - rho * old + (1 + rho) * v, v


def held_nesterov_rho_squared(w, dw, v, lr, rho=0.9):
    v_new = rho * v - lr * dw
    return w - rho**2 * v + (1 + rho) * v_new, v_new


def held_choose_lr_not_squared(mu, nu_max):
    root_kappa = math.sqrt(nu_max / mu)
    return 4 / (math.sqrt(nu_max) + math.sqrt(mu)), ((root_kappa - 1) / (root_kappa + 1)) ** 2


def held_choose_swapped(mu, nu_max):
    root_kappa = math.sqrt(nu_max / mu)
    return ((root_kappa - 1) / (root_kappa + 1)) ** 2, (
        2 / (math.sqrt(nu_max) + math.sqrt(mu))
    ) ** 2


def held_speedup_last_weight(rho, t):
    return rho**t


def held_speedup_limit(rho, t):
    return 1 / (1 - rho)


def held_speedup_one_term_too_many(rho, t):
    return float(t + 1) if rho == 1 else (1 - rho ** (t + 1)) / (1 - rho)


def held_speedup_one_term_short(rho, t):
    return float(t - 1) if rho == 1 else (1 - rho ** (t - 1)) / (1 - rho)


SECOND_ROUND = {
    "momentum_step": {
        "v = rho * (v - lr * dw): rho scales the gradient too": held_momentum_rho_on_both,
        "velocity decays by 1 - rho instead of rho": (
            held_momentum_velocity_decays_by_one_minus_rho
        ),
        "lr applied twice: w + lr * v": held_momentum_lr_twice,
        "v updated in place (v *= rho; v -= lr * dw)": held_momentum_in_place,
        "the weights move by rho * v": held_momentum_rho_on_step,
    },
    "nesterov_step": {
        "rho * v_new instead of (1 + rho) * v_new": held_nesterov_one_plus_forgotten,
        "returns (v, w) instead of (w, v)": held_nesterov_tuple_swapped,
        "lr only in the weight update: v = rho * v - dw": held_nesterov_lr_in_weights_only,
        "v updated in place": held_nesterov_in_place,
        "rho ** 2 * v undone instead of rho * v": held_nesterov_rho_squared,
    },
    # Not here: the friction without its square, and gradient descent's best rate with the
    # right friction. A choice is graded by what it reaches, and both reach the target: they
    # are slower choices, not wrong ones.
    "choose_momentum": {
        "lr = 4 / (sqrt(nu_max) + sqrt(mu)): not squared": held_choose_lr_not_squared,
        "returns (rho, lr) instead of (lr, rho)": held_choose_swapped,
    },
    "momentum_speedup": {
        "rho ** t: the weight of the oldest gradient": held_speedup_last_weight,
        "1 / (1 - rho): the limit, whatever t": held_speedup_limit,
        "one term too many: (1 - rho ** (t + 1)) / (1 - rho)": held_speedup_one_term_too_many,
        "one term short: (1 - rho ** (t - 1)) / (1 - rho)": held_speedup_one_term_short,
    },
}
