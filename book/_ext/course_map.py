"""The book's list of chapters, from the table of chapters (``optlab.chapters.CHAPTERS``).

* ``toc_yaml()`` is _toc.yml: the course's own pages, then every chapter of the table in its
  order. ``python3 book/_ext/course_map.py`` writes it (``python3 dev.py book`` runs it before
  building); a test fails when the committed _toc.yml differs from it.
* The directive ``course-map``, in book/intro.md::

      ```{course-map}
      ```

  renders the map of the course: one row per chapter with its number, a link to its page,
  what it covers and its exercise's name, written as the Markdown table ``map_markdown()``
  and parsed as the page's own Markdown (so the math in what a chapter covers renders).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from optlab import chapters as table

ROOT = Path(__file__).resolve().parents[2]
TOC = ROOT / "_toc.yml"
ROOT_PAGE = "book/intro"
# The pages about the course itself, before the chapters.
COURSE_PAGES = ("book/conventions", "book/instructors")


def toc_yaml() -> str:
    """The text of _toc.yml."""
    lines = [
        "# Table of contents, written by `python3 book/_ext/course_map.py` from the table of",
        "# chapters in student/optlab/chapters.py: change that table, not this file.",
        "format: jb-book",
        f"root: {ROOT_PAGE}",
        "parts:",
        "  - caption: The course",
        "    chapters:",
        *(f"      - file: {page}" for page in COURSE_PAGES),
        "  - caption: Chapters",
        "    chapters:",
        *(f"      - file: book/{chapter.name}" for chapter in table.CHAPTERS),
    ]
    return "\n".join(lines) + "\n"


def map_markdown() -> str:
    """The map of the course as a Markdown table, with links relative to a page in book/."""
    rows = [
        "| # | Chapter | What it covers | Exercise |",
        "|---|---|---|---|",
        *(
            f"| {chapter.number} | [{chapter.title}]({chapter.name}.md) | {chapter.covers} "
            f"| `{chapter.name}` |"
            for chapter in table.CHAPTERS
        ),
    ]
    return "\n".join(rows)


class CourseMapDirective(SphinxDirective):
    """``{course-map}``: the map of the course, from the table of chapters."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # The page is read again whenever the table changes.
        self.env.note_dependency(table.__file__)
        holder = nodes.Element()
        self.state.nested_parse(
            StringList(map_markdown().splitlines(), source=table.__file__), 0, holder
        )
        return holder.children


def setup(app: Sphinx) -> dict:
    app.add_directive("course-map", CourseMapDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    TOC.write_text(toc_yaml(), encoding="utf-8")
    print(f"{TOC.relative_to(ROOT)}: {len(table.CHAPTERS)} chapters", file=sys.stderr)
