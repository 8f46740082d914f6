"""Every image on the site says what it shows to a reader who cannot see it.

A figure's image takes its alt text from the figure's caption, unless it has its own
(MyST-NB's ``image: alt:`` cell metadata, or ``:alt:`` on an image directive); an image
without either would fall back to its file path (Sphinx's HTML writer writes the path when
there is no alt text), so it is reported as a warning, which fails the build.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def caption_text(figure: nodes.figure) -> str:
    """The figure's caption as plain text, without its number."""
    for caption in figure.findall(nodes.caption):
        return " ".join(caption.astext().split())
    return ""


def has_own_alt(image: nodes.image) -> bool:
    alt = image.get("alt", "").strip()
    return bool(alt) and alt != image.get("uri", "")


def give_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        if has_own_alt(image):
            continue
        figure = image.parent
        while figure is not None and not isinstance(figure, nodes.figure):
            figure = figure.parent
        text = caption_text(figure) if figure is not None else ""
        if text:
            image["alt"] = text
        else:
            logger.warning(
                "an image without a caption or alt text (%s): give its cell a figure caption "
                "(mystnb: figure: caption:) or alt text (mystnb: image: alt:)",
                image.get("uri", "?"),
                location=image,
            )


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", give_alt_text)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
