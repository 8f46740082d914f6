"""Student mistakes in the adaptive-methods exercise (AdaGrad, RMSProp, Adam, AdamW), written
from the notebook's docstrings and the chapter, not from the checks' catalogs."""

import numpy as np


def adagrad_h_overwritten(w, dw, h, lr, eps=1e-8):
    h = dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def adagrad_old_h_returned(w, dw, h, lr, eps=1e-8):
    h_new = h + dw * dw
    return w - lr * dw / (np.sqrt(h_new) + eps), h


def adagrad_eps_inside_sqrt(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w - lr * dw / np.sqrt(h + eps), h


def adagrad_no_sqrt(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w - lr * dw / (h + eps), h


def adagrad_step_with_old_h(w, dw, h, lr, eps=1e-8):
    w_new = w - lr * dw / (np.sqrt(h) + eps)
    return w_new, h + dw * dw


def adagrad_sums_abs_gradient(w, dw, h, lr, eps=1e-8):
    h = h + np.abs(dw)
    return w - lr * dw / (np.sqrt(h) + eps), h


def adagrad_uphill(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w + lr * dw / (np.sqrt(h) + eps), h


def adagrad_fixed_eps(w, dw, h, lr, eps=1e-8):
    h = h + dw * dw
    return w - lr * dw / (np.sqrt(h) + 1e-7), h


def rmsprop_decay_swapped(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = (1 - decay) * h + decay * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def rmsprop_no_one_minus_decay(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def rmsprop_eps_inside_sqrt(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / np.sqrt(h + eps), h


def rmsprop_step_with_old_h(w, dw, h, lr, decay=0.99, eps=1e-8):
    w_new = w - lr * dw / (np.sqrt(h) + eps)
    return w_new, decay * h + (1 - decay) * dw * dw


def rmsprop_old_h_returned(w, dw, h, lr, decay=0.99, eps=1e-8):
    h_new = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(h_new) + eps), h


def rmsprop_gradient_not_squared(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * dw
    return w - lr * dw / (np.sqrt(np.abs(h)) + eps), h


def rmsprop_fixed_decay(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = 0.9 * h + 0.1 * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def rmsprop_divides_by_h(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / (h + eps), h


def adam_t_used_before_increment(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t + 1


def adam_t_not_returned_incremented(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    step = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**step)
    v_hat = v / (1 - beta2**step)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_no_bias_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (np.sqrt(v) + eps), m, v, t + 1


def adam_corrects_only_m(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (1 - beta1**t) / (np.sqrt(v) + eps), m, v, t


def adam_corrects_only_v(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (np.sqrt(v / (1 - beta2**t)) + eps), m, v, t


def adam_v_of_unsquared_gradient(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * np.abs(dw)
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_eps_inside_sqrt(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v, t


def adam_betas_swapped(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta2 * m + (1 - beta2) * dw
    v = beta1 * v + (1 - beta1) * dw * dw
    m_hat = m / (1 - beta2**t)
    v_hat = v / (1 - beta1**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_m_without_one_minus_beta(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_returns_corrected_moments(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat, t


def adam_steps_with_old_moments(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, beta1 * m + (1 - beta1) * dw, beta2 * v + (1 - beta2) * dw * dw, t


def adam_uphill(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w + lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_correction_beta_times_t(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1 * t)
    v_hat = v / np.abs(1 - beta2 * t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_default_lr(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - 1e-3 * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adam_eps_added_to_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - (lr * m_hat / np.sqrt(v_hat) + eps), m, v, t


def _adam(w, dw, m, v, t, lr, beta1, beta2, eps):
    """A right Adam step, which a student's AdamW calls as they would call their adam_step."""
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t


def adamw_l2_in_gradient(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    return _adam(w, dw + weight_decay * w, m, v, t, lr, beta1, beta2, eps)


def adamw_decay_without_lr(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - weight_decay * w, m, v, t


def adamw_decays_updated_weights(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w_new, m, v, t


def adamw_no_decay(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return _adam(w, dw, m, v, t, lr, beta1, beta2, eps)


def adamw_decay_sign_flipped(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new + lr * weight_decay * w, m, v, t


def adamw_old_moments_returned(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, _, _, t_new = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w, m, v, t_new


def adamw_t_not_incremented(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, _ = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w, m, v, t


def adamw_default_weight_decay(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * 1e-2 * w, m, v, t


def adamw_decay_scaled_like_the_gradient(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    w_new, m, v, t = _adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w_new - lr * weight_decay * w / (np.sqrt(v / (1 - beta2**t)) + eps), m, v, t


MISTAKES = {
    "adagrad_step": {
        "h overwritten with dw * dw instead of accumulated": adagrad_h_overwritten,
        "the old h returned instead of the new one": adagrad_old_h_returned,
        "eps inside the square root": adagrad_eps_inside_sqrt,
        "divides by h instead of sqrt(h)": adagrad_no_sqrt,
        "the step divides by the old h (h updated after the step)": adagrad_step_with_old_h,
        "h accumulates |dw| instead of dw * dw": adagrad_sums_abs_gradient,
        "sign flipped: steps uphill": adagrad_uphill,
        "ignores the eps argument (uses 1e-7)": adagrad_fixed_eps,
    },
    "rmsprop_step": {
        "decay and 1 - decay swapped": rmsprop_decay_swapped,
        "h = decay * h + dw * dw (no 1 - decay factor)": rmsprop_no_one_minus_decay,
        "eps inside the square root": rmsprop_eps_inside_sqrt,
        "the step divides by the old h (h updated after the step)": rmsprop_step_with_old_h,
        "the old h returned instead of the new one": rmsprop_old_h_returned,
        "h averages dw instead of dw * dw": rmsprop_gradient_not_squared,
        "ignores the decay argument (uses 0.9)": rmsprop_fixed_decay,
        "divides by h instead of sqrt(h)": rmsprop_divides_by_h,
    },
    "adam_step": {
        "bias correction uses t before it is incremented": adam_t_used_before_increment,
        "t incremented for the correction but returned unchanged": adam_t_not_returned_incremented,
        "no bias correction": adam_no_bias_correction,
        "bias correction of m only": adam_corrects_only_m,
        "bias correction of v only": adam_corrects_only_v,
        "v averages |dw| instead of dw * dw": adam_v_of_unsquared_gradient,
        "eps inside the square root": adam_eps_inside_sqrt,
        "beta1 and beta2 swapped": adam_betas_swapped,
        "m = beta1 * m + dw (no 1 - beta1 factor)": adam_m_without_one_minus_beta,
        "returns the bias-corrected moments as the state": adam_returns_corrected_moments,
        "the step uses the moments before their update": adam_steps_with_old_moments,
        "sign flipped: steps uphill": adam_uphill,
        "bias correction 1 - beta * t instead of 1 - beta ** t": adam_correction_beta_times_t,
        "ignores the lr argument (uses 1e-3)": adam_default_lr,
        "eps added to the step instead of the denominator": adam_eps_added_to_step,
    },
    "adamw_step": {
        "weight decay added to the gradient (Adam with L2)": adamw_l2_in_gradient,
        "decay not multiplied by lr": adamw_decay_without_lr,
        "decays the updated weights instead of the old ones": adamw_decays_updated_weights,
        "no weight decay at all (plain Adam)": adamw_no_decay,
        "decay sign flipped: weights grow": adamw_decay_sign_flipped,
        "returns the old m and v": adamw_old_moments_returned,
        "returns t unchanged": adamw_t_not_incremented,
        "ignores the weight_decay argument (uses 1e-2)": adamw_default_weight_decay,
        "decay divided by Adam's denominator like the gradient": (
            adamw_decay_scaled_like_the_gradient
        ),
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_adagrad_in_place(w, dw, h, lr, eps=1e-8):
    h += dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def held_adagrad_scalar_accumulator(w, dw, h, lr, eps=1e-8):
    h = h + float(dw @ dw) if np.ndim(dw) == 1 else h + float(np.sum(dw * dw))
    return w - lr * dw / (np.sqrt(h) + eps), h


def held_adagrad_squared_sum(w, dw, h, lr, eps=1e-8):
    h = (h + dw) ** 2
    return w - lr * dw / (np.sqrt(h) + eps), h


def held_rmsprop_in_place(w, dw, h, lr, decay=0.99, eps=1e-8):
    h *= decay
    h += (1 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), h


def held_rmsprop_returns_root(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), np.sqrt(h)


def held_rmsprop_scalar(w, dw, h, lr, decay=0.99, eps=1e-8):
    h = decay * h + (1 - decay) * float(np.sum(dw * dw))
    return w - lr * dw / (np.sqrt(h) + eps), h


def held_adam_corrections_swapped(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * (m / (1 - beta2**t)) / (np.sqrt(v / (1 - beta1**t)) + eps), m, v, t


def held_adam_no_square_root(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * (m / (1 - beta1**t)) / (v / (1 - beta2**t) + eps), m, v, t


def held_adam_v_from_m(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * m * m
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v, t


def held_adam_in_place(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m *= beta1
    m += (1 - beta1) * dw
    v *= beta2
    v += (1 - beta2) * dw * dw
    return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v, t


def held_adam(w, dw, m, v, t, lr, beta1, beta2, eps):
    t = t + 1
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v, t


def held_adamw_constant_shift(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    step, m, v, t = held_adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w - lr * weight_decay - step, m, v, t


def held_adamw_decayed_twice(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    step, m, v, t = held_adam(w, dw + weight_decay * w, m, v, t, lr, beta1, beta2, eps)
    return w - lr * weight_decay * w - step, m, v, t


def held_adamw_decay_scaled_by_correction(
    w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    step, m, v, t = held_adam(w, dw, m, v, t, lr, beta1, beta2, eps)
    return w - lr * weight_decay * w / (1 - beta1**t) - step, m, v, t


def held_steady_step_steady_state(g, lr, decay, t):
    return lr


def held_steady_step_no_square_root(g, lr, decay, t):
    return lr / (1.0 - decay**t)


def held_steady_step_times_g(g, lr, decay, t):
    return lr * g / np.sqrt(1.0 - decay**t)


def held_steady_step_one_step_late(g, lr, decay, t):
    return lr / np.sqrt(1.0 - decay ** (t + 1))


SECOND_ROUND = {
    "adagrad_step": {
        "h += dw * dw: changes h in place": held_adagrad_in_place,
        "one accumulator for all weights: h + dw @ dw": held_adagrad_scalar_accumulator,
        "h = (h + dw) ** 2 (parentheses)": held_adagrad_squared_sum,
    },
    "rmsprop_step": {
        "h updated in place (h *= decay)": held_rmsprop_in_place,
        "returns sqrt(h) as the state": held_rmsprop_returns_root,
        "one average for all weights: sum(dw * dw)": held_rmsprop_scalar,
    },
    "adam_step": {
        "corrections swapped: m / (1 - beta2 ** t), v / (1 - beta1 ** t)": (
            held_adam_corrections_swapped
        ),
        "divides by v_hat, not its square root": held_adam_no_square_root,
        "v averages m * m instead of dw * dw": held_adam_v_from_m,
        "m and v updated in place": held_adam_in_place,
    },
    "adamw_step": {
        "decay lr * weight_decay subtracted without the weights": held_adamw_constant_shift,
        "decayed twice: L2 in the gradient and decoupled": held_adamw_decayed_twice,
        "decay divided by m's bias correction": held_adamw_decay_scaled_by_correction,
    },
    "rmsprop_steady_step": {
        "lr: the steady state, whatever t": held_steady_step_steady_state,
        "lr / (1 - decay ** t): no square root": held_steady_step_no_square_root,
        "lr * g / sqrt(1 - decay ** t): g does not cancel": held_steady_step_times_g,
        "one step late: decay ** (t + 1)": held_steady_step_one_step_late,
    },
}
