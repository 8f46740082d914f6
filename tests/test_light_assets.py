"""Do the build's weight savers keep what the pages need: the PNGs' metadata and look
(book/_ext/light_images.py), the code's colours and text (light_code.py), the theme's icons
and search page (light_theme.py)?"""

from __future__ import annotations

import io

import numpy as np
import pytest
from book_support import extension
from PIL import Image, PngImagePlugin
from sphinx.errors import ExtensionError

light_images = extension("light_images")
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


def test_does_a_photograph_saved_as_png_stay_as_it_was():
    noise = np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "PNG")
    assert light_images.quantize(buffer.getvalue()) is None


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
