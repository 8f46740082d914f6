"""Hidden checks for the transfer-learning exercise (solutions/transfer/transfer.ipynb).

    test_replace_head     replace_head(params, num_classes, rng) -> params
    test_learning_rates   learning_rates(param_names, num_trainable_layers, lr,
                                         fine_tune_factor=0.1) -> {name: rate}
    test_fine_tune_step   fine_tune_step(params, grads, velocity, rates, rho=0.9)
                              -> (params, velocity)

Networks of 2 to 5 layers of random widths. The new head must be the one the seeded
generator gives (the notebook fixes the draw); every other array must come back equal.
Fine-tuning steps are taken beside the reference for several steps, fed the student's own
parameters; a frozen parameter must come back bit for bit, even when it still carries
velocity from before it was frozen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from optlab.network import init_mlp
from optlab.testing import assert_close

from ..reference import transfer as reference
from ..sandbox.session import StudentCallFailed
from . import CheckFailed, Registry, as_array, as_float, as_tuple, describe, generator_argument
from .diagnosis import LIKELY_MISTAKE, unrecorded
from .mistakes import name_mistake

# The section of book/transfer.md that explains each function, for feedback.
SECTIONS = {
    "test_replace_head": "the-recipe-a-new-head-and-one-learning-rate-per-layer",
    "test_learning_rates": "the-recipe-a-new-head-and-one-learning-rate-per-layer",
    "test_fine_tune_step": "what-moves-and-what-stays",
}
CHECKS = Registry("transfer", sections=SECTIONS, returns_new=frozenset({"replace_head"}))


def random_network(rng, layers=(2, 6)) -> dict[str, np.ndarray]:
    num_layers = int(rng.integers(*layers))
    sizes = [int(n) for n in rng.integers(2, 12, size=num_layers + 1)]
    params = init_mlp(sizes, seed=int(rng.integers(2**31)))
    for name in params:  # nonzero biases, so that a bias left out shows
        if name.startswith("b"):
            params[name] = rng.standard_normal(params[name].shape) * 0.1
    return params


def as_params(value, names, what: str) -> dict:
    if not (isinstance(value, dict) and set(value) == set(names)):
        got = sorted(value) if isinstance(value, dict) else describe(value)
        raise CheckFailed(f"{what}: expected a dict with the names {sorted(names)}, got {got}")
    return value


HEAD_MISTAKES = {
    "He initialization scales by sqrt(2 / fan_in), "
    "where fan_in is the number of rows of the old last W": (
        lambda params, k, seed: _head(params, k, seed, lambda fan_in: np.sqrt(2.0 / k))
    ),
    "the scale is read from the old head's columns, sqrt(2 / old width): He initialization "
    "scales by sqrt(2 / fan_in), fan_in the rows of the last W, the width of the layer below": (
        lambda params, k, seed: _head(
            params, k, seed, lambda fan_in: np.sqrt(2.0 / _last_W(params).shape[1])
        )
    ),
    "He initialization scales by sqrt(2 / fan_in), not 2 / fan_in": (
        lambda params, k, seed: _head(params, k, seed, lambda fan_in: 2.0 / fan_in)
    ),
    "the standard deviation is sqrt(2 / fan_in): "
    "this is the variance's 1 / fan_in (Xavier), not He's 2 / fan_in": (
        lambda params, k, seed: _head(params, k, seed, lambda fan_in: np.sqrt(1.0 / fan_in))
    ),
    "the scale is Glorot's, sqrt(2 / (fan_in + num_classes)): the head follows a ReLU layer, "
    "and He initialization scales by sqrt(2 / fan_in)": lambda params, k, seed: _head(
        params, k, seed, lambda fan_in: np.sqrt(2.0 / (fan_in + k))
    ),
    "the weights are not scaled, standard normal: He initialization multiplies them by "
    "sqrt(2 / fan_in)": lambda params, k, seed: _head(params, k, seed, lambda fan_in: 1.0),
    "the weights are scaled by 0.01, a fixed small scale: He initialization scales by "
    "sqrt(2 / fan_in), from the width of the layer below": lambda params, k, seed: _head(
        params, k, seed, lambda fan_in: 0.01
    ),
    "the weights are divided by sqrt(2 / fan_in): He initialization multiplies by it": (
        lambda params, k, seed: _head(params, k, seed, lambda fan_in: np.sqrt(fan_in / 2.0))
    ),
    "the weights are uniform on [0, 1) (rng.random), all positive: He initialization draws "
    "them from a normal, rng.standard_normal((fan_in, num_classes)) * sqrt(2 / fan_in)": (
        lambda params, k, seed: _head(
            params,
            k,
            seed,
            lambda fan_in: np.sqrt(2.0 / fan_in),
            draw=lambda rng, shape: rng.random(shape),
        )
    ),
    "the new W is drawn as (num_classes, fan_in): a layer's W is (fan_in, fan_out), so the "
    "head's is rng.standard_normal((fan_in, num_classes))": lambda params, k, seed: (
        np.random.default_rng(seed).standard_normal((k, _last_W(params).shape[0]))
        * np.sqrt(2.0 / _last_W(params).shape[0])
    ),
}


def _last_W(params):
    return params[f"W{_layers(params)}"]


def _copied(params):
    """A new dict of new arrays: the mistakes below make a copy of the network, as asked."""
    return {name: np.array(value) for name, value in params.items()}


def head_fan_in_of_first_layer(params, num_classes, rng):
    last = _layers(params)
    fan_in = params["W1"].shape[0]
    return _copied(params) | {
        f"W{last}": rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in),
        f"b{last}": np.zeros(num_classes),
    }


def head_in_place_of_the_first_layer(params, num_classes, rng):
    fan_in = params["W1"].shape[0]
    return _copied(params) | {
        "W1": rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in),
        "b1": np.zeros(num_classes),
    }


def _layers(params):
    return sum(1 for name in params if name.startswith("W"))


def head_with_a_random_bias_first(params, num_classes, rng):
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    bias = rng.standard_normal(num_classes) * np.sqrt(2.0 / fan_in)
    return _copied(params) | {
        f"W{last}": rng.standard_normal((fan_in, num_classes)) * np.sqrt(2.0 / fan_in),
        f"b{last}": bias,
    }


def head_with_a_random_bias(params, num_classes, rng):
    new = reference.replace_head(params, num_classes, rng)
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    return new | {f"b{last}": rng.standard_normal(num_classes) * np.sqrt(2.0 / fan_in)}


# Wrong versions of the whole function, named by every array they return.
REPLACE_HEAD_MISTAKES = {
    "the new head's fan_in is read from the first layer's W: the fan_in of the head is the "
    "width of the layer below it, the rows of the last W": head_fan_in_of_first_layer,
    "the first layer is replaced: the head is the last layer, the one that gives the "
    "classes' scores": head_in_place_of_the_first_layer,
    "the new bias is drawn at random, after the weights: the new head starts with zero "
    "biases, only its weights drawn": head_with_a_random_bias,
    "the new bias is drawn at random, before the weights, so the weights come from the wrong "
    "draws too: the new head draws its weights first and only them; its biases are zeros": (
        head_with_a_random_bias_first
    ),
    "the old head's bias is kept: its width is the old number of classes; the new head's "
    "bias is np.zeros(num_classes)": lambda params, num_classes, rng: (
        reference.replace_head(params, num_classes, rng)
        | {f"b{_layers(params)}": params[f"b{_layers(params)}"].copy()}
    ),
    "the new bias has shape (1, num_classes): a bias is a vector, np.zeros(num_classes), "
    "as every other b of the network": lambda params, num_classes, rng: (
        reference.replace_head(params, num_classes, rng)
        | {f"b{_layers(params)}": np.zeros((1, num_classes))}
    ),
}


def in_order(version, names):
    """``version`` giving the tuple of the arrays its returned dicts hold, by ``names``."""

    def arrays(*args):
        returned = version(*args)
        parts = returned if isinstance(returned, tuple) else (returned,)
        # A name the version leaves out gives NaN, which matches no array.
        return tuple(np.asarray(part.get(name, np.nan)) for part in parts for name in names)

    return arrays


def name_whole_mistake(got, catalog, names, arguments: Callable[[], tuple]) -> str:
    """The line naming the cataloged version whose dicts hold the arrays of ``got`` (a dict, or
    a tuple of dicts with the keys ``names``), '' when none does. Each version is called with
    ``arguments()``, drawn anew for each (a generator among them starts afresh)."""
    parts = got if isinstance(got, tuple) else (got,)
    try:
        arrays = tuple(np.asarray(part[name]) for part in parts for name in names)
    except (KeyError, TypeError, ValueError):
        return ""
    for why, wrong in catalog.items():
        line = name_mistake(arrays, {why: in_order(wrong, names)}, *arguments())
        if line:
            return line
    return ""


def _head(params, k, seed, scale, draw=lambda rng, shape: rng.standard_normal(shape)):
    """The new head's W drawn by ``draw`` and scaled by ``scale(fan_in)``."""
    last = _layers(params)
    fan_in = params[f"W{last}"].shape[0]
    return draw(np.random.default_rng(seed), (fan_in, k)) * scale(fan_in)


