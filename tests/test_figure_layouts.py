"""Is every figure's text readable on a laptop and on a phone (optlab.figure_layouts)?

The browser tests open every page of _toc.yml in headless Chromium at four window widths (the
issue's 1280 and 390, and the narrowest of each layout, 1200 and 360) and, for every image a
reader sees there, read the image's file for its layout, resolution and smallest font
(``image_tags``) and the page for the width it is shown at: the smallest text must be at least
``MIN_TEXT_PX`` CSS pixels high, and the image must be the layout meant for that window. A
page holding an image drawn as the book drew figures before, and one without tags, shows that
the check finds both. The other tests check the layouts themselves, without a browser.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from book_support import toc_files
from browser_support import figure_text, serve, shown_images
from PIL import Image

from optlab import figure_layouts
from optlab.figure_layouts import (
    MIN_TEXT_PX,
    PHONE_BREAKPOINT_PX,
    attach_phone,
    detach_phone,
    image_tags,
    max_width_inches,
    render,
    stack_for_phone,
    tag_image,
    text_px,
)
from optlab.plotting import BOOK_STYLE

WIDTHS = {"laptop": 1280, "narrowest wide": 1200, "phone": 390, "narrowest phone": 360}


def text_problems(images: list[dict], site: Path, base: str, window: int) -> list[str]:
    """What keeps each image's text from being readable at this window width, in sentences."""
    expected = "phone" if window < PHONE_BREAKPOINT_PX else "wide"
    problems = []
    for image in images:
        found = figure_text(image, site, base)
        name = f"{found['file'].name} ({image['alt']!r})"
        if not image["natural"]:
            problems.append(f"{name}: it did not load")
            continue
        if found["file"].suffix == ".svg":
            continue
        if "layout" not in found:
            problems.append(f"{name}: no layout tags, so its text size is unknown")
            continue
        if found["layout"] != expected:
            problems.append(f"{name}: the {found['layout']} layout, where {expected} is meant")
        if found["text_px"] is not None and found["text_px"] < MIN_TEXT_PX:
            problems.append(
                f"{name}: its smallest text ({found['smallest-font-pt']} pt) is shown "
                f"{found['text_px']:.1f} px high, under {MIN_TEXT_PX:g}"
            )
    return problems


@pytest.fixture(scope="module")
def measured(browser, built_site) -> dict[str, dict[str, list[str]]]:
    """Each width's problems on each page."""
    driver, base = browser
    found = {}
    for name, width in WIDTHS.items():
        driver.set_window_size(width, 900)
        found[name] = {
            page: text_problems(
                shown_images(driver, f"{base}{page}.html"), built_site, base, width
            )
            for page in toc_files()
        }
    return found


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_is_every_figures_text_readable_at_this_width(measured, width):
    problems = [
        f"{page}: {problem}" for page, found in measured[width].items() for problem in found
    ]
    assert not problems, f"at {WIDTHS[width]} px:\n" + "\n".join(problems)


@pytest.mark.browser
@pytest.mark.slow
def test_would_the_check_find_a_figure_drawn_as_before_and_one_without_tags(browser, tmp_path):
    """A three-panel figure 14 inches wide with a small legend, as pages drew them before
    (tagged as a wide figure), and the same image untagged: at 1280 px the check finds the
    first one's text too small and the second one unknown."""
    driver, _ = browser
    with plt.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
        for ax in axes:
            ax.plot([0, 1], [0, 1], label="a line")
            ax.legend(fontsize="small")
        old = render(fig, "wide")
        plt.close(fig)
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.png").write_bytes(old)
    untagged = io.BytesIO()
    Image.open(io.BytesIO(old)).save(untagged, format="png")
    (site / "untagged.png").write_bytes(untagged.getvalue())
    (site / "page.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>img { max-width: 100% }</style></head><body><article style='width: 672px'>"
        "<img src='old.png' alt='old'><img src='untagged.png' alt='untagged'>"
        "</article></body></html>",
        encoding="utf-8",
    )
    driver.set_window_size(WIDTHS["laptop"], 900)
    with serve(site) as base:
        problems = text_problems(shown_images(driver, f"{base}page.html"), site, base, 1280)
    assert len(problems) == 2, problems
    assert "pt) is shown 6." in problems[0], problems
    assert "no layout tags" in problems[1], problems


# --- the layouts, without a browser --------------------------------------------------------


def drawn_limit(layout: str) -> float:
    """The widest a figure is drawn in ``layout``: its image adds a margin on each side."""
    return max_width_inches(layout) - 2 * plt.rcParams["savefig.pad_inches"]


def three_panels(**subplots) -> plt.Figure:
    with plt.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), **subplots)
        for index, ax in enumerate(axes):
            ax.plot(np.arange(5), np.arange(5) * (index + 1), label=f"line {index}")
            ax.legend()
    return fig


def test_does_the_phone_layout_stack_a_row_of_panels_and_give_back_their_tick_labels():
    fig = three_panels(sharey=True)
    try:
        assert stack_for_phone(fig)
        geometry = {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes}
        assert geometry == {(3, 1)}
        assert fig.get_size_inches()[0] == pytest.approx(drawn_limit("phone"))
        rows = sorted(ax.get_subplotspec().rowspan.start for ax in fig.axes)
        assert rows == [0, 1, 2]
        for ax in fig.axes:
            fig.canvas.draw()
            assert any(label.get_text() for label in ax.get_yticklabels()), ax
            assert ax.yaxis.get_major_ticks()[0].label1.get_visible()
    finally:
        plt.close(fig)


