"""Held-out wrong versions of the adaptive-methods exercise: adagrad_step, rmsprop_step,
adam_step, adamw_step and rmsprop_steady_step."""

import math

import numpy as np

# --- adagrad_step ----------------------------------------------------------------------------


def adagrad_step_eps_inside_root(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w - lr * dw / np.sqrt(h + eps), h


def adagrad_step_no_accumulation(w, dw, h, lr, eps=1e-8):
    h = dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def adagrad_step_old_sum_in_step(w, dw, h, lr, eps=1e-8):
    w_new = w - lr * dw / (np.sqrt(h) + eps)
    return w_new, h + dw * dw


def adagrad_step_in_place(w, dw, h, lr, eps=1e-8):
    h += dw * dw
    w -= lr * dw / (np.sqrt(h) + eps)
    return w, h


def adagrad_step_no_square_root(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w - lr * dw / (h + eps), h


# --- rmsprop_step ----------------------------------------------------------------------------


def rmsprop_step_decay_weights_swapped(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = (1 - decay) * h + decay * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def rmsprop_step_forgets_one_minus_decay(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def rmsprop_step_eps_inside_root(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / np.sqrt(h + eps), h


def rmsprop_step_old_average_in_step(w, dw, h, lr, decay=0.99, eps=1e-8):
    w_new = w - lr * dw / (np.sqrt(h) + eps)
    return w_new, decay * h + (1 - decay) * dw * dw


def rmsprop_step_in_place(w, dw, h, lr, decay=0.99, eps=1e-8):
    h *= decay
    h += (1 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


# --- adam_step -------------------------------------------------------------------------------


def adam_step_counter_after_use(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t + 1


def adam_step_counter_not_returned(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    step = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_step_no_bias_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (np.sqrt(v) + eps), m, v, t


def adam_step_corrects_first_moment_only(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8
):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    return w - lr * m_hat / (np.sqrt(v) + eps), m, v, t


def adam_step_second_moment_not_squared(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_step_eps_inside_root(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v, t


def adam_step_returns_corrected_moments(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m = m / (1 - beta1**t)
    v = v / (1 - beta2**t)
    return w - lr * m / (np.sqrt(v) + eps), m, v, t


def adam_step_betas_swapped(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta2 * m + (1 - beta2) * dw
    v = beta1 * v + (1 - beta1) * dw * dw
    m_hat = m / (1 - beta2**t)
    v_hat = v / (1 - beta1**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


# --- adamw_step ------------------------------------------------------------------------------


def adamw_step_decay_in_gradient(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    g = dw + weight_decay * w
    t = t + 1
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adamw_step_decay_without_lr(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - weight_decay * w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adamw_step_decays_new_weights(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w - lr * weight_decay * w, m, v, t


def adamw_step_no_decay(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adamw_step_decay_sign_flipped(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w + lr * weight_decay * w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


# --- rmsprop_steady_step ---------------------------------------------------------------------


def rmsprop_steady_step_first_step_always(g, lr, decay, t):
    return lr / math.sqrt(1 - decay)


def rmsprop_steady_step_steady_state(g, lr, decay, t):
    return float(lr)


def rmsprop_steady_step_no_square_root(g, lr, decay, t):
    return lr / (1 - decay**t)


def rmsprop_steady_step_undecayed_sum(g, lr, decay, t):
    # h taken as t (1 - decay) g^2, as if no older square ever decayed.
    return lr / math.sqrt(t * (1 - decay))


def rmsprop_steady_step_signed(g, lr, decay, t):
    h = (1 - decay**t) * g * g
    return lr * g / math.sqrt(h)


HELD_OUT = {
    "adagrad_step": {
        "eps inside the square root": adagrad_step_eps_inside_root,
        "h = dw * dw: the sum is not accumulated": adagrad_step_no_accumulation,
        "step uses the old h, updated only afterwards": adagrad_step_old_sum_in_step,
        "updates w and h in place": adagrad_step_in_place,
        "no square root: divides by h + eps": adagrad_step_no_square_root,
    },
    "rmsprop_step": {
        "decay and 1 - decay swapped: h = (1 - decay) h + decay dw^2": (
            rmsprop_step_decay_weights_swapped
        ),
        "forgets (1 - decay): h = decay h + dw^2": rmsprop_step_forgets_one_minus_decay,
        "eps inside the square root": rmsprop_step_eps_inside_root,
        "step uses the old h, updated only afterwards": rmsprop_step_old_average_in_step,
        "updates h in place": rmsprop_step_in_place,
    },
    "adam_step": {
        "t incremented after use: the first step divides by 1 - beta**0 = 0": (
            adam_step_counter_after_use
        ),
        "uses t + 1 but returns t unchanged": adam_step_counter_not_returned,
        "no bias correction": adam_step_no_bias_correction,
        "bias correction of m only, not of v": adam_step_corrects_first_moment_only,
        "second moment of dw, not dw^2": adam_step_second_moment_not_squared,
        "eps inside the square root": adam_step_eps_inside_root,
        "returns the bias-corrected moments as the new state": (
            adam_step_returns_corrected_moments
        ),
        "beta1 and beta2 swapped": adam_step_betas_swapped,
    },
    "adamw_step": {
        "decay added to the gradient (L2 inside Adam)": adamw_step_decay_in_gradient,
        "decay not multiplied by lr: w - weight_decay * w": adamw_step_decay_without_lr,
        "decay applied to the weights after Adam's step": adamw_step_decays_new_weights,
        "no weight decay at all: plain Adam": adamw_step_no_decay,
        "decay sign flipped: w + lr * weight_decay * w": adamw_step_decay_sign_flipped,
    },
    "rmsprop_steady_step": {
        "first step's size lr / sqrt(1 - decay), whatever t": (
            rmsprop_steady_step_first_step_always
        ),
        "the steady-state size lr, whatever t": rmsprop_steady_step_steady_state,
        "no square root: lr / (1 - decay**t)": rmsprop_steady_step_no_square_root,
        "h summed without decay: lr / sqrt(t (1 - decay))": rmsprop_steady_step_undecayed_sum,
        "signed step lr g / sqrt(h): negative for g < 0": rmsprop_steady_step_signed,
    },
}