def same_array(returned, wrong) -> bool:
    """Is ``returned`` an array of the wrong answer's shape and values (to a relative 1e-9)?"""
    return (
        isinstance(returned, np.ndarray)
        and returned.dtype.kind in "iuf"
        and returned.shape == np.shape(wrong)
        and np.allclose(returned, wrong, rtol=1e-9, atol=0.0)
    )


def same_dicts(returned, wrong) -> bool:
    """Do the dicts ``returned`` (a dict, or a tuple of them) hold the names of the wrong
    answer's, no other, and its arrays under them (see `same_array`)?"""
    returned = returned if isinstance(returned, tuple) else (returned,)
    wrong = wrong if isinstance(wrong, tuple) else (wrong,)
    return len(returned) == len(wrong) and all(
        isinstance(got, dict)
        and set(got) == set(answer)
        and all(same_array(got[name], answer[name]) for name in answer)
        for got, answer in zip(returned, wrong)
    )


def name_head_mistake(student, value, params, k, seed) -> str:
    """The line naming the cataloged wrong head whose W is ``value``; '' when none is. Two
    scales can agree on one network (sqrt(1 / fan_in) and sqrt(2 / num_classes), when
    num_classes is twice fan_in): the student's function is then called on more networks,
    until one of them is left."""
    matching = [
        why
        for why, wrong in HEAD_MISTAKES.items()
        if name_mistake(value, {why: wrong}, params, k, seed)
    ]
    if len(matching) > 1:
        draws = np.random.default_rng(seed)
        probes = [
            (random_network(draws), int(draws.integers(2, 12)), int(draws.integers(2**31)))
            for _ in range(4)
        ]
        try:
            with unrecorded(student):  # the check's own probes, not the call that failed
                heads = [
                    student.call("replace_head", network, classes, generator_argument(probe))
                    for network, classes, probe in probes
                ]
        except StudentCallFailed:
            heads = None
        if heads is not None:
            matching = [
                why
                for why in matching
                if all(
                    isinstance(head, dict)
                    and same_array(
                        head.get(f"W{_layers(network)}"),
                        HEAD_MISTAKES[why](network, classes, probe),
                    )
                    for head, (network, classes, probe) in zip(heads, probes)
                )
            ] or matching
    return f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else ""


