"""Each chapter as a notebook that runs on the student's own exercise answers.

A chapter's page calls the functions its exercises ask for through
``optlab.exercises.exercise_functions``. This extension

* builds the website with ``OPTLAB_ANSWERS_FROM`` set to ``chapter_notebooks_answers`` (the
  course's own answers, ``autograder.reference``), so the pages run those, and with
  ``OPTLAB_GLUE=myst``, so ``optlab.glue`` records values for MyST-NB's ``{glue}`` roles;
* turns each chapter page into a notebook, ``<chapter>_chapter.ipynb``: the page's cells, its
  MyST markup made readable in plain Jupyter (a glued number is named, a cross-reference
  gives its text), and a first cell saying which exercise notebooks it runs;
* writes that notebook into ``_downloads/chapters/`` with an archive ``<chapter>_chapter.zip``
  (one folder: the notebook, the course's package ``optlab`` and a README.txt), byte for byte
  the same for the same inputs;
* ends each chapter's Exercise section with a box linking both, and with the launch buttons
  that ``_config.yml`` configures (Binder and JupyterHub open the page's own source,
  ``book/<chapter>.md``, which Jupytext opens as a notebook; Colab opens only .ipynb files
  and gets none).

Nothing of the hidden reference goes into a notebook or an archive: the pages name only
``optlab`` modules and the exercises' functions (tests/test_book.py reads every download).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from pathlib import Path

from docutils import nodes
from exercise_links import (
    LaunchSettings,
    PackageInfo,
    launch_paragraph,
    launch_urls,
    readme_paragraph,
    shell_word,
    write_folder_archive,
)
from myst_nb.core.read import read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from optlab import chapters as table
from optlab.exercises import ANSWERS_PACKAGE_VARIABLE, SEARCH_PATH_VARIABLE
from optlab.glue import GLUE_VARIABLE

logger = logging.getLogger(__name__)

DOWNLOAD_FOLDER = "chapters"  # under the HTML output's _downloads
PAGE_FOLDER = "book"  # the chapters' pages, book/<chapter>.md
# Modules a chapter may import that the student package's own requirements already bring:
# optlab itself, its dependencies and theirs, and Jupyter's IPython.
COVERED_IMPORTS = {
    "optlab",
    "numpy",
    "matplotlib",
    "PIL",
    "sklearn",
    "scipy",
    "threadpoolctl",
    "IPython",
}


def notebook_name(chapter: str) -> str:
    return f"{chapter}_chapter"


# --- which exercises a page runs -------------------------------------------------------


def exercises_used(code: list[str]) -> list[str]:
    """The exercises whose functions the code takes with ``exercise_functions("name", ...)``,
    in the lecture's order."""
    used = set()
    for source in code:
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None))
                == "exercise_functions"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                used.add(node.args[0].value)
    return [name for name in table.NAMES if name in used] + sorted(used - set(table.NAMES))


def extra_packages(code: list[str]) -> list[str]:
    """Third-party modules the code imports beyond what the student package's requirements
    bring (PyTorch, for the chapters that compare with it)."""
    imported = set()
    for source in code:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    return sorted(imported - set(sys.stdlib_module_names) - COVERED_IMPORTS - {"__future__"})


# --- the page as a notebook -------------------------------------------------------------

GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`")
REFERENCE_ROLE = re.compile(r"\{(doc|ref|numref)\}`([^`]*)`")
EQUATION_ROLE = re.compile(r"\{eq\}`([^`]+)`")
TARGET_LINE = re.compile(r"^\([\w-]+\)=\s*$", re.M)
COLON_FENCE = re.compile(r"^:::+\{(\w+)\}[ \t]*(.*)$")
GLUE_BLOCK = re.compile(r"^```\{glue(?::\w+)?\}[ \t]+(\S+)[^\n]*\n(?:[^`\n][^\n]*\n)*?```$", re.M)
EXERCISE_BLOCK = re.compile(r"^```\{exercise\}[^\n]*\n```\n?", re.M)


def _reference_text(match: re.Match) -> str:
    text = match[2]
    shown = re.fullmatch(r"(.*?)\s*<([^>]+)>", text, flags=re.S)
    if shown:
        return shown[1].replace("%s", "").strip() or shown[2]
    return text if match[1] == "doc" else f"*{text}*"


def readable_markdown(source: str) -> str:
    """A markdown cell of a MyST page, readable in plain Jupyter: a glued value appears as its
    name (``GLUED[name]`` after running), a cross-reference as its text or its target, an
    equation reference as its label; targets and directive options are dropped, admonitions
    become a bold title."""
    source = GLUE_BLOCK.sub(lambda m: f"`{m[1]}` (a table computed above)", source)
    source = EXERCISE_BLOCK.sub("", source)
    source = GLUE_ROLE.sub(lambda m: f"`{m[1]}`", source)
    source = REFERENCE_ROLE.sub(_reference_text, source)
    source = EQUATION_ROLE.sub(lambda m: f"equation ({m[1]})", source)
    source = TARGET_LINE.sub("", source)
    lines, in_fence = [], False
    for line in source.splitlines():
        fence = COLON_FENCE.match(line)
        if fence:
            lines.append(f"**{fence[2].strip() or fence[1].capitalize()}**")
            in_fence = True
        elif in_fence and re.match(r"^:\w+:", line):
            continue  # a directive's option, such as :class: tip
        elif re.fullmatch(r":::+\s*", line):
            in_fence = False
        else:
            lines.append(line)
    return "\n".join(lines).strip("\n")


def introduction(chapter: table.Chapter, exercises: list[str], extras: list[str]) -> str:
    """The notebook's first cell: what it is, what it needs, where it looks."""
    needed = ", ".join(f"`{name}.ipynb`" for name in exercises)
    lines = [
        f"**This notebook is the chapter *{chapter.title}* of the course, to run yourself.**",
        "",
        f"It runs on your own answers: where the website calls the course's versions of the "
        f"exercises' functions, this notebook calls yours, from your exercise notebooks "
        f"{needed}. Put them in this folder (or keep the folder each exercise's download made "
        f"beside this one), finish them, and run this notebook from the top. A function that is "
        f"missing or still a stub stops it with the name of the exercise to finish first "
        f"(`optlab.exercises` says where it looks; the variable `{SEARCH_PATH_VARIABLE}` adds "
        f"folders).",
        "",
        "Numbers the website prints in the text appear here as `names`: after running, "
        "`GLUED['name']` holds each (`from optlab.glue import GLUED`). Cells that the website "
        "hides check that the text's statements hold; on your answers, a failing check means "
        "your numbers differ from the website's, which is worth a look.",
    ]
    if not exercises:
        lines[2] = "It uses no exercise's functions: it runs as it is."
    if extras:
        lines += ["", f"Beyond `optlab`'s requirements it needs: {', '.join(extras)}."]
    return "\n".join(lines)


def chapter_notebook(text: str, chapter: table.Chapter) -> dict:
    """The page ``text`` (MyST Markdown) as the chapter's notebook (nbformat 4, as a dict)."""
    notebook = read_myst_markdown_notebook(text, config=MdParserConfig())
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    cells = [
        {
            "cell_type": "markdown",
            "id": "about-this-notebook",
            "metadata": {},
            "source": introduction(chapter, exercises_used(code), extra_packages(code)),
        }
    ]
    for index, cell in enumerate(notebook.cells):
        source = cell.source if cell.cell_type == "code" else readable_markdown(cell.source)
        if not source.strip():
            continue
        entry = {"cell_type": cell.cell_type, "id": f"cell-{index}", "metadata": {}}
        tags = cell.metadata.get("tags")
        if tags:
            entry["metadata"]["tags"] = list(tags)
        entry["source"] = source
        if cell.cell_type == "code":
            entry |= {"execution_count": None, "outputs": []}
        cells.append(entry)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_bytes(notebook: dict) -> bytes:
    return (json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def chapter_readme(
    chapter: table.Chapter, exercises: list[str], extras: list[str], package: PackageInfo
) -> str:
    """The archive's README.txt."""
    name = notebook_name(chapter.name)
    requirements = ["jupyter", *package.requirements, *extras]
    lines = [chapter.title, "=" * len(chapter.title), ""]
    lines += readme_paragraph(
        f"The chapter as a notebook, {name}.ipynb, which runs the chapter's experiments on "
        f"your own answers to the exercises, and the course's helper package "
        f"{package.name}, which it imports from this folder."
    )
    lines += ["", "What you need", "-------------", ""]
    lines += readme_paragraph(
        "Your finished exercise notebooks: "
        + (", ".join(f"{exercise}.ipynb" for exercise in exercises) or "none")
        + ". Put them in this folder, or keep each in the folder its own download made, "
        f"beside this one (../{exercises[-1] if exercises else 'exercise'}/...)."
    )
    lines += [""] + readme_paragraph("Jupyter and the packages the notebook imports:")
    lines += ["", "    python -m pip install " + " ".join(map(shell_word, requirements)), ""]
    lines += ["How to run it", "-------------", ""]
    lines += readme_paragraph(f"In this folder: jupyter notebook {name}.ipynb")
    lines += [""] + readme_paragraph(
        "Run it from the top. If an exercise is missing or unfinished, the first cell that "
        "needs it stops with the exercise's name."
    )
    return "\n".join(lines) + "\n"


# --- the box at the end of each chapter -------------------------------------------------


def _chapter_of(docname: str) -> table.Chapter | None:
    folder, _, name = docname.rpartition("/")
    if folder != PAGE_FOLDER or name not in table.NAMES:
        return None
    return table.chapter(name)


def download_uri(chapter: str, suffix: str) -> str:
    return f"{DOWNLOAD_FOLDER}/{notebook_name(chapter)}{suffix}"


def _box(app: Sphinx, chapter: table.Chapter, docname: str) -> nodes.Node:
    name = notebook_name(chapter.name)
    box = nodes.container(
        classes=["exercise-links", "chapter-notebook"], ids=[f"chapter-notebook-{chapter.name}"]
    )
    box += nodes.paragraph(
        "",
        "",
        nodes.strong("", "This chapter as a notebook. "),
        nodes.Text(
            "Once your exercise works, run the chapter's experiments on your own functions: "
            "the notebook takes them from your exercise notebooks."
        ),
    )
    links = []
    for suffix, label in (
        (".zip", f"Download the chapter ({name}.zip)"),
        (".ipynb", f"Notebook only ({name}.ipynb)"),
    ):
        link = addnodes.download_reference(
            "",
            "",
            nodes.inline("", label),
            reftarget=download_uri(chapter.name, suffix),
            refexplicit=True,
            classes=["exercise-button"] + (["exercise-archive"] if suffix == ".zip" else []),
        )
        link["filename"] = download_uri(chapter.name, suffix)
        links += [link, nodes.Text(" ")]
    box += nodes.paragraph("", "", *links[:-1], classes=["exercise-links-downloads"])
    box += nodes.paragraph(
        "",
        "",
        nodes.Text(
            "Unzip it, put your exercise notebooks in its folder (README.txt names them), and run "
        ),
        nodes.literal("", f"jupyter notebook {name}.ipynb"),
        nodes.Text(" there."),
        classes=["exercise-links-help"],
    )
    settings = LaunchSettings(**app.config.exercise_links_launch)
    urls = {
        label: url
        for label, url in launch_urls(settings, f"{docname}.md").items()
        if label != "Colab"  # Colab opens .ipynb files only
    }
    if urls:
        box += launch_paragraph(
            urls, "Or open the chapter online, beside the repository's exercises: "
        )
    return box


def _add_boxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """After the exercise box that ends the chapter's Exercise section."""
    chapter = _chapter_of(docname)
    if chapter is None or app.builder.format != "html":
        return
    for container in doctree.findall(nodes.container):
        if f"exercise-{chapter.name}" in container["ids"]:
            container.parent.insert(
                container.parent.index(container) + 1, _box(app, chapter, docname)
            )
            return


# --- configuration and the build -------------------------------------------------------


def _build_environment(app: Sphinx, config) -> None:
    """The pages' kernels inherit these: the course's answers, and MyST-NB's glue."""
    os.environ[ANSWERS_PACKAGE_VARIABLE] = config.chapter_notebooks_answers
    os.environ[GLUE_VARIABLE] = "myst"


def _write_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    srcdir = Path(app.srcdir)
    package = PackageInfo.read(srcdir / app.config.exercise_links_package)
    downloads = Path(app.outdir, "_downloads", DOWNLOAD_FOLDER)
    written = set()
    for chapter in table.CHAPTERS:
        page = srcdir / PAGE_FOLDER / f"{chapter.name}.md"
        if f"{PAGE_FOLDER}/{chapter.name}" not in app.env.all_docs:
            continue
        notebook = chapter_notebook(page.read_text(encoding="utf-8"), chapter)
        code = [cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "code"]
        exercises, extras = exercises_used(code), extra_packages(code)
        name = notebook_name(chapter.name)
        data = notebook_bytes(notebook)
        downloads.mkdir(parents=True, exist_ok=True)
        target = downloads / f"{name}.ipynb"
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        readme = chapter_readme(chapter, exercises, extras, package)
        write_folder_archive(
            downloads / f"{name}.zip",
            name,
            {f"{name}.ipynb": data, "README.txt": readme.encode("utf-8")},
            package,
        )
        written |= {f"{name}.ipynb", f"{name}.zip"}
    for stale in sorted(downloads.glob("*")) if downloads.is_dir() else []:
        if stale.name not in written:
            stale.unlink()
    logger.info(f"chapter notebooks: {len(written) // 2} written to {downloads}")


def setup(app: Sphinx) -> dict:
    app.setup_extension("exercise_links")
    # The package whose modules stand in for the exercise notebooks while the site is built.
    app.add_config_value("chapter_notebooks_answers", "autograder.reference", "env", types=[str])
    app.connect("config-inited", _build_environment)
    app.connect("doctree-resolved", _add_boxes, priority=600)  # after exercise_links' box
    app.connect("build-finished", _write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
