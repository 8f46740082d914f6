"""The book's execution cache: a page's key includes the course modules it imports
(book/_ext/execution_key.py), and the pages the cache lacks run several at once
(book/_ext/parallel_execution.py), with the outputs a serial build would have.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grading_support import venv_environment
from myst_nb.core.read import read_myst_markdown_notebook

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = ROOT / "book" / "_ext"
FRONT_MATTER = """\
---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  name: python3
---
"""


def execution_key():
    """book/_ext/execution_key.py, imported as Sphinx imports it."""
    if "execution_key" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "execution_key", EXTENSIONS / "execution_key.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["execution_key"] = module
        spec.loader.exec_module(module)
    return sys.modules["execution_key"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def course(tmp_path) -> Path:
    """A page's folder beside a package `lessons`: `steps` imports `.norms`; `unused` is
    imported by nothing; `table.csv` is its data."""
    write(tmp_path / "lessons" / "__init__.py", "")
    write(tmp_path / "lessons" / "steps.py", "from .norms import norm\n")
    write(tmp_path / "lessons" / "norms.py", "def norm(x):\n    return abs(x)\n")
    write(tmp_path / "lessons" / "unused.py", "")
    write(tmp_path / "lessons" / "table.csv", "1,2\n")
    return tmp_path


def digest(code: str, folder: Path) -> str:
    return execution_key().modules_digest([code], folder)


# --- which files are in the key --------------------------------------------------------------


def test_does_the_digest_change_with_a_module_imported_through_another(course):
    before = digest("from lessons.steps import norm", course)
    (course / "lessons" / "norms.py").write_text("def norm(x):\n    return x * x\n")
    assert digest("from lessons.steps import norm", course) != before


def test_does_the_digest_stay_when_a_module_nothing_imports_changes(course):
    before = digest("from lessons.steps import norm", course)
    (course / "lessons" / "unused.py").write_text("RATE = 2\n")
    (course / "lessons" / ".steps.py.swp").write_text("an editor's scratch file")
    assert digest("from lessons.steps import norm", course) == before


def test_does_the_digest_change_with_a_data_file_of_the_package(course):
    before = digest("import lessons.steps", course)
    (course / "lessons" / "table.csv").write_text("1,3\n")
    assert digest("import lessons.steps", course) != before


def test_are_the_files_a_page_imports_its_modules_their_packages_and_data(course):
    files = execution_key().course_files(["from lessons import steps\nimport numpy"], course)
    assert sorted(files) == ["lessons", "lessons.norms", "lessons.steps", "lessons:table.csv"]


def test_are_installed_packages_and_the_standard_library_left_out(course):
    assert digest("import numpy as np\nimport json\nfrom sys import argv", course) == ""


def test_is_a_module_run_with_python_dash_m_imported(course):
    code = 'subprocess.run([sys.executable, "-m", "lessons.steps", "--help"])'
    assert "lessons.steps" in execution_key().course_files([code], course)


def test_do_magics_and_a_broken_line_not_hide_the_imports(course):
    code = "%matplotlib inline\n!ls\nfrom lessons import steps\nthis is not python"
    assert "lessons.steps" in execution_key().course_files([code], course)


def test_are_a_chapters_reference_module_and_optlab_in_its_key(monkeypatch):
    """While the site is built, a page's exercise_functions("sgd", ...) runs the reference's
    sgd module, which is then part of the page's key."""
    from optlab.exercises import ANSWERS_PACKAGE_VARIABLE

    monkeypatch.setenv(ANSWERS_PACKAGE_VARIABLE, "autograder.reference")
    page = ROOT / "book" / "sgd.md"
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"))
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    files = execution_key().course_files(code, page.parent)
    assert {"autograder.reference.sgd", "autograder.reference.gradient_descent"} <= set(files)
    assert files["optlab.models"] == ROOT / "student" / "optlab" / "models.py"
    monkeypatch.delenv(ANSWERS_PACKAGE_VARIABLE)
    files = execution_key().course_files(code, page.parent)
    assert not any(name.startswith("autograder") for name in files)


# --- the digest in the page ------------------------------------------------------------------

PAGE_STARTS = {
    "no options": "```{code-cell} ipython3\nx = 1\n```\n",
    "an option": "```{code-cell} ipython3\n:tags: [remove-cell]\n\nx = 1\n```\n",
    "a YAML block": "```{code-cell} ipython3\n---\ntags: [hide-input]\n---\nx = 1\n```\n",
}


