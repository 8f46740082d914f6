"""Each chapter as a notebook (book/_ext/chapter_notebooks.py): downloaded as the site offers
it, it runs to the end on a student's answers (the solution notebooks stand in for them) in a
fresh folder where the hidden reference cannot be imported, and stops with the name of the
exercise to finish when this chapter's exercise is still the released stub."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from book_support import ROOT, extension, page_html, with_dependencies
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from optlab import chapters as table

DOWNLOADS = "_downloads/chapters"
# Environment variables that would let a kernel reach the course's answers.
COURSE_VARIABLES = ("PYTHONPATH", "PYTHONSAFEPATH", "OPTLAB_ANSWERS_FROM", "OPTLAB_GLUE")
# The first cell of every run: the reference must be out of reach, optlab the folder's own.
ISOLATION_PROBE = """\
import importlib.util, pathlib, optlab
assert importlib.util.find_spec("autograder") is None, "the hidden reference is importable"
assert pathlib.Path(optlab.__file__).resolve().is_relative_to(pathlib.Path.cwd().resolve()), \\
    optlab.__file__
"""


def chapter_notebooks():
    return extension("chapter_notebooks")


def unzipped(site: Path, name: str, into: Path) -> Path:
    """The chapter's archive, unzipped into ``into``: its folder."""
    notebook = chapter_notebooks().notebook_name(name)
    with zipfile.ZipFile(site / DOWNLOADS / f"{notebook}.zip") as zipped:
        zipped.extractall(into)
    return into / notebook


def student_environment(**changes: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in COURSE_VARIABLES}
    return environment | changes


def run_chapter(folder: Path, name: str, **environment: str) -> nbformat.NotebookNode:
    """Execute the chapter's notebook in ``folder``, after the isolation probe."""
    notebook = nbformat.read(folder / f"{chapter_notebooks().notebook_name(name)}.ipynb", 4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(ISOLATION_PROBE))
    NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    ).execute(env=student_environment(**environment))
    return notebook


def earlier_and_this(name: str) -> list[str]:
    return list(table.NAMES[: table.NAMES.index(name) + 1])


@pytest.fixture(scope="module")
def chapter_runs(built_site, tmp_path_factory) -> dict[str, Exception | None]:
    """Every chapter downloaded and run on the solution notebooks of its exercise and the earlier
    ones: the error each run raised, or None. As many run at once as there are cores, each
    kernel's numerical libraries on one thread."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = len(os.sched_getaffinity(0))
    threads = extension("parallel_execution").THREAD_VARIABLES

    def run(name: str) -> Exception | None:
        folder = unzipped(built_site, name, tmp_path_factory.mktemp(name))
        for exercise in earlier_and_this(name):
            shutil.copy(ROOT / "solutions" / exercise / f"{exercise}.ipynb", folder)
        try:
            run_chapter(folder, name, **dict.fromkeys(threads, "1"))
        except Exception as error:  # reported by the chapter's own test
            return error
        return None

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(table.NAMES, pool.map(run, table.NAMES)))


@pytest.mark.slow
@pytest.mark.parametrize("name", table.NAMES)
def test_does_the_downloaded_chapter_run_to_the_end_on_the_students_answers(chapter_runs, name):
    error = chapter_runs[name]
    assert error is None, f"{name}_chapter.ipynb failed on the solutions:\n{error}"


@pytest.mark.parametrize("name", table.NAMES)
def test_does_a_stub_stop_the_chapter_with_the_exercise_to_finish(built_site, tmp_path, name):
    """The earlier exercises solved, this chapter's as released: the first cell that needs it
    stops, naming the exercise."""
    folder = unzipped(built_site, name, tmp_path)
    for exercise in earlier_and_this(name)[:-1]:
        shutil.copy(ROOT / "solutions" / exercise / f"{exercise}.ipynb", folder)
    shutil.copy(ROOT / "exercises" / name / f"{name}.ipynb", folder)
    with pytest.raises(CellExecutionError) as raised:
        run_chapter(folder, name)
    assert raised.value.ename == "ExerciseNotFinished"
    assert f"Finish exercise '{name}' first" in raised.value.evalue


def test_does_a_missing_exercise_notebook_stop_the_chapter_with_its_name(built_site, tmp_path):
    name = "momentum"
    folder = unzipped(built_site, name, tmp_path)
    shutil.copy(ROOT / "solutions" / name / f"{name}.ipynb", folder)  # sgd.ipynb is missing
    with pytest.raises(CellExecutionError) as raised:
        run_chapter(folder, name)
    assert raised.value.ename == "ExerciseNotFinished"
    assert "exercise 'sgd'" in raised.value.evalue and "sgd.ipynb was found" in raised.value.evalue


def test_would_the_isolation_probe_catch_a_reachable_reference(built_site, tmp_path):
    """With the repository on the kernel's path, the probe fails: the test above can fail."""
    name = "momentum"
    folder = unzipped(built_site, name, tmp_path)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ISOLATION_PROBE)])
    with pytest.raises(CellExecutionError, match="the hidden reference is importable"):
        NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        ).execute(env=dict(student_environment(), PYTHONPATH=str(ROOT)))


