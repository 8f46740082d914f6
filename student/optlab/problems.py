"""Test functions for optimizers: a quadratic with a chosen condition number, Rosenbrock, Beale,
a saddle, and the softmax classifier's loss on real data.

Every problem is a differentiable function of a weight vector ``w`` (a 1-D float array)
with the same small interface:

    problem.loss(w) -> float          the value L(w)
    problem.grad(w) -> ndarray        the gradient dL/dw, same shape as w
    problem.minimizer                 a known minimizer (or None)
    problem.start                     a starting point that makes a good picture
    problem.bounds                    ((xmin, xmax), (ymin, ymax)) for 2-D contour plots
    problem.to_spec() -> dict         the problem as plain data (numbers and lists)

``from_spec(problem.to_spec())`` rebuilds an equal problem. The autograder uses this to
hand a problem to student code as plain data, never as a pickled object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class Problem:
    """Base class: a named, differentiable function of a weight vector."""

    name = "problem"
    minimizer: np.ndarray | None = None
    start: np.ndarray | None = None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None

    def loss(self, w: np.ndarray) -> float:
        raise NotImplementedError

    def grad(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def to_spec(self) -> dict:
        raise NotImplementedError

    def __call__(self, w: np.ndarray) -> float:
        return self.loss(w)


@dataclass(eq=False)
class Quadratic(Problem):
    """L(w) = 1/2 w^T A w - u^T w, for A symmetric positive definite, with the linear term u
    held in the attribute ``b``.

    The gradient is A w - u, the Hessian is A, the minimizer solves A w = u. The
    condition number of A (largest over smallest eigenvalue) sets how elongated the
    contours are, and so how hard the problem is for gradient descent.

    ``w`` may have any shape with A.shape[0] entries (a weight matrix is read in C
    order); the gradient has the shape of ``w``. `grad` assumes A is symmetric: for a
    non-symmetric A the true gradient is (A + A^T)/2 w - u, and `grad` is then wrong
    on purpose (the gradient checks use it as a buggy gradient to catch).
    """

    A: np.ndarray
    b: np.ndarray
    start: np.ndarray | None = None
    bounds: tuple | None = None
    name: str = "quadratic"

    def __post_init__(self) -> None:
        self.A = np.asarray(self.A, dtype=np.float64)
        self.b = np.asarray(self.b, dtype=np.float64)
        if self.start is not None:
            self.start = np.asarray(self.start, dtype=np.float64)

    def loss(self, w: np.ndarray) -> float:
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        return float(0.5 * w @ self.A @ w - self.b @ w)

    def grad(self, w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=np.float64)
        return (self.A @ w.reshape(-1) - self.b).reshape(w.shape)

    @property
    def hessian(self) -> np.ndarray:
        return self.A

    @property
    def minimizer(self) -> np.ndarray:
        return np.linalg.solve(self.A, self.b)

    @property
    def eigenvalues(self) -> np.ndarray:
        return np.linalg.eigvalsh(self.A)

    @property
    def condition_number(self) -> float:
        eig = self.eigenvalues
        return float(eig[-1] / eig[0])

    def to_spec(self) -> dict:
        return {"kind": "quadratic", "A": self.A.tolist(), "b": self.b.tolist()}


def quadratic(
    condition_number: float = 10.0,
    dim: int = 2,
    seed: int | None = 0,
    smallest_eigenvalue: float = 1.0,
) -> Quadratic:
    """A random quadratic whose Hessian has exactly the given condition number.

    The eigenvalues are spread geometrically from ``smallest_eigenvalue`` to
    ``smallest_eigenvalue * condition_number``; the eigenvectors are a random rotation
    drawn from ``seed``. The minimizer is a random point, so that it is not at 0.
    """
    if condition_number < 1:
        raise ValueError("the condition number of a positive definite matrix is at least 1")
    rng = np.random.default_rng(seed)
    eigenvalues = smallest_eigenvalue * np.geomspace(1.0, condition_number, dim)
    rotation, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    A = rotation @ np.diag(eigenvalues) @ rotation.T
    A = (A + A.T) / 2  # exactly symmetric despite round-off
    w_star = rng.uniform(-1.0, 1.0, dim)
    start = w_star + rng.choice([-1.0, 1.0], dim) * 2.0
    span = 3.5
    bounds = ((w_star[0] - span, w_star[0] + span), (w_star[-1] - span, w_star[-1] + span))
    return Quadratic(A=A, b=A @ w_star, start=start, bounds=bounds)


@dataclass(eq=False)
class Rosenbrock(Problem):
    """L(w) = (a - w_1)^2 + b (w_2 - w_1^2)^2: a curved valley with its minimum at (a, a^2).

    The classic start is (-1.2, 1). The valley floor is nearly flat along the curve and
    very steep across it, which makes it a hard test for first-order methods.
    """

    a: float = 1.0
    b: float = 100.0
    name: str = "rosenbrock"
    start: np.ndarray = field(default_factory=lambda: np.array([-1.2, 1.0]))
    bounds: tuple = ((-2.0, 2.0), (-1.0, 3.0))

    def loss(self, w: np.ndarray) -> float:
        w1, w2 = np.asarray(w, dtype=np.float64)
        return float((self.a - w1) ** 2 + self.b * (w2 - w1 * w1) ** 2)

    def grad(self, w: np.ndarray) -> np.ndarray:
        w1, w2 = np.asarray(w, dtype=np.float64)
        return np.array(
            [-2 * (self.a - w1) - 4 * self.b * w1 * (w2 - w1 * w1), 2 * self.b * (w2 - w1 * w1)]
        )

    @property
    def minimizer(self) -> np.ndarray:
        return np.array([self.a, self.a**2])

    def to_spec(self) -> dict:
        return {"kind": "rosenbrock", "a": self.a, "b": self.b}


@dataclass(eq=False)
class Beale(Problem):
    """L(w) = (1.5 - w_1 + w_1 w_2)^2 + (2.25 - w_1 + w_1 w_2^2)^2 + (2.625 - w_1 + w_1 w_2^3)^2:
    minimum 0 at (3, 0.5).

    Flat plateaus and steep walls in a small region: a standard test of line searches.
    """

    name: str = "beale"
    start: np.ndarray = field(default_factory=lambda: np.array([1.0, 1.0]))
    minimizer: np.ndarray = field(init=False, default_factory=lambda: np.array([3.0, 0.5]))
    bounds: tuple = ((-1.0, 4.0), (-1.5, 2.0))

    def _terms(self, w):
        w1, w2 = np.asarray(w, dtype=np.float64)
        terms = np.array([1.5 - w1 + w1 * w2, 2.25 - w1 + w1 * w2 * w2, 2.625 - w1 + w1 * w2**3])
        return w1, w2, terms

    def loss(self, w: np.ndarray) -> float:
        return float(np.sum(self._terms(w)[2] ** 2))

    def grad(self, w: np.ndarray) -> np.ndarray:
        w1, w2, r = self._terms(w)
        d1 = np.array([w2 - 1, w2 * w2 - 1, w2**3 - 1])
        d2 = np.array([w1, 2 * w1 * w2, 3 * w1 * w2 * w2])
        return np.array([2 * r @ d1, 2 * r @ d2])

    def to_spec(self) -> dict:
        return {"kind": "beale"}


@dataclass(eq=False)
class Saddle(Problem):
    """L(w) = w_1^2 + w_2^4/4 - w_2^2/2: a saddle point at the origin, minima at (0, +-1).

    Along w_1 the origin is a minimum, along w_2 a maximum, so the gradient vanishes there
    without it being a minimum. Started on the line w_2 = 0, plain gradient descent walks
    into the saddle and stays; anything that breaks the symmetry rolls off to a minimum.
    """

    name: str = "saddle"
    start: np.ndarray = field(default_factory=lambda: np.array([-1.5, 1e-3]))
    minimizer: np.ndarray = field(init=False, default_factory=lambda: np.array([0.0, 1.0]))
    bounds: tuple = ((-2.0, 2.0), (-1.6, 1.6))

    def loss(self, w: np.ndarray) -> float:
        w1, w2 = np.asarray(w, dtype=np.float64)
        return float(w1 * w1 + w2**4 / 4 - w2 * w2 / 2)

    def grad(self, w: np.ndarray) -> np.ndarray:
        w1, w2 = np.asarray(w, dtype=np.float64)
        return np.array([2 * w1, w2**3 - w2])

    def to_spec(self) -> dict:
        return {"kind": "saddle"}


@dataclass(eq=False)
class SoftmaxLoss(Problem):
    """The mean cross-entropy loss of a linear softmax classifier on data (X, y), as a
    function of its D x C weight matrix (see `optlab.models.softmax_loss`)."""

    X: np.ndarray
    y: np.ndarray
    num_classes: int
    name: str = "softmax"

    def __post_init__(self) -> None:
        self.X = np.asarray(self.X, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.int64)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.X.shape[1], self.num_classes)

    def loss(self, W: np.ndarray) -> float:
        from .models import softmax_loss

        return softmax_loss(np.asarray(W, dtype=np.float64).reshape(self.shape), self.X, self.y)[0]

    def grad(self, W: np.ndarray) -> np.ndarray:
        from .models import softmax_loss

        W = np.asarray(W, dtype=np.float64)
        return softmax_loss(W.reshape(self.shape), self.X, self.y)[1].reshape(W.shape)

    def error_rate(self, W: np.ndarray) -> float:
        """The fraction of the examples whose highest score is not their label's: the 0-1
        loss, a step function of W, which random search can minimize and no gradient can."""
        scores = self.X @ np.asarray(W, dtype=np.float64).reshape(self.shape)
        return float(np.mean(np.argmax(scores, axis=1) != self.y))

    def to_spec(self) -> dict:
        return {
            "kind": "softmax",
            "X": self.X.tolist(),
            "y": self.y.tolist(),
            "num_classes": self.num_classes,
        }


def from_spec(spec: dict) -> Problem:
    """Rebuild a problem from the plain data that ``Problem.to_spec`` returns."""
    kind = spec.get("kind")
    if kind == "quadratic":
        return Quadratic(
            A=np.array(spec["A"], dtype=np.float64), b=np.array(spec["b"], dtype=np.float64)
        )
    if kind == "rosenbrock":
        return Rosenbrock(a=float(spec["a"]), b=float(spec["b"]))
    if kind == "saddle":
        return Saddle()
    if kind == "beale":
        return Beale()
    if kind == "softmax":
        return SoftmaxLoss(
            X=np.array(spec["X"], dtype=np.float64),
            y=np.array(spec["y"], dtype=np.int64),
            num_classes=int(spec["num_classes"]),
        )
    raise ValueError(f"unknown problem kind: {kind!r}")