@pytest.mark.parametrize("cell", PAGE_STARTS.values(), ids=PAGE_STARTS.keys())
def test_is_the_digest_the_first_code_cells_metadata_and_the_lines_kept(cell):
    text = f"{FRONT_MATTER}\n# A page\n\nSome text.\n\n{cell}\nMore text.\n\n{cell}"
    keyed = execution_key().keyed_page(text, "0123e4")
    cells = read_myst_markdown_notebook(text).cells
    keyed_cells = read_myst_markdown_notebook(keyed).cells
    assert len(keyed.splitlines()) == len(text.splitlines())
    assert keyed_cells[1].metadata == {**cells[1].metadata, "imported_modules_digest": "0123e4"}
    assert [(c.cell_type, c.source) for c in keyed_cells] == [
        (c.cell_type, c.source) for c in cells
    ]
    assert keyed_cells[3].metadata == cells[3].metadata


def test_does_a_cell_right_after_text_get_the_option_on_a_line_of_its_own():
    text = f"{FRONT_MATTER}Some text.\n```{{code-cell}} ipython3\nx = 1\n```\n"
    keyed = execution_key().keyed_page(text, "abc")
    assert len(keyed.splitlines()) == len(text.splitlines()) + 1
    assert read_myst_markdown_notebook(keyed).cells[1].metadata == {
        "imported_modules_digest": "abc"
    }


def test_does_the_built_site_not_show_the_digest(built_site):
    shown = [
        path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*")
        if path.is_file() and b"imported_modules_digest" in path.read_bytes()
    ]
    assert not shown


# --- executing a small book ------------------------------------------------------------------


def small_book(folder: Path, pages: dict[str, str]) -> Path:
    """A Sphinx project of MyST notebooks executed through the course's execution cache."""
    write(
        folder / "conf.py",
        f"""\
        import sys
        sys.path.insert(0, {str(EXTENSIONS)!r})
        extensions = ["myst_nb", "execution_key", "parallel_execution"]
        nb_execution_mode = "cache"
        nb_execution_cache_path = "_build/.jupyter_cache"
        nb_execution_raise_on_error = True
        nb_execution_show_tb = True
        execution_jobs = 2
        exclude_patterns = ["_build"]
        """,
    )
    write(folder / "lessons" / "__init__.py", "")
    toctree = "\n".join(pages)
    write(folder / "index.md", f"# Book\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, code in pages.items():
        write(
            folder / f"{name}.md", f"{FRONT_MATTER}\n# {name}\n\n```{{code-cell}}\n{code}\n```\n"
        )
    return folder


def start_build(book: Path, output: Path | None = None) -> subprocess.Popen:
    """Start building ``book`` into ``output`` (its _build/html if None), warnings as errors."""
    output = output or book / "_build" / "html"
    return subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-W", "-b", "html", str(book), str(output)],
        cwd=book,
        env=venv_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def build(book: Path) -> tuple[int, str]:
    """Build ``book`` with warnings as errors: the exit code and the log."""
    process = start_build(book)
    log, _ = process.communicate()
    return process.returncode, log


def executed(log: str, book: Path) -> list[str]:
    return sorted(
        line.split(":")[0].removeprefix(str(book) + "/")
        for line in log.splitlines()
        if ": Executed notebook in " in line
    )


@pytest.mark.slow
def test_are_pages_executed_at_once_and_again_only_when_a_module_they_import_changes(tmp_path):
    book = small_book(
        tmp_path / "book",
        {
            "first": "from lessons.first import value\nprint(value)",
            "second": "from lessons.second import value\nprint(value)",
        },
    )
    write(book / "lessons" / "first.py", "value = 'first, as written'\n")
    write(book / "lessons" / "second.py", "value = 'second, as written'\n")
    # Two builds at once, into two output folders, share the book's cache: each page runs once.
    builds = [start_build(book), start_build(book, tmp_path / "elsewhere")]
    logs = [process.communicate()[0] for process in builds]
    assert [process.returncode for process in builds] == [0, 0], logs
    assert any("executing 2 pages, 2 at once" in log for log in logs), logs
    assert sorted(executed(logs[0], book) + executed(logs[1], book)) == ["first.md", "second.md"]

    write(book / "lessons" / "second.py", "value = 'second, edited'\n")
    code, log = build(book)
    assert code == 0, log
    assert executed(log, book) == ["second.md"]
    assert "second, edited" in (book / "_build/html/second.html").read_text(encoding="utf-8")
    assert "first, as written" in (book / "_build/html/first.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_does_a_failing_cell_fail_the_build_with_its_traceback(tmp_path):
    book = small_book(tmp_path, {"fine": "print('fine')", "broken": "1 / 0"})
    code, log = build(book)
    assert code != 0
    assert "broken.md:Executing notebook failed: CellExecutionError" in log  # MyST-NB's report
    assert "ZeroDivisionError" in log
