"""Hidden checks for the gradients exercise (solutions/gradients/gradients.ipynb).

Grade cells and what their checks ask:
    test_numeric_gradient  numeric_gradient(f, w, h=1e-5)  centered, any shape, honours h
    test_relative_error    relative_error(a, n)             the lecture's formula, its 1e-8 floor
    test_gradient_check    gradient_check(f, grad_f, w, h)  small for a right gradient, large for a
                                                            wrong one
    test_svm_loss          svm_loss(W, X, y)                loss and analytic gradient, random and
                                                            real data
    test_best_h            best_h(machine_epsilon, loss_value, third_derivative)  the h that
                                                            minimizes the error model

Tolerances (elementwise |got - expected| <= atol + rtol |expected|, stated in every message):
    numeric gradient   rtol 1e-6, atol 1e-8 against the exact gradient of a quadratic (a centered
                       difference is exact there up to round-off); rtol 1e-7 against the
                       reference's centered difference on Rosenbrock with h = 1e-3 or 1e-4
    relative error     rtol 1e-9 (the same formula, so only round-off may differ)
    gradient check     rtol 1e-3 on a measurable truncation error (h = 1e-3), 1e-4 on a wrong
                       gradient
    SVM loss           loss rtol 1e-9, atol 1e-12; gradient rtol 1e-7, atol 1e-10
    best h             rtol 1e-2 (a prediction: a careful numerical minimization passes too)
"""

from __future__ import annotations

import numpy as np

from optlab.problems import Quadratic, Rosenbrock
from optlab.testing import assert_close

from ..reference import gradients as reference
from . import CheckFailed, Registry, as_array, as_float, as_tuple, problem_argument
from .problems import digits_problem, random_quadratic
from .tasks import compare_prediction

# The section of book/gradients.md that explains each function, for feedback.
SECTIONS = {
    "test_numeric_gradient": "the-numeric-gradient",
    "test_relative_error": "the-gradient-check",
    "test_gradient_check": "the-gradient-check",
    "test_svm_loss": "the-analytic-gradient",
}
CHECKS = Registry("gradients", sections=SECTIONS)


def random_shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(n) for n in rng.integers(2, 5, size=int(rng.integers(1, 3))))


# --- numeric_gradient ---------------------------------------------------------------------


@CHECKS.check("test_numeric_gradient", "Does it match the exact gradient of a random quadratic?")
def numeric_gradient_on_quadratic(student, rng):
    problem = random_quadratic(rng, (1, 50), (3, 9))
    w = rng.standard_normal(problem.A.shape[0])
    matches_exact_gradient(student, problem, w, f"gradient of a quadratic in {w.size} variables")


def matches_exact_gradient(student, problem, w, what: str) -> None:
    """The student's numeric gradient of a quadratic at ``w`` against its exact gradient: a
    centered difference is exact on a quadratic, up to round-off."""
    got = as_array(
        student.call("numeric_gradient", problem_argument(problem, "loss"), w),
        "numeric_gradient",
        w.shape,
    )
    assert_close(got, problem.grad(w), rtol=1e-6, atol=1e-8, what=what)


@CHECKS.check(
    "test_numeric_gradient", "Does it take the centered difference, with the h it is given?"
)
def numeric_gradient_is_centered(student, rng):
    problem = Rosenbrock()
    w = rng.uniform(-1.5, 1.5, 2)
    h = float(rng.choice([1e-3, 1e-4]))
    got = as_array(
        student.call("numeric_gradient", problem_argument(problem, "loss"), w, h=h),
        "numeric_gradient",
        w.shape,
    )
    expected = reference.numeric_gradient(problem.loss, w.copy(), h=h)
    one_sided = np.array([(problem.loss(w + h * e) - problem.loss(w)) / h for e in np.eye(2)])
    try:
        assert_close(
            got,
            expected,
            rtol=1e-7,
            atol=1e-9,
            what=f"gradient of Rosenbrock at {w.round(3)} with h={h:g}",
        )
    except AssertionError as failure:
        if np.allclose(got, one_sided, rtol=1e-7, atol=1e-9):
            raise CheckFailed(
                f"{failure}\n    This is the one-sided difference (f(w+h) - f(w)) / h: "
                "use the centered one, (f(w+h) - f(w-h)) / (2h)."
            ) from None
        raise


