"""Hidden checks for the regularization exercise (solutions/regularization/regularization.ipynb).

    test_l2_penalty            l2_penalty(W, lam) -> (value, dW)
    test_l1_penalty            l1_penalty(W, lam) -> (value, dW)
    test_elastic_net_penalty   elastic_net_penalty(W, lam, beta=0.5) -> (value, dW)
    test_dropout_forward       dropout_forward(x, drop_prob, rng, train=True, inverted=True)
                                   -> (out, mask)
    test_dropout_backward      dropout_backward(dout, mask, drop_prob, inverted=True) -> dx

Penalties are compared with the reference on random weights of random shapes (with exact
zeros, where L1's gradient is decided), to rtol 1e-12, and in float32. Dropout gets a
generator seeded by the check: the notebook fixes how the mask is drawn, so the mask and
the output must be the reference's; when they are not, the message says what the mask
and the output look like (the share dropped, the scale of the kept units).
"""

from __future__ import annotations

import numpy as np

from optlab.testing import assert_close

from ..reference import regularization as reference
from ..sandbox.session import StudentCallFailed
from . import CheckFailed, Registry, as_array, as_float, as_tuple, describe, generator_argument
from .diagnosis import LIKELY_MISTAKE, unrecorded
from .mistakes import name_mistake, same_values

# The section of book/regularization.md that explains each function, for feedback.
SECTIONS = {
    "test_l2_penalty": "l2-l1-and-elastic-net",
    "test_l1_penalty": "l2-l1-and-elastic-net",
    "test_elastic_net_penalty": "l2-l1-and-elastic-net",
    "test_dropout_forward": "what-the-test-time-network-must-compute",
    "test_dropout_backward": "switching-off-random-units",
}
MISTAKE_SECTIONS = {
    "the mask keeps a unit with probability drop_prob": "switching-off-random-units",
    "the mask keeps a unit when its draw is below 1 - drop_prob": "switching-off-random-units",
    "the mask is read back from the output": "switching-off-random-units",
    "the mask returned marks the dropped units": "switching-off-random-units",
    "the mask returned holds numbers": "switching-off-random-units",
    "the mask returned is the scaled one": "switching-off-random-units",
    "dropout not rescaled": "what-the-test-time-network-must-compute",
    "the L2 penalty has a factor 1/2": "l2-is-weight-decay",
}
CHECKS = Registry("regularization", sections=SECTIONS, mistake_sections=MISTAKE_SECTIONS)


def random_weights(rng, dtype=np.float64) -> np.ndarray:
    """Weights of a random shape (1 to 3 axes), with about a tenth of them exactly zero, never all:
    on all-zero weights a penalty that returns 0 and a zero gradient would be right."""
    shape = tuple(int(n) for n in rng.integers(2, 7, size=int(rng.integers(1, 4))))
    W = rng.standard_normal(shape) * rng.uniform(0.1, 3)
    zero = rng.random(shape) < 0.1
    zero.flat[int(rng.integers(W.size))] = False
    W[zero] = 0.0
    return W.astype(dtype)


def squares(W):
    return np.sum(W * W)


def absolutes(W):
    return np.sum(np.abs(W))