@CHECKS.check(
    "test_replace_head",
    "Is the new head the one this generator draws, and the rest unchanged?",
    weight=2,
)
def new_head(student, rng):
    # The last network is deep, so that "W10" follows "W9": a head found by sorting the names
    # as text, or by their last digit, is then the wrong layer.
    for layers in ((2, 6), (2, 6), (10, 14)):
        params = random_network(rng, layers)
        k, seed = int(rng.integers(2, 12)), int(rng.integers(2**31))
        last = _layers(params)
        call = f"replace_head(params of {last} layers, num_classes={k}, rng)"
        got = as_params(
            student.call("replace_head", params, k, generator_argument(seed)), params, call
        )
        expected = reference.replace_head(params, k, np.random.default_rng(seed))
        whole = name_whole_mistake(
            got,
            REPLACE_HEAD_MISTAKES,
            sorted(params),
            lambda params=params, k=k, seed=seed: (params, k, np.random.default_rng(seed)),
        )
        for name in params:
            try:
                value = as_array(got[name], f"{call}: {name}", expected[name].shape)
            except AssertionError as failure:  # a shape, or not an array
                if not whole and name == f"W{last}" and isinstance(got[name], np.ndarray):
                    whole = name_head_mistake(student, got[name], params, k, seed)
                raise CheckFailed(f"{failure}{whole}") from None
            try:
                assert_close(value, expected[name], rtol=1e-12, what=name)
            except AssertionError as failure:
                if whole:
                    hint = whole
                elif name.startswith("W") and int(name[1:]) == last:
                    hint = name_head_mistake(student, value, params, k, seed)
                elif name.startswith("b") and int(name[1:]) == last:
                    hint = "\n    The new bias is zeros."
                else:
                    hint = (
                        f"\n    Only layer {last} (the head) is replaced; "
                        f"{name} is kept as it was."
                    )
                raise CheckFailed(f"{call}: {failure}{hint}") from None


def one_layer_too_many_frozen(names, k, lr, f):
    return reference.learning_rates(names, k - 1, lr, f) if k > 1 else {n: 0.0 for n in names}


def head_at_fine_tune_rate(names, k, lr, f):
    return {
        n: (r * f if r == lr else r) for n, r in reference.learning_rates(names, k, lr, f).items()
    }


