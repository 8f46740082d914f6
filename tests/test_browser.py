"""The website in a real browser: every page of _toc.yml opened in Debian's headless Chromium.

One browser session reads every page of the built site (the `built_site` fixture), served over
http from a thread (browser_support.py). On each page MathJax must have typeset every formula
without an error, every image and every animation frame must load, the animations' controls
must change the frame shown, every link into the site must reach an existing page and anchor,
and the console must hold no error. A full-page screenshot of each page is kept in
_build/screenshots/<page>.png (for example _build/screenshots/book/momentum.png). The site's
search box must find each optimizer's chapter by the optimizer's name.

The browser is Debian's `chromium` and `chromium-driver`: `python3 dev.py test` installs them
when it runs as root; if they are missing these tests fail and say how to install them.
"""

from __future__ import annotations

import re
import shutil

import pytest
from book_support import ROOT, toc_files
from browser_support import (
    PageReport,
    broken_internal_links,
    console_errors,
    read_page,
    search,
    serve,
    static_anchors,
)

from optlab.chapters import CHAPTERS

SCREENSHOTS = ROOT / "_build" / "screenshots"

# Each method's name that a reader searches for, by the table of chapters, and the chapter
# that must be among the first SEARCH_RANK pages the search lists for it (what a reader sees
# without scrolling).
SEARCH_RANK = 1
SEARCH_TERMS = {
    method.search: f"book/{chapter.name}"
    for chapter in CHAPTERS
    for method in chapter.methods
    if method.search
}


@pytest.fixture(scope="module")
def pages(browser) -> dict[str, PageReport]:
    """Every page of _toc.yml, read once in the browser, in the order of the table of contents;
    their screenshots replace those of an earlier run in _build/screenshots/."""
    driver, base = browser
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    return {
        page: read_page(driver, f"{base}{page}.html", page, SCREENSHOTS / f"{page}.png")
        for page in toc_files()
    }


def problems_by_page(pages: dict[str, PageReport], what) -> str:
    """Each page's problems (``what(report)``, a list), one line each, for an assertion message."""
    lines = [f"{page}: {problem}" for page, report in pages.items() for problem in what(report)]
    return "\n".join(lines)


# --- every page -------------------------------------------------------------------------


def test_does_every_page_settle_in_chromium(pages):
    """MathJax starts and finishes, fonts and images finish loading, within
    browser_support.SETTLE_SECONDS."""
    assert problems_by_page(pages, lambda report: [report.settled] if report.settled else []) == ""


def test_does_every_page_render_its_math_in_chromium(pages):
    """Every math element holds a formula MathJax typeset (an mjx-container), and none is a MathJax
    error."""

    def problems(report):
        return [f"MathJax did not render {tex!r}" for tex in report.unrendered_math] + [
            f"MathJax error: {error!r}" for error in report.math_errors
        ]

    assert problems_by_page(pages, problems) == ""
    with_math = [page for page, report in pages.items() if report.math]
    assert len(with_math) >= 11, f"only {with_math} show math: is the check still finding it?"
    assert all(report.typeset >= report.math for report in pages.values())


def test_does_every_image_load_in_chromium(pages):
    """Every <img> (plots, photographs, the theme's) has loaded a picture (naturalWidth > 0)."""
    assert (
        problems_by_page(
            pages, lambda report: [f"image did not load: {src}" for src in report.broken_images]
        )
        == ""
    )
    assert sum(report.images for report in pages.values()) >= 50, (
        "hardly any images: is the check finding them?"
    )


def test_does_every_animation_load_its_frames_and_play_in_chromium(pages, built_site):
    """Each animation's frames all decode, and its buttons and slider change the frame shown;
    the browser shows as many animation widgets as the built HTML holds."""
    assert problems_by_page(pages, lambda report: report.animation_problems) == ""
    for page, report in pages.items():
        built = (
            (built_site / f"{page}.html")
            .read_text(encoding="utf-8")
            .count('<div class="animation">')
        )
        assert report.animations == built, (
            f"{page}: the HTML holds {built} animations, the browser shows {report.animations}"
        )
    assert sum(report.animations for report in pages.values()) >= 1, "no animation found anywhere"


def test_does_every_internal_link_reach_an_existing_page_and_anchor(pages, browser, built_site):
    """Links into the site (with or without #anchor) lead to a file the site has and, for an
    anchor, to an id on that page (as the browser built it for pages it opened)."""
    _, base = browser
    opened = {f"{page}.html": report.anchors for page, report in pages.items()}

    def anchors_of(path: str) -> set[str]:
        return opened[path] if path in opened else static_anchors(built_site, path)

    assert (
        problems_by_page(
            pages,
            lambda report: [
                f"broken link {link}"
                for link in broken_internal_links(report, base, built_site, anchors_of)
            ],
        )
        == ""
    )
    assert all(len(report.links) > 10 for report in pages.values()), (
        "a page with (almost) no links: is the check reading them?"
    )


