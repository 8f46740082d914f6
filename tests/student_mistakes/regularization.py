"""Student mistakes in the regularization exercise (penalties and dropout), written from the
notebook's docstrings and the chapter, not from the checks' catalogs."""

import numpy as np


def l2_gradient_without_two(W, lam):
    return float(lam * np.sum(W * W)), lam * W


def l2_half_convention(W, lam):
    return float(0.5 * lam * np.sum(W * W)), lam * W


def l2_norm_not_squared(W, lam):
    return float(lam * np.sqrt(np.sum(W * W))), 2 * lam * W


def l2_gradient_without_lam(W, lam):
    return float(lam * np.sum(W * W)), 2 * W


def l2_in_float32(W, lam):
    W32 = W.astype(np.float32)
    return float(lam * np.sum(W32 * W32)), 2 * lam * W32


def l2_squares_the_sum(W, lam):
    return float(lam * np.sum(W) ** 2), 2 * lam * W


def l1_gradient_w_over_abs(W, lam):
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(lam * np.sum(np.abs(W))), lam * W / np.abs(W)


def l1_value_without_abs(W, lam):
    return float(lam * np.sum(W)), lam * np.sign(W)


def l1_gradient_constant(W, lam):
    return float(lam * np.sum(np.abs(W))), lam * np.ones_like(W)


def l1_gradient_without_lam(W, lam):
    return float(lam * np.sum(np.abs(W))), np.sign(W)


def l1_subgradient_one_at_zero(W, lam):
    return float(lam * np.sum(np.abs(W))), lam * np.where(W >= 0, 1.0, -1.0)


def l1_gradient_of_abs_squared(W, lam):
    return float(lam * np.sum(np.abs(W))), 2 * lam * W


def elastic_beta_on_l1(W, lam, beta=0.5):
    value = lam * np.sum(W * W + beta * np.abs(W))
    return float(value), lam * (2 * W + beta * np.sign(W))


def elastic_gradient_without_two(W, lam, beta=0.5):
    value = lam * np.sum(beta * W * W + np.abs(W))
    return float(value), lam * (beta * W + np.sign(W))


def elastic_convex_combination(W, lam, beta=0.5):
    value = lam * np.sum(beta * W * W + (1 - beta) * np.abs(W))
    return float(value), lam * (2 * beta * W + (1 - beta) * np.sign(W))


def elastic_lam_on_l1_only(W, lam, beta=0.5):
    value = np.sum(beta * W * W) + lam * np.sum(np.abs(W))
    return float(value), 2 * beta * W + lam * np.sign(W)


def elastic_beta_ignored(W, lam, beta=0.5):
    value = lam * np.sum(0.5 * W * W + np.abs(W))
    return float(value), lam * (W + np.sign(W))


def elastic_gradient_without_sign(W, lam, beta=0.5):
    value = lam * np.sum(beta * W * W + np.abs(W))
    return float(value), lam * 2 * beta * W


def elastic_gradient_uses_abs(W, lam, beta=0.5):
    value = lam * np.sum(beta * W * W + np.abs(W))
    return float(value), lam * (2 * beta * W + np.abs(W))


def dropout_keeps_with_drop_prob(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep), None
    mask = rng.random(x.shape) < drop_prob
    return (x * mask / keep if inverted else x * mask), mask


def dropout_divides_by_drop_prob(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep), None
    mask = rng.random(x.shape) >= drop_prob
    return (x * mask / drop_prob if inverted else x * mask), mask


