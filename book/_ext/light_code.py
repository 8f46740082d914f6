"""Highlighted code without the tags that change nothing on screen.

Pygments wraps every token of a code cell in ``<span class="n">``, ``<span class="p">`` and
so on; names and punctuation alone are half the tokens of a chapter's code, and the theme's
colours draw them exactly like the code around them (``.highlight .n { color: #080808 }``
where the block's own colour is ``#080808``, and likewise in the dark mode). Those tags are a
quarter of a code-heavy page (about 90 kB of schedules.html). When the build has finished,
this extension reads the site's ``pygments.css``, finds the token classes whose every rule,
in the light and the dark mode, only sets the block's own colour (or that have no rule), and
takes their tags out of the site's pages, leaving the text. Every other token keeps its tag,
so the page looks the same in both modes, and copying the code gives the same text.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

PYGMENTS_CSS = Path("_static") / "pygments.css"
MODES = ("light", "dark")
BLOCK = re.compile(r'html\[data-theme="(light|dark)"\] \.highlight \{([^}]*)\}')
TOKEN = re.compile(r'html\[data-theme="(light|dark)"\] \.highlight \.([a-z0-9]+) \{([^}]*)\}')
ANY_TOKEN_RULE = re.compile(r"\.highlight \.([a-z0-9]+)\b")
# A token of a highlighted block: a span with one class and only text inside.
SPAN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>')
SPAN_CLASS = re.compile(r'<span class="([a-z0-9]+)">')
HIGHLIGHT = re.compile(r'<div class="highlight"><pre>.*?</pre></div>', re.S)


def declarations(body: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
    return {name.strip(): value.strip().lower() for name, value in pairs}


def plain_classes(css: str, present: set[str], other_css: str = "") -> set[str]:
    """The token classes among ``present`` that look like the block's own text in both modes:
    each of their rules in ``css`` (pygments.css) sets only the block's colour, and no rule of
    ``other_css`` (the site's other style sheets) names them."""
    base = {mode: declarations(body).get("color") for mode, body in BLOCK.findall(css)}
    if set(base) != set(MODES) or None in base.values():
        return set()
    styled: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for mode, name, body in TOKEN.findall(css):
        styled.setdefault(name, []).append((mode, declarations(body)))
    # A class named in any other rule (a mode-less one, a compound selector) is left alone.
    others = set(ANY_TOKEN_RULE.findall(TOKEN.sub("", css) + other_css))
    return {
        name
        for name in present - others
        if all(rules == {"color": base[mode]} for mode, rules in styled.get(name, []))
    }


def without_plain_spans(html: str, plain: set[str]) -> str:
    def block(match: re.Match) -> str:
        return SPAN.sub(lambda span: span[2] if span[1] in plain else span[0], match[0])

    return HIGHLIGHT.sub(block, html)


def strip_plain_spans(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    css_file = site / PYGMENTS_CSS
    if not css_file.exists():
        return
    pages = sorted(site.rglob("*.html"))
    present: set[str] = set()
    for page in pages:
        for block in HIGHLIGHT.findall(page.read_text(encoding="utf-8")):
            present.update(SPAN_CLASS.findall(block))
    other_css = "".join(
        sheet.read_text(encoding="utf-8")
        for sheet in (site / "_static").rglob("*.css")
        if sheet != css_file
    )
    plain = plain_classes(css_file.read_text(encoding="utf-8"), present, other_css)
    saved = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        lighter = without_plain_spans(html, plain)
        if lighter != html:
            saved += len(html) - len(lighter)
            page.write_text(lighter, encoding="utf-8")
    logger.info(f"light_code: {sorted(plain)} untagged, {saved / 1024:.0f} kB less")


def setup(app: Sphinx) -> dict:
    # After the PyData theme's own handler, which writes the light and dark pygments.css.
    app.connect("build-finished", strip_plain_spans, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
