"""Figures the reader moves with sliders, on a web page or in a notebook, with no kernel behind
them: every run is computed beforehand, and the browser only draws the ones the controls select.

    figure = Explorer(
        controls=[Slider("lr", "learning rate η", lrs), Slider("rho", "friction ρ", rhos)],
        panels=[
            PathPanel("iterates", [contour_series(problem.loss, problem.bounds),
                                   Series("momentum", x=path_x, y=path_y)]),
            LinePanel("loss", [Series("momentum", y=losses)], log_y=True, xlabel="step"),
        ],
        readout=Readout("measured {measured:.3f}, theory {theory:.3f}", rates),
        description="heavy-ball momentum on a quadratic",
    )
    figure          # as the last expression of a cell: displayed through its _repr_html_

Controls, each over the fixed list of values the runs were computed for:

    Slider(name, label, values, initial=None, format="{:.3g}")   a range input and its value
    Choice(name, label, values, initial=None)                     a drop-down list

A ``Series`` is one line (or set of markers) of a panel. Its ``x`` and ``y`` are each either
one sequence, the same whatever the controls say, or a dict with one sequence per grid point
(a run). A run's key holds one value for each control the series depends on (``depends_on``:
the names of those controls, all of them by default, in the order of ``controls``), as a
tuple, or as the bare value when there is one. Every grid point needs its run, every key
must be a grid point, and x and y of a run have the same length; a ValueError says what is
wrong otherwise. Without ``x`` the points are at 0, 1, 2, ... NaN and infinite values break
the line, as do values <= 0 on a log axis.

    LinePanel(title, series, xlabel="", ylabel="", log_y=False, x_range=None, y_range=None)
    PathPanel(title, series, xlabel="", ylabel="", x_range=None, y_range=None)
                    a path over contour lines: one unit is as long on both axes
    Readout(template, values, depends_on=None)
                    a line of text under the panels: ``template.format(**values[key])``
    contour_series(loss, bounds, levels=12)
                    the level sets of a function of two weights, as one static gray series

Without a range, an axis spans every finite value of every run, so that it stays put while
the controls move. To keep pages light, a coordinate is stored as the step, out of
``resolution`` (2000) steps across its axis, nearest to it (on a log axis, across the
decades), and each as its difference from the one before: small integers, far finer than a
screen's pixels.

The drawing code is ``explorer.js`` beside this module (SVG, no library, nothing fetched): it
is written into every figure's HTML, defines itself once per page (the global
``window.optlabExplorer`` guards it), and mounts every figure not mounted yet, so that each
figure also works on its own in a notebook.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SCRIPT_PATH = Path(__file__).with_name("explorer.js")

# Matplotlib's default cycle: the colors of series that name none.
DEFAULT_COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
CONTOUR_COLOR = "#b0b0b0"
MARKERS = (None, "dot", "circle", "star")
LEGEND_PLACES = (None, "upper right", "upper left", "lower right", "lower left")
LIMIT_DIGITS = 6  # significant digits of the axes' ranges, as stored


@dataclass(frozen=True)
class Slider:
    """A range input over ``values`` (numbers), showing the current one as ``format`` writes it."""

    name: str
    label: str
    values: Sequence
    initial: object = None  # one of values; the middle one by default
    format: str = "{:.3g}"
    kind = "slider"

    def shown(self) -> list[str]:
        return [self.format.format(value) for value in self.values]


@dataclass(frozen=True)
class Choice:
    """A drop-down list over ``values``, shown as their ``str``."""

    name: str
    label: str
    values: Sequence
    initial: object = None  # one of values; the first one by default
    kind = "choice"

    def shown(self) -> list[str]:
        return [str(value) for value in self.values]


@dataclass
class Series:
    """One line, or set of markers, of a panel; see the module's docstring for x, y and keys."""

    label: str | None
    x: Sequence | Mapping | None = None
    y: Sequence | Mapping | None = None
    depends_on: Sequence[str] | None = None
    color: str | None = None  # the next of DEFAULT_COLORS if None
    dash: bool = False
    width: float = 2.0
    line: bool = True  # join the points with a line
    markers: str | None = None  # None, "dot", "circle" or "star", at every point
    start_marker: bool = False  # a circle at the first point, where a path starts


@dataclass
class LinePanel:
    """A line plot of ``series``, y on a log scale if ``log_y``."""

    title: str
    series: Sequence[Series]
    xlabel: str = ""
    ylabel: str = ""
    log_y: bool = False
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    legend: str | None = "upper right"  # where, or None for no legend
    description: str | None = None  # what a screen reader says; from the title and axes if None
    kind = "line"


