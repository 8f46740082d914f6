"""The momentum references against torch.optim.SGD, the notes' original Nesterov form and
closed forms; and the hidden checks against known-wrong versions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_support import failed_checks, failure_messages

from autograder.checks.momentum import MOMENTUM_MISTAKES, NESTEROV_MISTAKES
from autograder.reference.momentum import momentum_step, nesterov_step
from optlab.optimize import run
from optlab.problems import Rosenbrock, quadratic

PROBLEMS = [quadratic(25.0, dim=3, seed=4), Rosenbrock()]


def torch_trajectory(problem, w0, num_steps, lr, **options):
    """The iterates of torch.optim.SGD, with gradients from the problem (not autograd)."""
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr, **options)
    path = [w.detach().numpy().copy()]
    for _ in range(num_steps):
        optimizer.zero_grad()
        w.grad = torch.tensor(problem.grad(w.detach().numpy()), dtype=torch.float64)
        optimizer.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


def first_parting(a, b, rtol=1e-10, atol=1e-13) -> int | None:
    """The first step where two trajectories differ (None if they never do)."""
    for k, (x, y) in enumerate(zip(a, b)):
        if not np.allclose(x, y, rtol=rtol, atol=atol):
            return k
    return None


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "rule,options",
    [(momentum_step, {"momentum": 0.9}), (nesterov_step, {"momentum": 0.9, "nesterov": True})],
    ids=["momentum", "nesterov"],
)
def test_does_it_step_like_torch_sgd(problem, rule, options):
    w0 = problem.start if problem.start is not None else np.ones(3)
    lr = 1e-4 if problem.name == "rosenbrock" else 0.02
    ours = run(rule, problem.grad, w0, 60, state=(np.zeros_like(w0),), lr=lr, rho=0.9)
    theirs = torch_trajectory(problem, w0, 60, lr, **options)
    assert first_parting(ours, theirs) is None


def test_is_nesterov_the_notes_look_ahead_form_after_the_change_of_variables():
    """x_{t+1} = x_t + v_{t+1}, v_{t+1} = rho v_t - lr grad(x_t + rho v_t): the look-ahead
    point x_t + rho v_t is what nesterov_step keeps as its weights."""
    problem, rho, lr = quadratic(40.0, dim=2, seed=7), 0.8, 0.01
    x, v = np.array([2.0, -1.0]), np.zeros(2)
    w_tilde, v_tilde = x + rho * v, v.copy()
    for _ in range(40):
        v = rho * v - lr * problem.grad(x + rho * v)
        x = x + v
        w_tilde, v_tilde = nesterov_step(w_tilde, problem.grad(w_tilde), v_tilde, lr, rho)
        assert np.allclose(w_tilde, x + rho * v, rtol=1e-12) and np.allclose(
            v_tilde, v, rtol=1e-12
        )


def test_does_momentum_on_a_1d_quadratic_follow_its_closed_form():
    """On L = a w^2 / 2 the pair (w, v) evolves linearly: [w, v]_{t+1} = M [w, v]_t."""
    a, lr, rho = 3.0, 0.1, 0.7
    M = np.array([[1 - lr * a, rho], [-lr * a, rho]])
    state = np.array([1.0, 0.0])
    w, v = np.array([1.0]), np.zeros(1)
    for _ in range(30):
        w, v = momentum_step(w, a * w, v, lr, rho)
        state = M @ state
        assert np.allclose([w[0], v[0]], state, rtol=1e-12)


def test_do_the_rules_leave_their_inputs_alone():
    w, dw, v = np.ones(3), np.ones(3), np.ones(3)
    for rule in (momentum_step, nesterov_step):
        rule(w, dw, v, 0.1)
        assert np.array_equal(w, np.ones(3)) and np.array_equal(v, np.ones(3))


RIGHT = {"momentum_step": momentum_step, "nesterov_step": nesterov_step}
MUTANTS = {
    "test_momentum_step": {
        "flipped sign": lambda w, dw, v, lr, rho=0.9: (w - (rho * v + lr * dw), rho * v + lr * dw),
        "PyTorch's velocity": lambda w, dw, v, lr, rho=0.9: (
            w - lr * (rho * v + dw),
            rho * v + dw,
        ),
        "velocity not carried": lambda w, dw, v, lr, rho=0.9: (w - lr * dw, -lr * dw),
        "rho defaults to 0.99": lambda w, dw, v, lr, rho=0.99: momentum_step(w, dw, v, lr, rho),
        "returns the old velocity": lambda w, dw, v, lr, rho=0.9: (
            momentum_step(w, dw, v, lr, rho)[0],
            v,
        ),
    },
    "test_nesterov_step": {
        "plain momentum": momentum_step,
        "velocity not carried": lambda w, dw, v, lr, rho=0.9: nesterov_step(w, dw, 0 * v, lr, rho),
        "(1 - rho) for (1 + rho)": lambda w, dw, v, lr, rho=0.9: (
            w - rho * v + (1 - rho) * (rho * v - lr * dw),
            rho * v - lr * dw,
        ),
    },
}


def test_does_the_reference_pass_every_hidden_check():
    assert failed_checks("momentum", RIGHT) == {"test_momentum_step": [], "test_nesterov_step": []}


@pytest.mark.parametrize("grade_id,mutant", [(g, m) for g, ms in MUTANTS.items() for m in ms])
def test_is_each_known_wrong_version_caught(grade_id, mutant):
    rule = grade_id.removeprefix("test_")
    failures = failed_checks("momentum", dict(RIGHT, **{rule: MUTANTS[grade_id][mutant]}))
    assert failures[grade_id], f"{mutant!r} passed every check"


@pytest.mark.parametrize(
    "rule,why",
    [("momentum_step", why) for why in MOMENTUM_MISTAKES]
    + [("nesterov_step", why) for why in NESTEROV_MISTAKES],
)
def test_does_feedback_name_each_cataloged_mistake_and_no_other(rule, why):
    catalog = MOMENTUM_MISTAKES if rule == "momentum_step" else NESTEROV_MISTAKES
    messages = failure_messages("momentum", dict(RIGHT, **{rule: catalog[why]}))[f"test_{rule}"]
    assert messages and any(f"Likely mistake: {why}" in message for message in messages), messages
    assert not any(
        other in message for message in messages for other in catalog if other != why
    ), messages


def test_does_a_nesterov_gradient_at_the_wrong_point_send_the_reader_to_the_change_of_variables():
    from autograder.checks import CheckResult, load_registry

    wrong_point = next(why for why in NESTEROV_MISTAKES if "not the look-ahead point" in why)
    failed = [CheckResult("q", False, 1.0, f"parts at step 2\n    Likely mistake: {wrong_point}")]
    assert (
        load_registry("momentum").section_for("test_nesterov_step", failed)
        == "the-change-of-variables"
    )
