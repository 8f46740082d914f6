"""The theme's icons without Font Awesome's 1.5 MB script.

The PyData theme loads ``fontawesome.js`` on every page: a script that holds every Font
Awesome icon and replaces each ``<i class="fa-solid fa-bars">`` with an inline SVG. The
theme's style sheet already draws the same icons with Font Awesome's web fonts (its rules
``.fa-bars:before { content: "\\f0c9" }`` and the fonts under ``_static/vendor``), which it
needs anyway for the icons of admonitions, so the script only adds weight. This extension
builds the site with the theme's ``webpack-macros.html`` minus that script, and leaves the
script out of the site.

The template is the theme's own, read when the build starts, so it follows the pinned
theme; if the script's line is no longer in it, the build stops and says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from theme_overrides import put_first, theme_folder, without_lines

MACROS = Path("static") / "webpack-macros.html"  # as the theme's layout.html imports it
SCRIPT_LINE = re.compile(r"^.*<script[^>]*scripts/fontawesome\.js[^>]*></script>\s*\n", re.M)


def theme_templates() -> Path:
    return theme_folder() / "pydata_sphinx_theme"


def without_script(macros: str) -> str:
    """The theme's macros without the line that loads fontawesome.js."""
    what = f"one fontawesome.js script in the theme's {MACROS}"
    return without_lines(macros, SCRIPT_LINE, 1, "light_icons", what)


def override_macros(app: Sphinx, config) -> None:
    """Put the theme's webpack-macros.html, without the script, first on the template path."""
    trimmed = without_script((theme_templates() / MACROS).read_text(encoding="utf-8"))
    put_first(app, config, "light_icons", MACROS, trimmed)


def remove_script(app: Sphinx, exception: Exception | None) -> None:
    """No page loads the script; the site need not carry it (nor its source map)."""
    if exception is None and app.builder.format == "html":
        for unused in (Path(app.outdir) / "_static" / "scripts").glob("fontawesome.js*"):
            unused.unlink()


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", override_macros)
    app.connect("build-finished", remove_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
