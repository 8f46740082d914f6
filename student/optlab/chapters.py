"""The course's chapters, in the lecture's order: the one table the rest is derived from.

A chapter's name is also the name of its page (``book/<name>.md``), its exercise
(``solutions/<name>/``, ``exercises/<name>/``), its hidden reference and checks
(``autograder/reference/<name>.py``, ``autograder/checks/<name>.py``) and its reference
tests. The table of contents, the introduction's map of the course, the README's list, the
plots' colors, the modules blocked while an exercise is graded and every test that runs over
the chapters are read from here, or checked against it. A new chapter is its files and one
row below.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Method:
    """An optimizer (or, in the last chapters, a training setup) that a chapter's plots show."""

    key: str  # the key of its color, e.g. "nesterov"
    color: str  # one color on every page
    labels: tuple[str, ...] = ()  # the names a plot's legend calls it by, lower case
    search: str = ""  # the name a reader types in the site's search box, when it has a chapter


@dataclass(frozen=True)
class Chapter:
    name: str  # the page, the exercise, the reference, the checks and the tests share it
    title: str  # the page's title
    covers: str  # what it covers, for the map of the course (Markdown)
    methods: tuple[Method, ...] = ()  # what its plots show, in the chapter's colors
    # Modules of optlab unavailable while its exercise is graded (and left out of its
    # download), each with the reason the student is told.
    blocked: dict[str, str] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return CHAPTERS.index(self) + 1


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "random_search",
        "Optimization and random search",
        "the loss as a function of the weights; random search and random local search",
    ),
    Chapter(
        "gradients",
        "Numeric and analytic gradients",
        "finite differences, the softmax gradient, the gradient check",
    ),
    Chapter(
        "gradient_descent",
        "Gradient descent",
        "full-batch descent: initialization, iterations, learning rate",
    ),
    Chapter(
        "sgd",
        "Stochastic gradient descent",
        "minibatches, batch size and sampling; poor conditioning, saddle points, noise",
    ),
    Chapter(
        "momentum", "Momentum and Nesterov momentum", "velocity, friction, the look-ahead gradient"
    ),
    Chapter("adaptive", "Adaptive methods", "AdaGrad, RMSProp, Adam and its bias correction"),
    Chapter(
        "schedules",
        "Learning-rate schedules",
        "step, exponential and $1/t$ decay; cosine and warmup",
    ),
    Chapter(
        "second_order", "Second-order methods", "Newton's method, BFGS, L-BFGS with a line search"
    ),
    Chapter(
        "regularization",
        "Regularization and dropout",
        "L2, L1, elastic net; dropout; noise in training, averaging at test time",
    ),
    Chapter(
        "augmentation",
        "Data augmentation",
        "flips, random crops and scales, multi-crop testing, color jitter, PCA color",
    ),
    Chapter(
        "transfer",
        "Transfer learning",
        "a linear classifier on frozen features; fine-tuning few or many layers",
    ),
)

NAMES: tuple[str, ...] = tuple(chapter.name for chapter in CHAPTERS)


def chapter(name: str) -> Chapter:
    """The chapter called ``name``."""
    for each in CHAPTERS:
        if each.name == name:
            return each
    raise KeyError(f"no chapter {name!r} (known: {', '.join(NAMES)})")
