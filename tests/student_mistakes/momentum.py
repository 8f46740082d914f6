"""Student mistakes in the momentum exercise (SGD with momentum, Nesterov), written from the
notebook's docstrings and the chapter, not from the checks' catalogs."""


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
