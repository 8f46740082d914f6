"""One look for the whole book: a fixed color per optimizer, contour maps, trajectories, loss curves.

    use_book_style()                         once, at the top of a page
    ax = contour(problem)                    level sets of a 2-D problem from optlab.problems
    plot_trajectory(ax, points, "adam")      the iterates of an optimizer on that map
    plot_loss_curves({"sgd": losses, ...})   loss against iteration, one line per optimizer

Every helper draws on a Matplotlib ``Axes`` (a new one if none is given), labels the axes,
adds a legend, and returns the ``Axes``; none of them calls ``plt.show()``. An optimizer's
name picks its color from ``COLORS``, so a method looks the same on every page.

``format_number`` writes a number the way the prose quotes it (``2.3 × 10⁻⁹``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

COLORS: dict[str, str] = {
    "random_search": "#7f7f7f",  # gray
    "gd": "#1f77b4",             # blue
    "sgd": "#17becf",            # cyan
    "momentum": "#ff7f0e",       # orange
    "nesterov": "#d62728",       # red
    "adagrad": "#bcbd22",        # olive
    "rmsprop": "#8c564b",        # brown
    "adam": "#2ca02c",           # green
    "adamw": "#005a32",          # dark green
    "newton": "#9467bd",         # purple
    "bfgs": "#e377c2",           # pink
    "lbfgs": "#7b4173",          # plum
}

BOOK_STYLE: dict[str, object] = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
}


def use_book_style() -> None:
    """Set Matplotlib's defaults to the book's look (size, grid, fonts, no top/right spines)."""
    plt.rcParams.update(BOOK_STYLE)


def color_for(name: str) -> str | None:
    """The book's color for an optimizer name (case-insensitive), or None to use Matplotlib's cycle."""
    return COLORS.get(name.lower().replace("-", "_").replace(" ", "_"))


def _axes(ax: plt.Axes | None) -> plt.Axes:
    return ax if ax is not None else plt.subplots()[1]


def contour(problem, ax: plt.Axes | None = None, levels: int | Sequence[float] = 20,
            resolution: int = 150, log_levels: bool = True) -> plt.Axes:
    """Level sets of a 2-D ``problem`` over its ``bounds``, with its ``minimizer`` as a star.

    An integer ``levels`` spaces that many levels geometrically above the smallest value on
    the grid (``log_levels=True``, which suits valleys such as Rosenbrock's) or evenly.
    """
    ax = _axes(ax)
    (x_min, x_max), (y_min, y_max) = problem.bounds
    xs = np.linspace(x_min, x_max, resolution)
    ys = np.linspace(y_min, y_max, resolution)
    Z = np.array([[problem.loss(np.array([x, y])) for x in xs] for y in ys])
    if isinstance(levels, int):
        low, span = Z.min(), Z.max() - Z.min()
        levels = low + (np.geomspace(span * 1e-4, span, levels) if log_levels
                        else np.linspace(0, span, levels + 1)[1:])
    ax.contour(xs, ys, Z, levels=levels, colors="0.6", linewidths=0.8, negative_linestyles="solid")
    if problem.minimizer is not None:
        ax.plot(*problem.minimizer, marker="*", markersize=14, color="black",
                linestyle="none", label="minimizer")
    ax.set(xlim=(x_min, x_max), ylim=(y_min, y_max), xlabel="$w_1$", ylabel="$w_2$",
           title=getattr(problem, "name", ""))
    ax.legend(loc="upper right")
    return ax


def plot_trajectory(ax: plt.Axes, points, label: str, color: str | None = None) -> plt.Axes:
    """Draw the iterates ``points`` (shape (T, 2)) as a line with dots, starting at a circle."""
    points = np.asarray(points)
    color = color or color_for(label)
    (line,) = ax.plot(points[:, 0], points[:, 1], marker=".", markersize=4, linewidth=1.5,
                      color=color, label=label)
    ax.plot(*points[0], marker="o", markersize=7, color=line.get_color(), linestyle="none")
    ax.set(xlabel="$w_1$", ylabel="$w_2$")
    ax.legend(loc="upper right")
    return ax


def plot_loss_curves(curves: Mapping[str, Sequence[float]], ax: plt.Axes | None = None,
                     log: bool = True, xlabel: str = "iteration", ylabel: str = "loss") -> plt.Axes:
    """One line per entry of ``curves`` (name -> loss values), on a log scale unless ``log=False``."""
    ax = _axes(ax)
    for name, values in curves.items():
        ax.plot(np.asarray(values), color=color_for(name), label=name)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    return ax


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(x: float, digits: int = 2) -> str:
    """A number as the prose quotes it: ``digits`` significant digits, powers of ten as ``× 10⁻⁹``.

    Numbers between 0.01 and 10 000 are written plainly (``0.35``, ``1300``); others in
    scientific notation (``2.3 × 10⁻⁹``).
    """
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return str(x)
    x = float(f"{x:.{digits - 1}e}")  # round first, so that 0.00999 is written as 0.010
    exponent = math.floor(math.log10(abs(x)))
    if -2 <= exponent < 4:
        return f"{x:.{max(digits - 1 - exponent, 0)}f}"
    superscript = str(exponent).translate(_SUPERSCRIPT)
    return f"{x / 10**exponent:.{digits - 1}f} × 10{superscript}"
