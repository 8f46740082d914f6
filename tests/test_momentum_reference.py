"""The momentum references against torch.optim.SGD, the notes' original Nesterov form and
closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch

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
