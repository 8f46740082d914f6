"""How large the pages' figures are shown, at a laptop's width and a phone's, in headless Chromium.

    .venv/bin/python benchmarks/figure_scale.py      # after `python3 dev.py book`; writes .md

For every page of _toc.yml, at 1280 and at 390 CSS pixels wide: each figure image's shown
width over its width in image pixels (its scale), the smallest and the median, and the size
in CSS pixels at which the smallest scale shows text of the book style's base font size
(``optlab.plotting.BOOK_STYLE``: figures are saved at its ``savefig.dpi``). Animations are
left out (their frames have their own resolution).
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
from browser_support import chromium, serve, settle  # noqa: E402

from optlab.plotting import BOOK_STYLE  # noqa: E402

SITE = ROOT / "_build" / "html"
OUTPUT = Path(__file__).with_suffix(".md")
WIDTHS = {"laptop": 1280, "phone": 390}
SCALES = """
return [...document.querySelectorAll("article img")]
  .filter(img => img.naturalWidth > 0 && !img.closest("div.animation"))
  .map(img => img.getBoundingClientRect().width / img.naturalWidth);
"""


def main() -> None:
    font_px = BOOK_STYLE["font.size"] * BOOK_STYLE["savefig.dpi"] / 72  # in the image
    rows = []
    with (
        tempfile.TemporaryDirectory() as profile,
        serve(SITE) as base,
        chromium(Path(profile)) as driver,
    ):
        for name, width in WIDTHS.items():
            driver.set_window_size(width, 900)
            for page in toc_files():
                driver.get(f"{base}{page}.html")
                settle(driver)
                scales = driver.execute_script(SCALES)
                if scales:
                    rows.append((page, name, len(scales), min(scales), statistics.median(scales)))
    lines = [
        f"Measured by `benchmarks/figure_scale.py` on {platform.machine()}, {os.cpu_count()} "
        f"cores, {datetime.now():%Y-%m-%d}, in headless Chromium. The base font "
        f"({BOOK_STYLE['font.size']} pt at {BOOK_STYLE['savefig.dpi']} dpi) is "
        f"{font_px:.1f} image pixels high.",
        "",
        "| page | width | figures | smallest scale | median scale | base font at the smallest "
        "scale (CSS px) |",
        "|---|---|---|---|---|---|",
        *(
            f"| {page} | {WIDTHS[name]} px | {count} | {low:.2f} | {median:.2f} | "
            f"{font_px * low:.1f} |"
            for page, name, count, low, median in rows
        ),
    ]
    print("\n".join(lines))
    head = "# Figure scale\n\n" + __doc__.split("\n\n", 2)[2].strip()
    OUTPUT.write_text(f"{head}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