def rates_by_layer(names, num_layers, rate_of):
    """The rate of each name, ``rate_of(layer, num_layers)`` for the layer its digits give."""
    return {name: float(rate_of(int(name[1:]), num_layers)) for name in names}


def rates_counting_biases_as_layers(names, k, lr, f):
    return rates_by_layer(
        names,
        len(names),
        lambda layer, n: lr if layer == n else (lr * f if layer > n - k else 0.0),
    )


def rates_with_biases_frozen(names, k, lr, f):
    rates = reference.learning_rates(names, k, lr, f)
    return {name: (0.0 if name.startswith("b") else rate) for name, rate in rates.items()}


def rates_divided_by_the_factor(names, k, lr, f):
    return rates_by_layer(
        names,
        sum(1 for name in names if name.startswith("W")),
        lambda layer, n: lr if layer == n else (lr / f if layer > n - k else 0.0),
    )


def rates_counted_from_the_bottom(names, k, lr, f):
    return rates_by_layer(
        names,
        sum(1 for name in names if name.startswith("W")),
        lambda layer, n: lr if layer == n else (lr * f if layer <= k - 1 else 0.0),
    )


RATE_MISTAKES = {
    "one layer too many is frozen: "
    "the top num_trainable_layers layers train": one_layer_too_many_frozen,
    "one layer too few is frozen: layer l is frozen when l <= num_layers - num_trainable_layers": (
        lambda names, k, lr, f: reference.learning_rates(names, k + 1, lr, f)
    ),
    "the head learns with lr; "
    "only the pretrained layers below it get lr * fine_tune_factor": head_at_fine_tune_rate,
    "the layers are counted with their biases, twice as many as there are: a layer is a W "
    "and its b, so the number of layers is the number of W's": rates_counting_biases_as_layers,
    "the biases are frozen: a layer that trains trains its W and its b, at the same rate": (
        rates_with_biases_frozen
    ),
    "the fine-tuned layers' rate is lr divided by fine_tune_factor: the factor makes the "
    "pretrained layers learn more slowly than the head, so it multiplies lr": (
        rates_divided_by_the_factor
    ),
    "the fine-tuned layers are counted from the bottom: the layers that train are the top "
    "ones, the head and the num_trainable_layers - 1 layers right below it": (
        rates_counted_from_the_bottom
    ),
    "the head and the layers below it are swapped: the head learns with lr, the fine-tuned "
    "pretrained layers below it with lr * fine_tune_factor": lambda names, k, lr, f: (
        rates_by_layer(
            names,
            _layers(names),
            lambda layer, n: lr * f if layer == n else (lr if layer > n - k else 0.0),
        )
    ),
    "the fine-tuned layers get lr: fine_tune_factor is left out, and they learn with "
    "lr * fine_tune_factor, more slowly than the head": lambda names, k, lr, f: rates_by_layer(
        names, _layers(names), lambda layer, n: lr if layer > n - k else 0.0
    ),
    "the fine-tuned layers get fine_tune_factor itself: their rate is lr * fine_tune_factor, "
    "the factor times the head's rate": lambda names, k, lr, f: rates_by_layer(
        names,
        _layers(names),
        lambda layer, n: lr if layer == n else (f if layer > n - k else 0.0),
    ),
    "each layer down is fine_tune_factor times slower than the one above: every fine-tuned "
    "layer below the head gets the same rate, lr * fine_tune_factor": lambda names, k, lr, f: (
        rates_by_layer(
            names,
            _layers(names),
            lambda layer, n: lr * f ** (n - layer) if layer > n - k else 0.0,
        )
    ),
    "the frozen layers are left out of the dict: every parameter gets a rate, 0.0 for a "
    "frozen one, so that the training loop can look each one up": lambda names, k, lr, f: {
        name: rate for name, rate in reference.learning_rates(names, k, lr, f).items() if rate
    },
    "no layer is frozen: the layers below the top num_trainable_layers get the rate 0.0": (
        lambda names, k, lr, f: rates_by_layer(
            names, _layers(names), lambda layer, n: lr if layer == n else lr * f
        )
    ),
}


def rates_in_order(learning_rates, ordered):
    """``learning_rates`` giving the tuple of the rates of the names ``ordered``."""
    return lambda *args: tuple(learning_rates(*args).get(name, np.nan) for name in ordered)


def tell_apart(student, matching, catalog, function, cases, same) -> list[str]:
    """Of the cataloged mistakes ``matching`` (explanations of ``catalog``), those whose wrong
    version gives what the student's ``function`` returns on every case of ``cases``, by
    ``same(returned, wrong answer)``: two wrong versions can agree on the case that failed,
    rarely on all. ``matching`` itself when that leaves none, or a call fails."""
    if len(matching) < 2:
        return matching
    try:
        with unrecorded(student):  # the check's own probes, not the call that failed
            answers = [student.call(function, *case) for case in cases]
    except StudentCallFailed:
        return matching
    kept = [
        why
        for why in matching
        if all(same(answer, catalog[why](*case)) for answer, case in zip(answers, cases))
    ]
    return kept or matching


