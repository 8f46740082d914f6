"""Every method visible: each optimizer chapter draws its method on contour maps, shows static
figures, and has at least one animation that plays in the built page without a kernel (a
Matplotlib animation exported to HTML and JavaScript by optlab.plotting); and every plot of an
optimizer takes its color from optlab.plotting, so that a method looks the same on every page.

The checks of the built site read the session's book build (the `built_site` fixture of
conftest.py); the color checks read the code cells of the pages' sources.
"""

from __future__ import annotations

import ast
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path

from book_support import ROOT, linked_file, page_html, toc_files
from bs4 import BeautifulSoup

from optlab.chapters import CHAPTERS
from optlab.plotting import EMBEDDED_FRAME, color_for, embedded_frame_bytes

# The chapters that draw optimizers' paths on contour maps and animate them, by the table.
OPTIMIZER_CHAPTERS = tuple(f"book/{chapter.name}" for chapter in CHAPTERS if chapter.trajectories)

# The optimizers among the keys of optlab.plotting.COLORS, each with the names a plot's label
# calls it by (lower case), by the table. The other keys name training setups of the last
# chapters.
OPTIMIZER_NAMES = {
    method.key: method.labels
    for chapter in CHAPTERS
    for method in chapter.methods
    if method.labels
}

# Axes methods that draw a data series (reference lines such as axhline, and text, are left out:
# a gray line marking "SGD's limit" is not SGD's curve).
SERIES_METHODS = {
    "plot",
    "semilogx",
    "semilogy",
    "loglog",
    "scatter",
    "step",
    "errorbar",
    "fill_between",
    "bar",
    "barh",
    "hist",
    "stairs",
    "stem",
}
# optlab.plotting's helper that takes a label and an optional color: (ax, points, label, color).
TRAJECTORY_HELPER = "plot_trajectory"


# --- animations in the built pages ------------------------------------------------------------

# Matplotlib's to_jshtml: a widget <div class="animation"> with <img id="_anim_img<id>">, and a
# script that fills `var frames = new Array(n)` with one data URL per frame and starts
# `new Animation(frames, ...)`. On the site the frames are files instead, their addresses
# listed in the same script, and the player is made with the definition patched before it,
# `new OptlabAnimation(frames, ...)` (book/_ext/lazy_animations.py).
ANIMATION_SCRIPT = re.compile(
    r'var img_id = "(?P<img>_anim_img\w+)";.*?var frames = new Array\((?P<count>\d+)\);'
    r"(?P<frames>.*?)new (?:Optlab)?Animation\(frames",
    re.S,
)
LISTED = re.compile(r'window\.optlabFrameURLs\["_anim_img\w+"\] = (?P<urls>\[[^\]]*\]);')
IMAGE_SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff", "webp": b"RIFF"}
FILE_KINDS = {".png": "png", ".jpg": "jpeg", ".webp": "webp"}


@dataclass
class Animation:
    img_id: str
    declared: int  # the length of the frames array
    frames: list[bytes]  # the frames that decode as images of their declared kind


def animations(html: str, folder: Path | None = None) -> list[Animation]:
    """Every JavaScript animation of a page, with its decoded frames: embedded in the page, or
    files listed in it, read relative to the page's ``folder``."""
    found = []
    for match in ANIMATION_SCRIPT.finditer(html):
        frames = []
        listed = LISTED.search(match["frames"])
        if listed is not None and folder is not None:
            for url in json.loads(listed["urls"]):
                path = folder / url
                kind = FILE_KINDS.get(path.suffix)
                data = path.read_bytes() if kind and path.is_file() else b""
                if kind and data.startswith(IMAGE_SIGNATURES[kind]):
                    frames.append(data)
        for frame in EMBEDDED_FRAME.finditer(match["frames"]):
            try:
                data = embedded_frame_bytes(frame)
            except (binascii.Error, ValueError):
                continue
            if data.startswith(IMAGE_SIGNATURES[frame["kind"]]):
                frames.append(data)
        found.append(Animation(match["img"], int(match["count"]), frames))
    return found


def animation_problems(html: str, folder: Path | None = None) -> list[str]:
    """What keeps a page from having a kernel-free animation that plays: none at all, a widget
    without its script (or the reverse), fewer than two frames, frames that do not decode, or
    frames that are all the same picture."""
    widgets = {
        img["id"] for img in BeautifulSoup(html, "html.parser").select("div.animation img[id]")
    }
    found = animations(html, folder)
    problems = [] if found else ["no animation"]
    scripts = {animation.img_id for animation in found}
    problems += [f"animation widget {img} without its frames" for img in sorted(widgets - scripts)]
    problems += [
        f"animation frames for {img} without a widget" for img in sorted(scripts - widgets)
    ]
    for animation in found:
        if len(animation.frames) != animation.declared:
            problems.append(
                f"{animation.img_id}: {len(animation.frames)} of its {animation.declared} "
                "frames decode"
            )
        if len(set(animation.frames)) < 2:
            problems.append(f"{animation.img_id}: fewer than two different frames")
    return problems


