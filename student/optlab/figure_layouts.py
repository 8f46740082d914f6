"""Every figure of the book in two layouts: as drawn, for a wide screen, and stacked, for a phone.

Text of ``s`` points in a figure rendered at ``dpi`` and shown ``shown`` CSS pixels wide out
of its ``natural`` image pixels is ``s / 72 * dpi * shown / natural`` CSS pixels high; for a
figure ``W`` inches wide that fills its image, ``s / 72 * shown / W``. A figure's text is
readable when that is at least ``MIN_TEXT_PX``. So the book bounds both sides of the
fraction: no figure uses a font under ``SMALLEST_FONT_PT``, and no figure is wider than the
narrowest width its layout is shown at allows (``max_width_inches``):

* ``wide``, for windows at least ``PHONE_BREAKPOINT_PX`` wide: the figure as its page draws it,
  scaled down (text keeps its size in points) when it is wider than the limit;
* ``phone``, for narrower windows: the same figure with its panels stacked, a few per row,
  at the phone's limit.

``show(fig)`` displays both, each an image that carries what it needs to be checked
(``image_tags``): its layout, its resolution and the smallest font drawn in it. The book's
build turns each pair into one responsive image (``book/_ext/figure_layouts.py``), and
``optlab.plotting`` shows figures this way when ``LAYOUTS_VARIABLE`` is set, as the build sets
it; a notebook without it shows figures as Matplotlib always does.
"""

from __future__ import annotations

import contextlib
import io
import math
import struct
import zlib
from collections.abc import Iterator, Mapping

import matplotlib.pyplot as plt

MIN_TEXT_PX = 9.0
SMALLEST_FONT_PT = 10.0
# The narrowest a figure is shown in each layout (CSS px), measured on the built site in
# Chromium: the text column of a 1200 px window (the narrowest that keeps the page's contents
# beside the text), and of a 360 px phone.
NARROWEST_SHOWN_PX = {"wide": 600.0, "phone": 310.0}
PHONE_BREAKPOINT_PX = 768
PHONE_MEDIA = f"(max-width: {PHONE_BREAKPOINT_PX - 0.02}px)"
LAYOUTS_VARIABLE = "OPTLAB_FIGURE_LAYOUTS"
TAG_PREFIX = "optlab:"


def max_width_inches(layout: str) -> float:
    """The widest a figure may be in ``layout`` for its smallest text to stay readable."""
    return SMALLEST_FONT_PT * NARROWEST_SHOWN_PX[layout] / (72 * MIN_TEXT_PX)


def text_px(font_pt: float, dpi: float, shown_px: float, natural_px: float) -> float:
    """How high text of ``font_pt`` points in an image rendered at ``dpi`` is shown (CSS px)."""
    return font_pt / 72 * dpi * shown_px / natural_px


# --- what a figure draws -----------------------------------------------------------------