def same_rates(returned, wrong) -> bool:
    """Does the dict of rates returned hold the wrong version's rate for every name?"""
    if not (isinstance(returned, dict) and set(returned) == set(wrong)):
        return False
    try:
        return all(np.isclose(float(returned[n]), wrong[n], rtol=1e-9) for n in wrong)
    except (TypeError, ValueError):
        return False


def rate_case(rng, layers=(2, 7)) -> tuple:
    """(names in a random order, num_trainable_layers, lr, fine_tune_factor)."""
    num_layers = int(rng.integers(*layers))
    names = [f"{kind}{layer}" for layer in range(1, num_layers + 1) for kind in "Wb"]
    names = [names[i] for i in rng.permutation(len(names))]
    return (
        names,
        int(rng.integers(1, num_layers + 1)),
        float(rng.uniform(0.01, 1)),
        float(rng.uniform(0.01, 0.9)),
    )


@CHECKS.check(
    "test_learning_rates",
    "Does every parameter get the reference's rate, for any depth and split?",
)
def rates(student, rng):
    # The last two networks have 10 to 13 layers: "W10" is not "W1" and does not sort before "W9".
    cases = [rate_case(rng) for _ in range(4)] + [rate_case(rng, (10, 14)) for _ in range(2)]
    for names, k, lr, factor in cases:
        call = (
            f"learning_rates({names}, num_trainable_layers={k}, lr={lr:.4g}, "
            f"fine_tune_factor={factor:.4g})"
        )
        returned = student.call("learning_rates", names, k, lr, fine_tune_factor=factor)
        try:
            got = as_params(returned, names, call)
        except CheckFailed as failure:
            matching = [
                why
                for why, wrong in RATE_MISTAKES.items()
                if same_rates(returned, wrong(names, k, lr, factor))
            ]
            raise CheckFailed(
                f"{failure}" + (f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else "")
            ) from None
        expected = reference.learning_rates(names, k, lr, factor)
        ordered = sorted(names, key=lambda n: (int(n[1:]), n[0] != "W"))
        got_values = [as_float(got[n], f"{call}: rate of {n}") for n in ordered]
        try:
            assert_close(
                got_values,
                [expected[n] for n in ordered],
                rtol=1e-12,
                what=f"rates of {', '.join(ordered)}",
            )
        except AssertionError as failure:
            matching = [
                why
                for why, wrong in RATE_MISTAKES.items()
                if name_mistake(
                    tuple(got_values),
                    {why: rates_in_order(wrong, ordered)},
                    names,
                    k,
                    lr,
                    factor,
                )
            ]
            matching = tell_apart(
                student, matching, RATE_MISTAKES, "learning_rates", cases, same_rates
            )
            raise CheckFailed(
                f"{call}: {failure}" + (f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else "")
            ) from None


def momentum_by_parameter(params, grads, velocity, rates, rho, step, frozen_velocity):
    """A fine-tuning step whose trainable parameters take ``step(p, v, rate, grad)`` -> (p, v)
    and whose frozen ones keep their parameter, their velocity ``frozen_velocity(v)``."""
    new_params, new_velocity = {}, {}
    for name, value in params.items():
        if rates[name] == 0:
            new_params[name], new_velocity[name] = value, frozen_velocity(velocity[name])
        else:
            new_params[name], new_velocity[name] = step(
                value, velocity[name], rates[name], grads[name]
            )
    return new_params, new_velocity


def fine_tune_at_one_rate(params, grads, velocity, rates, rho=0.9):
    top = max(rates.values())
    return momentum_by_parameter(
        params,
        grads,
        velocity,
        rates,
        rho,
        lambda p, v, rate, g: (p + (rho * v - top * g), rho * v - top * g),
        lambda v: v,
    )


def fine_tune_frozen_moving(params, grads, velocity, rates, rho=0.9):
    new_velocity = {n: rho * velocity[n] - rates[n] * grads[n] for n in params}
    return {n: params[n] + new_velocity[n] for n in params}, new_velocity


def fine_tune_stepping_back(params, grads, velocity, rates, rho=0.9):
    return momentum_by_parameter(
        params,
        grads,
        velocity,
        rates,
        rho,
        lambda p, v, rate, g: (p - (rho * v - rate * g), rho * v - rate * g),
        lambda v: v,
    )