def static_figures(site: Path, page: str) -> list[Path]:
    """The image files of the page's figures (figure elements holding an image file of the
    site)."""
    soup = page_html(site, page)
    files = [
        linked_file(site, page, img["src"])
        for img in soup.select("figure img[src]")
        if not img["src"].startswith("data:")
    ]
    return [path for path in files if path.is_file() and path.stat().st_size > 0]


def test_is_every_optimizer_chapter_in_the_book():
    missing = [page for page in OPTIMIZER_CHAPTERS if page not in toc_files()]
    assert not missing, f"optimizer chapters missing from _toc.yml: {missing}"


def test_does_every_optimizer_chapter_play_an_animation_without_a_kernel(built_site):
    problems = {
        page: animation_problems(
            (built_site / f"{page}.html").read_text(encoding="utf-8"), (built_site / page).parent
        )
        for page in OPTIMIZER_CHAPTERS
    }
    problems = {page: found for page, found in problems.items() if found}
    assert not problems, f"chapters without a working animation: {problems}"


def test_does_every_optimizer_chapter_show_a_static_figure(built_site):
    missing = [page for page in OPTIMIZER_CHAPTERS if not static_figures(built_site, page)]
    assert not missing, f"chapters without a static figure: {missing}"


def test_would_the_animation_check_catch_a_chapter_whose_animation_is_removed(built_site):
    """The check against a real chapter: as built it passes; with its animations cut out, or with
    a frame corrupted, it fails."""
    html = (built_site / "book/sgd.html").read_text(encoding="utf-8")
    folder = built_site / "book"
    assert animation_problems(html, folder) == []

    soup = BeautifulSoup(html, "html.parser")
    for widget in soup.select("div.animation"):
        widget.decompose()
    for script in soup.find_all("script"):
        if re.search(r"new (Optlab)?Animation\(", script.string or ""):
            script.decompose()
    assert animation_problems(str(soup), folder) == ["no animation"]

    first = json.loads(LISTED.search(html)["urls"])[0]
    corrupted = html.replace(first, first.replace("/animations/", "/animations/missing-"), 1)
    assert any("frames decode" in problem for problem in animation_problems(corrupted, folder))


def test_would_the_animation_check_catch_an_animation_of_one_frame_or_that_does_not_move():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from optlab.plotting import animation_html

    def movie(num_frames: int, moves: bool) -> str:
        fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
        (line,) = ax.plot([0, 1], [0, 1], color="C0")
        return animation_html(
            fig,
            lambda k: line.set_data([0, 1 + k * moves], [0, 1]),
            num_frames=num_frames,
            colors=["C0"],
        ).data

    assert animation_problems(movie(3, moves=True)) == []
    for still in (movie(1, moves=True), movie(3, moves=False)):
        assert any(
            "fewer than two different frames" in problem for problem in animation_problems(still)
        )


# --- contour maps and colors in the pages' sources -------------------------------------------

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


def code_cells(page: str) -> list[str]:
    """The Python code of a MyST page's code cells, without their options (--- ... --- or :key:
    lines)."""
    cells = []
    for body in CODE_CELL.findall((ROOT / f"{page}.md").read_text(encoding="utf-8")):
        if body.startswith("---\n"):
            body = body.split("\n---\n", 1)[1]
        lines = body.splitlines()
        while lines and lines[0].startswith(":"):
            lines.pop(0)
        cells.append("\n".join(lines))
    return cells


def test_does_every_optimizer_chapter_draw_its_method_on_a_contour_map():
    """Each chapter calls optlab.plotting's contour map, and draws a trajectory on it."""
    missing = []
    for page in OPTIMIZER_CHAPTERS:
        code = "\n".join(code_cells(page))
        if "plotting.contour(" not in code or not re.search(
            r"plot_trajectory\(|animate_trajectories\(", code
        ):
            missing.append(page)
    assert not missing, f"chapters without a trajectory on a contour map: {missing}"