@contextlib.contextmanager
def recording_font_sizes() -> Iterator[list[float]]:
    """The size in points of every piece of text Matplotlib's Agg renderer draws meanwhile.

    Counted as drawn, so text outside the view or switched off is not; math counts at its
    base size (its sub- and superscripts are smaller, as in print).
    """
    from matplotlib.backends.backend_agg import RendererAgg

    sizes: list[float] = []
    draw_text = RendererAgg.draw_text

    def record(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            sizes.append(prop.get_size_in_points())
        return draw_text(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    RendererAgg.draw_text = record
    try:
        yield sizes
    finally:
        RendererAgg.draw_text = draw_text


def _figure_limit(layout: str) -> float:
    """The widest a figure may be drawn in ``layout``: its saved image adds a margin on each
    side (``savefig.pad_inches``, as it is trimmed to what is drawn)."""
    return max_width_inches(layout) - 2 * plt.rcParams["savefig.pad_inches"]


def fit_width(fig: plt.Figure, layout: str) -> None:
    """Scale ``fig`` down to ``layout``'s widest (its proportions kept, its fonts not)."""
    width, height = fig.get_size_inches()
    limit = _figure_limit(layout)
    if width > limit:
        fig.set_size_inches(limit, height * limit / width)


def stack_for_phone(fig: plt.Figure) -> bool:
    """Lay ``fig``'s panels out for a phone: as many per row as fit at their drawn width (at
    least one), in reading order, at the phone's widest. Panels that share an axis get their
    tick labels back. False (and the figure only scaled) when the panels are not one grid of
    single cells, which cannot be restacked."""
    width, height = fig.get_size_inches()
    limit = _figure_limit("phone")
    panels: dict[tuple, list[plt.Axes]] = {}
    grids = set()
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None:  # a colorbar or an inset: it follows its axes
            continue
        grids.add(id(spec.get_gridspec()))
        if len(spec.rowspan) != 1 or len(spec.colspan) != 1:
            grids.add(None)
        panels.setdefault((spec.rowspan.start, spec.colspan.start), []).append(ax)
    if len(grids) != 1 or None in grids:
        fit_width(fig, "phone")
        return False
    rows, columns = next(iter(panels.values()))[0].get_subplotspec().get_geometry()[:2]
    panel_width, panel_height = width / columns, height / rows
    per_row = max(1, min(columns, math.floor(limit / panel_width)))
    new_rows = math.ceil(len(panels) / per_row)
    shrink = max(0.7, min(1.0, limit / per_row / panel_width))
    grid = fig.add_gridspec(new_rows, per_row)
    for index, key in enumerate(sorted(panels)):
        row, column = divmod(index, per_row)
        for ax in panels[key]:
            ax.set_subplotspec(grid[row, column])
            if len(ax.get_shared_y_axes().get_siblings(ax)) > 1:
                ax.tick_params(labelleft=column == 0)
            if len(ax.get_shared_x_axes().get_siblings(ax)) > 1 and ax.xaxis.get_visible():
                ax.tick_params(labelbottom=True)
    fig.set_size_inches(limit, new_rows * panel_height * shrink)
    return True


# --- images that say how to check them ---------------------------------------------------


def _png_text_chunk(key: str, value: str) -> bytes:
    body = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    return (
        struct.pack(">I", len(body))
        + b"tEXt"
        + body
        + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    )


def tag_image(data: bytes, tags: Mapping[str, object]) -> bytes:
    """``data`` (a PNG or JPEG file) with ``tags`` added, its pixels untouched: PNG text chunks
    after the header (where readers find them without decoding the image), or a JPEG comment
    after the start."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        header_end = 8 + 8 + struct.unpack(">I", data[8:12])[0] + 4  # IHDR: length, type, CRC
        chunks = b"".join(_png_text_chunk(TAG_PREFIX + k, str(v)) for k, v in tags.items())
        return data[:header_end] + chunks + data[header_end:]
    if data.startswith(b"\xff\xd8"):
        comment = "\n".join(f"{TAG_PREFIX}{k}={v}" for k, v in tags.items()).encode("latin-1")
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]
    raise ValueError("only PNG and JPEG images can be tagged")


# A WebP file (which the site makes of each figure, book/_ext/webp_images.py) carries its tags
# as attributes of an XMP packet, in their own namespace.
_XMP_NAMESPACE = "urn:optlab:figure-layouts:1"
_RDF_NAMESPACE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def xmp_packet(tags: Mapping[str, object]) -> bytes:
    """An XMP packet holding ``tags``, for an image format that carries XMP (WebP)."""
    from xml.sax.saxutils import quoteattr

    attributes = "".join(f" optlab:{key}={quoteattr(str(value))}" for key, value in tags.items())
    return (
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{_RDF_NAMESPACE}">'
        f'<rdf:Description rdf:about="" xmlns:optlab="{_XMP_NAMESPACE}"{attributes}/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()


def _xmp_tags(packet: bytes | str) -> dict[str, str]:
    from xml.etree import ElementTree

    prefix = "{" + _XMP_NAMESPACE + "}"
    return {
        key.removeprefix(prefix): value
        for element in ElementTree.fromstring(packet).iter()
        for key, value in element.attrib.items()
        if key.startswith(prefix)
    }


def image_tags(image) -> dict[str, str]:
    """The tags an image carries: given by ``tag_image`` (PNG, JPEG) or in an ``xmp_packet``
    (WebP). ``image`` is a PIL image, or a path or file to open."""
    from PIL import Image

    if not isinstance(image, Image.Image):
        image = Image.open(image)
    found = _xmp_tags(image.info["xmp"]) if image.info.get("xmp") else {}
    found |= {
        key.removeprefix(TAG_PREFIX): str(value)
        for key, value in image.info.items()
        if isinstance(key, str) and key.startswith(TAG_PREFIX)
    }
    comment = image.info.get("comment", b"")
    for line in (comment.decode("latin-1") if isinstance(comment, bytes) else comment).split():
        key, _, value = line.partition("=")
        if key.startswith(TAG_PREFIX):
            found[key.removeprefix(TAG_PREFIX)] = value
    return found


def render(
    fig: plt.Figure, layout: str, image_format: str = "png", photograph: bool = False, **savefig
) -> bytes:
    """``fig`` saved as an image file tagged with ``layout``, its dpi and its smallest font,
    and, for a figure of ``photograph``s, ``content=photograph`` (which the site encodes
    lossily, book/_ext/webp_images.py)."""
    dpi = savefig.pop("dpi", None) or plt.rcParams["savefig.dpi"]
    dpi = fig.dpi if dpi == "figure" else dpi
    buffer = io.BytesIO()
    with recording_font_sizes() as sizes:
        fig.savefig(buffer, format=image_format, dpi=dpi, bbox_inches="tight", **savefig)
    tags = {"layout": layout, "dpi": f"{dpi:g}"}
    if sizes:
        tags["smallest-font-pt"] = f"{min(sizes):g}"
    if photograph:
        tags["content"] = "photograph"
    return tag_image(buffer.getvalue(), tags)


# The phone layout travels inside the wide layout's file, so that a figure stays one output
# of its cell (one figure of the page): in a private PNG chunk, or in JPEG application segments
# (at most 64 kB each).
_PHONE_CHUNK = b"phOn"  # ancillary, private, safe to copy
_JPEG_SEGMENT = b"\xff\xef"  # APP15
_JPEG_MARK = b"optlab-phone\0"
_JPEG_PIECE = 65533 - len(_JPEG_MARK)


def attach_phone(wide: bytes, phone: bytes) -> bytes:
    """The ``wide`` image file carrying the ``phone`` one (of the same format)."""
    if wide.startswith(b"\x89PNG"):
        chunk = _PHONE_CHUNK + phone
        end = wide.rindex(b"IEND") - 4
        return (
            wide[:end]
            + struct.pack(">I", len(phone))
            + chunk
            + struct.pack(">I", zlib.crc32(chunk))
            + wide[end:]
        )
    segments = b"".join(
        _JPEG_SEGMENT + struct.pack(">H", 2 + len(_JPEG_MARK) + len(piece)) + _JPEG_MARK + piece
        for piece in (phone[i : i + _JPEG_PIECE] for i in range(0, len(phone), _JPEG_PIECE))
    )
    return wide[:2] + segments + wide[2:]


def detach_phone(data: bytes) -> tuple[bytes, bytes | None]:
    """The wide image and the phone image it carries (None if it carries none)."""
    if data.startswith(b"\x89PNG"):
        at, wide, phone = 8, [data[:8]], None
        while at < len(data):
            (length,) = struct.unpack(">I", data[at : at + 4])
            end = at + 12 + length
            if data[at + 4 : at + 8] == _PHONE_CHUNK:
                phone = data[at + 8 : at + 8 + length]
            else:
                wide.append(data[at:end])
            at = end
        return b"".join(wide), phone
    if data.startswith(b"\xff\xd8"):
        at, wide, pieces = 2, [data[:2]], []
        while data[at : at + 1] == b"\xff" and data[at + 1 : at + 2] not in (b"\xda", b"\xd9"):
            (length,) = struct.unpack(">H", data[at + 2 : at + 4])
            segment = data[at : at + 2 + length]
            if segment[:2] == _JPEG_SEGMENT and segment[4:].startswith(_JPEG_MARK):
                pieces.append(segment[4 + len(_JPEG_MARK) :])
            else:
                wide.append(segment)
            at += 2 + length
        return b"".join(wide) + data[at:], (b"".join(pieces) or None)
    return data, None


def layouts_wanted() -> bool:
    """Whether figures are shown in both layouts (the book's build sets ``LAYOUTS_VARIABLE``)."""
    import os

    return bool(os.environ.get(LAYOUTS_VARIABLE))


def show(fig: plt.Figure, image_format: str = "png", photograph: bool = False, **savefig) -> None:
    """Display ``fig`` as one image in its wide layout that carries its phone layout
    (``attach_phone``), and close it (``photograph``: see ``render``)."""
    from IPython.display import Image, display

    fit_width(fig, "wide")
    wide = render(fig, "wide", image_format, photograph, **savefig)
    stack_for_phone(fig)
    phone = render(fig, "phone", image_format, photograph, **savefig)
    plt.close(fig)
    display(Image(data=attach_phone(wide, phone), format=image_format))
