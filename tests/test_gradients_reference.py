"""The gradients reference against closed forms and independent implementations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.differentiate import jacobian

from autograder.reference import gradients as reference
from optlab.problems import Quadratic, Rosenbrock, Saddle, quadratic

RNG = np.random.default_rng(20261124)


def scipy_gradient(f, w):
    """An independent numeric gradient: SciPy's adaptive, extrapolated finite differences."""
    w = np.asarray(w, dtype=np.float64)
    flat = lambda v: np.apply_along_axis(lambda column: f(column.reshape(w.shape)), 0, v)  # noqa: E731
    return jacobian(flat, w.reshape(-1)).df.reshape(w.shape)


def naive_svm_loss(W, X, y):
    """The multiclass SVM loss and gradient written the slow, obvious way (an independent
    version)."""
    n, c = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(n):
        scores = X[i] @ W
        for j in range(c):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / n, dW / n


# --- numeric_gradient ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "problem", [quadratic(30.0, dim=5, seed=1), Rosenbrock(), Saddle()], ids=lambda p: p.name
)
def test_does_the_numeric_gradient_match_the_closed_form(problem):
    w = RNG.uniform(-1.0, 1.0, problem.start.shape if problem.start is not None else 5)
    assert np.allclose(
        reference.numeric_gradient(problem.loss, w.copy()), problem.grad(w), rtol=1e-6, atol=1e-8
    )


def test_does_the_numeric_gradient_match_scipy_on_a_smooth_function():
    f = lambda W: float(np.sum(np.sin(W) * np.exp(W[::-1])))  # noqa: E731
    W = RNG.standard_normal((3, 4))
    assert np.allclose(
        reference.numeric_gradient(f, W.copy()), scipy_gradient(f, W), rtol=1e-7, atol=1e-9
    )


def test_is_the_centered_difference_exact_on_a_quadratic_and_second_order_elsewhere():
    w = np.array([0.7])
    quadratic_error = reference.numeric_gradient(lambda v: 3 * v[0] ** 2, w.copy(), h=1e-2) - 6 * w
    assert abs(quadratic_error[0]) < 1e-10
    cubic = lambda v: v[0] ** 3  # noqa: E731 - centered error is exactly h^2
    for h in (1e-1, 1e-2):
        assert reference.numeric_gradient(cubic, w.copy(), h=h)[0] - 3 * w[
            0
        ] ** 2 == pytest.approx(h * h, rel=1e-6)


def test_does_the_numeric_gradient_restore_w_and_refuse_float32():
    w = RNG.standard_normal(4)
    before = w.copy()
    reference.numeric_gradient(lambda v: float(v @ v), w)
    assert np.array_equal(w, before)
    with pytest.raises(TypeError, match="float64"):
        reference.numeric_gradient(lambda v: float(v @ v), w.astype(np.float32))


# --- relative_error and gradient_check ----------------------------------------------------


def test_is_the_relative_error_the_lectures_formula():
    assert reference.relative_error(np.array([1.0, 4.0]), np.array([1.0, 5.0])) == pytest.approx(
        1 / 9
    )
    assert reference.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # both tiny: the floor 1e-8 replaces |x|+|y| = 3e-10
    assert reference.relative_error(np.array([1e-10]), np.array([2e-10])) == pytest.approx(1e-2)
    assert reference.relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    with pytest.raises(ValueError):
        reference.relative_error(np.zeros(2), np.zeros(3))


def test_does_the_gradient_check_tell_right_from_wrong():
    bowl = quadratic(10.0, dim=4, seed=3)
    w = RNG.standard_normal(4)
    assert reference.gradient_check(bowl.loss, bowl.grad, w.copy()) < 1e-7
    assert reference.gradient_check(bowl.loss, lambda v: bowl.grad(v) * 1.1, w.copy()) > 1e-2
    lopsided = Quadratic(
        A=np.array([[2.0, 1.0], [0.0, 2.0]]), b=np.zeros(2)
    )  # grad ignores A's asymmetry
    assert reference.gradient_check(lopsided.loss, lopsided.grad, np.array([1.0, 1.0])) > 1e-2


# --- svm_loss -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_does_the_svm_loss_match_a_naive_implementation(seed):
    rng = np.random.default_rng(seed)
    X, y, W = rng.standard_normal((12, 5)), rng.integers(0, 4, 12), rng.standard_normal((5, 4))
    loss, dW = reference.svm_loss(W, X, y)
    naive_loss, naive_dW = naive_svm_loss(W, X, y)
    assert loss == pytest.approx(naive_loss, rel=1e-12)
    assert np.allclose(dW, naive_dW, rtol=1e-12, atol=1e-14)


def test_does_the_svm_gradient_match_scipys_numeric_gradient():
    X, y, W = RNG.standard_normal((10, 4)), RNG.integers(0, 3, 10), RNG.standard_normal((4, 3))
    _, dW = reference.svm_loss(W, X, y)
    assert np.allclose(
        dW, scipy_gradient(lambda V: reference.svm_loss(V, X, y)[0], W), rtol=1e-6, atol=1e-8
    )


def test_is_the_svm_loss_at_zero_weights_c_minus_one():
    X, y = RNG.standard_normal((7, 3)), np.array([0, 1, 2, 3, 0, 1, 2])
    loss, dW = reference.svm_loss(np.zeros((3, 4)), X, y)
    assert loss == pytest.approx(3.0)  # every margin is exactly 1, for C - 1 = 3 wrong classes
    expected = np.stack([X[y != k].sum(0) - 3 * X[y == k].sum(0) for k in range(4)], axis=1) / 7
    assert np.allclose(dW, expected)


@pytest.mark.parametrize(
    "machine_epsilon,loss_value,third_derivative",
    [(np.finfo(np.float64).eps, 1.0, 1.0), (1e-7, -30.0, 0.02), (1e-18, 2e-3, -400.0)],
)
def test_is_best_h_the_minimum_of_the_error_model_on_a_fine_grid(
    machine_epsilon, loss_value, third_derivative
):
    hs = np.geomspace(1e-12, 1e2, 400_001)
    model = hs**2 / 6 * abs(third_derivative) + machine_epsilon * abs(loss_value) / hs
    best = reference.best_h(machine_epsilon, loss_value, third_derivative)
    assert np.isclose(best, hs[np.argmin(model)], rtol=1e-4)