def string_value(node: ast.AST | None) -> str | None:
    """A string literal's value; for an f-string, its literal beginning (None if it starts with a
    field)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.JoinedStr)
        and node.values
        and isinstance(node.values[0], ast.Constant)
    ):
        return node.values[0].value
    return None


def named_optimizer(label: str | None) -> str | None:
    """The optimizer (a key of COLORS) that a plot's label names, if it names one: the label,
    without its math and from its first comma, parenthesis or colon on, is an optimizer's name
    ("gradient descent, $w_{0,2} = 10^{-3}$" names gd; "L2 penalty in Adam" names none)."""
    if label is None:
        return None
    head = re.split(r"[,(:;]", re.sub(r"\$[^$]*\$", "", label), maxsplit=1)[0].strip().lower()
    head = re.sub(r"\s+", " ", head)
    return next((key for key, names in OPTIMIZER_NAMES.items() if head in names), None)


FORMAT_STRING = re.compile(r"^(?:C\d|[-.:,ov^<>1-48spP*hH+xXDd|_bgrcmykw])+$")


def literal_color(call: ast.Call, color_argument: int | None = None) -> str | None:
    """The color a plotting call gives as a literal: a string for color= (or c=), its positional
    color argument (optlab's helpers), or else the color letter of a Matplotlib format string
    such as "k:" or "ro"."""
    for keyword in call.keywords:
        if keyword.arg in ("color", "c"):
            return string_value(keyword.value) if isinstance(keyword.value, ast.Constant) else None
    if color_argument is not None:  # a helper's arguments, not a format string
        value = call.args[color_argument] if len(call.args) > color_argument else None
        return (
            value.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str)
            else None
        )
    for argument in call.args:
        text = string_value(argument)
        if (
            text
            and isinstance(argument, ast.Constant)
            and FORMAT_STRING.match(text)
            and re.search(r"C\d|[bgrcmykw]", text)
        ):
            return text
    return None


def sets_color(call: ast.Call, color_argument: int | None = None) -> bool:
    """Whether a call chooses a color at all (else Matplotlib's color cycle picks one)."""
    if any(keyword.arg in ("color", "c") or keyword.arg is None for keyword in call.keywords):
        return True  # an explicit color, or **style that may hold one
    if color_argument is not None:
        return len(call.args) > color_argument
    return literal_color(call) is not None


def color_problems(source: str) -> list[str]:
    """Plotting calls in `source` whose label names an optimizer but whose color is a literal, or
    left to Matplotlib's color cycle, rather than taken from optlab.plotting (COLORS, color_for,
    or a helper that picks the color from the name)."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Name)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        if name == TRAJECTORY_HELPER:
            label = string_value(
                keywords.get("label", node.args[2] if len(node.args) > 2 else None)
            )
            optimizer = named_optimizer(label)
            if optimizer is None:
                continue
            color = literal_color(node, color_argument=3)
            if (
                color is None
                and not sets_color(node, color_argument=3)
                and color_for(label) is None
            ):
                # plot_trajectory picks color_for(label), which only knows the keys of COLORS
                problems.append(
                    f"line {node.lineno}: {label!r} gets no color from COLORS (color_for knows "
                    f"only its keys)"
                )
        elif name in SERIES_METHODS:
            label = string_value(keywords.get("label"))
            optimizer = named_optimizer(label)
            if optimizer is None:
                continue
            color = literal_color(node)
            if color is None and not sets_color(node):
                problems.append(
                    f"line {node.lineno}: {label!r} is left to Matplotlib's color cycle"
                )
                continue
        else:
            continue
        if color is not None:
            problems.append(
                f"line {node.lineno}: {label!r} is drawn in the literal color {color!r}, not "
                f"plotting.COLORS[{optimizer!r}]"
            )
    return problems


def test_does_every_plot_of_an_optimizer_take_its_color_from_optlab_plotting():
    problems = {}
    for page in toc_files():
        for number, cell in enumerate(code_cells(page)):
            found = color_problems(cell)
            if found:
                problems[f"{page}.md, code cell {number}"] = found
    assert not problems, f"optimizers drawn in colors that are not theirs: {problems}"


def test_would_the_color_check_catch_a_literal_color():
    flagged = {
        'ax.plot(x, y, color="C1", label="gradient descent, $w_{0,2} = 10^{-3}$")': "'C1'",
        'ax.semilogy(x, y, "r-", label="Adam")': "'r-'",
        'plotting.plot_trajectory(ax, path, "momentum", color="#123456")': "'#123456'",
        'plotting.plot_trajectory(ax, path, "momentum", "#123456")': "'#123456'",
        'ax.loglog(x, y, "o-", label=f"SGD with momentum, lr {lr}")': "color cycle",
        'plotting.plot_trajectory(ax, path, "gradient descent")': "no color from COLORS",
    }
    for source, expected in flagged.items():
        found = color_problems(source)
        assert len(found) == 1 and expected in found[0], (source, found)
    accepted = [
        'ax.plot(x, y, color=plotting.COLORS["gd"], label="gradient descent")',
        'ax.plot(x, y, "o-", color=plotting.color_for(name), label="sgd")',
        # a variable: the color is chosen elsewhere
        'ax.plot(x, y, color=color, label="Nesterov")',
        'ax.plot(x, y, **style, label="adam")',
        'plotting.plot_trajectory(ax, path, "momentum")',  # the helper picks COLORS["momentum"]
        'plotting.plot_trajectory(ax, path, "noisy SGD", color=plotting.COLORS["sgd"])',
        'ax.axhline(2, color="0.4", label="SGD\'s limit")',  # a reference line, not SGD's curve
        'ax.plot(x, y, color="C3", label="L2 penalty in Adam")',  # not an optimizer's name
        'ax.plot(x, y, "k:", label="$L(W^*)$")',
    ]
    for source in accepted:
        assert color_problems(source) == [], source


def test_is_every_optimizer_color_used_by_some_page():
    """Each optimizer's key of COLORS is named in some page's code (COLORS["adam"],
    color_for("adam"), or a name a plotting helper turns into that color)."""
    named = set()
    for page in toc_files():
        for cell in code_cells(page):
            named |= {
                node.value
                for node in ast.walk(ast.parse(cell))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            }
    unused = sorted(set(OPTIMIZER_NAMES) - named)
    assert not unused, f"optimizers of COLORS that no page draws: {unused}"