def test_does_no_page_log_a_console_error_in_chromium(pages):
    """No SEVERE console entry: no script error, failed load (a CDN, a missing favicon) or
    console.error."""
    assert problems_by_page(pages, lambda report: [f"console: {m}" for m in report.console]) == ""


def test_is_a_screenshot_of_every_page_kept(pages):
    """One full-page PNG per page in _build/screenshots/, as wide as the window, showing more than
    one color."""
    from PIL import Image

    for page in pages:
        path = SCREENSHOTS / f"{page}.png"
        assert path.is_file(), f"{page}: no screenshot at {path}"
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width >= 1000 and image.height >= 800, (
                page,
                image.size,
            )
            colors = image.convert("RGB").resize((64, 64)).getcolors(maxcolors=64 * 64)
            assert colors is None or len(colors) > 8, f"{page}: the screenshot is (nearly) blank"


# --- the search box ---------------------------------------------------------------------


@pytest.mark.parametrize("name", SEARCH_TERMS)
def test_does_the_search_box_find_each_optimizer_by_name(browser, name):
    driver, base = browser
    found = search(driver, base, name)
    chapter = SEARCH_TERMS[name]
    assert chapter in found[:SEARCH_RANK], (
        f"searching for {name!r} lists {found[: SEARCH_RANK + 3]} first, not {chapter} among the "
        f"first {SEARCH_RANK}"
    )
    assert console_errors(driver) == [], f"the search for {name!r} logged console errors"


# --- the checks themselves --------------------------------------------------------------


def test_do_the_browser_checks_catch_a_broken_page(browser, built_site, tmp_path):
    """A page with a TeX error, math MathJax cannot see, a missing image, a corrupt animation
    frame, broken links and a console error is reported on every count, and a sound page beside it
    on none."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from optlab.plotting import animation_html

    driver, _ = browser

    def animation() -> str:
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.set(xlim=(0, 3), ylim=(0, 3))
        (line,) = ax.plot([], [], color="C0")
        return animation_html(
            fig, lambda k: line.set_data([0, k + 1], [0, k + 1]), num_frames=3, colors=["C0"]
        ).data

    def page(body: str) -> str:
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<link rel='icon' href='data:,'>"
            "<script>window.MathJax = {options: {processHtmlClass: 'math'}}</script>"
            "<script defer src='_static/mathjax/tex-chtml.js'></script></head><body>"
            f"{body}</body></html>"
        )

    site = tmp_path / "site"
    site.mkdir()
    (site / "_static").symlink_to(built_site / "_static", target_is_directory=True)
    # Without Matplotlib's stylesheet link to a CDN (a known defect of the site's animations).
    sound = re.sub(r'<link rel="stylesheet"\s+href="https://maxcdn[^>]*>', "", animation())
    corrupt = re.sub(r'(frames\[1\] = "data:image/png;base64,)[^"]*', r"\1AAAA", sound, count=1)
    assert corrupt != sound
    (site / "good.html").write_text(
        page(
            "<h1 id='there'>Good</h1><span class='math'>\\(x^2\\)</span>"
            f"<img src='_static/file.png'><a href='bad.html'>bad</a>{sound}"
        )
    )
    (site / "bad.html").write_text(
        page(
            "<span class='math'>\\(x^2^3\\)</span><span class='math'>no delimiters</span>"
            "<img src='missing.png'>"
            "<a href='nowhere.html'>1</a><a href='#nowhere'>2</a><a href='good.html#missing'>3</a>"
            "<a href='good.html#there'>4</a><script>console.error('deliberate error')</script>"
            f"{corrupt}"
        )
    )

    with serve(site) as base:
        good = read_page(driver, f"{base}good.html", "good")
        bad = read_page(driver, f"{base}bad.html", "bad")
        opened = {"good.html": good.anchors, "bad.html": bad.anchors}
        good_links = broken_internal_links(good, base, site, opened.__getitem__)
        bad_links = broken_internal_links(bad, base, site, opened.__getitem__)

    assert (good.settled, good.unrendered_math, good.math_errors, good.broken_images) == (
        None,
        [],
        [],
        [],
    )
    assert (good.animations, good.animation_problems, good_links, good.console) == (1, [], [], [])
    assert bad.math_errors == ["Double exponent: use braces to clarify"], bad.math_errors
    assert bad.unrendered_math == ["no delimiters"], bad.unrendered_math
    assert bad.broken_images == ["missing.png"]
    assert bad.animations == 1 and any(
        "frames [1] of 3 do not decode" in p for p in bad.animation_problems
    ), bad.animation_problems
    assert [link.split(base)[1] for link in bad_links] == [
        "bad.html#nowhere (no id 'nowhere' in bad.html)",
        "good.html#missing (no id 'missing' in good.html)",
        "nowhere.html (no file nowhere.html in the site)",
    ]
    assert any("deliberate error" in message for message in bad.console), bad.console