@dataclass
class PathPanel(LinePanel):
    """A path in the plane of two weights, over contour lines: equal scales on both axes."""

    kind = "path"


@dataclass
class Readout:
    """A line of text that follows the controls: ``template.format(**values[key])``."""

    template: str
    values: Mapping
    depends_on: Sequence[str] | None = None


@dataclass
class Explorer:
    """An interactive figure of precomputed runs; see the module's docstring."""

    controls: Sequence[Slider | Choice]
    panels: Sequence[LinePanel]
    readout: Readout | None = None
    description: str = ""
    resolution: int = 2000
    data: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.data = _figure_data(self)

    def to_json(self) -> str:
        """The figure's data as compact JSON, safe inside an HTML <script> element."""
        text = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        # "<", ">" and "&" occur only inside strings: escaped there, no text can end the
        # <script> element early or be read as HTML.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def _repr_html_(self) -> str:
        data = self.to_json()
        # The same figure gets the same id on every run of its page: the build is reproducible.
        digest = hashlib.sha1(data.encode()).hexdigest()[:10]
        figure_id = f"optlab-explorer-{digest}-{next(_FIGURE_NUMBERS)}"
        fallback = html.escape(
            f"An interactive figure: {self.description or 'sliders over precomputed runs'}. "
            "It needs JavaScript; in Jupyter, run its cell or trust the notebook."
        )
        return (
            f'<div class="optlab-explorer tex2jax_ignore mathjax_ignore" id="{figure_id}">'
            f'<p class="optlab-explorer-fallback">{fallback}</p>'
            f'<script type="application/json" class="optlab-explorer-data">{data}</script>'
            f"</div>\n<script>\n{script()}</script>\n"
        )

    def __repr__(self) -> str:
        names = ", ".join(control.name for control in self.controls)
        return f"<optlab Explorer over {names}: {len(self.panels)} panels>"


_FIGURE_NUMBERS = itertools.count(1)


