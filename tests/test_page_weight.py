"""Does every page of the site stay within issue 18's budget of bytes a reader downloads: at
most 2 MB from a cold cache, and at most 0.5 MB once the shared assets are cached (what the
introduction loaded, and the site's _static/ files: the theme, MathJax and its fonts), at a
laptop's width (1280 px) and a phone's (390 px)?

Each page of _toc.yml is opened in headless Chromium with an empty cache and left to settle
(MathJax typeset, fonts and every image loaded, lazy ones too); every resource it loaded
counts, as it crossed the network (tests/browser_support.py, `page_weights`; the numbers of
benchmarks/page_weight.md). Animation frames that load only when the reader plays count not.
One browser weighs every page at both widths, once for the module.
"""

from __future__ import annotations

import pytest
from book_support import toc_files
from browser_support import MB, PageWeight, page_weights

COLD_BUDGET = 2 * MB
CACHED_BUDGET = MB // 2
WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def weights(browser) -> dict[tuple[int, str], PageWeight]:
    driver, base = browser
    return {
        (width, weight.page): weight
        for width in WIDTHS
        for weight in page_weights(driver, base, toc_files(), width)
    }


CASES = [
    pytest.param(width, page, id=f"{page.removeprefix('book/')}-{width}px")
    for width in WIDTHS
    for page in toc_files()
]


@pytest.mark.parametrize(("width", "page"), CASES)
def test_does_the_page_load_in_at_most_2_mb_from_a_cold_cache(weights, width, page):
    weight = weights[width, page]
    total = sum(weight.cold.values())
    assert any(url.endswith(f"/{page}.html") for url in weight.cold), "the page never loaded"
    assert total <= COLD_BUDGET, (
        f"{page} at {width} px: {total / MB:.2f} MB cold (largest: {weight.largest(weight.cold)})"
    )


@pytest.mark.parametrize(("width", "page"), CASES)
def test_does_the_page_add_at_most_half_a_mb_once_the_shared_assets_are_cached(
    weights, width, page
):
    weight = weights[width, page]
    assert any(url.endswith(f"/{page}.html") for url in weight.own), "the page was not counted"
    total = sum(weight.own.values())
    assert total <= CACHED_BUDGET, (
        f"{page} at {width} px: {total / MB:.2f} MB beyond the shared assets "
        f"(largest: {weight.largest(weight.own)})"
    )
