"""The gradient-descent reference against closed forms."""

from __future__ import annotations

import numpy as np

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

    def distance(lr):
        return np.linalg.norm(
            gradient_descent(problem.grad, np.ones(2), lr, 400)[-1] - problem.minimizer
        )

    assert distance(1.99 / L) < distance(0.0) and distance(2.05 / L) > 1e3


def test_does_it_keep_the_start_and_shape():
    W0 = np.ones((2, 3))
    path = gradient_descent(lambda W: 2 * W, W0, 0.25, 3)
    assert path.shape == (4, 2, 3) and np.array_equal(path[0], W0)
    assert np.allclose(path[:, 0, 0], [1, 0.5, 0.25, 0.125]) and np.array_equal(
        W0, np.ones((2, 3))
    )


def test_is_the_best_learning_rate_the_fastest_of_a_fine_sweep():
    """No learning rate of a fine grid gives a smaller worst-case rate max_i |1 - lr nu_i|, and
    gradient descent with it shrinks the error as fast as that rate says."""
    from autograder.reference.gradient_descent import best_learning_rate

    for kappa, seed in ((3.0, 0), (50.0, 1), (1000.0, 2)):
        problem = quadratic(kappa, dim=6, seed=seed)
        best = best_learning_rate(problem.A)
        sweep = np.linspace(1e-4, 2 / problem.eigenvalues[-1], 20001)
        rates = np.max(np.abs(1 - np.multiply.outer(sweep, problem.eigenvalues)), axis=1)
        best_rate = np.max(np.abs(1 - best * problem.eigenvalues))
        assert best_rate <= rates.min() + 1e-12
        assert np.isclose(best_rate, (kappa - 1) / (kappa + 1), rtol=1e-9)
