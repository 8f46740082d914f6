"""Held-out wrong versions of the regularization exercise: l2_penalty, l1_penalty,
elastic_net_penalty, dropout_forward, dropout_backward and halving_steps."""

import math

import numpy as np

# --- l2_penalty ------------------------------------------------------------------------------


def l2_penalty_with_one_half(W, lam):
    return float(0.5 * lam * np.sum(W * W)), lam * W


def l2_penalty_gradient_forgets_two(W, lam):
    return float(lam * np.sum(W * W)), lam * W


def l2_penalty_norm_not_squared(W, lam):
    return float(lam * np.linalg.norm(W)), 2 * lam * W


def l2_penalty_gradient_forgets_lam(W, lam):
    return float(lam * np.sum(W**2)), 2 * W


# --- l1_penalty ------------------------------------------------------------------------------


def l1_penalty_sign_of_zero_is_one(W, lam):
    return float(lam * np.sum(np.abs(W))), lam * np.where(W >= 0, 1.0, -1.0)


def l1_penalty_gradient_divides_by_abs(W, lam):
    return float(lam * np.sum(np.abs(W))), lam * W / np.abs(W)


def l1_penalty_no_absolute_value(W, lam):
    return float(lam * np.sum(W)), lam * np.sign(W)


def l1_penalty_gradient_forgets_lam(W, lam):
    return float(lam * np.sum(np.abs(W))), np.sign(W)


# --- elastic_net_penalty ---------------------------------------------------------------------


def elastic_net_penalty_beta_on_l1_term(W, lam, beta=0.5):
    return float(lam * np.sum(W * W + beta * np.abs(W))), lam * (2 * W + beta * np.sign(W))


def elastic_net_penalty_gradient_forgets_two(W, lam, beta=0.5):
    return float(lam * np.sum(beta * W * W + np.abs(W))), lam * (beta * W + np.sign(W))


def elastic_net_penalty_mixing_weights(W, lam, beta=0.5):
    # beta read as the L2 share of a mix: (1 - beta) on the L1 term.
    value = lam * np.sum(beta * W * W + (1 - beta) * np.abs(W))
    return float(value), lam * (2 * beta * W + (1 - beta) * np.sign(W))


def elastic_net_penalty_lam_on_l2_term_only(W, lam, beta=0.5):
    value = np.sum(lam * beta * W * W + np.abs(W))
    return float(value), 2 * lam * beta * W + np.sign(W)


def elastic_net_penalty_sign_of_zero_negative(W, lam, beta=0.5):
    value = lam * np.sum(beta * W * W + np.abs(W))
    return float(value), lam * (2 * beta * W + np.where(W > 0, 1.0, -1.0))


# --- dropout_forward -------------------------------------------------------------------------


def dropout_forward_keeps_below_drop_prob(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep_prob), None
    mask = rng.random(x.shape) < drop_prob
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def dropout_forward_divides_by_drop_prob(x, drop_prob, rng, train=True, inverted=True):
    if not train:
        return (x if inverted else x * (1 - drop_prob)), None
    mask = rng.random(x.shape) >= drop_prob
    out = x * mask
    return (out / drop_prob if inverted else out), mask


def dropout_forward_test_time_unscaled(x, drop_prob, rng, train=True, inverted=True):
    if not train:
        return x, None
    mask = rng.random(x.shape) >= drop_prob
    out = x * mask
    return (out / (1 - drop_prob) if inverted else out), mask


def dropout_forward_ignores_train_flag(x, drop_prob, rng, train=True, inverted=True):
    mask = rng.random(x.shape) >= drop_prob
    out = x * mask
    return (out / (1 - drop_prob) if inverted else out), mask