PENALTY_MISTAKES = {
    "l2_penalty": {
        "the L2 penalty has a factor 1/2 here: "
        "the course's L2 is lam * sum(W**2), with gradient 2 * lam * W": lambda W, lam: (
            float(lam * squares(W) / 2),
            lam * W,
        ),
        "the value has a factor 1/2 that the gradient does not: the course's L2 is "
        "lam * sum(W**2), without 1/2, and its gradient 2 * lam * W": lambda W, lam: (
            float(lam * squares(W) / 2),
            2 * lam * W,
        ),
        "the gradient misses the factor 2: "
        "the derivative of lam * W**2 is 2 * lam * W": lambda W, lam: (
            float(lam * squares(W)),
            lam * W,
        ),
        "the gradient misses lam: the derivative of lam * W**2 is 2 * lam * W": lambda W, lam: (
            float(lam * squares(W)),
            2 * W,
        ),
        "the gradient's sign is flipped: -2 * lam * W is the direction weight decay moves the "
        "weights in; the gradient of lam * W**2 is +2 * lam * W": lambda W, lam: (
            float(lam * squares(W)),
            -2 * lam * W,
        ),
        "the value misses lam: the penalty is lam times the sum of the squares of the weights": (
            lambda W, lam: (float(squares(W)), 2 * lam * W)
        ),
        "lam is squared, (lam * W)**2: lam multiplies the sum of the squares once, "
        "lam * sum(W**2), with gradient 2 * lam * W": lambda W, lam: (
            float(squares(lam * W)),
            2 * lam**2 * W,
        ),
        "the value is lam times the norm of W: the L2 penalty sums the squares of the "
        "weights, without a square root": lambda W, lam: (
            float(lam * np.sqrt(squares(W))),
            2 * lam * W,
        ),
        "the value squares the sum of the weights: the L2 penalty sums their squares, "
        "each weight squared on its own": lambda W, lam: (
            float(lam * np.sum(W) ** 2),
            2 * lam * W,
        ),
        "the value is not summed, lam * W**2 for each weight: the penalty is one number, "
        "lam * sum(W**2), added to the loss": lambda W, lam: (lam * W * W, 2 * lam * W),
        "the value is the mean of the squares: the penalty sums them, lam * sum(W**2) "
        "(np.sum, not np.mean)": lambda W, lam: (float(lam * np.mean(W * W)), 2 * lam * W),
        "the value and the gradient are averaged over the weights: the penalty sums the "
        "squares, lam * sum(W**2), and its gradient is 2 * lam * W": lambda W, lam: (
            float(lam * np.mean(W * W)),
            2 * lam * W / W.size,
        ),
        "this is the L1 penalty, lam * sum(|W|): the L2 penalty sums the squares, "
        "lam * sum(W**2), with gradient 2 * lam * W": lambda W, lam: (
            float(lam * absolutes(W)),
            lam * np.sign(W),
        ),
    },
    "l1_penalty": {
        "the gradient at W == 0 should be 0 (np.sign(0) is 0), not +1 or -1": lambda W, lam: (
            float(lam * absolutes(W)),
            lam * np.where(W >= 0, 1.0, -1.0),
        ),
        "the gradient at a zero weight is -lam (the sign of w taken as -1 unless w > 0): "
        "np.sign(0) is 0, and so is the subgradient of |w| at 0 the course takes": (
            lambda W, lam: (float(lam * absolutes(W)), lam * np.where(W > 0, 1.0, -1.0))
        ),
        "the gradient divides W by |W|, which is 0 / 0 (nan) at a zero weight: "
        "the subgradient of |w| at 0 is 0, the sign of 0": lambda W, lam: (
            float(lam * absolutes(W)),
            lam * W / np.abs(W),
        ),
        "the gradient is lam * sign(W), not lam * W": lambda W, lam: (
            float(lam * absolutes(W)),
            lam * W,
        ),
        "the gradient is lam * |W|, which is never negative: the derivative of |w| is the sign "
        "of w, so the gradient is lam * sign(W)": lambda W, lam: (
            float(lam * absolutes(W)),
            lam * np.abs(W),
        ),
        "the gradient misses lam: the derivative of lam * |w| is lam * sign(w)": (
            lambda W, lam: (float(lam * absolutes(W)), np.sign(W))
        ),
        "the gradient's sign is flipped: the gradient of lam * |w| is +lam * sign(w), which "
        "points away from zero (the step goes against it)": lambda W, lam: (
            float(lam * absolutes(W)),
            -lam * np.sign(W),
        ),
        "the gradient is lam for every weight, the negative ones too: the gradient of lam |w| "
        "has the sign of w, pushing each weight toward zero, and is 0 at a zero weight": (
            lambda W, lam: (float(lam * absolutes(W)), lam * np.ones_like(W))
        ),
        "the gradient is the L2 penalty's, 2 * lam * W: the gradient of lam |w| has the same "
        "size lam for every nonzero weight, only its sign changes": lambda W, lam: (
            float(lam * absolutes(W)),
            2 * lam * W,
        ),
        "the value sums the weights, not their absolute values: negative weights "
        "lower the penalty": lambda W, lam: (float(lam * np.sum(W)), lam * np.sign(W)),
        "the value misses lam: the penalty is lam times the sum of the absolute values": (
            lambda W, lam: (float(absolutes(W)), lam * np.sign(W))
        ),
        "the value is not summed, lam * |W| for each weight: the penalty is one number, "
        "lam * sum(|W|), added to the loss": lambda W, lam: (lam * np.abs(W), lam * np.sign(W)),
        "the value is the mean of the absolute values: the penalty sums them, lam * sum(|W|) "
        "(np.sum, not np.mean)": lambda W, lam: (
            float(lam * np.mean(np.abs(W))),
            lam * np.sign(W),
        ),
        "this is the L2 penalty, lam * sum(W**2): the L1 penalty sums the absolute values, "
        "lam * sum(|W|), with gradient lam * sign(W)": lambda W, lam: (
            float(lam * squares(W)),
            2 * lam * W,
        ),
    },
    "elastic_net_penalty": {
        "beta multiplies the squares, not the absolute values: "
        "lam * sum(beta * W**2 + |W|)": lambda W, lam, beta=0.5: (
            float(lam * np.sum(W * W + beta * np.abs(W))),
            lam * (2 * W + beta * np.sign(W)),
        ),
        "the gradient of beta * W**2 is 2 * beta * W": lambda W, lam, beta=0.5: (
            float(lam * np.sum(beta * W * W + np.abs(W))),
            lam * (beta * W + np.sign(W)),
        ),
        "the squares carry a factor 1/2, beta * W**2 / 2, in the value and the gradient: the "
        "notes' elastic net is lam * sum(beta * W**2 + |W|), with gradient "
        "lam * (2 * beta * W + sign(W))": lambda W, lam, beta=0.5: (
            float(lam * np.sum(beta * W * W / 2 + np.abs(W))),
            lam * (beta * W + np.sign(W)),
        ),
        "this mixes L2 and L1 with weights beta and 1 - beta: the course's elastic net "
        "puts beta on the squares and adds the absolute values whole": (
            lambda W, lam, beta=0.5: (
                float(lam * np.sum(beta * W * W + (1 - beta) * np.abs(W))),
                lam * (2 * beta * W + (1 - beta) * np.sign(W)),
            )
        ),
        "this is scikit-learn's elastic net, beta * |W| + (1 - beta) * W**2 / 2 (beta as its "
        "l1_ratio): the notes' is lam * sum(beta * W**2 + |W|), beta on the squares": (
            lambda W, lam, beta=0.5: (
                float(lam * np.sum(beta * np.abs(W) + (1 - beta) * W * W / 2)),
                lam * (beta * np.sign(W) + (1 - beta) * W),
            )
        ),
        "beta multiplies both terms, lam * beta * sum(W**2 + |W|): it weighs the squares "
        "only, lam * sum(beta * W**2 + |W|)": lambda W, lam, beta=0.5: (
            float(lam * beta * np.sum(W * W + np.abs(W))),
            lam * beta * (2 * W + np.sign(W)),
        ),
        "beta is always 0.5: the squares are weighed by `beta`, the argument given (0.5 is "
        "only its default)": lambda W, lam, beta=0.5: (
            float(lam * np.sum(0.5 * W * W + np.abs(W))),
            lam * (W + np.sign(W)),
        ),
        "lam multiplies the absolute values only: it multiplies the whole penalty, "
        "the squares too": lambda W, lam, beta=0.5: (
            float(np.sum(beta * W * W) + lam * np.sum(np.abs(W))),
            2 * beta * W + lam * np.sign(W),
        ),
        "lam multiplies the squares only: it multiplies the whole penalty, the absolute "
        "values too, lam * sum(beta * W**2 + |W|)": lambda W, lam, beta=0.5: (
            float(lam * beta * squares(W) + absolutes(W)),
            2 * lam * beta * W + np.sign(W),
        ),
        "the gradient's sign(W) term misses lam: lam multiplies the whole gradient, "
        "lam * (2 * beta * W + sign(W))": lambda W, lam, beta=0.5: (
            float(lam * np.sum(beta * W * W + np.abs(W))),
            2 * lam * beta * W + np.sign(W),
        ),
        "the gradient misses the absolute values' part, lam times the sign of W": (
            lambda W, lam, beta=0.5: (
                float(lam * np.sum(beta * W * W + np.abs(W))),
                2 * lam * beta * W,
            )
        ),
        "the gradient adds |W| where the derivative of |w| is its sign (0 at a zero weight)": (
            lambda W, lam, beta=0.5: (
                float(lam * np.sum(beta * W * W + np.abs(W))),
                lam * (2 * beta * W + np.abs(W)),
            )
        ),
        "the gradient's sign is flipped: the gradient of the penalty is "
        "+lam * (2 * beta * W + sign(W)); the step goes against it": lambda W, lam, beta=0.5: (
            float(lam * np.sum(beta * W * W + np.abs(W))),
            -lam * (2 * beta * W + np.sign(W)),
        ),
        "the value takes beta times the norm of W, not the sum of the squares: the L2 part is "
        "beta * sum(W**2), without a square root": lambda W, lam, beta=0.5: (
            float(lam * (beta * np.sqrt(squares(W)) + absolutes(W))),
            lam * (2 * beta * W + np.sign(W)),
        ),
        "the value misses lam: the penalty is lam times sum(beta * W**2 + |W|)": (
            lambda W, lam, beta=0.5: (
                float(np.sum(beta * W * W + np.abs(W))),
                lam * (2 * beta * W + np.sign(W)),
            )
        ),
        "the value is not summed, one number for each weight: the penalty is one number, "
        "lam * sum(beta * W**2 + |W|), added to the loss": lambda W, lam, beta=0.5: (
            lam * (beta * W * W + np.abs(W)),
            lam * (2 * beta * W + np.sign(W)),
        ),
    },
}


