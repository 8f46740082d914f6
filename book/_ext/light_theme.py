"""The theme without what the pages never use: the search index outside search, every Font
Awesome icon rule, and the icon fonts' other glyphs.

* The PyData theme loads ``searchtools.js``, ``language_data.js`` and ``searchindex.js``
  (96 kB, and growing with the site) on every page, for its search-as-you-type box, which
  this site leaves off (``search_as_you_type``); the search box sends the reader to
  ``search.html``, which loads them itself. This extension builds the site with the theme's
  ``layout.html`` minus those three lines (the way ``light_icons`` trims its macros).
* The theme's style sheet carries a rule for every Font Awesome icon (``.fa-bars:before
  { content: "\\f0c9" }``, about 1900 of them, 95 kB). When the build has finished, the rules
  of the icons no page or script of the site names are taken out of it.
* Its Font Awesome fonts (the solid one alone is 156 kB) hold every icon. Each becomes a
  WOFF file with only the glyphs the site's style sheets can still draw (the characters of
  the kept rules and of the theme's own icon variables), and the style sheet points at it.
* sphinx-design's style sheet and script (60 kB) load only on a page that uses one of its
  components (an element of class ``sd-...``); the book has none today.

If the theme's layout no longer has the lines this relies on, the build stops and says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from theme_overrides import put_first, theme_folder, without_lines

logger = logging.getLogger(__name__)

LAYOUT = Path("pydata_sphinx_theme") / "layout.html"  # as sphinx-book-theme extends it
SEARCH_SCRIPTS = re.compile(
    r"^[ \t]*<script src=\"\{\{ pathto\('(?:_static/searchtools\.js|_static/language_data\.js"
    r"|searchindex\.js)', 1\) \| e \}\}\"></script>[ \t]*\n",
    re.M,
)
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
# A rule of the form .fa-a:before,.fa-b:before{content:"\f0c9"}
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"([^"]*)"\}')
ICON_NAME = re.compile(r"fa-[a-z0-9-]+")
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
FONT_URL = re.compile(
    r'url\((\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-[0-9]+))\.woff2\) format\("woff2"\)'
)
PRIVATE_USE = re.compile(r"\\([ef][0-9a-f]{3})|([\ue000-\uf8ff])")


def theme_templates() -> Path:
    return theme_folder()


def without_search(layout: str) -> str:
    """The theme's layout without the three scripts of search on every page."""
    what = f"the three search scripts in the theme's {LAYOUT}"
    return without_lines(layout, SEARCH_SCRIPTS, 3, "light_theme", what)


def override_layout(app: Sphinx, config) -> None:
    """Put the theme's layout.html, without them, first on the template path."""
    trimmed = without_search((theme_templates() / LAYOUT).read_text(encoding="utf-8"))
    put_first(app, config, "light_theme", LAYOUT, trimmed)


def icons_named(site: Path) -> set[str]:
    """Every fa-<name> that a page or a script of the site mentions."""
    names: set[str] = set()
    for path in [*site.rglob("*.html"), *(site / "_static").rglob("*.js")]:
        names.update(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def trim_icon_rules(css: str, used: set[str]) -> str:
    """The style sheet without the icon rules whose icons are all unused."""

    def keep(rule: re.Match) -> str:
        names = {name.removesuffix(":before").lstrip(".") for name in rule[1].split(",") if name}
        return rule[0] if names & used else ""

    return ICON_RULE.sub(keep, css)


def characters_drawn(site: Path) -> set[int]:
    """The private-use characters (icons) that the site's style sheets can draw."""
    drawn = set()
    for path in (site / "_static").rglob("*.css"):
        for escape, literal in PRIVATE_USE.findall(path.read_text(encoding="utf-8")):
            drawn.add(int(escape, 16) if escape else ord(literal))
    return drawn


def subset_font(source: Path, target: Path, characters: set[int]) -> None:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def trim_theme(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    sheet = site / THEME_CSS
    css = sheet.read_text(encoding="utf-8")
    css = trim_icon_rules(css, icons_named(site))
    sheet.write_text(css, encoding="utf-8")
    characters = characters_drawn(site)

    def light_face(face: re.Match) -> str:
        font = FONT_URL.search(face[0])
        if font is None:
            return face[0]
        source = sheet.parent / f"{font[1]}.ttf"
        subset_font(source, source.with_name(f"{font[2]}.woff"), characters)
        return face[0].replace(font[0], f'url({font[1]}.woff) format("woff")')

    lighter = FONT_FACE.sub(light_face, css)
    if lighter.count('.woff) format("woff")') != 3:
        raise ExtensionError(
            "light_theme: expected the three Font Awesome fonts in the theme's style sheet: "
            "the theme changed; see book/_ext/light_theme.py"
        )
    sheet.write_text(lighter, encoding="utf-8")
    logger.info(f"light_theme: {len(characters)} icon characters kept")


DESIGN_ASSETS = ("sphinx-design.min.css", "design-tabs.js")
DESIGN_CLASS = re.compile(r'class="(?:[^"]* )?sd-')


def without_unused_design(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """The page's assets without sphinx-design's, unless the page uses a design component."""
    if DESIGN_CLASS.search(context.get("body", "")):
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [
                asset
                for asset in context[key]
                if not str(getattr(asset, "filename", asset)).endswith(DESIGN_ASSETS)
            ]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", without_unused_design)
    app.connect("config-inited", override_layout)
    app.connect("build-finished", trim_theme)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