@CHECKS.check("test_numeric_gradient", "Does it work when w is a matrix?")
def numeric_gradient_on_matrix(student, rng):
    shape = random_shape(rng) + (2,)
    problem = random_quadratic(rng, (1, 50), int(np.prod(shape)))
    W = rng.standard_normal(shape)
    matches_exact_gradient(student, problem, W, f"gradient with respect to a {shape} matrix")


# --- relative_error -----------------------------------------------------------------------


@CHECKS.check("test_relative_error", "Is it the lecture's relative error on random arrays?")
def relative_error_on_random_arrays(student, rng):
    shape = random_shape(rng)
    a = rng.standard_normal(shape)
    n = a + rng.standard_normal(shape) * 10.0 ** rng.uniform(-8, 0, shape)
    got = as_float(student.call("relative_error", a, n), "relative_error")
    assert_close(got, reference.relative_error(a, n), rtol=1e-9, what="relative error")


@CHECKS.check(
    "test_relative_error", "Does it use the 1e-8 floor when both values are tiny or zero?"
)
def relative_error_floor(student, rng):
    a = rng.uniform(1e-11, 1e-10, 4)
    n = np.zeros(4)
    n[0] = a[0]  # one equal pair: 0/0 would be nan without the floor
    got = as_float(student.call("relative_error", a, n), "relative_error")
    if np.isnan(got):
        raise CheckFailed(
            "relative_error returned nan for equal zero-ish entries: divide by max(1e-8, |a|+|n|)"
        )
    assert_close(
        got, reference.relative_error(a, n), rtol=1e-9, what="relative error of tiny values"
    )


@CHECKS.check(
    "test_relative_error", "Is the result the maximum over elements, not an array or a mean?"
)
def relative_error_is_max(student, rng):
    a = rng.standard_normal(6)
    n = a.copy()
    n[int(rng.integers(6))] *= 1.5
    got = as_float(student.call("relative_error", a, n), "relative_error")
    assert_close(
        got, reference.relative_error(a, n), rtol=1e-9, what="relative error with one entry off"
    )


# --- gradient_check -----------------------------------------------------------------------


@CHECKS.check(
    "test_gradient_check",
    "Does it report the small error of a correct gradient, with the h it is given?",
)
def gradient_check_measures_right_gradient(student, rng):
    problem = Rosenbrock()
    w = rng.uniform(-1.5, 1.5, 2)
    # With h = 1e-3 the centered difference is off by O(h^2): an error the check can measure.
    got = as_float(
        student.call(
            "gradient_check",
            problem_argument(problem, "loss"),
            problem_argument(problem, "grad"),
            w,
            h=1e-3,
        ),
        "gradient_check",
    )
    expected = reference.gradient_check(problem.loss, problem.grad, w.copy(), h=1e-3)
    assert_close(
        got,
        expected,
        rtol=1e-3,
        what=f"relative error of Rosenbrock's exact gradient at {w.round(3)}, h=1e-3",
    )


@CHECKS.check(
    "test_gradient_check", "Does it report the error of a wrong gradient, as the reference does?"
)
def gradient_check_catches_wrong_gradient(student, rng):
    # A non-symmetric A makes Quadratic.grad wrong. Redraw until no entry flips sign
    # (which would make the error exactly 1, a value a constant could match).
    expected = 1.0
    while not 1e-3 < expected < 0.9:
        dim = int(rng.integers(3, 8))
        A = random_quadratic(rng, (1, 50), dim).A + np.triu(rng.uniform(0.1, 0.5, (dim, dim)), 1)
        problem = Quadratic(A=A, b=rng.standard_normal(dim))
        w = rng.standard_normal(dim)
        expected = reference.gradient_check(problem.loss, problem.grad, w.copy())
    got = as_float(
        student.call(
            "gradient_check",
            problem_argument(problem, "loss"),
            problem_argument(problem, "grad"),
            w,
        ),
        "gradient_check",
    )
    assert_close(got, expected, rtol=1e-4, what="relative error of a wrong gradient")


# --- svm_loss -----------------------------------------------------------------------------


def random_classification(rng: np.random.Generator):
    n, d, c = (int(v) for v in (rng.integers(5, 20), rng.integers(3, 10), rng.integers(3, 7)))
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, n)
    W = rng.standard_normal((d, c)) * 0.3
    return W, X, y


