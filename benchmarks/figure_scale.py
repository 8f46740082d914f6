"""How large the pages' figures show their text, on laptops and on phones, in headless Chromium.

    .venv/bin/python benchmarks/figure_scale.py      # after `python3 dev.py book`; writes .md

For every page of _toc.yml, at window widths of 1280 and 1200 (the narrowest that shows the
wide layout beside the page's contents) and of 390 and 360 CSS pixels: the images a reader
sees (figures, and the shown player of each animation), the layouts they are drawn in, and how
high their smallest text is shown, in CSS pixels (the least over the page's images, and the
median of each image's least), from the tags each image carries (``optlab.figure_layouts``).
The book asks for at least ``MIN_TEXT_PX``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from book_support import toc_files  # noqa: E402
from browser_support import chromium, figure_text, serve, shown_images  # noqa: E402

from optlab.figure_layouts import MIN_TEXT_PX  # noqa: E402

SITE = ROOT / "_build" / "html"
OUTPUT = Path(__file__).with_suffix(".md")
WIDTHS = (1280, 1200, 390, 360)


def main() -> None:
    rows = []
    with (
        tempfile.TemporaryDirectory() as profile,
        serve(SITE) as base,
        chromium(Path(profile)) as driver,
    ):
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            for page in toc_files():
                found = [
                    figure_text(image, SITE, base)
                    for image in shown_images(driver, f"{base}{page}.html")
                ]
                sizes = [image["text_px"] for image in found if image["text_px"] is not None]
                if found:
                    layouts = sorted({image.get("layout", "none") for image in found})
                    rows.append(
                        (
                            page,
                            width,
                            len(found),
                            ", ".join(layouts),
                            min(sizes),
                            statistics.median(sizes),
                        )
                    )
    lines = [
        f"Measured by `benchmarks/figure_scale.py` on {platform.machine()}, {os.cpu_count()} "
        f"cores, {datetime.now():%Y-%m-%d}, in headless Chromium. The book asks for at least "
        f"{MIN_TEXT_PX:g} px.",
        "",
        "| page | window | images shown | layouts | smallest text (CSS px) | median of each "
        "image's smallest |",
        "|---|---|---|---|---|---|",
        *(
            f"| {page} | {width} px | {count} | {layouts} | {low:.1f} | {median:.1f} |"
            for page, width, count, layouts, low, median in rows
        ),
    ]
    print("\n".join(lines))
    head = "# Figure text\n\n" + __doc__.split("\n\n", 2)[2].strip()
    OUTPUT.write_text(f"{head}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
