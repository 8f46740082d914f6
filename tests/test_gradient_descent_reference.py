"""The gradient-descent reference against closed forms; the hidden checks against wrong versions."""

from __future__ import annotations

import numpy as np
import pytest
from grading_support import failed_checks, failure_messages

from autograder.checks.gradient_descent import MISTAKES as GD_MISTAKES
from autograder.reference.gradient_descent import gradient_descent
from optlab.problems import quadratic


def test_does_it_follow_the_closed_form_on_a_quadratic():
    """On a quadratic, w_k - w* = (I - lr A)^k (w_0 - w*)."""
    problem = quadratic(20.0, dim=3, seed=1)
    w0, lr = np.array([2.0, -1.0, 0.5]), 0.05
    path = gradient_descent(problem.grad, w0, lr, 25)
    step = np.eye(3) - lr * problem.A
    for k in range(26):
        expected = problem.minimizer + np.linalg.matrix_power(step, k) @ (w0 - problem.minimizer)
        assert np.allclose(path[k], expected, rtol=1e-10, atol=1e-12)


def test_is_two_over_l_the_edge_of_stability():
    problem = quadratic(10.0, dim=2, seed=3)
    L = problem.eigenvalues[-1]
    distance = lambda lr: np.linalg.norm(
        gradient_descent(problem.grad, np.ones(2), lr, 400)[-1] - problem.minimizer
    )  # noqa: E731
    assert distance(1.99 / L) < distance(0.0) and distance(2.05 / L) > 1e3


def test_does_it_keep_the_start_and_shape():
    W0 = np.ones((2, 3))
    path = gradient_descent(lambda W: 2 * W, W0, 0.25, 3)
    assert path.shape == (4, 2, 3) and np.array_equal(path[0], W0)
    assert np.allclose(path[:, 0, 0], [1, 0.5, 0.25, 0.125]) and np.array_equal(
        W0, np.ones((2, 3))
    )


MUTANTS = {
    "drops the start": lambda grad, w0, lr, n: gradient_descent(grad, w0, lr, n + 1)[1:],
    "ascends": lambda grad, w0, lr, n: gradient_descent(grad, w0, -lr, n),
    "clips divergence": lambda grad, w0, lr, n: np.clip(
        gradient_descent(grad, w0, lr, n), -10, 10
    ),
    "one step short": lambda grad, w0, lr, n: np.concatenate(
        [
            gradient_descent(grad, w0, lr, max(n - 1, 0)),
            gradient_descent(grad, w0, lr, max(n - 1, 0))[-1:],
        ]
    )[: n + 1],
}


def test_does_the_reference_pass_every_hidden_check():
    assert failed_checks("gradient_descent", {"gradient_descent": gradient_descent}) == {
        "test_gradient_descent": []
    }


@pytest.mark.parametrize("mutant", MUTANTS)
def test_is_each_known_wrong_version_caught(mutant):
    assert failed_checks("gradient_descent", {"gradient_descent": MUTANTS[mutant]})[
        "test_gradient_descent"
    ]


@pytest.mark.parametrize("why", list(GD_MISTAKES))
def test_does_feedback_name_each_cataloged_mistake(why):
    messages = failure_messages("gradient_descent", {"gradient_descent": GD_MISTAKES[why]})[
        "test_gradient_descent"
    ]
    assert any(why in message for message in messages), messages