def fine_tune_frozen_velocity_zeroed(params, grads, velocity, rates, rho=0.9):
    return momentum_by_parameter(
        params,
        grads,
        velocity,
        rates,
        rho,
        lambda p, v, rate, g: (p + (rho * v - rate * g), rho * v - rate * g),
        np.zeros_like,
    )


def fine_tune_by_rule(step, frozen_velocity=lambda v, rho: v):
    """A wrong version of fine_tune_step whose trainable parameters take
    ``step(p, v, rate, grad, rho)`` -> (p, v) and whose frozen ones keep their parameter, their
    velocity ``frozen_velocity(v, rho)``."""
    return lambda params, grads, velocity, rates, rho=0.9: momentum_by_parameter(
        params,
        grads,
        velocity,
        rates,
        rho,
        lambda p, v, rate, g: step(p, v, rate, g, rho),
        lambda v: frozen_velocity(v, rho),
    )


def fine_tune_rate_on_everything(params, grads, velocity, rates, rho=0.9):
    new_velocity = {n: rates[n] * (rho * velocity[n] - grads[n]) for n in params}
    return {n: params[n] + new_velocity[n] for n in params}, new_velocity


FINE_TUNE_MISTAKES = {
    "every parameter that trains takes the largest rate, the head's: each takes its own "
    "rate, the one learning_rates gave its layer": fine_tune_at_one_rate,
    "the frozen parameters take the momentum step too, so their velocity moves them: a "
    "parameter of rate 0 is left as it is, it and its velocity": fine_tune_frozen_moving,
    "the rate multiplies the whole velocity, v = rate * (rho * v - grad), which wipes out a "
    "frozen parameter's velocity: the course's momentum is v = rho * v - rate * grad; "
    "p = p + v, and a frozen parameter keeps its velocity": fine_tune_rate_on_everything,
    "a frozen parameter's velocity still decays, rho * v: frozen, a parameter keeps its "
    "velocity as it was, untouched": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + (rho * v - rate * g), rho * v - rate * g),
        lambda v, rho: rho * v,
    ),
    "a frozen parameter's velocity is reset to zero: frozen, a parameter keeps its velocity "
    "too, as it was": fine_tune_frozen_velocity_zeroed,
    "the parameters move against the new velocity: the velocity already points downhill, so "
    "the step adds it": fine_tune_stepping_back,
    "the frozen parameters are left out of the returned dicts: a frozen parameter comes back "
    "as it was, it and its velocity, so that every parameter is still there for the next "
    "step": lambda params, grads, velocity, rates, rho=0.9: tuple(
        {name: value for name, value in part.items() if rates[name]}
        for part in reference.fine_tune_step(params, grads, velocity, rates, rho)
    ),
    "the velocity returned is the old one: the step computes v = rho * v - rate * grad, moves "
    "p by it, and returns this new v for the next step": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + (rho * v - rate * g), v)
    ),
    "the parameters move by the old velocity, before it is updated: first v = rho * v - "
    "rate * grad, then p = p + v with the new v": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + v, rho * v - rate * g)
    ),
    "the velocity has the opposite sign, v = rho * v + rate * grad with p = p - v: the same "
    "steps, but the course's velocity is v = rho * v - rate * grad, added, p = p + v": (
        fine_tune_by_rule(
            lambda p, v, rate, g, rho: (p - (rho * v + rate * g), rho * v + rate * g)
        )
    ),
    "the rate multiplies the velocity, v = rho * v - grad; p = p + rate * v: the course's "
    "velocity carries the rate, v = rho * v - rate * grad; p = p + v": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + rate * (rho * v - g), rho * v - g)
    ),
    "this is PyTorch's momentum, v = rho * v + grad; p = p - rate * v, whose velocity has no "
    "rate in it: the course's is v = rho * v - rate * grad; p = p + v": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p - rate * (rho * v + g), rho * v + g)
    ),
    "the rate is applied twice, p = p + rate * v with v = rho * v - rate * grad: the velocity "
    "already carries the rate, p = p + v": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + rate * (rho * v - rate * g), rho * v - rate * g)
    ),
    "rho multiplies the gradient too, v = rho * (v - rate * grad): only the old velocity "
    "decays, v = rho * v - rate * grad": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + rho * (v - rate * g), rho * (v - rate * g))
    ),
    "rho is left out, v = -rate * grad, a plain gradient step: the velocity carries the past, "
    "v = rho * v - rate * grad": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p - rate * g, -rate * g)
    ),
    "rho is always 0.9: the velocity decays by `rho`, the argument given (0.9 is only its "
    "default)": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (p + (0.9 * v - rate * g), 0.9 * v - rate * g)
    ),
    "this is Nesterov's step, p - rho * v + (1 + rho) * v_new: fine-tuning takes the plain "
    "momentum step, v = rho * v - rate * grad; p = p + v": fine_tune_by_rule(
        lambda p, v, rate, g, rho: (
            p - rho * v + (1 + rho) * (rho * v - rate * g),
            rho * v - rate * g,
        )
    ),
}


