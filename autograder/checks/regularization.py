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
from . import CheckFailed, Registry, as_array, as_float, as_tuple, describe, generator_argument
from .mistakes import name_mistake

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
    "the mask is read back from the output": "switching-off-random-units",
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


PENALTY_MISTAKES = {
    "l2_penalty": {
        "the L2 penalty has a factor 1/2 here: "
        "the course's L2 is lam * sum(W**2), with gradient 2 * lam * W": lambda W, lam: (
            float(lam * np.sum(W * W) / 2),
            lam * W,
        ),
        "the gradient misses the factor 2: "
        "the derivative of lam * W**2 is 2 * lam * W": lambda W, lam: (
            float(lam * np.sum(W * W)),
            lam * W,
        ),
        "the value is lam times the norm of W: the L2 penalty sums the squares of the "
        "weights, without a square root": lambda W, lam: (
            float(lam * np.sqrt(np.sum(W * W))),
            2 * lam * W,
        ),
        "the value squares the sum of the weights: the L2 penalty sums their squares, "
        "each weight squared on its own": lambda W, lam: (
            float(lam * np.sum(W) ** 2),
            2 * lam * W,
        ),
    },
    "l1_penalty": {
        "the gradient at W == 0 should be 0 (np.sign(0) is 0), not +1 or -1": lambda W, lam: (
            float(lam * np.sum(np.abs(W))),
            lam * np.where(W >= 0, 1.0, -1.0),
        ),
        "the gradient is lam * sign(W), not lam * W": lambda W, lam: (
            float(lam * np.sum(np.abs(W))),
            lam * W,
        ),
        "the gradient divides W by |W|, which is 0 / 0 (nan) at a zero weight: "
        "the subgradient of |w| at 0 is 0, the sign of 0": lambda W, lam: (
            float(lam * np.sum(np.abs(W))),
            lam * W / np.abs(W),
        ),
        "the value sums the weights, not their absolute values: negative weights "
        "lower the penalty": lambda W, lam: (float(lam * np.sum(W)), lam * np.sign(W)),
        "the gradient is lam for every weight, the negative ones too: the gradient of lam |w| "
        "has the sign of w, pushing each weight toward zero, and is 0 at a zero weight": (
            lambda W, lam: (float(lam * np.sum(np.abs(W))), lam * np.ones_like(W))
        ),
        "the gradient is the L2 penalty's, 2 * lam * W: the gradient of lam |w| has the same "
        "size lam for every nonzero weight, only its sign changes": lambda W, lam: (
            float(lam * np.sum(np.abs(W))),
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
        "this mixes L2 and L1 with weights beta and 1 - beta: the course's elastic net "
        "puts beta on the squares and adds the absolute values whole": (
            lambda W, lam, beta=0.5: (
                float(lam * np.sum(beta * W * W + (1 - beta) * np.abs(W))),
                lam * (2 * beta * W + (1 - beta) * np.sign(W)),
            )
        ),
        "lam multiplies the absolute values only: it multiplies the whole penalty, "
        "the squares too": lambda W, lam, beta=0.5: (
            float(np.sum(beta * W * W) + lam * np.sum(np.abs(W))),
            2 * beta * W + lam * np.sign(W),
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
    },
}


def check_penalty(student, name, W, kwargs, rtol=1e-12):
    value, dW = as_tuple(student.call(name, W, **kwargs), ("value", "dW"), f"{name}()")
    expected_value, expected_dW = getattr(reference, name)(W, **kwargs)
    got = (as_float(value, f"{name}() value"), as_array(dW, f"{name}() gradient", W.shape))
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


def dropout_keeping_with_drop_prob(x, drop_prob, rng, train=True, inverted=True):
    if not train:
        return reference.dropout_forward(x, drop_prob, rng, train, inverted)
    mask = rng.random(x.shape) < drop_prob
    return dropout_in_form(x, mask, drop_prob, inverted), mask


def dropout_binomial_mask(x, drop_prob, rng, train=True, inverted=True):
    if not train:
        return reference.dropout_forward(x, drop_prob, rng, train, inverted)
    mask = rng.binomial(1, 1 - drop_prob, x.shape).astype(bool)
    return dropout_in_form(x, mask, drop_prob, inverted), mask


def dropout_mask_from_output(x, drop_prob, rng, train=True, inverted=True):
    out, mask = reference.dropout_forward(x, drop_prob, rng, train, inverted)
    return out, (None if mask is None else out != 0)


# Wrong masks, named by the mask alone (what the output does with it is checked after).
MASK_MISTAKES = {
    "the mask keeps a unit with probability drop_prob: drop_prob is the probability of "
    "dropping it, so a unit is kept when its uniform draw is at least drop_prob": (
        dropout_keeping_with_drop_prob
    ),
    "the mask is a binomial draw: its units are kept with the right probability, but the "
    "exercise fixes the draw, one uniform number per unit from the generator given, so "
    "that the mask is this generator's": dropout_binomial_mask,
    "the mask is read back from the output: an input unit that is exactly zero counts as "
    "dropped; the mask holds the units kept by the draw, whatever their value": (
        dropout_mask_from_output
    ),
}


def name_mask_mistake(mask, x, drop_prob, seed, inverted) -> str:
    """The line naming what is wrong with a training mask that is not the reference's."""
    for why, wrong in MASK_MISTAKES.items():
        line = name_mistake(
            mask,
            {why: lambda *args, wrong=wrong: wrong(*args)[1]},
            x,
            drop_prob,
            np.random.default_rng(seed),
            True,
            inverted,
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
    if not train:
        if mask is not None:
            raise CheckFailed(
                f"{call}: at test time nothing is dropped; "
                f"return mask = None, got {describe(mask)}"
            )
        form = "x" if inverted else "x * (1 - drop_prob), the keep probability"
        try:
            assert_close(out, expected_out, rtol=rtol, what="out")
        except AssertionError as failure:
            hint = ""
            if not inverted and np.allclose(out, x * drop_prob, rtol=1e-9):
                hint = (
                    "\n    Likely mistake: scaled by drop_prob; "
                    "the expected output uses the keep probability 1 - drop_prob"
                )
            elif inverted and np.allclose(out, x * (1 - drop_prob), rtol=1e-9):
                hint = (
                    "\n    Likely mistake: inverted dropout already rescaled in training; "
                    "at test time it returns x"
                )
            raise CheckFailed(
                f"{call}: at test time out should be {form}. {failure}{hint}"
            ) from None
        return
    if not (isinstance(mask, np.ndarray) and mask.dtype == bool and mask.shape == x.shape):
        raise CheckFailed(
            f"{call}: mask should be a boolean array of shape {x.shape} (True: kept), "
            f"got {describe(mask)}"
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
            + name_mask_mistake(mask, x, drop_prob, seed, inverted)
        )
    try:
        assert_close(out, expected_out, rtol=rtol, what="out")
    except AssertionError as failure:
        hint = ""
        kept = mask & (x != 0)
        if kept.any():
            scale = float(np.median(out[kept] / x[kept]))
            if inverted and np.isclose(scale, 1.0):
                hint = (
                    "\n    Likely mistake: dropout not rescaled: "
                    "inverted dropout divides the kept units by "
                    "1 - drop_prob, so that their expected value is the same as at test time"
                )
            elif not inverted and np.isclose(scale, 1 / (1 - drop_prob)):
                hint = (
                    "\n    Likely mistake: the original form does not rescale in training "
                    "(it scales at test time)"
                )
            else:
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


BACKWARD_MISTAKES = {
    "the gradient is not rescaled: inverted dropout's kept units were divided by 1 - drop_prob, "
    "so is their gradient": lambda dout, mask, drop_prob, inverted: dout * mask,
    "the gradient flows through the dropped units instead of the kept ones": (
        lambda dout, mask, drop_prob, inverted: dout * ~mask / ((1 - drop_prob) if inverted else 1)
    ),
    "the gradient is divided by 1 - drop_prob in the original form, "
    "which does not rescale in training": (
        lambda dout, mask, drop_prob, inverted: dout * mask / (1 - drop_prob)
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
        try:
            assert_close(
                got,
                reference.dropout_backward(dout, mask, drop_prob, inverted),
                rtol=1e-12,
                what="dx",
            )
        except AssertionError as failure:
            mistakes = {
                why: wrong
                for why, wrong in BACKWARD_MISTAKES.items()
                if not inverted or "original form" not in why
            }
            raise CheckFailed(
                f"dropout_backward(dout of shape {shape}, mask, drop_prob={drop_prob:.3g}, "
                f"inverted={inverted}): {failure}"
                + name_mistake(got, mistakes, dout, mask, drop_prob, inverted)
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


@CHECKS.check(
    "test_halving_steps",
    "Is its count the fewest steps of weight decay that halve the weights?",
)
def fewest_halving_steps(student, rng):
    for _ in range(20):
        decay = float(np.exp(rng.uniform(np.log(1e-4), np.log(0.3))))  # 2 lr lam
        lr = float(np.exp(rng.uniform(np.log(1e-3), np.log(0.5))))
        lam = decay / (2 * lr)
        got = as_float(student.call("halving_steps", lr, lam), "halving_steps()")
        if not (np.isfinite(got) and got == int(got) and got >= 1):
            raise CheckFailed(f"halving_steps(): expected a whole number of steps, got {got!r}")
        steps = int(got)
        after, before = weights_after(lr, lam, steps), weights_after(lr, lam, steps - 1)
        call = f"halving_steps({lr:.6g}, {lam:.6g}) = {steps}"
        if after > 0.5 * (1 + 1e-9):
            raise CheckFailed(
                f"{call}, but after {steps} steps of the penalty alone the weights are still at "
                f"{after:.6g} of their start, above one half: too few steps"
            )
        if before <= 0.5 * (1 - 1e-9):
            raise CheckFailed(
                f"{call}, but after {steps - 1} steps the weights are already at {before:.6g} of "
                f"their start, at most one half: too many steps"
            )