def dropout_forward_binomial_mask(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep_prob), None
    mask = rng.binomial(1, keep_prob, size=x.shape).astype(bool)
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def dropout_forward_one_mask_per_feature(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep_prob), None
    mask = rng.random(x.shape[-1]) >= drop_prob
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def dropout_forward_in_place(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        if not inverted:
            x *= keep_prob
        return x, None
    mask = rng.random(x.shape) >= drop_prob
    x *= mask
    if inverted:
        x /= keep_prob
    return x, mask


# --- dropout_backward ------------------------------------------------------------------------


def dropout_backward_forgets_scaling(dout, mask, drop_prob, inverted=True):
    return dout * mask


def dropout_backward_always_scaled(dout, mask, drop_prob, inverted=True):
    return dout * mask / (1 - drop_prob)


def dropout_backward_dropped_units(dout, mask, drop_prob, inverted=True):
    dx = dout * ~mask
    return dx / (1 - drop_prob) if inverted else dx


def dropout_backward_divides_by_drop_prob(dout, mask, drop_prob, inverted=True):
    dx = dout * mask
    return dx / drop_prob if inverted else dx


def dropout_backward_forgets_dout(dout, mask, drop_prob, inverted=True):
    dx = mask.astype(dout.dtype)
    return dx / (1 - drop_prob) if inverted else dx


# --- halving_steps ---------------------------------------------------------------------------


def halving_steps_floor(lr, lam):
    return int(math.floor(math.log(0.5) / math.log(1 - 2 * lr * lam)))


def halving_steps_gradient_forgets_two(lr, lam):
    return int(math.ceil(math.log(0.5) / math.log(1 - lr * lam)))


def halving_steps_last_step_not_half(lr, lam):
    t = 0
    w = 1.0
    while w * (1 - 2 * lr * lam) > 0.5:
        w *= 1 - 2 * lr * lam
        t += 1
    return t


def halving_steps_log_of_two(lr, lam):
    return int(math.ceil(math.log(2) / math.log(1 - 2 * lr * lam)))


def halving_steps_rounds(lr, lam):
    return int(round(math.log(0.5) / math.log(1 - 2 * lr * lam)))


HELD_OUT = {
    "l2_penalty": {
        "value with a factor 1/2, gradient lam W": l2_penalty_with_one_half,
        "gradient lam W: forgets the 2": l2_penalty_gradient_forgets_two,
        "value lam ||W||, the norm not squared": l2_penalty_norm_not_squared,
        "gradient 2 W: forgets lam": l2_penalty_gradient_forgets_lam,
    },
    "l1_penalty": {
        "sign(0) taken as +1 (np.where(W >= 0, 1, -1))": l1_penalty_sign_of_zero_is_one,
        "gradient W / |W|: nan where W == 0": l1_penalty_gradient_divides_by_abs,
        "value lam sum(W): no absolute value": l1_penalty_no_absolute_value,
        "gradient sign(W): forgets lam": l1_penalty_gradient_forgets_lam,
    },
    "elastic_net_penalty": {
        "beta on the L1 term: sum(W^2 + beta |W|)": elastic_net_penalty_beta_on_l1_term,
        "gradient beta W instead of 2 beta W": elastic_net_penalty_gradient_forgets_two,
        "beta as a mixing weight: (1 - beta) on the L1 term": (elastic_net_penalty_mixing_weights),
        "lam on the squared term only": elastic_net_penalty_lam_on_l2_term_only,
        "sign(0) taken as -1 (np.where(W > 0, 1, -1))": (
            elastic_net_penalty_sign_of_zero_negative
        ),
    },
    "dropout_forward": {
        "keeps units whose number is < drop_prob: drop_prob read as keep prob": (
            dropout_forward_keeps_below_drop_prob
        ),
        "inverted form divides by drop_prob instead of 1 - drop_prob": (
            dropout_forward_divides_by_drop_prob
        ),
        "non-inverted test time returns x unscaled": dropout_forward_test_time_unscaled,
        "ignores train: drops units at test time too": dropout_forward_ignores_train_flag,
        "mask from rng.binomial instead of rng.random(x.shape) >= drop_prob": (
            dropout_forward_binomial_mask
        ),
        "one mask per feature, rng.random(x.shape[-1]), shared across rows": (
            dropout_forward_one_mask_per_feature
        ),
        "modifies x in place and returns it": dropout_forward_in_place,
    },
    "dropout_backward": {
        "inverted form: forgets to divide by 1 - drop_prob": dropout_backward_forgets_scaling,
        "divides by 1 - drop_prob in the non-inverted form too": dropout_backward_always_scaled,
        "passes the gradient through the dropped units (~mask)": dropout_backward_dropped_units,
        "divides by drop_prob instead of 1 - drop_prob": dropout_backward_divides_by_drop_prob,
        "forgets dout: returns mask / (1 - drop_prob)": dropout_backward_forgets_dout,
    },
    "halving_steps": {
        "floor instead of ceil": halving_steps_floor,
        "factor 1 - lr lam: forgets the 2 of the L2 gradient": (
            halving_steps_gradient_forgets_two
        ),
        "counts the steps before the weights reach half: one too few": (
            halving_steps_last_step_not_half
        ),
        "log(2) instead of log(1/2): negative count": halving_steps_log_of_two,
        "round instead of ceil": halving_steps_rounds,
    },
}