def check_penalty(student, name, W, kwargs, rtol=1e-12):
    value, dW = as_tuple(student.call(name, W, **kwargs), ("value", "dW"), f"{name}()")
    expected_value, expected_dW = getattr(reference, name)(W, **kwargs)
    try:
        got = (as_float(value, f"{name}() value"), as_array(dW, f"{name}() gradient", W.shape))
    except AssertionError as failure:  # not a number and an array of W's shape
        raise CheckFailed(
            f"{failure}" + name_mistake((value, dW), PENALTY_MISTAKES[name], W, **kwargs)
        ) from None
    settings = ", ".join(f"{k}={v:.4g}" for k, v in kwargs.items())
    try:
        assert_close(got[0], expected_value, rtol=rtol, what="the penalty's value")
        assert_close(got[1], expected_dW, rtol=rtol, atol=1e-300, what="its gradient")
    except AssertionError as failure:
        raise CheckFailed(
            f"{name}(W of shape {W.shape}, {settings}): {failure}"
            + name_mistake(got, PENALTY_MISTAKES[name], W, **kwargs)
        ) from None
    return dW


PENALTY_SETTINGS = {
    "l2_penalty": lambda rng: {"lam": float(rng.uniform(1e-3, 1))},
    "l1_penalty": lambda rng: {"lam": float(rng.uniform(1e-3, 1))},
    "elastic_net_penalty": lambda rng: {
        "lam": float(rng.uniform(1e-3, 1)),
        "beta": float(rng.uniform(0.1, 2)),
    },
}

