"""Do the build's weight savers keep what the pages need: the figures' pixels and tags as WebP
(book/_ext/webp_images.py), the PNGs' metadata and look (light_images.py), the code's colours
and text (light_code.py), the theme's icons and search page (light_theme.py)?"""

from __future__ import annotations

import io

import numpy as np
import pytest
from book_support import extension
from PIL import Image, PngImagePlugin
from sphinx.errors import ExtensionError

from optlab.figure_layouts import image_tags, tag_image

light_images = extension("light_images")
webp_images = extension("webp_images")
light_code = extension("light_code")
light_theme = extension("light_theme")


def figure_png() -> bytes:
    """A plot-like RGBA PNG with the metadata the course's figures carry."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    for k in range(5):
        ax.plot(np.linspace(0, 1, 50) ** (k + 1), label=f"line {k}")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    plt.close(fig)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    info = PngImagePlugin.PngInfo()
    info.add_text("optlab:smallest-font-pt", "10")
    info.add_itxt("optlab:layout", "wide ρ")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, dpi=(150, 150))
    return out.getvalue()


def test_does_a_palette_png_keep_every_text_chunk_and_the_resolution():
    original = figure_png()
    smaller = light_images.quantize(original)
    assert smaller is not None and len(smaller) < len(original)
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(smaller))
    assert after.mode == "P"
    assert after.text == before.text and after.text["optlab:smallest-font-pt"] == "10"
    assert after.info["dpi"] == pytest.approx(before.info["dpi"], abs=0.01)
    kinds = [kind for kind, _ in light_images.chunks(smaller)]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"pHYs" in kinds
    error = np.abs(
        np.asarray(after.convert("RGB"), dtype=int) - np.asarray(before.convert("RGB"), dtype=int)
    )
    assert error.mean() <= light_images.MEAN_ERROR


def test_does_a_plot_get_the_fewest_colours_that_stay_close_to_it():
    original = figure_png()
    smaller = Image.open(io.BytesIO(light_images.quantize(original)))
    assert len(smaller.getcolors()) <= max(light_images.PALETTE_SIZES) // 2
    pixels = np.asarray(Image.open(io.BytesIO(original)).convert("RGBA"), dtype=np.int16)
    assert light_images.faithful(smaller, pixels)


def test_does_a_photograph_saved_as_png_stay_as_it_was():
    noise = np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "PNG")
    assert light_images.quantize(buffer.getvalue()) is None


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=int)


def test_is_a_plot_served_as_webp_with_the_palettes_pixels_and_every_tag():
    original = figure_png()
    served = webp_images.to_webp(original)
    assert served[:4] == b"RIFF" and served[8:12] == b"WEBP"
    assert len(served) < len(light_images.quantize(original))
    assert np.array_equal(pixels(served), pixels(light_images.quantize(original)))
    assert image_tags(io.BytesIO(served)) == {"smallest-font-pt": "10", "layout": "wide ρ"}


def test_is_a_photograph_served_smaller_than_a_jpeg_and_as_close_to_it():
    """One of the book's photographs, as the build shows it (``show_photographs``): the WebP
    the site serves is smaller than the JPEG a notebook shows, and no further from the
    photograph's own pixels."""
    from optlab import images

    photo = images.resize_short_side(images.sample_photos()["china"], 320)
    jpeg, png = io.BytesIO(), io.BytesIO()
    Image.fromarray(photo).save(jpeg, "JPEG", quality=80)
    Image.fromarray(photo).save(png, "PNG")
    tags = {"layout": "phone", "dpi": "100", "content": "photograph"}
    served = webp_images.to_webp(tag_image(png.getvalue(), tags))
    assert len(served) < len(jpeg.getvalue())
    error = np.abs(pixels(served) - photo).mean()
    assert error <= np.abs(pixels(jpeg.getvalue()) - photo).mean()
    assert image_tags(io.BytesIO(served)) == tags


def test_is_every_figure_of_the_site_a_webp_that_says_how_to_check_it(built_site):
    """Every cell output image a page shows (both layouts), none left as PNG or JPEG."""
    from bs4 import BeautifulSoup

    problems = []
    for page in sorted(built_site.glob("book/*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for output in soup.select("div.cell_output"):
            for element in output.select("img[src], source[srcset]"):
                address = element.get("src") or element["srcset"]
                file = (page.parent / address).resolve()
                if file.suffix == ".svg":
                    continue
                if file.suffix != ".webp":
                    problems.append(f"{page.name}: {address} is not WebP")
                elif "layout" not in image_tags(file):
                    problems.append(f"{page.name}: {address} has no tags")
    assert not problems, "\n".join(problems)


PYGMENTS = """
html[data-theme="light"] .highlight { background: #fefefe; color: #080808 }
html[data-theme="light"] .highlight .n { color: #080808 } /* Name */
html[data-theme="light"] .highlight .k { color: #6730C5 } /* Keyword */
html[data-theme="light"] .highlight .p { color: #080808 }
html[data-theme="light"] .highlight .w { color: #080808 }
html[data-theme="dark"] .highlight { background: #2b2b2b; color: #F8F8F2 }
html[data-theme="dark"] .highlight .n { color: #F8F8F2 }
html[data-theme="dark"] .highlight .k { color: #F8F8F2 }
html[data-theme="dark"] .highlight .p { color: #ff0000 }
html[data-theme="dark"] .highlight .w { color: #F8F8F2; font-weight: bold }
"""


def test_does_code_lose_only_the_tags_that_change_no_colour_in_either_mode():
    present = {"n", "k", "p", "w", "o"}
    plain = light_code.plain_classes(PYGMENTS, present, ".highlight .o { color: red }")
    assert plain == {"n"}  # k and p are coloured in a mode, w bold, o styled elsewhere
    html = (
        '<p><span class="n">prose</span></p><div class="highlight"><pre><span></span>'
        '<span class="k">import</span> <span class="n">numpy</span> <span class="n">a</span>'
        '<span class="p">.</span></pre></div>'
    )
    assert light_code.without_plain_spans(html, plain) == (
        '<p><span class="n">prose</span></p><div class="highlight"><pre><span></span>'
        '<span class="k">import</span> numpy a<span class="p">.</span></pre></div>'
    )


def test_does_the_theme_keep_the_icon_rules_the_site_names():
    css = '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-cat:before{content:"\\f6be"}'
    assert light_theme.trim_icon_rules(css, {"fa-navicon"}) == (
        '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
    )


def test_would_a_theme_without_the_search_scripts_stop_the_build():
    layout = (light_theme.theme_templates() / light_theme.LAYOUT).read_text(encoding="utf-8")
    trimmed = light_theme.without_search(layout)
    assert "searchindex.js" not in trimmed and "searchtools.js" not in trimmed
    with pytest.raises(ExtensionError, match="search scripts"):
        light_theme.without_search(trimmed)


def test_does_a_page_load_sphinx_design_only_when_it_uses_a_component():
    """A page without an ``sd-`` element loses sphinx-design's two assets, and only those; a
    page with one (a tab set) keeps them."""
    assets = ["styles/theme.css", "sphinx-design.min.css", "design-tabs.js", "doctools.js"]
    plain = {"body": "<p>no design here: sd-card is only text</p>", "css_files": list(assets)}
    light_theme.without_unused_design(None, "page", "page.html", plain, None)
    assert plain["css_files"] == ["styles/theme.css", "doctools.js"]
    tabbed = {"body": '<div class="sd-tab-set docutils">', "css_files": list(assets)}
    light_theme.without_unused_design(None, "page", "page.html", tabbed, None)
    assert tabbed["css_files"] == assets