@pytest.mark.parametrize("layout", ["wide", "phone"])
def test_is_the_saved_image_no_wider_than_its_layout_allows(layout):
    """The contract the browser test relies on: a figure that fills its width, saved in a
    layout, is at most that layout's widest in image pixels (margins included)."""
    fig = three_panels(sharey=True)
    try:
        with plt.rc_context(BOOK_STYLE):
            figure_layouts.fit_width(fig, "wide")
            if layout == "phone":
                stack_for_phone(fig)
            image = Image.open(io.BytesIO(render(fig, layout)))
    finally:
        plt.close(fig)
    assert image.width <= max_width_inches(layout) * BOOK_STYLE["savefig.dpi"] + 1


def test_does_the_phone_layout_keep_small_panels_side_by_side():
    """Ten panels 1.1 inches wide: as many per row as fit at that width."""
    with plt.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(1, 10, figsize=(11, 2.6), sharey=True)
    try:
        assert stack_for_phone(fig)
        per_row = int(drawn_limit("phone") // 1.1)
        assert {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes} == {
            (-(-10 // per_row), per_row)
        }
    finally:
        plt.close(fig)


def test_is_a_figure_that_is_not_one_grid_only_scaled_for_the_phone():
    with plt.rc_context(BOOK_STYLE):
        fig = plt.figure(figsize=(10, 4))
        fig.add_axes((0.1, 0.1, 0.8, 0.8))
    try:
        assert not stack_for_phone(fig)
        assert fig.get_size_inches()[0] == pytest.approx(drawn_limit("phone"))
    finally:
        plt.close(fig)


def test_is_a_wide_figure_scaled_to_the_wide_layouts_limit():
    fig = three_panels()
    try:
        figure_layouts.fit_width(fig, "wide")
        width, height = fig.get_size_inches()
        assert width == pytest.approx(drawn_limit("wide"))
        assert height == pytest.approx(4.2 * width / 14)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("image_format", ["png", "jpeg"])
def test_do_tags_leave_the_pixels_as_they_were(image_format):
    fig = three_panels()
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format=image_format)
    finally:
        plt.close(fig)
    plain = buffer.getvalue()
    tagged = tag_image(plain, {"layout": "wide", "dpi": 150})
    assert image_tags(Image.open(io.BytesIO(tagged))) == {"layout": "wide", "dpi": "150"}
    assert np.array_equal(
        np.asarray(Image.open(io.BytesIO(tagged))), np.asarray(Image.open(io.BytesIO(plain)))
    )


def test_does_the_smallest_font_tag_see_every_text_drawn():
    """A legend of 7 points and a tick label of 8 among 11-point text: the tag says 7; text
    that is not drawn (an invisible title of 5 points) does not count."""
    fig = three_panels()
    try:
        fig.axes[1].legend(fontsize=7)
        fig.axes[2].tick_params(labelsize=8)
        fig.axes[0].set_title("hidden", fontsize=5, visible=False)
        with plt.rc_context(BOOK_STYLE):
            tags = image_tags(Image.open(io.BytesIO(render(fig, "wide"))))
    finally:
        plt.close(fig)
    assert tags == {
        "layout": "wide",
        "dpi": f"{BOOK_STYLE['savefig.dpi']:g}",
        "smallest-font-pt": "7",
    }


def test_are_the_limits_what_the_narrowest_widths_need():
    """Text of the smallest font, in a figure at a layout's limit, shown at the narrowest
    width of that layout, is exactly the minimum."""
    for layout, shown in figure_layouts.NARROWEST_SHOWN_PX.items():
        dpi = 150
        natural = max_width_inches(layout) * dpi
        size = text_px(figure_layouts.SMALLEST_FONT_PT, dpi, shown, natural)
        assert size == pytest.approx(MIN_TEXT_PX)


@pytest.mark.parametrize("image_format", ["png", "jpeg"])
def test_does_a_wide_image_carry_its_phone_layout_and_give_it_back(image_format):
    """The phone's image (over 64 kB, so that a JPEG needs several segments) comes back
    byte for byte, the wide one too, and the carrying file still opens as the wide image."""
    fig = three_panels()
    try:
        fig.axes[0].imshow(np.random.default_rng(0).random((200, 200, 3)))
        wide = render(fig, "wide", image_format)
        stack_for_phone(fig)
        phone = render(fig, "phone", image_format)
    finally:
        plt.close(fig)
    assert len(phone) > 65536
    both = attach_phone(wide, phone)
    assert detach_phone(both) == (wide, phone)
    assert detach_phone(wide) == (wide, None)
    assert np.array_equal(
        np.asarray(Image.open(io.BytesIO(both))), np.asarray(Image.open(io.BytesIO(wide)))
    )


@pytest.mark.browser
@pytest.mark.slow
def test_does_an_animation_show_its_phone_player_with_a_frame_once_the_window_narrows(
    browser, built_site
):
    """Opened at 1280 px, the page shows the wide player of its animation (the phone one is
    hidden and loads nothing); narrowed to 390 px, the phone player shows, with its first
    frame loaded, in the phone layout."""
    driver, base = browser
    page = next(
        page
        for page in toc_files()
        if 'class="optlab-layout-phone"' in (built_site / f"{page}.html").read_text("utf-8")
    )
    driver.set_window_size(WIDTHS["laptop"], 900)
    wide = [
        image for image in shown_images(driver, f"{base}{page}.html") if "_anim" in image["id"]
    ]
    driver.set_window_size(WIDTHS["phone"], 900)
    narrowed = shown_images(driver, None)
    phone = [image for image in narrowed if "_anim" in image["id"]]
    assert wide and phone and {i["id"] for i in wide}.isdisjoint(i["id"] for i in phone)
    for image in phone:
        assert image["natural"] > 0, image
        assert figure_text(image, built_site, base)["layout"] == "phone"