for penalty, settings in PENALTY_SETTINGS.items():

    @CHECKS.check(
        f"test_{penalty}",
        "Does it match the reference on random weights (zeros among them)?",
        weight=2,
    )
    def on_random_weights(student, rng, penalty=penalty, settings=settings):
        for _ in range(4):
            check_penalty(student, penalty, random_weights(rng), settings(rng))

    @CHECKS.check(f"test_{penalty}", "Does it keep float32 weights in float32?")
    def in_float32(student, rng, penalty=penalty, settings=settings):
        W = random_weights(rng, np.float32)
        dW = check_penalty(student, penalty, W, settings(rng), rtol=1e-5)
        if dW.dtype != np.float32:
            raise CheckFailed(
                f"{penalty}() returned the gradient as {dW.dtype} for float32 weights: "
                "keep W's dtype"
            )


# --- dropout -----------------------------------------------------------------------------


def dropout_in_form(x, mask, drop_prob, inverted):
    """The training output of dropout with ``mask`` in the form asked for."""
    out = x * mask
    return out / (1 - drop_prob) if inverted else out


def _dropout(
    x,
    drop_prob,
    rng,
    train=True,
    inverted=True,
    kept=lambda draws, drop_prob: draws >= drop_prob,
    training=dropout_in_form,
    test_time=lambda x, drop_prob, inverted: x if inverted else x * (1 - drop_prob),
    returned_mask=lambda mask, drop_prob, inverted: mask,
    draws_at_test=False,
):
    """dropout_forward with one part swapped for a student's: which uniform draws keep a unit,
    the training output from the mask, the test-time output, the mask returned, a draw at test
    time (``draws_at_test``: 'dropped', the training output; 'mask', the right output and a
    mask)."""
    if not train and not draws_at_test:
        return test_time(x, drop_prob, inverted), None
    mask = kept(rng.random(x.shape), drop_prob)
    if train or draws_at_test == "dropped":
        out = training(x, mask, drop_prob, inverted)
    else:
        out = test_time(x, drop_prob, inverted)
    return out, returned_mask(mask, drop_prob, inverted)


def dropout_with(**parts):
    """A wrong version of dropout_forward: `_dropout` with ``parts`` swapped for a student's."""
    return lambda x, drop_prob, rng, train=True, inverted=True: _dropout(
        x, drop_prob, rng, train, inverted, **parts
    )


def dropout_in_the_inverted_form(scale):
    """The training output of a student whose inverted form multiplies the kept units by
    ``scale(drop_prob, mask)`` (the original form right)."""
    return lambda x, mask, drop_prob, inverted: (
        x * mask * scale(drop_prob, mask) if inverted else x * mask
    )


def dropout_in_the_original_form(scale):
    """The training output of a student whose original form multiplies the kept units by
    ``scale(drop_prob)`` (the inverted form right)."""
    return lambda x, mask, drop_prob, inverted: (
        dropout_in_form(x, mask, drop_prob, True) if inverted else x * mask * scale(drop_prob)
    )


def at_test_time(inverted_form=None, original_form=None):
    """A test-time output with one form's swapped for ``inverted_form(x, drop_prob)`` or
    ``original_form(x, drop_prob)``."""

    def output(x, drop_prob, inverted):
        if inverted:
            return inverted_form(x, drop_prob) if inverted_form else x
        return original_form(x, drop_prob) if original_form else x * (1 - drop_prob)

    return output


