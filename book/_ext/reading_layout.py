"""The site's own style rules for reading at any width: reading_layout_static/reading_layout.css.

* Long code lines wrap rather than hide their end (the text after the 76th character or so,
  sometimes the result the prose discusses, was cut off behind a scroll bar).
* Inline code may break across lines (a long command made a phone's page wider than the
  screen).

The theme already makes a displayed equation wider than the column scroll within its box
(on a phone, the end of a long equation is out of sight until the reader swipes it), and puts
every table in a box that scrolls sideways; the tests check that this stays so.

tests/test_browser.py measures each promise on every page, at a laptop's width and a phone's.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

STATIC = Path(__file__).with_name("reading_layout_static")


def _static_files(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.add_css_file("reading_layout.css")
    app.connect("builder-inited", _static_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
