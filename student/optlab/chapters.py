"""The course's chapters, in the lecture's order: the one table the rest is derived from.

A chapter's name is also the name of its page (``book/<name>.md``), its exercise
(``solutions/<name>/``, ``exercises/<name>/``), its hidden reference and checks
(``autograder/reference/<name>.py``, ``autograder/checks/<name>.py``) and its reference
tests. The table of contents, the introduction's map of the course, the README's list, the
plots' colors, the modules blocked while an exercise is graded and every test that runs over
the chapters are read from here, or checked against it (tests/test_chapters.py). A new
chapter is its files and one row below; then ``python3 book/_ext/course_map.py`` writes
_toc.yml again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Method:
    """An optimizer (or, in the last chapters, a training setup) that a chapter's plots show."""

    key: str  # the key of its color in optlab.plotting.COLORS, e.g. "nesterov"
    color: str  # one color on every page
    # The names a plot's legend calls an optimizer by, lower case: a plot so labelled must take
    # the optimizer's color. A training setup has none (its colors repeat the optimizers').
    labels: tuple[str, ...] = ()
    # The name a reader types in the site's search box to find this chapter; "" for none.
    search: str = ""


@dataclass(frozen=True)
class Chapter:
    """One row of the table: a chapter of the course and its exercise, of the same name."""

    name: str  # the page, the exercise, the reference, the checks and the tests share it
    title: str  # the page's title
    covers: str  # what it covers, for the map of the course (Markdown)
    # Minutes its exercise takes a student who has read the chapter: an estimate, shown on the
    # map of the course. Judged from the functions the notebook asks for, about 10 minutes
    # for a rule of one or two lines (the docstring read, the visible tests run), 20 to 30
    # for a loop or a vectorized function with a fixed order of random draws, and 45 for
    # the hardest (a loss with its gradient, the L-BFGS two-loop recursion), rounded to 15.
    exercise_minutes: int
    methods: tuple[Method, ...] = ()  # what its plots show, in the chapter's colors
    # Modules of optlab unavailable while its exercise is graded (and left out of its
    # download), each with the reason the student is told.
    blocked: dict[str, str] = field(default_factory=dict, hash=False)
    # Whether its page draws optimizers' paths on contour maps and animates them.
    trajectories: bool = False
    # The sections of book/conventions.md that fix the form of its formulas.
    conventions: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        return CHAPTERS.index(self) + 1


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "random_search",
        "Optimization and random search",
        "the loss as a function of the weights; random search and random local search",
        # 2 loops: random search and random local search, draws in a fixed order
        exercise_minutes=45,
        methods=(
            Method(
                "random_search",
                "#7f7f7f",  # gray
                ("random search", "random local search", "random_search"),
                "random search",
            ),
        ),
        trajectories=True,
    ),
    Chapter(
        "gradients",
        "Numeric and analytic gradients",
        "finite differences, the softmax gradient, the gradient check",
        # numeric gradient, relative error, gradient check, and a vectorized SVM loss with its
        # gradient
        exercise_minutes=75,
        conventions=("Gradients and the gradient check",),
    ),
    Chapter(
        "gradient_descent",
        "Gradient descent",
        "full-batch descent: initialization, iterations, learning rate",
        # one loop that returns every iterate
        exercise_minutes=30,
        methods=(
            Method(
                "gd",
                "#1f77b4",  # blue
                ("gd", "gradient descent", "full-batch gradient descent"),
                "gradient descent",
            ),
        ),
        blocked={
            "optlab.optimize": "optlab.optimize is not available while this exercise is graded: "
            "the exercise asks you to write the loop yourself.",
        },
        trajectories=True,
        conventions=("Update rules",),
    ),
    Chapter(
        "sgd",
        "Stochastic gradient descent",
        "minibatches, batch size and sampling; poor conditioning, saddle points, noise",
        # minibatch indices (a shuffle per epoch) and a one-line step
        exercise_minutes=30,
        methods=(
            Method(
                "sgd",
                "#17becf",  # cyan
                ("sgd", "stochastic gradient descent", "minibatch sgd"),
                "SGD",
            ),
        ),
        trajectories=True,
        conventions=("Update rules",),
    ),
    Chapter(
        "momentum",
        "Momentum and Nesterov momentum",
        "velocity, friction, the look-ahead gradient",
        # 2 short rules; Nesterov's change of variables needs care
        exercise_minutes=30,
        methods=(
            Method(
                "momentum",
                "#ff7f0e",  # orange
                ("momentum", "sgd with momentum", "heavy ball"),
                "momentum",
            ),
            Method("nesterov", "#d62728", ("nesterov", "nesterov momentum"), "Nesterov"),  # red
        ),
        trajectories=True,
        conventions=("Update rules",),
    ),
    Chapter(
        "adaptive",
        "Adaptive methods",
        "AdaGrad, RMSProp, Adam and its bias correction",
        # 4 short rules; Adam's bias correction and counter need care
        exercise_minutes=45,
        methods=(
            Method("adagrad", "#bcbd22", ("adagrad",), "AdaGrad"),  # olive
            Method("rmsprop", "#8c564b", ("rmsprop",), "RMSProp"),  # brown
            Method("adam", "#2ca02c", ("adam",), "Adam"),  # green
            Method("adamw", "#005a32", ("adamw",), "AdamW"),  # dark green
        ),
        trajectories=True,
        conventions=("Update rules",),
    ),
    Chapter(
        "schedules",
        "Learning-rate schedules",
        "step, exponential and $1/t$ decay; cosine and warmup",
        # 5 formulas of one to three lines each
        exercise_minutes=30,
        trajectories=True,
        conventions=("Learning-rate schedules",),
    ),
    Chapter(
        "second_order",
        "Second-order methods",
        "Newton's method, BFGS, L-BFGS with a line search",
        # Newton's step, the BFGS update, the two-loop recursion, backtracking, the L-BFGS loop
        exercise_minutes=120,
        methods=(
            Method("newton", "#9467bd", ("newton", "newton's method"), "Newton"),  # purple
            Method("bfgs", "#e377c2", ("bfgs",), "BFGS"),  # pink
            Method("lbfgs", "#7b4173", ("lbfgs", "l-bfgs"), "L-BFGS"),  # plum
        ),
        trajectories=True,
    ),
    Chapter(
        "regularization",
        "Regularization and dropout",
        "L2, L1, elastic net; dropout; noise in training, averaging at test time",
        # 3 one-line penalties, dropout forward and backward
        exercise_minutes=45,
        methods=(
            # gray: no regularization, no augmentation, trained from scratch (also in the
            # chapters that follow)
            Method("baseline", "#7f7f7f"),
            Method("l2", "#1f77b4"),  # blue
            Method("l1", "#ff7f0e"),  # orange
            Method("elastic_net", "#9467bd"),  # purple
            Method("dropout", "#2ca02c", search="dropout"),  # green
        ),
        conventions=("Regularization",),
    ),
    Chapter(
        "augmentation",
        "Data augmentation",
        "flips, random crops and scales, multi-crop testing, color jitter, PCA color",
        # 6 array functions: flip, crops, ten crops, jitter, PCA color
        exercise_minutes=60,
        methods=(Method("augmented", "#2ca02c"),),  # green
    ),
    Chapter(
        "transfer",
        "Transfer learning",
        "a linear classifier on frozen features; fine-tuning few or many layers",
        # 3 functions on a network's parameters: new head, per-layer rates, a step
        exercise_minutes=60,
        methods=(
            Method("linear_probe", "#1f77b4"),  # blue: a linear classifier on frozen features
            Method("fine_tune_top", "#ff7f0e"),  # orange: the top layers fine-tuned
            Method("fine_tune_all", "#d62728"),  # red: every layer fine-tuned
            Method("scratch", "#7f7f7f"),  # gray: the same network trained from scratch
        ),
    ),
)

NAMES: tuple[str, ...] = tuple(chapter.name for chapter in CHAPTERS)


def chapter(name: str) -> Chapter:
    """The chapter called ``name``."""
    for each in CHAPTERS:
        if each.name == name:
            return each
    raise KeyError(f"no chapter {name!r} (known: {', '.join(NAMES)})")