# Wrong versions of dropout_forward named by what they return whole (the mask, or the output
# with the right mask, or both), before the wrong masks below.
DROPOUT_MISTAKES = {
    "the mask returned marks the dropped units, the output is right: mask holds True for the "
    "units kept, mask = rng.random(x.shape) >= drop_prob": dropout_with(
        returned_mask=lambda mask, drop_prob, inverted: ~mask
    ),
    "the mask returned holds numbers, 0 and 1, not booleans: return the boolean array "
    "rng.random(x.shape) >= drop_prob (True: kept)": dropout_with(
        returned_mask=lambda mask, drop_prob, inverted: mask.astype(np.float64)
    ),
    "the mask returned is the scaled one, mask / (1 - drop_prob), not booleans: return the "
    "boolean mask of the units kept; the rescaling belongs to out": dropout_with(
        # Where nothing is rescaled (the original form, drop_prob = 0), the boolean mask.
        returned_mask=lambda mask, drop_prob, inverted: (
            mask / (1 - drop_prob) if inverted and drop_prob > 0 else mask
        ),
    ),
    "units are dropped at test time too: at test time (train=False) every unit is kept, "
    "nothing is drawn, and the mask is None; out is x (inverted) or x * (1 - drop_prob)": (
        dropout_with(draws_at_test="dropped")
    ),
    "a mask is drawn and returned at test time: at test time (train=False) nothing is "
    "dropped or drawn, and the mask returned is None": dropout_with(draws_at_test="mask"),
    "dropout not rescaled: inverted dropout divides the kept units by 1 - drop_prob, so that "
    "their expected value is the same as at test time": dropout_with(
        training=dropout_in_the_inverted_form(lambda drop_prob, mask: 1.0)
    ),
    "inverted dropout divides the kept units by drop_prob: it divides them by the keep "
    "probability, 1 - drop_prob, so that their expected value is the same as at test time": (
        dropout_with(
            training=dropout_in_the_inverted_form(
                lambda drop_prob, mask: np.divide(1.0, drop_prob)
            )
        )
    ),
    "inverted dropout multiplies the kept units by 1 - drop_prob: it divides them by it, so "
    "that their expected value is the same as at test time": dropout_with(
        training=dropout_in_the_inverted_form(lambda drop_prob, mask: 1 - drop_prob)
    ),
    "inverted dropout divides the kept units by the share of units this mask kept, "
    "mask.mean(): it divides by the keep probability 1 - drop_prob, a constant": (
        dropout_with(
            training=dropout_in_the_inverted_form(lambda drop_prob, mask: 1 / mask.mean())
        )
    ),
    "the original form does not rescale in training (it scales at test time)": (
        dropout_with(training=dropout_in_the_original_form(lambda drop_prob: 1 / (1 - drop_prob)))
    ),
    "the original form multiplies the kept units by 1 - drop_prob in training: that factor "
    "is its test-time one; in training it returns x * mask": dropout_with(
        training=dropout_in_the_original_form(lambda drop_prob: 1 - drop_prob)
    ),
    "inverted dropout already rescaled in training; at test time it returns x": (
        dropout_with(
            test_time=at_test_time(inverted_form=lambda x, drop_prob: x * (1 - drop_prob)),
        )
    ),
    "inverted dropout divides by 1 - drop_prob at test time too: that division is its "
    "training's; at test time it returns x": dropout_with(
        test_time=at_test_time(inverted_form=lambda x, drop_prob: x / (1 - drop_prob))
    ),
    "scaled by drop_prob; the expected output uses the keep probability 1 - drop_prob": (
        dropout_with(test_time=at_test_time(original_form=lambda x, drop_prob: x * drop_prob))
    ),
    "the original form returns x at test time: it kept only a share 1 - drop_prob of the "
    "units in training, so at test time it scales by it, x * (1 - drop_prob)": (
        dropout_with(test_time=at_test_time(original_form=lambda x, drop_prob: x))
    ),
    "the original form divides by 1 - drop_prob at test time: it multiplies by the keep "
    "probability, x * (1 - drop_prob), the expected share of a unit kept in training": (
        dropout_with(
            test_time=at_test_time(original_form=lambda x, drop_prob: x / (1 - drop_prob)),
        )
    ),
}

# Wrong masks, named by the mask alone when nothing above names the whole answer (what the
# output does with the mask is checked after).
MASK_MISTAKES = {
    "the mask keeps a unit with probability drop_prob: drop_prob is the probability of "
    "dropping it, so a unit is kept when its uniform draw is at least drop_prob": (
        dropout_with(kept=lambda draws, drop_prob: draws < drop_prob)
    ),
    "the mask keeps a unit when its draw is below 1 - drop_prob (as rng.binomial(1, "
    "1 - drop_prob) does, for drop_prob below 1/2): the right share of units is kept, but not "
    "the ones the notebook's draw keeps, those whose uniform draw is at least drop_prob": (
        dropout_with(kept=lambda draws, drop_prob: draws < 1 - drop_prob)
    ),
    "the mask is read back from the output: an input unit that is exactly zero counts as "
    "dropped; the mask holds the units kept by the draw, whatever their value": (
        lambda x, drop_prob, rng, train=True, inverted=True: (
            lambda out, mask: (out, None if mask is None else out != 0)
        )(*reference.dropout_forward(x, drop_prob, rng, train, inverted))
    ),
}


def name_dropout_mistake(
    got, parts, x, drop_prob, seed, train, inverted, mask_of_numbers=False
) -> str:
    """The line naming the first cataloged mistake whose ``parts`` of (out, mask) are those of
    ``got`` (each wrong version drawing from a generator seeded as the student's was): first
    by the whole answer, DROPOUT_MISTAKES then MASK_MISTAKES, then a wrong mask by the mask
    alone; '' when none is. A mistake that gives the right values is passed over; for a mask
    of numbers (``mask_of_numbers``), which has the right mask's values, a mistake that returns
    a boolean mask is passed over instead."""
    right = reference.dropout_forward(x, drop_prob, np.random.default_rng(seed), train, inverted)
    for catalog, chosen in (
        (DROPOUT_MISTAKES | MASK_MISTAKES, parts),
        (MASK_MISTAKES, (1,) if parts != (0,) else ()),
    ):
        if not chosen:
            continue
        pick = lambda answer, chosen=chosen: tuple(answer[i] for i in chosen)  # noqa: E731
        for why, wrong in catalog.items():
            with np.errstate(all="ignore"):
                answer = wrong(x, drop_prob, np.random.default_rng(seed), train, inverted)
            boolean = isinstance(answer[1], np.ndarray) and answer[1].dtype == bool
            if mask_of_numbers and (boolean or answer[1] is None):
                continue
            line = name_mistake(
                pick(got),
                {why: lambda answer=answer, pick=pick: pick(answer)},
                right_answer=None if mask_of_numbers else pick(right),
            )
            if line:
                return line
    return ""


