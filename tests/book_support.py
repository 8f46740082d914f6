"""Reading the book: its table of contents, its built pages and the links between them, and its
Sphinx extensions (book/_ext/) as Sphinx imports them. Used by the tests of the book, of its
figures, of the browser and of the table of chapters."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urljoin

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = ROOT / "book" / "_ext"
_IMPORTING = threading.RLock()


def toc_files() -> list[str]:
    """Every page listed in _toc.yml (root, parts, chapters, sections), without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return files


def page_html(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def linked_file(site: Path, page: str, href: str) -> Path:
    """The file of the site a link on ``page`` points to."""
    return site / unquote(urljoin(f"{page}.html", href).split("#")[0])


def extension(name: str) -> ModuleType:
    """The book's extension book/_ext/<name>.py, imported as Sphinx imports it (once, also when
    threads ask at the same time)."""
    with _IMPORTING:
        if str(EXTENSIONS) not in sys.path:  # as local_extensions does: they import each other
            sys.path.insert(0, str(EXTENSIONS))
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, EXTENSIONS / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        return sys.modules[name]


def with_dependencies(distributions: set[str]) -> set[str]:
    """``distributions`` (normalized names) and everything pip installs with them: their
    requirements, transitively, without optional extras."""
    import importlib.metadata
    import re

    found: set[str] = set()
    pending = set(distributions)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requirements = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in requirements:
            if "extra ==" not in requirement:
                head = re.match(r"[A-Za-z0-9._-]+", requirement)[0]
                pending.add(re.sub(r"[-_.]+", "-", head).lower())
    return found