def check_svm(student, W, X, y, what):
    loss, dW = as_tuple(student.call("svm_loss", W, X, y), ("loss", "dW"), "svm_loss")
    expected_loss, expected_dW = reference.svm_loss(W, X, y)
    assert_close(
        as_float(loss, "svm_loss loss"), expected_loss, rtol=1e-9, atol=1e-12, what=f"loss {what}"
    )
    assert_close(
        as_array(dW, "svm_loss gradient", W.shape),
        expected_dW,
        rtol=1e-7,
        atol=1e-10,
        what=f"gradient dW {what}",
    )


@CHECKS.check("test_svm_loss", "Are the loss and gradient right on a random problem?", weight=2)
def svm_on_random_problem(student, rng):
    W, X, y = random_classification(rng)
    check_svm(student, W, X, y, f"(N={X.shape[0]}, D={X.shape[1]}, C={W.shape[1]})")


@CHECKS.check("test_svm_loss", "Are they right at W = 0, where every margin is exactly 1?")
def svm_at_zero(student, rng):
    _, X, y = random_classification(rng)
    W = np.zeros((X.shape[1], int(y.max()) + 1))
    check_svm(student, W, X, y, "at W = 0")


@CHECKS.check("test_svm_loss", "Are they right on real digits images?")
def svm_on_digits(student, rng):
    digits = digits_problem(rng, size=40)
    W = rng.standard_normal((65, 10)) * 0.01
    check_svm(student, W, digits.X, digits.y, "on 40 digits images (D=65, C=10)")


# --- predicting the best h --------------------------------------------------------------------

SECTIONS["test_best_h"] = "choosing-h"
BEST_H_RTOL = 1e-2


def centered_error_model(h: float, machine_epsilon: float, loss_value, third_derivative) -> float:
    """The section's model of the centered difference's error: truncation plus round-off."""
    return h**2 / 6 * abs(third_derivative) + machine_epsilon * abs(loss_value) / h


def drawn_error_model(rng) -> tuple[float, float, float]:
    """(machine epsilon, |L|, |L'''|): a float type's epsilon or another, and sizes whose ratio
    3 |L| / |L'''| is 10 to 10^4 times from 1, either way."""
    machine_epsilon = float(
        rng.choice(
            [
                np.finfo(np.float64).eps,
                np.finfo(np.float32).eps,
                np.exp(rng.uniform(np.log(1e-20), np.log(1e-4))),
            ]
        )
    )
    loss_size = float(np.exp(rng.uniform(np.log(1e-3), np.log(1e3))))
    ratio = 10 ** (rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 4.0))
    return machine_epsilon, loss_size, 3 * loss_size / ratio


def check_best_h(student, machine_epsilon, loss_value, third_derivative, what: str) -> None:
    call = f"best_h({machine_epsilon:.6g}, {loss_value:.6g}, {third_derivative:.6g})"
    expected = reference.best_h(machine_epsilon, loss_value, third_derivative)
    got = student.call("best_h", machine_epsilon, loss_value, third_derivative)
    number = as_float(got, call)
    hint = ""
    if np.isfinite(number) and number > 0:
        at_got, at_best = (
            centered_error_model(h, machine_epsilon, loss_value, third_derivative)
            for h in (number, expected)
        )
        hint = f"; the error model is {at_got:.6g} at your h and {at_best:.6g} at its minimum"
    compare_prediction(got, expected, BEST_H_RTOL, f"{call} {what}", hint)


@CHECKS.check("test_best_h", "Does it balance truncation against round-off in the error model?")
def best_h_balances(student, rng):
    for _ in range(5):
        machine_epsilon, loss_size, third_size = drawn_error_model(rng)
        check_best_h(student, machine_epsilon, loss_size, third_size, "")


@CHECKS.check(
    "test_best_h",
    "Does it use the sizes of the loss and of the third derivative, whatever their signs?",
)
def best_h_signs(student, rng):
    for loss_sign, third_sign in ((-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)):
        machine_epsilon, loss_size, third_size = drawn_error_model(rng)
        check_best_h(
            student,
            machine_epsilon,
            loss_sign * loss_size,
            third_sign * third_size,
            "(negative values)",
        )