def check_dropout(student, x, drop_prob, seed, train, inverted, rtol=1e-12):
    call = (
        f"dropout_forward(x of shape {x.shape}, drop_prob={drop_prob:.3g}, rng, "
        f"train={train}, inverted={inverted})"
    )
    out, mask = as_tuple(
        student.call(
            "dropout_forward",
            x,
            drop_prob,
            generator_argument(seed),
            train=train,
            inverted=inverted,
        ),
        ("out", "mask"),
        call,
    )
    expected_out, expected_mask = reference.dropout_forward(
        x, drop_prob, np.random.default_rng(seed), train, inverted
    )
    out = as_array(out, f"{call}: out", x.shape)
    named = lambda parts, mask_of_numbers=False: name_dropout_mistake(  # noqa: E731
        (out, mask), parts, x, drop_prob, seed, train, inverted, mask_of_numbers
    )
    if not train:
        if mask is not None:
            raise CheckFailed(
                f"{call}: at test time nothing is dropped; "
                f"return mask = None, got {describe(mask)}" + named((0, 1))
            )
        form = "x" if inverted else "x * (1 - drop_prob), the keep probability"
        try:
            assert_close(out, expected_out, rtol=rtol, what="out")
        except AssertionError as failure:
            raise CheckFailed(
                f"{call}: at test time out should be {form}. {failure}{named((0,))}"
            ) from None
        return
    if not (isinstance(mask, np.ndarray) and mask.dtype == bool and mask.shape == x.shape):
        raise CheckFailed(
            f"{call}: mask should be a boolean array of shape {x.shape} (True: kept), "
            f"got {describe(mask)}" + named((0, 1), mask_of_numbers=True)
        )
    dropped = 1 - mask.mean()
    if not np.array_equal(mask, expected_mask):
        if abs(dropped - (1 - drop_prob)) < abs(dropped - drop_prob):
            why = (
                "about 1 - drop_prob of the units are dropped: "
                "drop_prob is the probability of DROPPING a unit, "
                "so the units kept are rng.random(x.shape) >= drop_prob"
            )
        else:
            why = (
                "the mask differs from the one this generator gives: draw it once, as "
                "mask = rng.random(x.shape) >= drop_prob, from the rng you are given"
            )
        raise CheckFailed(
            f"{call}: {why} ({dropped:.1%} dropped; expected {1 - expected_mask.mean():.1%})"
            + named((0, 1))
        )
    try:
        assert_close(out, expected_out, rtol=rtol, what="out")
    except AssertionError as failure:
        hint = named((0,))
        kept = mask & (x != 0)
        if not hint and kept.any():
            scale = float(np.median(out[kept] / x[kept]))
            hint = f"\n    The kept units were multiplied by {scale:.4g}"
        raise CheckFailed(f"{call}: {failure}{hint}") from None


@CHECKS.check(
    "test_dropout_forward",
    "In training, inverted: is the mask the generator's, and are kept units rescaled?",
    weight=2,
)
def inverted_training(student, rng):
    for drop_prob in (float(rng.uniform(0.1, 0.9)), 0.5):
        x = rng.standard_normal((int(rng.integers(20, 60)), int(rng.integers(20, 60))))
        x[rng.random(x.shape) < 0.1] = 0.0  # a unit that is zero is still kept or dropped
        check_dropout(student, x, drop_prob, int(rng.integers(2**31)), True, True)


@CHECKS.check(
    "test_dropout_forward", "In training, the lecture's original form: is out = x * mask?"
)
def original_training(student, rng):
    x = rng.standard_normal((int(rng.integers(2, 5)), int(rng.integers(10, 40)), 3))
    check_dropout(student, x, float(rng.uniform(0.1, 0.9)), int(rng.integers(2**31)), True, False)


@CHECKS.check(
    "test_dropout_forward", "At test time, is nothing dropped, and the right form scaled?"
)
def test_time(student, rng):
    for inverted in (True, False):
        x = rng.standard_normal((int(rng.integers(5, 30)), int(rng.integers(5, 30))))
        check_dropout(
            student, x, float(rng.uniform(0.1, 0.9)), int(rng.integers(2**31)), False, inverted
        )


@CHECKS.check(
    "test_dropout_forward", "With drop_prob = 0, and on float32 activations (dtype kept)?"
)
def edge_cases(student, rng):
    check_dropout(student, rng.standard_normal((7, 9)), 0.0, int(rng.integers(2**31)), True, True)
    x32 = rng.standard_normal((6, 11)).astype(np.float32)
    seed = int(rng.integers(2**31))
    out, _ = as_tuple(
        student.call("dropout_forward", x32, 0.25, generator_argument(seed)),
        ("out", "mask"),
        "dropout_forward() on float32 activations",
    )
    if not (isinstance(out, np.ndarray) and out.dtype == np.float32):
        raise CheckFailed(
            f"dropout_forward() on float32 activations returned {describe(out)}: keep x's dtype"
        )
    check_dropout(student, x32, 0.25, seed, True, True, rtol=1e-6)


