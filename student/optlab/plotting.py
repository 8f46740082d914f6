"""One look for the whole book: a fixed color per optimizer, contour maps, trajectories, loss
curves.

    use_book_style()                         once, at the top of a page
    ax = contour(problem)                    level sets of a 2-D problem from optlab.problems
    plot_trajectory(ax, points, "adam")      the iterates of an optimizer on that map
    plot_loss_curves({"sgd": losses, ...})   loss against iteration, one line per optimizer
    animate_trajectories(problem, {"sgd": points, ...})
                                             optimizers racing on a contour map, as HTML that
                                             plays in a notebook or a built web page
    animation_html(fig, draw, num_frames)    any animation (draw(k) updates frame k) as such HTML

Every static helper draws on a Matplotlib ``Axes`` (a new one if none is given), labels the
axes, adds a legend, and returns the ``Axes``; none of them calls ``plt.show()``. An optimizer's
name picks its color from ``COLORS``, so a method looks the same on every page.

``show_images(images, titles)`` lays photographs (uint8 arrays) out in a grid, without axes;
``show_as_jpeg()``, in place of ``plt.show()``, shows a figure of photographs as a JPEG.

``format_number`` writes a number the way the prose quotes it (``2.3 × 10⁻⁹``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from . import figure_layouts
from .chapters import CHAPTERS

# One color per optimizer (and per training setup of the last chapters), from the table of
# chapters, so that a method looks the same on every page.
COLORS: dict[str, str] = {
    method.key: method.color for chapter in CHAPTERS for method in chapter.methods
}

BOOK_STYLE: dict[str, object] = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    # Wide figures are 9.3 in and shown 600 to 775 CSS px wide, phone ones 4.6 in shown 310
    # to 720 px: 130 dpi is 1.5 to 2 image pixels per CSS pixel on most screens, sharp on a
    # high-density screen, and a quarter lighter than 150 dpi.
    "savefig.dpi": 130,
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
    """Set Matplotlib's defaults to the book's look (size, grid, fonts, no top/right spines).

    In the book's build (``figure_layouts.layouts_wanted()``), every figure shown from then on
    is shown in a wide and a phone layout (``figure_layouts.show``).
    """
    plt.rcParams.update(BOOK_STYLE)
    if figure_layouts.layouts_wanted():
        from IPython import get_ipython
        from matplotlib.figure import Figure

        shell = get_ipython()
        if shell is not None:
            shell.display_formatter.ipython_display_formatter.for_type(Figure, figure_layouts.show)


def color_for(name: str) -> str | None:
    """The book's color for an optimizer name (case-insensitive), or None to use Matplotlib's
    cycle."""
    return COLORS.get(name.lower().replace("-", "_").replace(" ", "_"))


def _axes(ax: plt.Axes | None) -> plt.Axes:
    return ax if ax is not None else plt.subplots()[1]


def contour(
    problem,
    ax: plt.Axes | None = None,
    levels: int | Sequence[float] = 20,
    resolution: int = 150,
    log_levels: bool = True,
) -> plt.Axes:
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
        levels = low + (
            np.geomspace(span * 1e-4, span, levels)
            if log_levels
            else np.linspace(0, span, levels + 1)[1:]
        )
    ax.contour(xs, ys, Z, levels=levels, colors="0.6", linewidths=0.8, negative_linestyles="solid")
    if problem.minimizer is not None:
        ax.plot(
            *problem.minimizer,
            marker="*",
            markersize=14,
            color="black",
            linestyle="none",
            label="minimizer",
        )
    ax.set(
        xlim=(x_min, x_max),
        ylim=(y_min, y_max),
        xlabel="$w_1$",
        ylabel="$w_2$",
        title=getattr(problem, "name", ""),
    )
    ax.legend(loc="upper right")
    return ax


def plot_trajectory(ax: plt.Axes, points, label: str, color: str | None = None) -> plt.Axes:
    """Draw the iterates ``points`` (shape (T, 2)) as a line with dots, starting at a circle."""
    points = np.asarray(points)
    color = color or color_for(label)
    (line,) = ax.plot(
        points[:, 0],
        points[:, 1],
        marker=".",
        markersize=4,
        linewidth=1.5,
        color=color,
        label=label,
    )
    ax.plot(*points[0], marker="o", markersize=7, color=line.get_color(), linestyle="none")
    ax.set(xlabel="$w_1$", ylabel="$w_2$")
    ax.legend(loc="upper right")
    return ax


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    ax: plt.Axes | None = None,
    log: bool = True,
    xlabel: str = "iteration",
    ylabel: str = "loss",
) -> plt.Axes:
    """One line per entry of ``curves`` (name -> loss values), on a log scale unless
    ``log=False``."""
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


# Font Awesome icons of Matplotlib's HTML animation controls, as plain characters, so the
# buttons show in any page (a site's theme may not ship the icon font the template expects).
_ANIMATION_ICONS = {
    '<i class="fa fa-minus"></i>': "&minus;",
    '<i class="fa fa-fast-backward"></i>': "|&#x25C0;",
    '<i class="fa fa-step-backward"></i>': "&#x25C1;",
    '<i class="fa fa-play fa-flip-horizontal"></i>': "&#x25C0;",
    '<i class="fa fa-pause"></i>': "&#x275A;&#x275A;",
    '<i class="fa fa-play"></i>': "&#x25B6;",
    '<i class="fa fa-step-forward"></i>': "&#x25B7;",
    '<i class="fa fa-fast-forward"></i>': "&#x25B6;|",
    '<i class="fa fa-plus"></i>': "+",
}


def _palette(colors: Sequence[str], size: int = 256):
    """A PIL palette image: grays from black to white, and each color blended with white.

    Antialiased lines blend their color into the white background, so these tints cover
    every pixel of a frame; an exact palette keeps each optimizer's color exact, where an
    adaptive one would spend its few entries on the many grays of the contours.
    """
    from matplotlib.colors import to_rgb
    from PIL import Image

    entries = [(g, g, g) for g in np.linspace(0, 255, 64).round().astype(int)]
    per_color = max(4, (size - len(entries)) // max(len(colors), 1))
    for color in colors:
        rgb = np.array(to_rgb(color)) * 255
        for t in np.linspace(0.0, 1.0, per_color, endpoint=False):  # t = 0: the pure color
            entries.append(tuple(int(round(c)) for c in rgb + t * (255 - rgb)))
    entries = entries[:size]
    entries += [entries[-1]] * (size - len(entries))
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for rgb in entries for c in rgb])
    return palette


# One frame of an animation as Matplotlib's to_jshtml embeds it in its player's script:
# frames[<k>] = "data:image/<png|jpeg>;base64,<data>", the data in lines ending in a backslash.
EMBEDDED_FRAME = re.compile(
    r'frames\[(?P<index>\d+)\] = "data:image/(?P<kind>png|jpeg);base64,(?P<data>[^"]*)"'
)


def embedded_frame_bytes(match: re.Match) -> bytes:
    """The image file of a frame that ``EMBEDDED_FRAME`` matched (binascii.Error if its data
    is not base64)."""
    import base64

    return base64.b64decode(match["data"].replace("\\\n", ""), validate=True)


def _reencode_frames(
    html: str, colors: Sequence[str], tags: Mapping[str, object], palette: bool
) -> str:
    """Every frame embedded in ``to_jshtml`` output tagged (``figure_layouts.tag_image``) and,
    with ``palette``, each PNG re-encoded with a fixed 256-color palette.

    Contour lines drawn with antialiasing make full-color PNGs large; an 8-bit palette of
    grays and of the optimizers' tints keeps the picture and divides the size by about three.
    """
    import base64
    import io

    from PIL import Image

    fixed_palette = _palette(colors) if palette else None

    def reencode(match: re.Match) -> str:
        data = embedded_frame_bytes(match)
        if fixed_palette is not None and match["kind"] == "png":
            image = Image.open(io.BytesIO(data)).convert("RGB")
            image = image.quantize(palette=fixed_palette, dither=Image.Dither.NONE)
            out = io.BytesIO()
            image.save(out, format="png")
            data = out.getvalue()
        encoded = base64.b64encode(figure_layouts.tag_image(data, tags)).decode("ascii")
        return f'frames[{match["index"]}] = "data:image/{match["kind"]};base64,{encoded}"'

    return EMBEDDED_FRAME.sub(reencode, html)


def animate_trajectories(
    problem,
    trajectories: Mapping[str, Sequence],
    num_frames: int = 50,
    fps: float = 10.0,
    figsize: tuple[float, float] = (5.5, 4.0),
    dpi: int = 72,
    trail: int | None = None,
    levels: int | Sequence[float] = 20,
    log_levels: bool = True,
    resolution: int = 120,
    title: str | None = None,
    embed_limit: float = 3.0,
    loop: bool = True,
    description: str = "",
):
    """An animation of optimizers racing on the contour map of a 2-D ``problem``, for a web page.

    ``trajectories`` maps an optimizer's name to its iterates, shape (T, 2); the name picks
    the color (``COLORS``) and the legend entry. Each optimizer is a moving dot that leaves a
    line behind (the last ``trail`` iterates, or all of them with ``trail=None``). The
    ``num_frames`` frames (at most the longest trajectory's length) sample the iterations
    evenly, from the start to the last iterate; the title counts the iterations.
    ``description`` says what it shows to a reader who cannot see it (``animation_html``).

    Returns an ``IPython.display.HTML`` object (a plain HTML string if IPython is missing)
    holding the animation as Matplotlib's ``Animation.to_jshtml`` writes it: JavaScript with
    every frame embedded as a PNG image, so it plays in a built web page without a kernel.
    To keep pages light the frames are small (``figsize`` inches at ``dpi``) and stored
    with a palette of 256 colors (grays, and tints of the optimizers' colors); if they
    still exceed ``embed_limit`` megabytes, a ``ValueError`` says so (rather than
    dropping frames).
    """
    paths = {name: np.asarray(points, dtype=np.float64) for name, points in trajectories.items()}
    if not paths:
        raise ValueError("no trajectories to animate")
    for name, points in paths.items():
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(f"trajectory {name!r} must have shape (T, 2), not {points.shape}")
    if num_frames < 1:
        raise ValueError("num_frames must be at least 1")
    length = max(len(points) for points in paths.values())
    steps = np.unique(np.round(np.linspace(0, length - 1, min(num_frames, length))).astype(int))

    with plt.rc_context({"savefig.dpi": dpi}):
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        contour(problem, ax=ax, levels=levels, resolution=resolution, log_levels=log_levels)
        (x_min, x_max), (y_min, y_max) = problem.bounds
        artists = {}
        for name in paths:
            color = color_for(name)
            (line,) = ax.plot([], [], linewidth=1.5, color=color, alpha=0.8)
            (dot,) = ax.plot(
                [],
                [],
                marker="o",
                markersize=8,
                linestyle="none",
                color=line.get_color(),
                markeredgecolor="white",
                label=name,
            )
            artists[name] = (line, dot)
        ax.set(xlim=(x_min, x_max), ylim=(y_min, y_max))
        ax.legend(loc="upper right")
        heading = title if title is not None else getattr(problem, "name", "")

        def draw(frame: int):
            k = steps[frame]
            for name, (line, dot) in artists.items():
                points = paths[name]
                last = min(k, len(points) - 1)
                first = 0 if trail is None else max(0, last - trail)
                line.set_data(points[first : last + 1, 0], points[first : last + 1, 1])
                dot.set_data([points[last, 0]], [points[last, 1]])
            ax.set_title(f"{heading}, iteration {k}" if heading else f"iteration {k}")
            return [artist for pair in artists.values() for artist in pair]

        html = animation_html(
            fig,
            draw,
            len(steps),
            fps=fps,
            colors=[line.get_color() for line, _ in artists.values()],
            dpi=dpi,
            loop=loop,
            embed_limit=embed_limit,
            description=description,
        )
    return html


def animation_html(
    fig: plt.Figure,
    draw,
    num_frames: int,
    fps: float = 6.0,
    colors: Sequence[str] = (),
    photo: bool = False,
    dpi: int = 72,
    loop: bool = True,
    embed_limit: float = 3.0,
    description: str = "",
):
    """Any Matplotlib animation as HTML that plays in a built web page, without a kernel.

    ``draw(k)`` updates the figure for frame ``k`` (0 to ``num_frames - 1``). The figure is
    laid out once and then frozen (the frames differ only in what ``draw`` changes), every
    frame is rendered at ``dpi`` and embedded in the page, and the figure is closed.
    Frames are PNG images with a 256-color palette (grays and tints of ``colors``, so each
    named color stays exact), or JPEG images with ``photo=True``, which suits photographs.
    ``description`` is the animation's alt text, what it shows for a reader who cannot see
    it (a screen reader reads it; the book requires one).
    In the book's build (``figure_layouts.layouts_wanted()``) the figure is drawn twice, wide
    and stacked for a phone, as two players of which the site's style sheet shows one; each
    frame is tagged with its layout, resolution and smallest font (``figure_layouts``).
    Returns an ``IPython.display.HTML`` object; a ``ValueError`` says so if the result
    exceeds ``embed_limit`` megabytes (rather than dropping frames).
    """
    from html import escape

    layouts = ("wide", "phone") if figure_layouts.layouts_wanted() else ("notebook",)
    players = []
    for layout in layouts:
        if layout == "wide":
            figure_layouts.fit_width(fig, "wide")
        elif layout == "phone":
            fig.set_layout_engine("constrained")
            figure_layouts.stack_for_phone(fig)
        player = _player_html(
            fig, draw, num_frames, fps, colors, photo, dpi, loop, embed_limit, layout
        )
        if description:
            player = player.replace(
                '<img id="_anim_img',
                f'<img alt="{escape(description, quote=True)}" id="_anim_img',
                1,
            )
        players.append((layout, player))
    plt.close(fig)
    html = (
        players[0][1]
        if len(players) == 1
        else "".join(
            f'<div class="optlab-layout-{layout}">{player}</div>' for layout, player in players
        )
    )
    try:
        from IPython.display import HTML
    except ImportError:  # pragma: no cover - plain Python without IPython
        return html
    return HTML(html)


def _player_html(fig, draw, num_frames, fps, colors, photo, dpi, loop, embed_limit, layout):
    """One ``to_jshtml`` player of ``fig`` as laid out now, its frames tagged with ``layout``."""
    from matplotlib import animation

    # The limit on the raw frames is generous, as the palette shrinks them afterwards.
    with plt.rc_context(
        {
            "animation.embed_limit": 20 * embed_limit,
            "savefig.dpi": dpi,
            "animation.frame_format": "jpeg" if photo else "png",
        }
    ):
        # Lay the figure out once: redoing the layout for every frame would triple the time.
        fig.canvas.draw()
        fig.set_layout_engine("none")
        movie = animation.FuncAnimation(
            fig, draw, frames=num_frames, interval=1000.0 / fps, repeat=loop, blit=False
        )
        with figure_layouts.recording_font_sizes() as sizes:
            html = movie.to_jshtml(fps=fps, default_mode="loop" if loop else "once")
    if html.count("frames[") - 1 < num_frames:  # "new Array(n)", then one line per frame
        raise ValueError(
            f"the animation's frames are far over embed_limit={embed_limit} MB: "
            "use fewer frames, a smaller figure or a lower dpi"
        )
    tags = {"layout": layout, "dpi": dpi}
    if sizes:
        tags["smallest-font-pt"] = f"{min(sizes):g}"
    html = _reencode_frames(html, colors, tags, palette=not photo)
    if len(html) > embed_limit * 1024 * 1024:
        raise ValueError(
            f"the animation takes {len(html) / 1024**2:.1f} MB, over embed_limit="
            f"{embed_limit} MB: use fewer frames, a smaller figure or a lower dpi"
        )
    for icon, text in _ANIMATION_ICONS.items():
        html = html.replace(icon, text)
    # With the icons replaced, Matplotlib's link to the icon font on a CDN serves nothing,
    # and offline (or in CI's browser) it is a failed request in the console.
    return re.sub(
        r'<link rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*">',
        "",
        html,
    )


def show_photographs(fig: plt.Figure | None = None, quality: int = 80, dpi: float = 100) -> None:
    """Show ``fig`` (the current figure by default), a figure of photographs, and close it, in
    place of ``plt.show()``: as a JPEG at ``quality``, several times smaller than the PNG that
    notebooks show by default, and looking the same. Laid out as that PNG would be (trimmed to
    what is drawn), at ``dpi``: the photographs the book shows are a few hundred pixels
    across, so more would only add weight. In the book's build, shown in both layouts
    (``figure_layouts.show``) as lossless PNGs marked as photographs, which the site encodes
    once, as lossy WebP (book/_ext/webp_images.py)."""
    from IPython.display import Image, display

    fig = plt.gcf() if fig is None else fig
    if figure_layouts.layouts_wanted():
        figure_layouts.show(fig, "png", photograph=True, dpi=dpi)
        return
    options = {"dpi": dpi, "pil_kwargs": {"quality": quality}}
    data = figure_layouts.render(fig, "notebook", "jpeg", **options)
    plt.close(fig)
    display(Image(data=data, format="jpeg"))


def show_images(
    images: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    columns: int = 4,
    width: float = 7.0,
) -> plt.Figure:
    """A grid of images (each (H, W, 3) uint8, or (H, W) grayscale), titled, without axes;
    returns the figure."""
    count = len(images)
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    height = (
        max(image.shape[0] / image.shape[1] for image in images) * width / columns * rows
        + 0.35 * rows
    )
    fig, axes = plt.subplots(rows, columns, figsize=(width, height), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < count:
            image = images[index]
            ax.imshow(image, cmap="gray_r" if image.ndim == 2 else None, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[index], fontsize=10)
    return fig
