"""A template of the PyData theme, put first on the template path with some of its lines taken
out: how `light_icons` and `light_theme` trim the theme.

The template is the theme's own, read when the build starts, so it follows the pinned theme;
if the lines to take out are not there as expected, the build stops and says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def theme_folder() -> Path:
    """The folder of the theme's templates (``pydata_sphinx_theme/...`` below it)."""
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme"


def without_lines(text: str, lines: re.Pattern, expected: int, owner: str, what: str) -> str:
    """``text`` without the ``expected`` matches of ``lines`` (``what`` they are, for the error
    that stops the build when there are not exactly that many)."""
    trimmed, found = lines.subn("", text)
    if found != expected:
        raise ExtensionError(
            f"{owner}: expected {what}, found {found}: the theme changed; see book/_ext/{owner}.py"
        )
    return trimmed


def put_first(app: Sphinx, config, owner: str, name: Path, text: str) -> None:
    """Make ``text`` the template ``name``, ahead of the theme's (in a folder of ``owner``'s
    beside the build's doctrees)."""
    folder = Path(app.doctreedir) / f"{owner}_templates"
    (folder / name.parent).mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    config.templates_path = [str(folder), *config.templates_path]