def backward_inverted(scale):
    """dropout_backward whose inverted form multiplies dout * mask by ``scale(drop_prob, mask)``
    (the original form right)."""
    return lambda dout, mask, drop_prob, inverted: (
        dout * mask * scale(drop_prob, mask) if inverted else dout * mask
    )


BACKWARD_MISTAKES = {
    "the mask is left out, dout / (1 - drop_prob): the dropped units did not reach the output, "
    "so no gradient flows back to them; dx = dout * mask (/ (1 - drop_prob) if inverted)": (
        lambda dout, mask, drop_prob, inverted: dout / (1 - drop_prob) if inverted else dout
    ),
    "dx is dout, unchanged: the dropped units get no gradient and the kept ones are rescaled as "
    "in the forward pass, dx = dout * mask (/ (1 - drop_prob) if inverted)": (
        lambda dout, mask, drop_prob, inverted: dout
    ),
    "the gradient is not rescaled: inverted dropout's kept units were divided by 1 - drop_prob, "
    "so is their gradient": lambda dout, mask, drop_prob, inverted: dout * mask,
    "the gradient flows through the dropped units instead of the kept ones": (
        lambda dout, mask, drop_prob, inverted: dout * ~mask / ((1 - drop_prob) if inverted else 1)
    ),
    "the gradient is divided by drop_prob: inverted dropout divided the kept units by the keep "
    "probability 1 - drop_prob, so is their gradient": backward_inverted(
        lambda drop_prob, mask: np.divide(1.0, drop_prob)
    ),
    "the gradient is multiplied by 1 - drop_prob: inverted dropout divided the kept units by "
    "it, so is their gradient, dout * mask / (1 - drop_prob)": backward_inverted(
        lambda drop_prob, mask: 1 - drop_prob
    ),
    "the gradient is divided by 1 - drop_prob twice: the forward pass divided the kept units "
    "by it once, so is their gradient, dout * mask / (1 - drop_prob)": backward_inverted(
        lambda drop_prob, mask: 1 / (1 - drop_prob) ** 2
    ),
    "the gradient is divided by the share of units this mask kept, mask.mean(): the forward "
    "pass divided by the keep probability 1 - drop_prob, a constant, and so does the gradient": (
        backward_inverted(lambda drop_prob, mask: 1 / mask.mean())
    ),
    "the gradient is divided by 1 - drop_prob in the original form, "
    "which does not rescale in training": (
        lambda dout, mask, drop_prob, inverted: dout * mask / (1 - drop_prob)
    ),
    "the gradient is multiplied by 1 - drop_prob in the original form: that factor is its "
    "test-time one; in training its output is x * mask, so dx = dout * mask": (
        lambda dout, mask, drop_prob, inverted: (
            dout * mask / (1 - drop_prob) if inverted else dout * mask * (1 - drop_prob)
        )
    ),
}


@CHECKS.check(
    "test_dropout_backward",
    "Does it give the reference's gradient for random masks, in both forms?",
    weight=2,
)
def backward_both_forms(student, rng):
    for inverted in (True, False, True):
        drop_prob = float(rng.uniform(0.1, 0.9))
        shape = (int(rng.integers(2, 30)), int(rng.integers(2, 30)))
        dout, mask = rng.standard_normal(shape), rng.random(shape) >= drop_prob
        got = as_array(
            student.call("dropout_backward", dout, mask, drop_prob, inverted=inverted),
            "dropout_backward()",
            shape,
        )
        right = reference.dropout_backward(dout, mask, drop_prob, inverted)
        try:
            assert_close(got, right, rtol=1e-12, what="dx")
        except AssertionError as failure:
            raise CheckFailed(
                f"dropout_backward(dout of shape {shape}, mask, drop_prob={drop_prob:.3g}, "
                f"inverted={inverted}): {failure}"
                + name_mistake(
                    got, BACKWARD_MISTAKES, dout, mask, drop_prob, inverted, right_answer=right
                )
            ) from None


# test_halving_steps: a prediction, graded by taking the steps: the reference's L2 gradient gives
# the factor of one step, and the student's count must be the fewest that bring the weights to
# half or below. A count within 1e-9 of the boundary is accepted either way (round-off).
SECTIONS["test_halving_steps"] = "l2-is-weight-decay"


def weights_after(lr, lam, steps) -> float:
    """A weight that starts at 1, after ``steps`` steps of gradient descent on the L2 penalty."""
    w = np.ones(1)
    factor = float((w - lr * reference.l2_penalty(w, lam)[1])[0])
    return factor**steps


def halving_count(rounding, factor=lambda lr, lam: 1 - 2 * lr * lam, target=0.5):
    """halving_steps with a student's rounding of log(target) / log(factor(lr, lam))."""
    return lambda lr, lam: int(rounding(np.log(target) / np.log(factor(lr, lam))))


