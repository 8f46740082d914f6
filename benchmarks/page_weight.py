"""How many bytes each page of the built site makes a reader download, in headless Chromium.

    .venv/bin/python benchmarks/page_weight.py      # after `python3 dev.py book`; writes .md

For each page of _toc.yml, at a window 1280 px wide and at a phone's 390 px: a cold load
(empty cache), every resource it loads until it has settled (MathJax typeset, fonts and
images loaded, lazily loaded images included), summed by kind; the page's own weight, with
the shared assets in the cache (what the introduction loaded, and the site's _static/ files:
the theme, MathJax and the MathJax fonts, which the introduction, having no math, does not
load); and, for comparison, what the page adds to the introduction alone. Animation frames
and anything else loaded only when the reader acts are not counted.
tests/test_page_weight.py holds every page to issue 18's budget: 2 MB cold, 0.5 MB with the
shared assets cached.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from book_support import toc_files  # noqa: E402
from browser_support import MB, chromium, page_weights, serve  # noqa: E402

SITE = ROOT / "_build" / "html"
OUTPUT = Path(__file__).with_suffix(".md")
WIDTHS = [1280, 390]


def kind(url: str, page: str) -> str:
    path = urlsplit(url).path
    if path.endswith(f"/{page}.html"):
        return "page HTML"
    if "/mathjax/" in path:
        return "MathJax"
    if path.endswith((".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg")):
        return "images"
    if path.endswith((".woff", ".woff2", ".ttf")):
        return "fonts"
    return "theme and other"


KINDS = ["page HTML", "images", "MathJax", "fonts", "theme and other"]


def table(weights) -> list[str]:
    lines = [
        "| page | cold load | own, shared assets cached | after the introduction only | "
        + " | ".join(KINDS)
        + " |",
        "|---|---|---|---|" + "---|" * len(KINDS),
    ]
    for weight in weights:
        by_kind = defaultdict(int)
        for url, size in weight.cold.items():
            by_kind[kind(url, weight.page)] += size
        lines.append(
            f"| {weight.page} | {sum(weight.cold.values()) / MB:.2f} | "
            f"{sum(weight.own.values()) / MB:.2f} | "
            f"{sum(weight.after_shared_page.values()) / MB:.2f} | "
            + " | ".join(f"{by_kind[k] / MB:.2f}" for k in KINDS)
            + " |"
        )
    return lines


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as profile,
        serve(SITE) as base,
        chromium(Path(profile)) as driver,
    ):
        weights = {width: page_weights(driver, base, toc_files(), width) for width in WIDTHS}
    lines = [
        f"Measured by `benchmarks/page_weight.py` on {platform.machine()}, {os.cpu_count()} "
        f"cores, {datetime.now():%Y-%m-%d}, in headless Chromium: MB of 2^20 bytes, as served "
        "(no compression).",
    ]
    for width in WIDTHS:
        lines += ["", f"At {width} px:", "", *table(weights[width])]
    print("\n".join(lines))
    head = "# Page weight\n\n" + __doc__.split("\n\n", 2)[2].strip()
    OUTPUT.write_text(f"{head}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
