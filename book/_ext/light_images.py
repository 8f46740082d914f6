"""Every PNG the site ships with a palette of at most 256 colours, when that loses nothing seen.

Matplotlib writes its figures as 32-bit RGBA PNGs, although a plot holds a few dozen colours
and the shades of their anti-aliased edges: most of the weight of the chapters' pages. When
the build has finished, this extension rewrites each PNG of the site that is not yet a
palette image with Pillow's quantizer (``MAXCOVERAGE`` for opaque images; ``FASTOCTREE``,
which keeps transparency, for the others), in the fewest colours that stay close to the
original (mean error at most ``MEAN_ERROR`` and 99.9 % of the pixels within ``PIXEL_ERROR``
of it, in 0-255 per channel), and keeps it if it is smaller: about a third of the bytes, or
less. A photograph saved as PNG is not close in 256 colours and stays as it was. The figures
of the pages go through the same palette before they are served as WebP
(``webp_images``).

The image's metadata stays: every text chunk (``tEXt``, ``zTXt``, ``iTXt``, such as the
figures' ``optlab:*`` entries), its resolution (``pHYs``), colour space and time chunks, and
any other chunk marked safe to copy; only the chunks that describe the old pixels' encoding
(``bKGD``, ``sBIT``, ``hIST``, ``sPLT``, ``tRNS``) go.

A rewritten image is kept in a cache beside the execution cache (``_build/.light_images``,
named by the original's hash), so that a build whose figures did not change does not
quantize them again.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MEAN_ERROR = 1.0
PIXEL_ERROR = 32
SMALLEST = 4096  # bytes: smaller PNGs (the theme's icons) are not worth it
PALETTE_SIZES = (256, 128, 64, 32, 16)  # tried in this order, until one is not close enough
VERSION = b"light_images 2"  # part of the cache key: change it when the encoding changes
CACHE = Path("_build") / ".light_images"
# Chunks that describe the encoding of the pixels, wrong once the pixels are a palette.
ENCODING_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"bKGD", b"sBIT", b"hIST", b"sPLT"}
# Ancillary chunks the PNG specification defines that stay true of the new pixels.
KEPT_CHUNKS = {
    b"tEXt",
    b"zTXt",
    b"iTXt",
    b"pHYs",
    b"tIME",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"eXIf",
}


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (type, data) of every chunk of a PNG file."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    at = len(SIGNATURE)
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        yield kind, data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"IEND":
            return


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def kept(kind: bytes) -> bool:
    """Whether a chunk of the original stays: the metadata, and unknown chunks safe to copy."""
    if kind in ENCODING_CHUNKS:
        return False
    return kind in KEPT_CHUNKS or (kind[0:1].islower() and kind[3:4].islower())


def with_metadata(original: bytes, quantized: bytes) -> bytes:
    """``quantized``'s pixels with ``original``'s metadata, each chunk where the original had
    it: before the image data, or after it."""
    before, after, seen_data = [], [], False
    for kind, body in chunks(original):
        seen_data = seen_data or kind == b"IDAT"
        if kept(kind):
            (after if seen_data else before).append(chunk(kind, body))
    new = list(chunks(quantized))
    head = [chunk(k, b) for k, b in new if k == b"IHDR"]
    pixels = [chunk(k, b) for k, b in new if k in (b"PLTE", b"tRNS", b"IDAT")]
    return b"".join([SIGNATURE, *head, *before, *pixels, *after, chunk(b"IEND", b"")])


def faithful(palette, pixels) -> bool:
    """Whether the palette image looks like ``pixels`` (RGBA, int16): within ``MEAN_ERROR`` on
    average and ``PIXEL_ERROR`` for 99.9 % of the pixels."""
    import numpy as np

    error = np.abs(np.asarray(palette.convert("RGBA"), dtype=np.int16) - pixels)
    far = np.count_nonzero(error.max(axis=2) > PIXEL_ERROR)
    return error.mean() <= MEAN_ERROR and far <= 0.001 * error.shape[0] * error.shape[1]


def quantize(original: bytes) -> bytes | None:
    """The PNG ``original`` as a palette image with its metadata, or None when that is not
    smaller or not close enough to it (or it is a palette or grey image already).

    The palette is the smallest of ``PALETTE_SIZES`` that stays close enough: a plot's few
    colours and their anti-aliased edges often need far fewer than 256, and fewer colours
    compress better (a fifth to a quarter fewer bytes in the book's figures)."""
    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(original))
    if image.mode not in ("RGB", "RGBA"):
        return None
    pixels = np.asarray(image.convert("RGBA"), dtype=np.int16)
    opaque = bool((pixels[..., 3] == 255).all())
    best = None
    for colours in PALETTE_SIZES:
        if opaque:
            palette = image.convert("RGB").quantize(colours, method=Image.Quantize.MAXCOVERAGE)
        else:
            palette = image.convert("RGBA").quantize(colours, method=Image.Quantize.FASTOCTREE)
        if not faithful(palette, pixels):
            break
        best = palette
    if best is None:
        return None
    buffer = io.BytesIO()
    best.save(buffer, "PNG", optimize=True)
    result = with_metadata(original, buffer.getvalue())
    return result if len(result) < len(original) else None


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a reader (or a build beside this one)
    never sees part of it."""
    unfinished = path.with_name(f"{path.name}.{os.getpid()}.partial")
    unfinished.write_bytes(data)
    os.replace(unfinished, path)


def cached(cache: Path, key: bytes, suffix: str, make: Callable[[], bytes | None]) -> bytes | None:
    """``make()``, kept in ``cache`` under a hash of ``key`` (an empty file stands for None),
    written whole or not at all, so that builds side by side share it."""
    entry = cache / f"{hashlib.sha256(key).hexdigest()}{suffix}"
    if entry.exists():
        return entry.read_bytes() or None
    result = make()
    cache.mkdir(parents=True, exist_ok=True)
    write_whole(entry, result or b"")
    return result


def cached_quantize(original: bytes, cache: Path) -> bytes | None:
    """`quantize`, through the cache (None: the original stays)."""
    return cached(cache, VERSION + original, ".png", lambda: quantize(original))


def is_palette(data: bytes) -> bool:
    """Whether the PNG is a palette image already (colour type 3 in its header)."""
    return len(data) > 25 and data[25] == 3


def shrink_pngs(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    cache = Path(app.srcdir) / CACHE
    before = after = 0
    for path in sorted(Path(app.outdir).rglob("*.png")):
        data = path.read_bytes()
        if len(data) < SMALLEST or is_palette(data):
            continue
        smaller = cached_quantize(data, cache)
        before += len(data)
        if smaller is not None:
            write_whole(path, smaller)
        after += len(smaller or data)
    if before:
        logger.info(f"light_images: PNGs {before / 2**20:.1f} MB -> {after / 2**20:.1f} MB")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", shrink_pngs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