def test_does_each_chapter_archive_hold_its_notebook_optlab_and_a_readme(built_site):
    """One folder: the notebook (the same bytes as the bare download), the whole student
    package as students install it, README.txt; the notebook's code is the page's."""
    module = chapter_notebooks()
    package = {
        path.relative_to(ROOT / "student").as_posix(): path.read_bytes()
        for path in sorted((ROOT / "student" / "optlab").rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    for chapter in table.CHAPTERS:
        notebook = module.notebook_name(chapter.name)
        with zipfile.ZipFile(built_site / DOWNLOADS / f"{notebook}.zip") as zipped:
            files = {i.filename: zipped.read(i) for i in zipped.infolist() if not i.is_dir()}
        expected = {f"{notebook}/{notebook}.ipynb", f"{notebook}/README.txt"}
        expected |= {f"{notebook}/{path}" for path in package}
        assert set(files) == expected, sorted(set(files) ^ expected)
        assert all(files[f"{notebook}/{path}"] == data for path, data in package.items())
        data = files[f"{notebook}/{notebook}.ipynb"]
        assert data == (built_site / DOWNLOADS / f"{notebook}.ipynb").read_bytes()
        cells = nbformat.reads(data.decode(), as_version=4).cells
        nbformat.validate(nbformat.reads(data.decode(), as_version=4))
        page = (ROOT / "book" / f"{chapter.name}.md").read_text()
        code = [cell.source for cell in cells if cell.cell_type == "code"]
        assert code and all(source in page for source in code), chapter.name
        assert len(code) == page.count("```{code-cell}"), chapter.name
        assert not any("autograder" in source for source in code), chapter.name
        assert all(not cell.get("outputs") for cell in cells if cell.cell_type == "code")


def test_does_each_chapter_readme_name_its_exercises_and_every_package(built_site):
    """README.txt names the exercise notebooks the chapter runs, and a package for every
    third-party module that the notebook or optlab imports."""
    import importlib.metadata

    module = chapter_notebooks()
    distributions = importlib.metadata.packages_distributions()
    for chapter in table.CHAPTERS:
        notebook = module.notebook_name(chapter.name)
        with zipfile.ZipFile(built_site / DOWNLOADS / f"{notebook}.zip") as zipped:
            readme = zipped.read(f"{notebook}/README.txt").decode()
            sources = [
                zipped.read(member).decode()
                for member in zipped.namelist()
                if member.endswith(".py")
            ]
            cells = nbformat.reads(zipped.read(f"{notebook}/{notebook}.ipynb").decode(), 4).cells
        code = [cell.source for cell in cells if cell.cell_type == "code"]
        exercises = module.exercises_used(code)
        assert chapter.name in exercises, f"{chapter.name}: the page runs none of its functions"
        assert all(f"{exercise}.ipynb" in readme for exercise in exercises), chapter.name
        assert f"jupyter notebook {notebook}.ipynb" in readme
        install = next(line for line in readme.splitlines() if "pip install" in line).split()
        # IPython comes with Jupyter (which this environment need not hold as a package).
        named = with_dependencies(
            {re.sub(r"[-_.]+", "-", w).lower() for w in install} | {"ipython"}
        )
        imports = r"^\s*(?:from\s+(\w+)[\w.]*\s+import\b|import\s+(\w+))"
        imported = (
            {
                found
                for source in sources + code
                for pair in re.findall(imports, source, flags=re.M)
                for found in pair
                if found
            }
            - set(sys.stdlib_module_names)
            - {"optlab", "__future__"}
        )
        for name in sorted(imported):
            owners = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(name, [])}
            assert owners & named, f"{chapter.name}: {name} is imported; README names none"


def test_does_every_chapter_end_with_its_notebook_box(built_site):
    """After the exercise's box, the chapter's: its two downloads, files of the site."""
    module = chapter_notebooks()
    for name in table.NAMES:
        soup = page_html(built_site, f"book/{name}")
        box = soup.select_one(f"div.chapter-notebook#chapter-notebook-{name}")
        assert box is not None, f"{name}: no chapter notebook box"
        assert box.find_previous_sibling() is soup.select_one(f"#exercise-{name}")
        assert box.find_next_sibling() is None
        notebook = module.notebook_name(name)
        hrefs = sorted(Path(a["href"]).name for a in box.select("a.download"))
        assert hrefs == [f"{notebook}.ipynb", f"{notebook}.zip"]


def test_is_the_markup_readable_in_plain_jupyter():
    module = chapter_notebooks()
    source = (
        "(sec-x)=\n:::{admonition} What you will learn\n:class: tip\n- a\n:::\n"
        "It reaches {glue:text}`final_loss:.3f` in {numref}`fig-a`, by {eq}`sgd-step`; "
        "see {doc}`the momentum chapter <momentum>`.\n```{glue:md} table_x\n:format: myst\n```\n"
        "```{exercise} momentum\n```\n"
    )
    readable = module.readable_markdown(source)
    assert readable.splitlines() == [
        "**What you will learn**",
        "- a",
        "It reaches `final_loss` in *fig-a*, by equation (sgd-step); see the momentum chapter.",
        "`table_x` (a table computed above)",
    ]


def test_does_the_notebook_name_the_exercises_its_code_takes():
    module = chapter_notebooks()
    code = [
        'a = exercise_functions("momentum", "momentum_step")',
        'b, c = optlab.exercises.exercise_functions("sgd", "sgd_step", "minibatch_indices")',
        "import torch\nfrom scipy import optimize\nimport json",
    ]
    assert module.exercises_used(code) == ["sgd", "momentum"]
    assert module.extra_packages(code) == ["torch"]


def test_is_json_of_the_notebook_stable():
    """The same page gives the same bytes (the archive is reproducible)."""
    module = chapter_notebooks()
    page = (ROOT / "book" / "sgd.md").read_text()
    chapter = table.chapter("sgd")
    first = module.notebook_bytes(module.chapter_notebook(page, chapter))
    assert first == module.notebook_bytes(module.chapter_notebook(page, chapter))
    assert json.loads(first)["cells"][0]["id"] == "about-this-notebook"