def step_network(student, rng, params, rates, velocity, num_steps, rho):
    """Step the student's fine_tune_step beside the reference, fed its own parameters; report the
    first parting."""
    frozen = [name for name, rate in rates.items() if rate == 0]
    for step in range(1, num_steps + 1):
        grads = {name: rng.standard_normal(value.shape) for name, value in params.items()}
        call = (
            f"fine_tune_step at step {step} of {num_steps} "
            f"(rho={rho:.3g}; frozen: {', '.join(frozen) or 'none'})"
        )
        got = as_tuple(
            student.call("fine_tune_step", params, grads, velocity, rates, rho=rho),
            ("params", "velocity"),
            call,
        )
        try:
            got_params, got_velocity = (
                as_params(part, params, f"{call}: {which}")
                for part, which in zip(got, ("params", "velocity"))
            )
        except CheckFailed as failure:
            matching = [
                why
                for why, wrong in FINE_TUNE_MISTAKES.items()
                if same_dicts(tuple(got), wrong(params, grads, velocity, rates, rho))
            ]
            raise CheckFailed(
                f"{failure}" + (f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else "")
            ) from None
        expected_params, expected_velocity = reference.fine_tune_step(
            params, grads, velocity, rates, rho
        )
        named = name_whole_mistake(
            (got_params, got_velocity),
            FINE_TUNE_MISTAKES,
            list(params),
            lambda given=(params, grads, velocity, rates, rho): given,
        )
        for name in params:
            value = as_array(got_params[name], f"{call}: {name}", params[name].shape)
            speed = as_array(got_velocity[name], f"{call}: velocity of {name}", params[name].shape)
            if name in frozen:
                if not (
                    np.array_equal(value, params[name]) and np.array_equal(speed, velocity[name])
                ):
                    moved = (
                        "moved"
                        if not np.array_equal(value, params[name])
                        else "kept its parameter but changed its velocity"
                    )
                    raise CheckFailed(
                        f"{call}: {name} is frozen (rate 0) but {moved}"
                        + (
                            "; a frozen parameter with velocity left from earlier training "
                            "must still stay put: skip it, do not apply v = rho * v"
                            if np.any(velocity[name])
                            else ""
                        )
                        + named
                    )
                continue
            try:
                assert_close(value, expected_params[name], rtol=1e-12, atol=1e-15, what=name)
                assert_close(
                    speed,
                    expected_velocity[name],
                    rtol=1e-12,
                    atol=1e-15,
                    what=f"velocity of {name}",
                )
            except AssertionError as failure:
                raise CheckFailed(
                    f"{call}: {failure} (rate {rates[name]:.4g}; the course's momentum: "
                    "v = rho * v - rate * grad; p = p + v)" + named
                ) from None
        params, velocity = (
            {n: np.asarray(got_params[n], dtype=np.float64) for n in params},
            {n: np.asarray(got_velocity[n], dtype=np.float64) for n in params},
        )


@CHECKS.check(
    "test_fine_tune_step",
    "Does it follow the reference for 6 steps, frozen layers staying put?",
    weight=2,
)
def fine_tuning(student, rng):
    params = random_network(rng, (3, 6))
    names = list(params)
    k = int(rng.integers(1, sum(1 for n in names if n.startswith("W"))))
    rates = reference.learning_rates(
        names, k, float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.05, 0.5))
    )
    step_network(
        student,
        rng,
        params,
        rates,
        {n: np.zeros_like(v) for n, v in params.items()},
        6,
        float(rng.uniform(0.5, 0.99)),
    )


@CHECKS.check(
    "test_fine_tune_step",
    "Does a layer frozen mid-training stay put, though it still has velocity?",
)
def frozen_with_velocity(student, rng):
    params = random_network(rng, (3, 6))
    velocity = {name: rng.standard_normal(value.shape) * 0.1 for name, value in params.items()}
    rates = reference.learning_rates(list(params), 1, float(rng.uniform(0.01, 0.5)))
    step_network(student, rng, params, rates, velocity, 3, 0.9)


# test_trained_parameter_count: a prediction, checked against a count taken on networks built
# here with the reference's replace_head and learning_rates.
SECTIONS["test_trained_parameter_count"] = "the-recipe-a-new-head-and-one-learning-rate-per-layer"