def script() -> str:
    """The drawing code, explorer.js, checked to be safe inside an HTML <script> element."""
    text = SCRIPT_PATH.read_text(encoding="utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError("explorer.js must not contain '</script' or '<!--'")
    return text


def contour_series(
    loss: Callable[[np.ndarray], float],
    bounds: tuple[tuple[float, float], tuple[float, float]],
    levels: int | Sequence[float] = 12,
    resolution: int = 60,
    label: str | None = None,
) -> Series:
    """The level sets of ``loss`` (a function of a 2-vector) over ``bounds``, as one static gray
    series. An integer ``levels`` spaces that many levels geometrically above the smallest
    value on the grid, as ``optlab.plotting.contour`` does."""
    import contourpy

    (x_min, x_max), (y_min, y_max) = bounds
    xs = np.linspace(x_min, x_max, resolution)
    ys = np.linspace(y_min, y_max, resolution)
    Z = np.array([[loss(np.array([x, y])) for x in xs] for y in ys])
    if isinstance(levels, int):
        low, span = Z.min(), Z.max() - Z.min()
        levels = low + np.geomspace(span * 1e-4, span, levels)
    generator = contourpy.contour_generator(xs, ys, Z)
    x_all, y_all = [], []
    for level in levels:
        for line in generator.lines(level):
            x_all += [*line[:, 0], math.nan]
            y_all += [*line[:, 1], math.nan]
    return Series(label, x=x_all, y=y_all, color=CONTOUR_COLOR, width=1.0)


# --- the data explorer.js reads ----------------------------------------------------------


class _Grid:
    """The grid points of some of the controls, numbered row-major in the controls' order."""

    def __init__(self, controls: Sequence[Slider | Choice], depends_on, what: str) -> None:
        names = [control.name for control in controls]
        depends_on = names if depends_on is None else list(depends_on)
        unknown = [name for name in depends_on if name not in names]
        if unknown or len(set(depends_on)) != len(depends_on):
            raise ValueError(f"{what} depends on {depends_on}; the controls are {names}")
        self.what = what
        self.controls = [controls[names.index(name)] for name in depends_on]
        self.indices = [names.index(name) for name in depends_on]
        self.size = math.prod(len(control.values) for control in self.controls)

    def number(self, key) -> int:
        """The number of the grid point ``key`` (a tuple of values, or a bare value)."""
        if not isinstance(key, tuple):
            key = (key,)
        if len(key) != len(self.controls):
            raise ValueError(
                f"{self.what}: the key {key!r} should hold one value for each of "
                f"{[control.name for control in self.controls]}"
            )
        number = 0
        for value, control in zip(key, self.controls):
            position = _position(control, value)
            if position is None:
                raise ValueError(
                    f"{self.what}: {value!r} is not a value of {control.name!r} "
                    f"({list(control.values)})"
                )
            number = number * len(control.values) + position
        return number

    def runs(self, by_key: Mapping) -> list:
        """The runs of ``by_key`` in the order of the grid; every grid point needs exactly one."""
        runs: list = [None] * self.size
        for key, run in by_key.items():
            number = self.number(key)
            if runs[number] is not None:
                raise ValueError(f"{self.what}: two runs for the grid point {key!r}")
            runs[number] = run
        points = itertools.product(*(control.values for control in self.controls))
        missing = [point for point, run in zip(points, runs) if run is None]
        if missing:
            raise ValueError(
                f"{self.what}: no run for {len(missing)} grid points, such as {missing[0]!r}"
            )
        return runs


def _position(control: Slider | Choice, value) -> int | None:
    """Where ``value`` is among the control's values (None if it is not); a number never
    matches a string."""
    for position, candidate in enumerate(control.values):
        if isinstance(candidate, str) == isinstance(value, str) and candidate == value:
            return position
    return None


def _check_controls(controls: Sequence[Slider | Choice]) -> None:
    names = [control.name for control in controls]
    if not controls or len(set(names)) != len(names):
        raise ValueError(f"controls need distinct names, and at least one: {names}")
    for control in controls:
        if len(control.values) == 0:
            raise ValueError(f"control {control.name!r} has no values")
        positions = [_position(control, value) for value in control.values]
        if positions != list(range(len(control.values))):
            raise ValueError(f"control {control.name!r} repeats a value: {list(control.values)}")
        if control.initial is not None and _position(control, control.initial) is None:
            raise ValueError(
                f"control {control.name!r} starts at {control.initial!r}, not one of its values"
            )


def _initial(control: Slider | Choice) -> int:
    if control.initial is not None:
        return _position(control, control.initial)
    return len(control.values) // 2 if control.kind == "slider" else 0


def _array(values, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{what} should be one-dimensional, not of shape {array.shape}")
    return array


@dataclass
class _SeriesArrays:
    """A series's x and y: one array (static) or a list of arrays (one per grid point)."""

    series: Series
    grid: _Grid | None
    x: np.ndarray | list[np.ndarray] | None
    y: np.ndarray | list[np.ndarray]

    def all(self, axis: str) -> list[np.ndarray]:
        values = getattr(self, axis)
        if values is None:  # x left out: 0, 1, 2, ...
            return [np.arange(len(y)) for y in self.all("y")]
        return values if isinstance(values, list) else [values]


def _series_arrays(series: Series, controls, what: str) -> _SeriesArrays:
    """A series's arrays, checked: its runs, one per grid point, and x as long as y."""
    if series.y is None:
        raise ValueError(f"{what} has no y")
    if series.markers not in MARKERS:
        raise ValueError(f"{what}: markers must be one of {MARKERS}, not {series.markers!r}")
    per_run = [isinstance(values, Mapping) for values in (series.x, series.y)]
    if not any(per_run) and series.depends_on:
        raise ValueError(f"{what} depends on {list(series.depends_on)} but has one x and one y")
    grid = _Grid(controls, series.depends_on, what) if any(per_run) else None
    arrays = {}
    for axis, values, varies in zip("xy", (series.x, series.y), per_run):
        if values is None:
            arrays[axis] = None
        elif varies:
            arrays[axis] = [_array(run, f"{what}, {axis} of a run") for run in grid.runs(values)]
        else:
            arrays[axis] = _array(values, f"{what}, {axis}")
    found = _SeriesArrays(series, grid, arrays["x"], arrays["y"])
    if series.x is not None:
        xs, ys = found.all("x"), found.all("y")
        for number in range(max(len(xs), len(ys))):
            # a static x (or y) goes with every run of the other
            x, y = xs[min(number, len(xs) - 1)], ys[min(number, len(ys) - 1)]
            if len(x) != len(y):
                raise ValueError(
                    f"{what}: x has {len(x)} values and y {len(y)} (grid point {number})"
                )
    return found


def _span(arrays: Sequence[np.ndarray], log: bool, what: str) -> tuple[float, float]:
    values = np.concatenate(arrays) if arrays else np.array([])
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if values.size == 0:
        raise ValueError(f"{what} has no value to draw")
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = (low / 2, high * 2) if log else (low - 0.5, high + 0.5)
    return low, high


def _limits(given, arrays, log: bool, what: str) -> list[float]:
    low, high = given if given is not None else _span(arrays, log, what)
    if not (math.isfinite(low) and math.isfinite(high) and low < high and (low > 0 or not log)):
        raise ValueError(f"{what}: the range ({low}, {high}) cannot be drawn")
    return [float(f"{low:.{LIMIT_DIGITS}g}"), float(f"{high:.{LIMIT_DIGITS}g}")]


def encode(values: np.ndarray, limits: Sequence[float], log: bool, resolution: int) -> list:
    """``values`` as explorer.js reads them: each the nearest of ``resolution`` steps from
    limits[0] to limits[1] (steps of a decade's fraction on a log axis), as the difference from
    the step of the value before it (the first from 0); None where a value cannot be drawn.
    Values far out of range are pulled in to a hundred ranges away, where they still lie far
    off the plot."""
    low, high = (math.log10(limit) for limit in limits) if log else limits
    with np.errstate(divide="ignore", invalid="ignore"):
        position = np.log10(values) if log else np.asarray(values, dtype=np.float64)
    drawable = np.isfinite(position)
    steps = np.zeros(len(values), dtype=np.int64)
    scaled = (position[drawable] - low) / (high - low) * resolution
    steps[drawable] = np.rint(np.clip(scaled, -100 * resolution, 101 * resolution))
    encoded, previous = [], 0
    for step, ok in zip(steps.tolist(), drawable.tolist()):
        encoded.append(step - previous if ok else None)
        previous = step if ok else previous
    return encoded


def decode(encoded: Sequence, limits: Sequence[float], log: bool, resolution: int) -> np.ndarray:
    """What explorer.js draws for ``encode``'s output (NaN for None): for the tests."""
    low, high = (math.log10(limit) for limit in limits) if log else limits
    steps = np.cumsum([0 if delta is None else delta for delta in encoded])
    values = low + steps * (high - low) / resolution
    values = np.power(10.0, values) if log else values
    return np.where([delta is None for delta in encoded], np.nan, values)


def _figure_data(figure: Explorer) -> dict:
    _check_controls(figure.controls)
    panels = []
    for number, panel in enumerate(figure.panels, start=1):
        what = f"panel {number} ({panel.title!r})"
        if panel.legend not in LEGEND_PLACES:
            raise ValueError(f"{what}: legend must be one of {LEGEND_PLACES}")
        found = [
            _series_arrays(series, figure.controls, f"{what}, series {index} ({series.label!r})")
            for index, series in enumerate(panel.series, start=1)
        ]
        xlim = _limits(panel.x_range, [x for s in found for x in s.all("x")], False, what)
        ylim = _limits(panel.y_range, [y for s in found for y in s.all("y")], panel.log_y, what)
        palette = itertools.cycle(DEFAULT_COLORS)
        series_data = []
        for arrays in found:
            series = arrays.series
            data = {
                "label": series.label,
                "color": series.color or next(palette),
                "dash": series.dash,
                "width": series.width,
                "line": series.line,
                "markers": series.markers,
                "start": series.start_marker,
                "depends": arrays.grid.indices if arrays.grid else [],
            }
            for axis, limits, log in (("x", xlim, False), ("y", ylim, panel.log_y)):
                values = getattr(arrays, axis)
                if isinstance(values, list):
                    data[axis + "r"] = [encode(v, limits, log, figure.resolution) for v in values]
                elif values is not None:
                    data[axis] = encode(values, limits, log, figure.resolution)
            series_data.append(data)
        panels.append(
            {
                "kind": panel.kind,
                "title": panel.title,
                "xlabel": panel.xlabel,
                "ylabel": panel.ylabel,
                "logy": panel.log_y,
                "legend": panel.legend,
                "description": panel.description
                or f"{panel.title}: {panel.ylabel or 'y'} against {panel.xlabel or 'x'}",
                "xlim": xlim,
                "ylim": ylim,
                "series": series_data,
            }
        )
    readout = None
    if figure.readout is not None:
        grid = _Grid(figure.controls, figure.readout.depends_on, "the readout")
        template = figure.readout.template
        readout = {
            "depends": grid.indices,
            "texts": [template.format(**values) for values in grid.runs(figure.readout.values)],
        }
    return {
        "description": figure.description,
        "resolution": figure.resolution,
        "controls": [
            {
                "name": control.name,
                "label": control.label,
                "kind": control.kind,
                "values": control.shown(),
                "initial": _initial(control),
            }
            for control in figure.controls
        ],
        "panels": panels,
        "readout": readout,
    }