HALVING_MISTAKES = {
    "the count is rounded down: after that many steps the weights are still above one half; "
    "the fewest steps that reach it is log(1/2) / log(1 - 2 lr lam) rounded up (ceil)": (
        halving_count(np.floor)
    ),
    "the count is rounded to the nearest step, which can fall short of one half: the fewest "
    "steps that reach it is log(1/2) / log(1 - 2 lr lam) rounded up (ceil)": (
        halving_count(np.rint)
    ),
    "the count is one step too many: the weights are at one half or below after "
    "ceil(log(1/2) / log(1 - 2 lr lam)) steps already": lambda lr, lam: (
        halving_count(np.ceil)(lr, lam) + 1
    ),
    "the factor of one step misses the 2: the gradient of lam * sum(W**2) is 2 * lam * W, so a "
    "step multiplies the weights by 1 - 2 lr lam (1 - lr lam is PyTorch's weight decay, whose "
    "lam is the course's 2 lam)": halving_count(np.ceil, factor=lambda lr, lam: 1 - lr * lam),
    "this count halves the penalty, lam * sum(W**2), not the weights: the weights are "
    "multiplied by 1 - 2 lr lam each step, the penalty by its square": halving_count(
        np.ceil, factor=lambda lr, lam: (1 - 2 * lr * lam) ** 2
    ),
    "this is the first-order estimate ln 2 / (2 lr lam), truncated: log(1 - 2 lr lam) is only "
    "about -2 lr lam; the fewest steps is ceil(log(1/2) / log(1 - 2 lr lam))": (
        lambda lr, lam: int(np.log(2) / (2 * lr * lam))
    ),
    "this is the first-order estimate ln 2 / (2 lr lam), rounded up: log(1 - 2 lr lam) is only "
    "about -2 lr lam; the fewest steps is ceil(log(1/2) / log(1 - 2 lr lam))": (
        lambda lr, lam: int(np.ceil(np.log(2) / (2 * lr * lam)))
    ),
    "this count takes a fall of 2 lr lam of the start at each step, a straight line: each step "
    "multiplies the weights by 1 - 2 lr lam, so they fall geometrically, "
    "(1 - 2 lr lam) ** t <= 1/2": lambda lr, lam: int(np.ceil(0.5 / (2 * lr * lam))),
    "the count is negative, log(2) / log(1 - 2 lr lam): the weights reach one half when "
    "(1 - 2 lr lam) ** t = 1/2, so t = log(1/2) / log(1 - 2 lr lam), rounded up": (
        halving_count(np.ceil, target=2.0)
    ),
}


def name_halving_mistake(student, got, index, cases) -> str:
    """The line naming the cataloged count that is ``got`` on case ``index`` of ``cases`` (the
    (lr, lam) the check asks about) and the student's count on every case: a count rounded to
    the nearest step fails where it is the count rounded down, and only the other cases tell
    them apart."""
    lr, lam = cases[index]
    right = reference.halving_steps(lr, lam)
    matching = [
        why
        for why, wrong in HALVING_MISTAKES.items()
        if name_mistake(got, {why: wrong}, lr, lam, right_answer=right)
    ]
    if len(matching) > 1:
        try:
            with unrecorded(student):  # the check's own probes, not the call that failed
                counts = [
                    as_float(student.call("halving_steps", *case), "halving_steps()")
                    for case in cases
                ]
        except (CheckFailed, StudentCallFailed):
            counts = None
        if counts is not None:
            matching = [
                why
                for why in matching
                if all(
                    same_values((count,), (HALVING_MISTAKES[why](*case),))
                    for count, case in zip(counts, cases)
                )
            ] or matching[:1]
    return f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else ""


@CHECKS.check(
    "test_halving_steps",
    "Is its count the fewest steps of weight decay that halve the weights?",
)
def fewest_halving_steps(student, rng):
    cases = []
    for _ in range(20):
        decay = float(np.exp(rng.uniform(np.log(1e-4), np.log(0.3))))  # 2 lr lam
        lr = float(np.exp(rng.uniform(np.log(1e-3), np.log(0.5))))
        cases.append((lr, decay / (2 * lr)))
    for index, (lr, lam) in enumerate(cases):
        got = as_float(student.call("halving_steps", lr, lam), "halving_steps()")
        if not (np.isfinite(got) and got == int(got) and got >= 1):
            raise CheckFailed(
                f"halving_steps(): expected a whole number of steps, got {got!r}"
                + name_halving_mistake(student, got, index, cases)
            )
        steps = int(got)
        after, before = weights_after(lr, lam, steps), weights_after(lr, lam, steps - 1)
        call = f"halving_steps({lr:.6g}, {lam:.6g}) = {steps}"
        if after > 0.5 * (1 + 1e-9):
            raise CheckFailed(
                f"{call}, but after {steps} steps of the penalty alone the weights are still at "
                f"{after:.6g} of their start, above one half: too few steps"
                + name_halving_mistake(student, got, index, cases)
            )
        if before <= 0.5 * (1 - 1e-9):
            raise CheckFailed(
                f"{call}, but after {steps - 1} steps the weights are already at {before:.6g} of "
                f"their start, at most one half: too many steps"
                + name_halving_mistake(student, got, index, cases)
            )
