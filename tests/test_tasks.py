"""The checks of choices and predictions (autograder/checks/tasks.py), on the momentum exercise's:
a sound choice by the theory passes on every seed, a poor one fails on every seed and is told
what it reached, a wrong prediction is told the theory's value and, when known, its mistake."""

from __future__ import annotations

import numpy as np
import pytest
from grading_support import failure_messages

from autograder.checks import CheckFailed
from autograder.checks.tasks import Setting, assert_predicted, assert_reaches, chosen_settings
from autograder.reference import momentum as reference

SEEDS = range(60)
RIGHT = {
    name: getattr(reference, name)
    for name in ("momentum_step", "nesterov_step", "choose_momentum", "momentum_speedup")
}


def tuned(mu, nu_max):
    return reference.choose_momentum(mu, nu_max)


def root_kappa(mu, nu_max):
    return np.sqrt(nu_max / mu)


# Choices the chapter's theory supports, near its optimum: each must reach the target.
SOUND = {
    "the optimal tuning": tuned,
    "a learning rate 20% smaller": lambda mu, nu_max: (
        0.8 * tuned(mu, nu_max)[0],
        tuned(mu, nu_max)[1],
    ),
    "a friction 20% closer to 1": lambda mu, nu_max: (
        tuned(mu, nu_max)[0],
        1 - 0.8 * (1 - tuned(mu, nu_max)[1]),
    ),
    "the friction's square root left out": lambda mu, nu_max: (
        tuned(mu, nu_max)[0],
        (root_kappa(mu, nu_max) - 1) / (root_kappa(mu, nu_max) + 1),
    ),
    "Nesterov's tuning, lr 1/nu_max": lambda mu, nu_max: (
        1 / nu_max,
        (root_kappa(mu, nu_max) - 1) / (root_kappa(mu, nu_max) + 1),
    ),
}
# Poor choices: each must fail, on every seed (tests/wrong_versions/momentum.py has more).
POOR = {
    "a fixed friction 0.9": lambda mu, nu_max: (1 / nu_max, 0.9),
    "a fixed friction 0.5": lambda mu, nu_max: (1 / nu_max, 0.5),
    "gradient descent at its best": lambda mu, nu_max: (2 / (mu + nu_max), 0.0),
    "a learning rate 20% too large": lambda mu, nu_max: (
        1.2 * tuned(mu, nu_max)[0],
        tuned(mu, nu_max)[1],
    ),
}


@pytest.mark.parametrize("choice", SOUND)
def test_does_every_sound_choice_reach_the_target_on_every_seed(choice):
    failed = {
        seed: messages
        for seed in SEEDS
        if (
            messages := failure_messages(
                "momentum", dict(RIGHT, choose_momentum=SOUND[choice]), seed
            )["test_choose_momentum"]
        )
    }
    assert not failed, failed


@pytest.mark.parametrize("choice", POOR)
def test_does_every_poor_choice_fail_on_every_seed_saying_what_it_reached(choice):
    for seed in SEEDS:
        messages = failure_messages("momentum", dict(RIGHT, choose_momentum=POOR[choice]), seed)[
            "test_choose_momentum"
        ]
        assert messages, f"{choice} passed on seed {seed}"
        for message in messages:
            assert message.startswith("with lr=") and "condition number" in message, message
            assert "the target was 1e-08" in message or "diverged" in message, message
            assert "momentum gets there in" in message, message
            assert "sqrt" not in message, message  # no formula given away


def test_does_the_tuned_run_leave_room_on_every_seed():
    """The theory's tuning needs at most 8 sqrt(kappa) steps of the 12 sqrt(kappa) allowed."""
    from autograder.checks import momentum

    worst = 0.0
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        for band in momentum.CONDITION_BANDS:
            problem, mu, nu_max, kappa = momentum.tuning_problem(rng, band)
            steps = int(np.ceil(momentum.STEPS_PER_ROOT_KAPPA * np.sqrt(kappa)))
            fractions = momentum.loss_fractions(problem, *tuned(mu, nu_max), steps)
            worst = max(worst, np.argmax(fractions <= momentum.TARGET) / np.sqrt(kappa))
    assert 0 < worst <= 8.5


def test_are_returned_settings_checked_for_their_range():
    settings = (Setting("lr", low=0.0, words="a positive number"),)
    assert chosen_settings(0.5, settings, "f") == {"lr": 0.5}
    for bad, says in [
        (0.0, "it must be a positive number"),
        (float("nan"), "it must be a positive number"),
        ("0.1", "expected a single number"),
    ]:
        with pytest.raises(AssertionError, match=says):
            chosen_settings(bad, settings, "f")
    pair = (Setting("lr", low=0.0), Setting("rho", 0.0, 1.0, low_included=True))
    with pytest.raises(CheckFailed, match=r"expected a tuple \(lr, rho\)"):
        chosen_settings(0.5, pair, "f")
    assert chosen_settings([0.5, 0.0], pair, "f") == {"lr": 0.5, "rho": 0.0}


def test_does_a_missed_target_say_the_settings_the_value_and_the_hint():
    assert_reaches(1e-9, 1e-8, {"lr": 0.1}, on="on q", measured="the loss")
    with pytest.raises(CheckFailed) as failure:
        assert_reaches(
            3e-2, 1e-8, {"lr": 0.1, "rho": 0.9}, on="on q", measured="the loss", hint="H."
        )
    assert (
        str(failure.value)
        == "with lr=0.1, rho=0.9 on q, the loss was 0.03, the target was 1e-08. H."
    )
    with pytest.raises(CheckFailed, match="diverged"):
        assert_reaches(float("inf"), 1e-8, {"lr": 9.0}, on="on q", measured="the loss")


def test_does_a_wrong_prediction_get_the_theorys_value_and_its_mistake_named():
    given = {"rho": 0.9, "t": 5}
    assert_predicted(
        reference.momentum_speedup(**given) * (1 + 1e-8),
        reference.momentum_speedup(**given),
        rtol=1e-6,
        function="momentum_speedup",
        given=given,
    )
    with pytest.raises(CheckFailed) as failure:
        assert_predicted(
            10.0,
            reference.momentum_speedup(**given),
            rtol=1e-6,
            function="momentum_speedup",
            given=given,
            mistakes={"the limit": lambda rho, t: 1 / (1 - rho)},
        )
    message = str(failure.value)
    assert "momentum_speedup(rho=0.9, t=5): got 10, expected 4.0951" in message
    assert "relative tolerance 1e-06" in message and "Likely mistake: the limit" in message