def count_of(chosen, widths_of=lambda sizes, k: [*sizes[:-1], k], size=lambda n, m: (n + 1) * m):
    """A count of the parameters of the layers ``chosen(layers, trainable)`` picks, the layers
    (fan_in, fan_out) of ``widths_of(sizes, num_classes)``, each of ``size(fan_in, fan_out)``
    entries."""

    def count(sizes, num_classes, trainable):
        widths = widths_of(list(sizes), num_classes)
        layers = list(zip(widths[:-1], widths[1:]))
        return sum(size(n, m) for n, m in chosen(layers, trainable))

    return count


def top(layers, trainable):
    return layers[-trainable:]


# Wrong counts, taking trained_parameter_count's arguments.
PARAMETER_COUNT_MISTAKES = {
    "the biases are not counted: each layer that trains has fan_in * fan_out weights and "
    "fan_out biases, (fan_in + 1) * fan_out": count_of(top, size=lambda n, m: n * m),
    "each layer's biases are counted by its fan_in: a layer has one bias per output, "
    "(fan_in + 1) * fan_out in all": count_of(top, size=lambda n, m: (m + 1) * n),
    "the head keeps the old width, sizes[-1]: the new head has num_classes outputs, so its "
    "fan_out is num_classes": count_of(top, widths_of=lambda sizes, k: sizes),
    "the new head is counted on top of the old one, as one more layer: it replaces the old "
    "head, so the widths are sizes[:-1] + [num_classes]": count_of(
        top, widths_of=lambda sizes, k: [*sizes, k]
    ),
    "the bottom layers are counted: the layers that train are the top num_trainable_layers, "
    "the head and the layers right below it": count_of(lambda layers, t: layers[:t]),
    "one layer too many is counted, the head and num_trainable_layers layers below it: "
    "num_trainable_layers counts the head": count_of(lambda layers, t: layers[-t - 1 :]),
    "the head is not counted: the num_trainable_layers layers that train include the head, "
    "the top layer": count_of(lambda layers, t: layers[-t - 1 : -1]),
    "only the head is counted: the top num_trainable_layers layers train, the head and the "
    "num_trainable_layers - 1 below it": count_of(lambda layers, t: layers[-1:]),
    "every layer is counted: the layers below the top num_trainable_layers are frozen and "
    "train nothing": count_of(lambda layers, t: layers),
    "the frozen layers are counted instead of the ones that train: count the top "
    "num_trainable_layers layers, the head among them": count_of(
        lambda layers, t: layers[: len(layers) - t]
    ),
}


def count_case(rng) -> tuple:
    """(sizes, num_classes, num_trainable_layers, the count), the count taken on a network built
    with the reference's replace_head and learning_rates."""
    num_layers = int(rng.integers(2, 6))
    sizes = [int(n) for n in rng.integers(2, 40, size=num_layers + 1)]
    num_classes = int(rng.integers(2, 12))
    while num_classes == sizes[-1]:  # a head of another width, so that its size shows
        num_classes = int(rng.integers(2, 12))
    trainable = int(rng.integers(1, num_layers + 1))
    params = reference.replace_head(init_mlp(sizes, seed=0), num_classes, rng)
    rates = reference.learning_rates(list(params), trainable, 0.1)
    return sizes, num_classes, trainable, sum(params[n].size for n in params if rates[n] > 0)


@CHECKS.check(
    "test_trained_parameter_count",
    "Does it count every weight and bias that fine-tuning trains, and no other?",
)
def counts_what_trains(student, rng):
    cases = [count_case(rng) for _ in range(6)]
    for sizes, num_classes, trainable, expected in cases:
        got = student.call("trained_parameter_count", sizes, num_classes, trainable)
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise CheckFailed(f"trained_parameter_count(): expected a whole number, got {got!r}")
        if float(got) != expected:
            matching = [
                why
                for why, wrong in PARAMETER_COUNT_MISTAKES.items()
                if name_mistake(float(got), {why: wrong}, sizes, num_classes, trainable)
            ]
            matching = tell_apart(
                student,
                matching,
                PARAMETER_COUNT_MISTAKES,
                "trained_parameter_count",
                [case[:3] for case in cases],
                lambda returned, wrong: (
                    isinstance(returned, (int, float, np.integer, np.floating))
                    and float(returned) == wrong
                ),
            )
            raise CheckFailed(
                f"trained_parameter_count({sizes}, {num_classes}, {trainable}): got {got}, "
                f"expected {expected} (exactly): count the weights and biases of every layer "
                f"that learning_rates gives a nonzero rate, with the new head's width"
                + (f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else "")
            )