def dropout_inverted_scaled_at_test(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return x * keep, None
    mask = rng.random(x.shape) >= drop_prob
    return (x * mask / keep if inverted else x * mask), mask


def dropout_original_not_scaled_at_test(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return x, None
    mask = rng.random(x.shape) >= drop_prob
    return (x * mask / keep if inverted else x * mask), mask


def dropout_also_at_test(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    mask = rng.random(x.shape) >= drop_prob
    return (x * mask / keep if inverted else x * mask), mask


def dropout_scaled_mask_returned(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep), None
    mask = (rng.random(x.shape) >= drop_prob) / (keep if inverted else 1.0)
    return x * mask, mask


def dropout_global_generator(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep), None
    mask = np.random.rand(*x.shape) >= drop_prob
    return (x * mask / keep if inverted else x * mask), mask


def dropout_binomial_mask(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep), None
    mask = rng.binomial(1, keep, x.shape).astype(bool)
    return (x * mask / keep if inverted else x * mask), mask


def dropout_always_inverted(x, drop_prob, rng, train=True, inverted=True):
    if not train:
        return x, None
    mask = rng.random(x.shape) >= drop_prob
    return x * mask / (1 - drop_prob), mask


def dropout_mask_from_x_values(x, drop_prob, rng, train=True, inverted=True):
    keep = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep), None
    mask = rng.random(x.shape) >= drop_prob
    out = np.where(mask, x, 0.0)
    return (out / keep if inverted else out), out != 0


def backward_not_rescaled(dout, mask, drop_prob, inverted=True):
    return dout * mask


def backward_always_rescaled(dout, mask, drop_prob, inverted=True):
    return dout * mask / (1 - drop_prob)


def backward_divides_by_drop_prob(dout, mask, drop_prob, inverted=True):
    dx = dout * mask
    return dx / drop_prob if inverted else dx


def backward_multiplies_by_keep_prob(dout, mask, drop_prob, inverted=True):
    dx = dout * mask
    return dx * (1 - drop_prob) if inverted else dx


def backward_dropped_units_pass(dout, mask, drop_prob, inverted=True):
    dx = dout * ~mask
    return dx / (1 - drop_prob) if inverted else dx


def backward_original_scaled_by_keep(dout, mask, drop_prob, inverted=True):
    dx = dout * mask
    return dx / (1 - drop_prob) if inverted else dx * (1 - drop_prob)


MISTAKES = {
    "l2_penalty": {
        "gradient lam * W (the 2 forgotten)": l2_gradient_without_two,
        "value 0.5 * lam * sum(W**2), gradient lam * W": l2_half_convention,
        "value lam * ||W|| (the norm, not squared)": l2_norm_not_squared,
        "gradient 2 * W (lam forgotten)": l2_gradient_without_lam,
        "computed in float32": l2_in_float32,
        "value lam * sum(W) ** 2": l2_squares_the_sum,
    },
    "l1_penalty": {
        "gradient lam * W / |W|: nan at zero": l1_gradient_w_over_abs,
        "value lam * sum(W) (no abs)": l1_value_without_abs,
        "gradient lam everywhere (no sign)": l1_gradient_constant,
        "gradient sign(W) (lam forgotten)": l1_gradient_without_lam,
        "subgradient 1 at zero": l1_subgradient_one_at_zero,
        "gradient 2 * lam * W (the L2 gradient)": l1_gradient_of_abs_squared,
    },
    "elastic_net_penalty": {
        "beta on the L1 term instead of the L2 term": elastic_beta_on_l1,
        "gradient beta * W instead of 2 * beta * W": elastic_gradient_without_two,
        "convex combination beta * L2 + (1 - beta) * L1": elastic_convex_combination,
        "lam multiplies the L1 term only": elastic_lam_on_l1_only,
        "ignores the beta argument (uses 0.5)": elastic_beta_ignored,
        "gradient without the sign(W) term": elastic_gradient_without_sign,
        "gradient uses |W| instead of sign(W)": elastic_gradient_uses_abs,
    },
    "dropout_forward": {
        "keeps the units with probability drop_prob": dropout_keeps_with_drop_prob,
        "inverted form divides by drop_prob": dropout_divides_by_drop_prob,
        "inverted form also scales by 1 - drop_prob at test time": (
            dropout_inverted_scaled_at_test
        ),
        "original form not scaled at test time": dropout_original_not_scaled_at_test,
        "drops units at test time too": dropout_also_at_test,
        "returns the scaled float mask instead of the boolean one": dropout_scaled_mask_returned,
        "np.random.rand instead of the rng given": dropout_global_generator,
        "mask from rng.binomial instead of rng.random": dropout_binomial_mask,
        "ignores the inverted argument (always inverted)": dropout_always_inverted,
        "mask read back from the output: x == 0 counted as dropped": (dropout_mask_from_x_values),
    },
    "dropout_backward": {
        "inverted form not rescaled": backward_not_rescaled,
        "rescaled in the original form too": backward_always_rescaled,
        "divides by drop_prob": backward_divides_by_drop_prob,
        "multiplies by 1 - drop_prob instead of dividing": backward_multiplies_by_keep_prob,
        "~mask: the gradient flows through the dropped units": backward_dropped_units_pass,
        "original form scaled by 1 - drop_prob (the test-time factor)": (
            backward_original_scaled_by_keep
        ),
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_l2_value_without_lam(W, lam):
    return float(np.sum(W * W)), 2 * lam * W


def held_l2_value_not_summed(W, lam):
    return lam * W * W, 2 * lam * W


def held_l2_gradient_sign_flipped(W, lam):
    return float(lam * np.sum(W * W)), -2 * lam * W


def held_l1_value_not_summed(W, lam):
    return lam * np.abs(W), lam * np.sign(W)


def held_l1_gradient_abs(W, lam):
    return float(lam * np.sum(np.abs(W))), lam * np.abs(W)


def held_l1_value_without_lam(W, lam):
    return float(np.sum(np.abs(W))), lam * np.sign(W)


def held_elastic_lam_on_l2_only(W, lam, beta=0.5):
    return float(lam * beta * np.sum(W * W) + np.sum(np.abs(W))), lam * 2 * beta * W + np.sign(W)


def held_elastic_gradient_lam_misses_sign(W, lam, beta=0.5):
    value = float(lam * np.sum(beta * W * W + np.abs(W)))
    return value, lam * 2 * beta * W + np.sign(W)


def held_elastic_norm_not_squared(W, lam, beta=0.5):
    value = float(lam * (beta * np.linalg.norm(W) + np.sum(np.abs(W))))
    return value, lam * (2 * beta * W + np.sign(W))


def held_dropout_mask_below_keep(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep_prob), None
    mask = rng.random(x.shape) < keep_prob
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def held_dropout_test_divides(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        return (x / keep_prob if inverted else x * keep_prob), None
    mask = rng.random(x.shape) >= drop_prob
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def held_dropout_test_mask(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    mask = rng.random(x.shape) >= drop_prob
    if not train:
        return (x if inverted else x * keep_prob), mask
    out = x * mask
    return (out / keep_prob if inverted else out), mask


def held_dropout_inverted_multiplies(x, drop_prob, rng, train=True, inverted=True):
    keep_prob = 1 - drop_prob
    if not train:
        return (x if inverted else x * keep_prob), None
    mask = rng.random(x.shape) >= drop_prob
    out = x * mask
    return (out * keep_prob if inverted else out), mask


def held_dropout_backward_no_mask(dout, mask, drop_prob, inverted=True):
    return dout / (1 - drop_prob) if inverted else dout


def held_dropout_backward_observed_rate(dout, mask, drop_prob, inverted=True):
    dx = dout * mask
    return dx / mask.mean() if inverted else dx


def held_halving_floor(lr, lam):
    return int(np.floor(np.log(0.5) / np.log(1 - 2 * lr * lam)))


def held_halving_two_forgotten(lr, lam):
    return int(np.ceil(np.log(0.5) / np.log(1 - lr * lam)))


def held_halving_first_order(lr, lam):
    return int(np.log(2) / (2 * lr * lam))


def held_halving_one_too_many(lr, lam):
    t, scale = 0, 1.0
    while scale > 0.5:
        scale *= 1 - 2 * lr * lam
        t += 1
    return t + 1


SECOND_ROUND = {
    "l2_penalty": {
        "value without lam": held_l2_value_without_lam,
        "value not summed: lam * W ** 2": held_l2_value_not_summed,
        "gradient -2 lam W: the decay's direction": held_l2_gradient_sign_flipped,
    },
    "l1_penalty": {
        "value not summed: lam * |W|": held_l1_value_not_summed,
        "gradient lam * |W|": held_l1_gradient_abs,
        "value without lam": held_l1_value_without_lam,
    },
    "elastic_net_penalty": {
        "lam multiplies the L2 term only": held_elastic_lam_on_l2_only,
        "gradient: lam misses the sign term": held_elastic_gradient_lam_misses_sign,
        "beta * ||W|| (norm not squared)": held_elastic_norm_not_squared,
    },
    "dropout_forward": {
        "mask rng.random < 1 - drop_prob: kept with the right odds, other units": (
            held_dropout_mask_below_keep
        ),
        "inverted form divides by 1 - drop_prob at test time too": held_dropout_test_divides,
        "test time draws and returns a mask": held_dropout_test_mask,
        "inverted form multiplies by 1 - drop_prob": held_dropout_inverted_multiplies,
    },
    "dropout_backward": {
        "mask forgotten: dout / (1 - drop_prob)": held_dropout_backward_no_mask,
        "rescaled by the mask's observed keep rate": held_dropout_backward_observed_rate,
    },
    "halving_steps": {
        "floor instead of ceil": held_halving_floor,
        "(1 - lr lam) ** t: the 2 forgotten": held_halving_two_forgotten,
        "first-order ln 2 / (2 lr lam), truncated": held_halving_first_order,
        "loop counts one step too many": held_halving_one_too_many,
    },
}
