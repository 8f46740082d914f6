"""The book's list of chapters, from the table of chapters (``optlab.chapters.CHAPTERS``).

* ``toc_yaml()`` is _toc.yml: the course's own pages, then every chapter of the table in its
  order. ``python3 book/_ext/course_map.py`` writes it (``python3 dev.py book`` runs it before
  building); a test fails when the committed _toc.yml differs from it.
* The directive ``course-map``, in book/intro.md::

      ```{course-map}
      ```

  renders the map of the course: one row per chapter with its number, a link to its page,
  what it covers, its reading time and its exercise's name and time, written as the Markdown
  table ``map_markdown()`` and parsed as the page's own Markdown (so the math in what a chapter
  covers renders), then a sentence saying how the times were found.
* ``reading_minutes(name)`` is a chapter's reading time, counted from its page when the book is
  built: the words of its text and the lines of the code it shows. An exercise's time is an
  estimate, kept in the table of chapters (``exercise_minutes``).
"""

from __future__ import annotations

import math
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

# A chapter's reading time: its text at 200 words a minute, a common figure for reading prose
# (a formula counts a word for each group of symbols between spaces), and the code it shows
# at 10 lines a minute, rounded up to 5 minutes. Cells a reader does not see unless they
# unfold them (hidden, or only their output shown) are not counted.
WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 10
ROUND_TO_MINUTES = 5
UNSEEN_CELL_TAGS = {"remove-cell", "remove-input", "hide-input"}


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
        # Numbered chapters number their figures and equations per chapter: Fig. 3.2, (3.4).
        "    numbered: true",
        "    chapters:",
        *(f"      - file: book/{chapter.name}" for chapter in table.CHAPTERS),
    ]
    return "\n".join(lines) + "\n"


def page_path(name: str) -> Path:
    """The page of the chapter ``name``."""
    return ROOT / "book" / f"{name}.md"


def reading_minutes(name: str) -> int:
    """The reading time of the chapter ``name``, from its page: see WORDS_PER_MINUTE."""
    # Imported here: writing _toc.yml needs none of it.
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    page = read_myst_markdown_notebook(
        page_path(name).read_text(encoding="utf-8"), config=MdParserConfig()
    )
    words = sum(len(cell.source.split()) for cell in page.cells if cell.cell_type == "markdown")
    code_lines = sum(
        1
        for cell in page.cells
        if cell.cell_type == "code" and not UNSEEN_CELL_TAGS & set(cell.metadata.get("tags", ()))
        for line in cell.source.splitlines()
        if line.strip()
    )
    minutes = words / WORDS_PER_MINUTE + code_lines / CODE_LINES_PER_MINUTE
    return ROUND_TO_MINUTES * max(1, math.ceil(minutes / ROUND_TO_MINUTES))


def map_markdown() -> str:
    """The map of the course as a Markdown table, with links relative to a page in book/, and
    the sentence after it that says how its times were found."""
    rows = [
        "| # | Chapter | What it covers | Reading | Exercise |",
        "|---|---|---|---|---|",
        *(
            f"| {chapter.number} | [{chapter.title}]({chapter.name}.md) | {chapter.covers} "
            f"| {reading_minutes(chapter.name)} min "
            f"| `{chapter.name}`, {chapter.exercise_minutes} min |"
            for chapter in table.CHAPTERS
        ),
    ]
    note = (
        f"Reading times are counted from each page: its text at {WORDS_PER_MINUTE} words a "
        f"minute and the code it shows at {CODE_LINES_PER_MINUTE} lines a minute, rounded up "
        f"to {ROUND_TO_MINUTES} minutes; studying the figures and running the code take "
        "longer. Exercise times are estimates for a student who has read the chapter, judged "
        "from the number of functions the notebook asks for and how hard each is."
    )
    return "\n".join(rows) + "\n\n" + note


class CourseMapDirective(SphinxDirective):
    """``{course-map}``: the map of the course, from the table of chapters."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # The page is read again whenever the table or a chapter's page (its reading time)
        # changes.
        self.env.note_dependency(table.__file__)
        for chapter in table.CHAPTERS:
            self.env.note_dependency(str(page_path(chapter.name)))
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
