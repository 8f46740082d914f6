"""Do the pages draw their icons without Font Awesome's 1.5 MB script (light_icons)?"""

from __future__ import annotations

import re

import pytest
from book_support import extension, page_html, toc_files
from sphinx.errors import ExtensionError

pytestmark = pytest.mark.slow

STYLE_CLASSES = {"fa-solid", "fa-regular", "fa-brands", "fas", "far", "fab", "fa-lg", "fa-fw"}


def test_does_no_page_load_the_script_and_the_site_leave_it_out(built_site):
    for page in toc_files():
        scripts = [tag.get("src", "") for tag in page_html(built_site, page).find_all("script")]
        assert not [src for src in scripts if "fontawesome" in src], page
    assert not list(built_site.glob("_static/scripts/fontawesome*"))


def test_does_the_themes_style_sheet_draw_every_icon_the_pages_name(built_site):
    """Each fa-<icon> class on a page has the theme's rule that draws it with the icon font."""
    css = (built_site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(
        encoding="utf-8"
    )
    drawn = set(re.findall(r"\.fa-([a-z0-9-]+):before", css))
    named = {
        cls[3:]
        for page in toc_files()
        for tag in page_html(built_site, page).select('[class*="fa-"]')
        for cls in tag.get("class", [])
        if cls.startswith("fa-") and cls not in STYLE_CLASSES
    }
    assert named, "no icons found: the check would pass on anything"
    assert named <= drawn, f"icons the theme's style sheet does not draw: {named - drawn}"


def test_would_a_theme_without_the_script_line_stop_the_build():
    light_icons = extension("light_icons")
    macros = (light_icons.theme_templates() / light_icons.MACROS).read_text(encoding="utf-8")
    assert "fontawesome.js" not in light_icons.without_script(macros)
    with pytest.raises(ExtensionError, match="the theme changed"):
        light_icons.without_script(macros.replace("fontawesome.js", "icons.js"))
