"""Every figure of a page served as WebP, with the tags that say how to check it.

The pages' figures are cell outputs in PNG: plots, and figures of photographs
(``optlab.plotting.show_photographs``, tagged ``content=photograph``). Before Sphinx collects a
page's images, each becomes a WebP file beside it, and the page points to that file:

* a plot is first given a palette when that loses nothing seen (``light_images.quantize``),
  then encoded losslessly: the same pixels, about a fifth fewer bytes than the palette PNG;
* a photograph (or any JPEG) is encoded at ``PHOTO_QUALITY``: on the book's photographs, about
  two thirds of the bytes of a JPEG at quality 80, as close to the original pixels.

Every browser the site supports decodes WebP (Safari since version 14). The image's tags
(``optlab.figure_layouts.image_tags``: its layout, dpi and smallest font) go into the WebP
file's XMP packet (``xmp_packet``), so the browser tests read them from the file the reader
gets. Encoded files are kept in the ``light_images`` cache, named by a hash of the original
and of the encoding, so an unchanged figure is encoded once.
"""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

from docutils import nodes
from figure_layouts import output_file
from light_images import CACHE, cached, quantize, write_whole
from light_images import VERSION as PALETTE_VERSION
from sphinx.application import Sphinx

from optlab.figure_layouts import image_tags, xmp_packet

PHOTO_QUALITY = 75  # libwebp's own default; method 6, its slowest and smallest
LOSSLESS_EFFORT = 4  # method 4: within 1 % of method 6's size at a fiftieth of its time
# Part of the cache key, with the palette's: change it when the encoding changes.
VERSION = f"webp_images 1 q{PHOTO_QUALITY} m{LOSSLESS_EFFORT} ".encode() + PALETTE_VERSION
SOURCES = {".png", ".jpg", ".jpeg"}


def to_webp(original: bytes) -> bytes:
    """The PNG or JPEG ``original`` as a WebP file with its tags: at ``PHOTO_QUALITY`` from a
    photograph or a JPEG, losslessly otherwise."""
    from PIL import Image

    tags = image_tags(io.BytesIO(original))
    photograph = original.startswith(b"\xff\xd8") or tags.get("content") == "photograph"
    source = original if photograph else (quantize(original) or original)
    image = Image.open(io.BytesIO(source))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    options = (
        {"quality": PHOTO_QUALITY, "method": 6}
        if photograph
        else {"lossless": True, "quality": 100, "method": LOSSLESS_EFFORT}
    )
    if tags:
        options["xmp"] = xmp_packet(tags)
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", **options)
    return buffer.getvalue()


def cached_webp(original: bytes, cache: Path) -> bytes:
    """``to_webp``, through the cache."""
    return cached(cache, VERSION + original, ".webp", partial(to_webp, original))


def serve_as_webp(app: Sphinx, doctree: nodes.document) -> None:
    """Each cell output of the page in PNG or JPEG (both layouts' files) becomes WebP."""
    cache = Path(app.srcdir) / CACHE
    for image in list(doctree.findall(nodes.image)):
        path = output_file(app, image)
        if path is None or path.suffix.lower() not in SOURCES:
            continue
        data = cached_webp(path.read_bytes(), cache)
        file = path.with_suffix(".webp")
        if not file.exists() or file.read_bytes() != data:
            write_whole(file, data)
        uri = "/" + file.relative_to(app.srcdir).as_posix()
        if image.get("alt") == image["uri"]:
            image["alt"] = uri  # no alt text of its own: figure_alt_text still gives one
        image["uri"] = uri
        image.attributes.pop("candidates", None)


def setup(app: Sphinx) -> dict:
    # After figure_layouts splits an image in two (priority 400), before Sphinx's image
    # collector reads the page's images (500).
    app.connect("doctree-read", serve_as_webp, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
