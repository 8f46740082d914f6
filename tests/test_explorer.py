"""optlab.explorer, the Python side of the book's interactive figures: the data it hands to
explorer.js (its layout, its encoding of the numbers), the mistakes it refuses, and the HTML it
writes (escaped, safe inside <script>, the drawing code guarded to run once per page).
tests/test_explorer_browser.py moves the figures' sliders in Chromium."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from optlab import explorer, problems
from optlab.explorer import Choice, Explorer, LinePanel, PathPanel, Readout, Series, Slider

LRS = [0.01, 0.1, 1.0]
RHOS = [0.0, 0.5, 0.9]
SCHEDULES = ["constant", "cosine"]


def curve(lr, rho, schedule="constant", length=20):
    """A made-up run: a decreasing curve that differs with every grid point."""
    return np.geomspace(1.0, lr * (1 - rho) + 1e-3, length) * (2 if schedule == "cosine" else 1)


def small_figure(**changes) -> Explorer:
    """Two sliders and a drop-down list; a static series, one that depends on one control and one
    that depends on all three; a readout."""
    arguments = {
        "controls": [
            Slider("lr", "learning rate", LRS, initial=0.1),
            Slider("rho", "friction", RHOS),
            Choice("schedule", "schedule", SCHEDULES),
        ],
        "panels": [
            LinePanel(
                "loss",
                [
                    Series("floor", x=[0, 19], y=[1e-3, 1e-3], dash=True),
                    Series("by lr", y={lr: curve(lr, 0.0) for lr in LRS}, depends_on=["lr"]),
                    Series(
                        "run",
                        y={
                            (lr, rho, s): curve(lr, rho, s)
                            for lr in LRS
                            for rho in RHOS
                            for s in SCHEDULES
                        },
                    ),
                ],
                xlabel="step",
                ylabel="loss",
                log_y=True,
            )
        ],
        "readout": Readout(
            "final {final:.3g}",
            {(lr, rho): {"final": lr * 10 + rho} for lr in LRS for rho in RHOS},
            depends_on=["lr", "rho"],
        ),
        "description": "a test figure",
    }
    arguments.update(changes)
    return Explorer(**arguments)


# --- the data layout ------------------------------------------------------------------------


def test_are_the_controls_described_with_their_shown_values_and_start():
    controls = small_figure().data["controls"]
    assert controls == [
        {
            "name": "lr",
            "label": "learning rate",
            "kind": "slider",
            "values": ["0.01", "0.1", "1"],
            "initial": 1,
        },
        {
            "name": "rho",
            "label": "friction",
            "kind": "slider",
            "values": ["0", "0.5", "0.9"],
            "initial": 1,  # a slider starts in the middle unless told
        },
        {
            "name": "schedule",
            "label": "schedule",
            "kind": "choice",
            "values": SCHEDULES,
            "initial": 0,  # a drop-down list at its first value
        },
    ]


def test_are_the_runs_stored_row_major_over_the_controls_they_depend_on():
    figure = small_figure()
    panel = figure.data["panels"][0]
    static, by_lr, run = panel["series"]
    assert (static["depends"], by_lr["depends"], run["depends"]) == ([], [0], [0, 1, 2])
    assert "y" in static and "yr" not in static and "x" in static
    assert len(by_lr["yr"]) == 3 and len(run["yr"]) == 3 * 3 * 2
    assert "x" not in run and "xr" not in run, "x left out is 0, 1, 2, ...: nothing stored"
    number = 0
    for lr in LRS:
        for rho in RHOS:
            for schedule in SCHEDULES:
                shown = explorer.decode(run["yr"][number], panel["ylim"], True, 2000)
                np.testing.assert_allclose(shown, curve(lr, rho, schedule), rtol=0.01)
                number += 1
    texts = figure.data["readout"]["texts"]
    assert figure.data["readout"]["depends"] == [0, 1]
    assert texts == [f"final {lr * 10 + rho:.3g}" for lr in LRS for rho in RHOS]


def test_do_the_axes_span_every_run_unless_a_range_is_given():
    panel = small_figure().data["panels"][0]
    everything = [curve(lr, rho, s) for lr in LRS for rho in RHOS for s in SCHEDULES]
    everything += [np.array([1e-3])]  # the static series
    assert panel["xlim"] == [0, 19]
    assert panel["ylim"][0] == pytest.approx(min(c.min() for c in everything), rel=1e-5)
    assert panel["ylim"][1] == pytest.approx(max(c.max() for c in everything), rel=1e-5)
    given = small_figure(
        panels=[LinePanel("loss", [Series("a", y=[1.0, 2.0])], x_range=(-1, 5), y_range=(0.5, 3))]
    )
    assert (given.data["panels"][0]["xlim"], given.data["panels"][0]["ylim"]) == (
        [-1, 5],
        [0.5, 3],
    )


def test_is_every_coordinate_within_half_a_step_after_encoding():
    rng = np.random.default_rng(0)
    values = rng.uniform(-3, 7, 500)
    limits = [-2.0, 6.0]  # some values lie outside: they are drawn off the plot, still exactly
    shown = explorer.decode(explorer.encode(values, limits, False, 2000), limits, False, 2000)
    assert np.abs(shown - values).max() <= 0.5 * 8 / 2000 + 1e-12
    positive = 10 ** rng.uniform(-12, 4, 500)
    limits = [1e-12, 1e4]
    shown = explorer.decode(explorer.encode(positive, limits, True, 2000), limits, True, 2000)
    assert np.abs(np.log10(shown / positive)).max() <= 0.5 * 16 / 2000 + 1e-12


def test_does_a_value_that_cannot_be_drawn_break_the_line_and_only_that():
    values = np.array([1.0, np.nan, 2.0, np.inf, -1.0, 0.0, 3.0])
    encoded = explorer.encode(values, [0.1, 10.0], True, 100)
    assert [step is None for step in encoded] == [False, True, False, True, True, True, False]
    shown = explorer.decode(encoded, [0.1, 10.0], True, 100)
    np.testing.assert_allclose(shown[[0, 2, 6]], [1.0, 2.0, 3.0], rtol=0.02)
    linear = explorer.encode(np.array([1.0, np.nan, -1.0]), [-2.0, 2.0], False, 100)
    assert linear[1] is None and linear[2] == -50, "a gap keeps the running step"


def test_are_far_away_values_pulled_in_but_still_off_the_plot():
    encoded = explorer.encode(np.array([0.0, 1e300, -1e300]), [0.0, 1.0], False, 1000)
    shown = explorer.decode(encoded, [0.0, 1.0], False, 1000)
    assert shown[1] >= 100 and shown[2] <= -99 and max(map(abs, encoded)) < 1e6


def test_is_a_smooth_run_stored_in_few_bytes_per_point():
    """The point of the encoding: a loss curve of 1000 points, as small integers, takes about 3
    bytes a point, where 4-digit decimals take 8 or more."""
    losses = np.geomspace(100, 1e-8, 1000) * (1 + 0.1 * np.sin(np.arange(1000)))
    figure = Explorer(
        controls=[Slider("k", "k", [1, 2])],
        panels=[LinePanel("loss", [Series("run", y={1: losses, 2: losses / 2})], log_y=True)],
    )
    text = figure.to_json()
    assert len(text) / 2000 < 4.5, len(text) / 2000
    runs = json.loads(text)["panels"][0]["series"][0]["yr"]
    assert all(isinstance(step, int) for run in runs for step in run)


def test_are_colors_the_given_ones_or_the_default_cycle():
    figure = small_figure(
        panels=[
            LinePanel(
                "p",
                [
                    Series("a", y=[1, 2]),
                    Series("b", y=[1, 2], color="#ff7f0e"),
                    Series("c", y=[3]),
                ],
            )
        ]
    )
    colors = [series["color"] for series in figure.data["panels"][0]["series"]]
    assert colors == [explorer.DEFAULT_COLORS[0], "#ff7f0e", explorer.DEFAULT_COLORS[1]]


def test_do_contour_lines_lie_on_their_levels():
    quad = problems.quadratic(condition_number=10, dim=2, seed=0)
    levels = [0.5, 2.0, 8.0]
    lines = explorer.contour_series(quad.loss, quad.bounds, levels=levels, resolution=80)
    x, y = np.asarray(lines.x), np.asarray(lines.y)
    assert np.isnan(x).sum() >= len(levels), "each line ends with a break"
    minimum = quad.loss(quad.minimizer)
    heights = np.array([quad.loss(np.array(p)) - minimum for p in zip(x, y) if np.isfinite(p[0])])
    offsets = np.min(np.abs(heights[:, None] - (np.array(levels) - minimum)[None, :]), axis=1)
    assert offsets.max() < 0.05 * max(levels)  # the grid's linear interpolation
    assert lines.color == explorer.CONTOUR_COLOR and lines.label is None


# --- mistakes it refuses --------------------------------------------------------------------


def one_slider_figure(series, **panel) -> Explorer:
    return Explorer(
        controls=[Slider("lr", "learning rate", LRS), Choice("s", "schedule", SCHEDULES)],
        panels=[LinePanel("p", [series], **panel)],
    )


@pytest.mark.parametrize(
    "series, message",
    [
        (Series("a", y={0.5: [1.0]}, depends_on=["lr"]), "0.5 is not a value of 'lr'"),
        (Series("a", y={"cosine": [1.0]}, depends_on=["lr"]), "'cosine' is not a value of 'lr'"),
        (Series("a", y={0.1: [1.0], 1.0: [1.0]}, depends_on=["lr"]), "no run for 1 grid point"),
        (
            Series("a", y={(lr,): [1.0] for lr in LRS} | {0.1: [2.0]}, depends_on=["lr"]),
            "two runs for the grid point",
        ),
        (Series("a", y={lr: [1.0] for lr in LRS}), "should hold one value for each of"),
        (Series("a", y={lr: [1.0] for lr in LRS}, depends_on=["eta"]), "the controls are"),
        (Series("a", y=[1.0, 2.0], depends_on=["lr"]), "has one x and one y"),
        (Series("a", x=[0, 1, 2], y=[1.0, 2.0]), "x has 3 values and y 2"),
        (
            Series(
                "a",
                x=[0, 1],
                y={lr: [1.0] * (2 if lr < 1 else 3) for lr in LRS},
                depends_on=["lr"],
            ),
            "x has 2 values and y 3 (grid point 2)",
        ),
        (
            Series(
                "a",
                x={lr: [0, 1] for lr in LRS},
                y={lr: [1.0, 2.0, 3.0] for lr in LRS},
                depends_on=["lr"],
            ),
            "x has 2 values and y 3",
        ),
        (Series("a", y=[[1.0, 2.0], [3.0, 4.0]]), "one-dimensional, not of shape (2, 2)"),
        (Series("a", y=[1.0], markers="square"), "markers must be one of"),
        (Series("a"), "has no y"),
    ],
)
def test_is_a_series_that_does_not_fit_its_controls_refused(series, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        one_slider_figure(series)


@pytest.mark.parametrize(
    "controls, message",
    [
        ([], "at least one"),
        ([Slider("a", "a", [1]), Slider("a", "b", [2])], "distinct names"),
        ([Slider("a", "a", [])], "has no values"),
        ([Slider("a", "a", [1, 2, 1])], "repeats a value"),
        ([Slider("a", "a", [1, 2], initial=3)], "starts at 3"),
        ([Choice("a", "a", ["x", "y"], initial="z")], "starts at 'z'"),
    ],
)
def test_are_bad_controls_refused(controls, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Explorer(controls=controls, panels=[LinePanel("p", [Series("a", y=[1.0])])])


def test_are_bad_panels_and_readouts_refused():
    with pytest.raises(ValueError, match="legend must be one of"):
        one_slider_figure(Series("a", y=[1.0]), legend="middle")
    with pytest.raises(ValueError, match="no value to draw"):
        one_slider_figure(Series("a", y=[0.0, -1.0]), log_y=True)
    with pytest.raises(ValueError, match="cannot be drawn"):
        one_slider_figure(Series("a", y=[1.0]), y_range=(0.0, 1.0), log_y=True)
    with pytest.raises(ValueError, match="cannot be drawn"):
        one_slider_figure(Series("a", y=[1.0]), x_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="the readout: no run for 2 grid points"):
        Explorer(
            controls=[Slider("lr", "lr", LRS)],
            panels=[LinePanel("p", [Series("a", y=[1.0])])],
            readout=Readout("{a}", {0.1: {"a": 1}}),
        )


def test_does_a_number_never_match_a_string_value():
    with pytest.raises(ValueError, match="is not a value"):
        Explorer(
            controls=[Choice("n", "n", ["1", "2"])],
            panels=[LinePanel("p", [Series("a", y={1: [1.0], 2: [2.0]})])],
        )


# --- the HTML -------------------------------------------------------------------------------


def figure_json(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" class="optlab-explorer-data">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


def test_does_the_html_hold_the_data_and_the_drawing_code_and_nothing_else():
    html = small_figure()._repr_html_()
    assert html.count('<div class="optlab-explorer ') == 1
    assert figure_json(html) == json.loads(small_figure().to_json())
    scripts = re.findall(r"<script(?: [^>]*)?>", html)
    assert scripts == ['<script type="application/json" class="optlab-explorer-data">', "<script>"]
    assert explorer.script() in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "src=" not in html, "nothing is fetched"
    assert "tex2jax_ignore" in html and "mathjax_ignore" in html, "MathJax leaves it alone"
    assert "needs JavaScript" in html, "what a reader without scripts sees"


def test_does_the_drawing_code_define_itself_once_per_page_and_mount_every_figure():
    """Every figure carries the code, so that each works on its own in a notebook; on a page with
    several, the first copy defines window.optlabExplorer and the others only mount."""
    code = explorer.script()
    guard = code.index("if (!window.optlabExplorer) {")
    define = code.index("window.optlabExplorer = { mount, mountAll };")
    mount_all = code.rindex("window.optlabExplorer.mountAll();")
    assert "setTimeout(window.optlabExplorer.mountAll, 0)" in code[mount_all:], (
        "mounts again once a notebook has put the output into the page"
    )
    assert guard < define < mount_all
    assert code.count("window.optlabExplorer = ") == 1
    first, second = small_figure()._repr_html_(), small_figure()._repr_html_()
    assert code in first and code in second
    assert len(code.encode()) < 16_000, "the drawing code should stay small"


def test_is_the_id_the_same_for_the_same_data_and_unique_on_a_page():
    ids = [re.search(r'id="([^"]+)"', small_figure()._repr_html_()).group(1) for _ in range(2)]
    assert ids[0] != ids[1]
    assert ids[0].rsplit("-", 1)[0] == ids[1].rsplit("-", 1)[0], "the digest of the data"


def test_are_labels_escaped_and_unable_to_end_the_script():
    nasty = "<b>bold</b> & </script><script>alert(1)</script> 'quoted' \"double\""
    figure = Explorer(
        controls=[Slider("lr", nasty, LRS, format="{:g} <i>")],
        panels=[
            LinePanel(
                nasty,
                [Series(nasty, y={lr: [lr, lr] for lr in LRS})],
                xlabel=nasty,
                ylabel=nasty,
            )
        ],
        readout=Readout(nasty + " {v}", {lr: {"v": "<u>"} for lr in LRS}),
        description=nasty,
    )
    html = figure._repr_html_()
    assert "<b>" not in html and "<i>" not in html and "<u>" not in html
    assert "alert(1)</script>" not in html and html.count("</script>") == 2
    data = figure_json(html)
    assert data["description"] == nasty and data["controls"][0]["label"] == nasty
    assert data["controls"][0]["values"][0] == "0.01 <i>"
    panel = data["panels"][0]
    assert {panel["title"], panel["xlabel"], panel["ylabel"], panel["series"][0]["label"]} == {
        nasty
    }
    assert data["readout"]["texts"][0] == nasty + " <u>"
    fallback = re.search(r'<p class="optlab-explorer-fallback">(.*?)</p>', html).group(1)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in fallback


def test_is_the_json_valid_without_nan_or_infinity():
    figure = one_slider_figure(
        Series("a", y={lr: [1.0, math.nan, math.inf, 2.0] for lr in LRS}, depends_on=["lr"])
    )
    text = figure.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text)["panels"][0]["series"][0]["yr"][0][1:3] == [None, None]


def test_is_a_path_panel_marked_for_equal_scales():
    figure = one_slider_figure(Series("a", x=[0.0, 1.0], y=[0.0, 3.0]))
    assert figure.data["panels"][0]["kind"] == "line"
    path = Explorer(
        controls=[Slider("lr", "lr", LRS)],
        panels=[PathPanel("path", [Series("a", x=[0.0, 1.0], y=[0.0, 3.0])])],
    )
    assert path.data["panels"][0]["kind"] == "path"
    assert "equal" in explorer.PathPanel.__doc__ and 'kind === "path"' in explorer.script()
