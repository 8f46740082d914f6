"""The website: it builds cleanly with warnings as errors, and every page renders without errors.

The build itself (the `built_site` fixture in conftest.py) runs once per session.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import yaml
from book_support import ROOT, extension, linked_file, page_html, toc_files, with_dependencies
from bs4 import BeautifulSoup

from optlab import chapters as table

SECRET_DIRS = (
    "solutions",
    "autograder",
    "tests",
    "student",
    ".venv",
    "submitted",
    "autograded",
    "feedback",
)
# Files of the site read as text by the leak checks (every file inside an archive is read too).
TEXT_SUFFIXES = {".html", ".md", ".ipynb", ".txt", ".js", ".json", ".py"}
# Embedded images and animation frames (base64, most of a page's bytes): no code line is in them.
EMBEDDED_DATA = re.compile(r"[A-Za-z0-9+/=\\]{200,}")
PACKAGE = ROOT / "student" / "optlab"
ARCHIVES = (
    "_downloads/exercises"  # where book/_ext/exercise_links.py writes the exercises' archives
)


def exercise_links():
    """The book's extension book/_ext/exercise_links.py."""
    return extension("exercise_links")


def chapters() -> list[str]:
    """Every chapter of the table, by name, sorted."""
    return sorted(table.NAMES)


def archive(site: Path, name: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(site / ARCHIVES / f"{name}.zip")


def package_files(without: set[str] = frozenset()) -> dict[str, bytes]:
    """The student package's files, as an archive holds them (``optlab/...``), but the modules
    ``without``."""
    return {
        path.relative_to(PACKAGE.parent).as_posix(): path.read_bytes()
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix != ".pyc"
        and "optlab." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts) not in without
    }


def blocked_modules(name: str) -> set[str]:
    """The modules the exercise's grader makes unavailable (the exercise asks students to write
    them)."""
    from autograder.checks import load_registry

    return set(load_registry(name).blocked)


def site_texts(site: Path) -> Iterator[tuple[str, str]]:
    """Every text the site serves, named by its path: its text files, and every file inside every
    archive (``<archive>!<member>``)."""
    for path in sorted(site.rglob("*")):
        where = path.relative_to(site).as_posix()
        if path.is_file() and path.suffix == ".zip":
            with zipfile.ZipFile(path) as zipped:
                for info in zipped.infolist():
                    if not info.is_dir():
                        yield (
                            f"{where}!{info.filename}",
                            zipped.read(info).decode("utf-8", errors="replace"),
                        )
        elif path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield where, path.read_text(encoding="utf-8", errors="replace")


def secret_cells(name: str) -> list[set[str]]:
    """The secret lines (see grading_support.secret_lines) of each solution or hidden-test cell."""
    from grading_support import HIDDEN_REGION, SOLUTION_REGION, secret_lines, solution

    secrets = secret_lines(name)
    cells = []
    for cell in solution(name).cells:
        regions = SOLUTION_REGION.findall(cell.source) + HIDDEN_REGION.findall(cell.source)
        lines = {line.strip() for region in regions for line in region.splitlines()} & secrets
        if lines:
            cells.append(lines)
    return cells


def mostly_shown(lines: set[str], text: str) -> bool:
    """Over half of a cell's secret lines (two at least) appear in ``text``: the cell is given
    away."""
    shown = [line for line in lines if line in text]
    return len(shown) >= 2 and len(shown) > len(lines) / 2


# --- the built site -------------------------------------------------------------------


def test_does_the_book_build_with_warnings_as_errors(built_site):
    assert (built_site / "index.html").is_file()


def test_does_every_toc_page_render(built_site):
    missing = [page for page in toc_files() if not (built_site / f"{page}.html").is_file()]
    assert not missing, f"pages in _toc.yml without an HTML file: {missing}"


def test_does_no_page_show_a_cell_error(built_site):
    for page in toc_files():
        soup = page_html(built_site, page)
        tracebacks = soup.select(".cell_output .traceback, .cell_output .output.error")
        assert not tracebacks, f"{page}: a cell's output is an error"
        assert "Traceback (most recent call last)" not in soup.get_text(), (
            f"{page}: a traceback is shown"
        )


def test_does_no_page_print_a_python_warning(built_site):
    for page in toc_files():
        for stderr in page_html(built_site, page).select(".cell_output .stderr"):
            assert not re.search(r"\w+Warning\b", stderr.get_text()), (
                f"{page}: a cell printed a warning:\n{stderr.get_text()[:500]}"
            )


def test_does_every_plot_reach_its_page(built_site):
    """A page that calls plt.show() n times shows at least n images (an Agg backend in the
    kernel would silently drop them)."""
    for page in toc_files():
        shows = (ROOT / f"{page}.md").read_text(encoding="utf-8").count("plt.show()")
        images = page_html(built_site, page).select(".cell_output img")
        assert len(images) >= shows, f"{page}: {shows} plots, {len(images)} images"


def test_are_all_glued_numbers_filled_in(built_site):
    """Every {glue} role resolved: myst-nb leaves no raw role text behind."""
    for page in toc_files():
        text = page_html(built_site, page).get_text()
        assert "{glue" not in text, f"{page}: an unresolved glue role"


def test_does_the_site_leave_out_secret_material(built_site):
    files = [path.relative_to(built_site) for path in built_site.rglob("*") if path.is_file()]
    for path in files:
        assert not set(path.parts) & set(SECRET_DIRS), f"{path} should not be in the site"
    sources = {path.with_suffix("").as_posix() for path in files if path.parts[0] == "_sources"}
    assert sources == {f"_sources/{page}" for page in toc_files()}, "only toc pages have sources"
    for where, text in site_texts(built_site):
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{where} holds a solution or hidden-test marker"
        if "!" in where:
            member = Path(where.split("!", 1)[1])
            assert not set(member.parts) & set(SECRET_DIRS), (
                f"{where}: an archive holds a secret folder"
            )


def test_does_no_solution_hidden_test_or_reference_reach_the_site(built_site):
    """Checked against today's solutions, references and checks, in every file the site serves
    (pages, _sources, the search index, downloads) and in every file of every exercise archive.

    An archive's copy of the student package is the package every student installs, byte for byte
    (see the archive test): none of its modules may give any exercise's solution away, in any
    archive. A module shares a line or two with a solution by chance; over half of a solution
    cell's lines is a copy."""
    from grading_support import leaked_functions, public_text, secret_lines

    secrets = set().union(*(secret_lines(name) for name in chapters()))
    cells = {name: secret_cells(name) for name in chapters()}
    stated = public_text()
    assert len(secrets) > 20 and all(cells.values())
    checked = set()
    for where, text in site_texts(built_site):
        checked.add(where)
        text = EMBEDDED_DATA.sub(" ", text)
        assert leaked_functions(text, allowed=stated) == [], f"{where} shows hidden code"
        member = re.fullmatch(r"_downloads/\w+/(\w+)\.zip!\1/(optlab/.+)\.py", where)
        if member is None:  # a page, a source, the search index, a notebook, a README
            leaked = sorted(line for line in secrets if line in text)
            assert leaked == [], f"{where} shows solution lines: {leaked[:3]}"
            continue
        for name, solution_cells in cells.items():
            given_away = [lines for lines in solution_cells if mostly_shown(lines, text)]
            assert not given_away, (
                f"{where} gives away {name}'s solution: {sorted(given_away[0])[:3]}"
            )
    assert "searchindex.js" in checked
    for name in chapters():
        assert f"{ARCHIVES}/{name}.zip!{name}/{name}.ipynb" in checked, (
            f"the {name} archive was not read"
        )
        notebook = f"{name}_chapter"
        assert f"_downloads/chapters/{notebook}.ipynb" in checked
        assert f"_downloads/chapters/{notebook}.zip!{notebook}/{notebook}.ipynb" in checked


def test_does_no_module_of_the_student_package_give_an_exercise_away():
    """Every student installs optlab, so none of its modules may hold an exercise's answer; the
    hidden reference, which does, shows that the test would see one."""
    cells = {name: secret_cells(name) for name in chapters()}
    for path in sorted(PACKAGE.glob("*.py")):
        text = path.read_text()
        given_away = sorted(
            name
            for name, solution_cells in cells.items()
            if any(mostly_shown(lines, text) for lines in solution_cells)
        )
        assert given_away == [], f"optlab/{path.name} gives away the solution of {given_away}"
    reference = (ROOT / "autograder" / "reference" / "gradients.py").read_text()
    assert any(mostly_shown(lines, reference) for lines in cells["gradients"])


def test_does_the_search_index_hold_no_word_of_hidden_code(built_site):
    """The search index keeps words, not lines: no word (stemmed as Sphinx stems it) that only the
    solutions, the hidden tests, the references or the checks use is in it."""
    from grading_support import HIDDEN_REGION, SOLUTION_REGION, solution
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish({}).stem
    words = re.compile(r"\w+")
    hidden = [
        region
        for name in chapters()
        for cell in solution(name).cells
        for region in SOLUTION_REGION.findall(cell.source) + HIDDEN_REGION.findall(cell.source)
    ]
    hidden += [
        path.read_text()
        for part in ("reference", "checks")
        for path in ROOT.glob(f"autograder/{part}/*.py")
    ]
    public = [
        path.read_text()
        for pattern in (
            "book/**/*.md",
            "book/_ext/*.py",
            "exercises/*/*.ipynb",
            "student/optlab/*.py",
            "_config.yml",
        )
        for path in ROOT.glob(pattern)
    ]
    public_words = {word.lower() for text in public for word in words.findall(text)}
    public_stems = {stem(word) for word in public_words}
    only_hidden = {word.lower() for text in hidden for word in words.findall(text)} - public_words
    only_hidden = {
        word
        for word in only_hidden
        if len(word) >= 4 and not word.isdigit() and stem(word) not in public_stems
    }
    assert len(only_hidden) > 50, "too few hidden words to check against"
    script = (built_site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(script[script.index("(") + 1 : script.rindex(")")])
    terms = set(index["terms"]) | set(index["titleterms"])
    assert {stem("momentum"), stem("gradient")} <= terms, "the search index holds the pages' words"
    found = sorted(word for word in only_hidden if stem(word) in terms or word in terms)
    assert found == [], f"the search index holds words only hidden code uses: {found[:10]}"


def test_is_mathjax_served_by_the_site_itself(built_site):
    """Math must render offline: every page with math loads MathJax from the site's _static, not a
    CDN (and no page loads it from anywhere else)."""
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    with_math = 0
    for page in toc_files():
        html = page_html(built_site, page)
        scripts = [s.get("src", "") for s in html.find_all("script")]
        mathjax = [src for src in scripts if "mathjax" in src.lower() or "tex-" in src]
        assert all(
            src.startswith("../_static/mathjax/") or src.startswith("_static/mathjax/")
            for src in mathjax
        ), (page, mathjax)
        if html.select(".math"):
            with_math += 1
            assert mathjax, f"{page} has math but does not load MathJax"
    assert with_math >= 11


def test_does_every_chapter_end_with_its_exercise_downloads(built_site):
    """Each chapter's last section is its Exercise, which ends with the box of
    book/_ext/exercise_links.py (links to the archive and to the released notebook, both files of
    the site) and then the box of the chapter's own notebook (tests/test_chapter_notebooks.py)."""
    for name in chapters():
        page = f"book/{name}"
        soup = page_html(built_site, page)
        box = soup.select_one(f"div.exercise-links#exercise-{name}")
        assert box is not None, f"{page} has no exercise box"
        section = box.find_parent("section")
        assert section["id"] == "exercise" and section.find_next_sibling("section") is None, (
            f"{page}: not at its end"
        )
        assert box is section.find_all(recursive=False)[-2], (
            f"{page}: the box does not end the Exercise section"
        )
        assert "chapter-notebook" in section.find_all(recursive=False)[-1]["class"]
        links = {Path(a["href"]).name: a["href"] for a in box.select("a.download")}
        assert set(links) == {f"{name}.zip", f"{name}.ipynb"}, links
        assert (
            linked_file(built_site, page, links[f"{name}.zip"])
            == built_site / ARCHIVES / f"{name}.zip"
        )
        assert (
            linked_file(built_site, page, links[f"{name}.ipynb"]).read_bytes()
            == (ROOT / "exercises" / name / f"{name}.ipynb").read_bytes()
        )
        assert len(list((built_site / "_downloads").rglob(f"{name}.ipynb"))) == 1
    assert sorted(path.stem for path in (built_site / ARCHIVES).iterdir()) == chapters(), (
        "one archive per exercise"
    )


def test_does_each_archive_hold_the_notebook_optlab_and_a_readme(built_site):
    """One folder named after the exercise: the released notebook, the student package as students
    install it (without the modules the exercise's grader blocks), README.txt; nothing else, and
    nothing of solutions/ or autograder/."""
    secret_files = {
        hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("solutions", "autograder")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    for name in chapters():
        with archive(built_site, name) as zipped:
            files = {
                info.filename: zipped.read(info) for info in zipped.infolist() if not info.is_dir()
            }
            assert zipped.testzip() is None
        package = package_files(without=blocked_modules(name))
        expected = {f"{name}/{name}.ipynb", f"{name}/README.txt"} | {
            f"{name}/{path}" for path in package
        }
        assert set(files) == expected, f"{name}.zip: {sorted(set(files) ^ expected)}"
        assert (
            files[f"{name}/{name}.ipynb"]
            == (ROOT / "exercises" / name / f"{name}.ipynb").read_bytes()
        )
        assert all(files[f"{name}/{path}"] == data for path, data in package.items()), (
            f"{name}.zip: optlab differs"
        )
        assert not {hashlib.sha256(data).hexdigest() for data in files.values()} & secret_files, (
            f"{name}.zip holds a file of solutions/ or autograder/"
        )


def test_does_each_archive_readme_say_how_to_open_it_and_what_it_needs(built_site):
    """README.txt names the command and every package the archive needs: the student package's
    dependencies (student/pyproject.toml), the same list the course README names, and nothing the
    package or the notebook imports is missing from it."""
    import importlib.metadata
    import tomllib

    import nbformat

    needed = tomllib.loads((ROOT / "student" / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    assert needed and all(package in (ROOT / "README.md").read_text() for package in needed)
    distributions = importlib.metadata.packages_distributions()
    named = with_dependencies(  # IPython comes with Jupyter
        {re.sub(r"[-_.]+", "-", package).lower() for package in needed} | {"ipython"}
    )
    for name in chapters():
        with archive(built_site, name) as zipped:
            readme = zipped.read(f"{name}/README.txt").decode()
            sources = [
                zipped.read(member).decode()
                for member in zipped.namelist()
                if member.endswith(".py")
            ]
            notebook = nbformat.reads(zipped.read(f"{name}/{name}.ipynb").decode(), as_version=4)
        sources += [cell.source for cell in notebook.cells if cell.cell_type == "code"]
        assert f"jupyter notebook {name}.ipynb" in readme
        assert "python -m pip install jupyter " + " ".join(needed) in readme
        imports = r"^\s*(?:from\s+(\w+)[\w.]*\s+import\b|import\s+(\w+))"
        imported = {
            module
            for source in sources
            for pair in re.findall(imports, source, flags=re.M)
            for module in pair
            if module
        }
        third_party = imported - set(sys.stdlib_module_names) - {"optlab", "__future__"}
        for module in sorted(third_party):
            owners = {
                re.sub(r"[-_.]+", "-", dist).lower() for dist in distributions.get(module, [])
            }
            assert owners & named, (
                f"{name}: {module} is imported, but README.txt names none of {owners or module}"
            )
        left_out = blocked_modules(name)
        assert all(module in readme for module in left_out), (
            f"{name}: README.txt does not say what is left out"
        )


def test_does_an_unzipped_archive_run_on_its_own_optlab(built_site, tmp_path):
    """Unzipped, the notebook's setup cells run in a Jupyter kernel started in its folder, and
    every optlab module they import comes from that folder, although the test's environment has
    optlab installed too. The same cells next to the notebook alone find the installed optlab: the
    check can fail."""
    import os

    import nbformat
    from nbclient import NotebookClient

    probe = (
        "import json, sys\n"
        "print(json.dumps({m: getattr(sys.modules[m], '__file__', None)"
        " for m in sorted(sys.modules) if m == 'optlab' or m.startswith('optlab.')}))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONSAFEPATH")
    }

    def optlab_files(folder: Path, name: str) -> dict[str, str]:
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        first_answer = next(
            i
            for i, cell in enumerate(nb.cells)
            if cell.metadata.get("nbgrader", {}).get("solution")
        )
        setup = [cell for cell in nb.cells[:first_answer] if cell.cell_type == "code"]
        assert any("optlab" in cell.source for cell in setup), (
            f"{name}: its setup cells import no optlab"
        )
        nb.cells = setup + [nbformat.v4.new_code_cell(probe)]
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        ).execute(env=env)
        return json.loads(
            "".join(
                output["text"] for output in nb.cells[-1].outputs if output.get("name") == "stdout"
            )
        )

    for name in chapters():
        with archive(built_site, name) as zipped:
            zipped.extractall(tmp_path / "unzipped")
        folder = (tmp_path / "unzipped" / name).resolve()
        files = optlab_files(folder, name)
        assert "optlab" in files and len(files) >= 2, files
        outside = {
            module: file
            for module, file in files.items()
            if not Path(file).resolve().is_relative_to(folder)
        }
        assert outside == {}, f"{name}: imported from outside the unzipped folder: {outside}"
    alone = tmp_path / "alone"
    alone.mkdir()
    name = chapters()[0]
    (alone / f"{name}.ipynb").write_bytes(
        (ROOT / "exercises" / name / f"{name}.ipynb").read_bytes()
    )
    assert not Path(optlab_files(alone, name)["optlab"]).resolve().is_relative_to(alone.resolve())


# --- launch buttons ----------------------------------------------------------------------

SAMPLE = {
    "repository_url": "https://github.com/example-org/optim-student",
    "repository_branch": "spring-2025",
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org/",
        "jupyterhub_url": "https://hub.example.edu",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
}


def settings_from(options: dict):
    return exercise_links().LaunchSettings.from_theme_options(options)


def test_are_launch_urls_built_from_the_configuration():
    urls = exercise_links().launch_urls(settings_from(SAMPLE), "exercises/momentum/momentum.ipynb")
    assert urls == {
        "Binder": "https://mybinder.org/v2/gh/example-org/optim-student/spring-2025"
        "?labpath=exercises%2Fmomentum%2Fmomentum.ipynb",
        "JupyterHub": "https://hub.example.edu/hub/user-redirect/git-pull"
        "?repo=https%3A%2F%2Fgithub.com%2Fexample-org%2Foptim-student&branch=spring-2025"
        "&urlpath=lab%2Ftree%2Foptim-student%2Fexercises%2Fmomentum%2Fmomentum.ipynb",
        "Colab": "https://colab.research.google.com/github/example-org/optim-student/blob/spring-2025/"
        "exercises/momentum/momentum.ipynb",
    }
    classic = dict(
        SAMPLE,
        repository_url="https://github.com/example-org/optim-student.git",
        path_to_docs="course",
        launch_buttons=dict(SAMPLE["launch_buttons"], notebook_interface="classic"),
    )
    urls = exercise_links().launch_urls(settings_from(classic), "exercises/sgd/sgd.ipynb")
    assert urls["Binder"].endswith(
        "/v2/gh/example-org/optim-student/spring-2025"
        "?urlpath=tree%2Fcourse%2Fexercises%2Fsgd%2Fsgd.ipynb"
    )
    assert (
        "urlpath=tree%2Foptim-student%2Fcourse%2Fexercises%2Fsgd%2Fsgd.ipynb" in urls["JupyterHub"]
    )
    assert urls["Colab"].endswith("/blob/spring-2025/course/exercises/sgd/sgd.ipynb")
    gitlab = dict(SAMPLE, repository_url="https://gitlab.com/uni/ml/optim-student")
    urls = exercise_links().launch_urls(settings_from(gitlab), "exercises/sgd/sgd.ipynb")
    assert urls["Binder"].startswith(
        "https://mybinder.org/v2/gl/uni%2Fml%2Foptim-student/spring-2025?"
    )
    assert "Colab" not in urls and any(
        "Colab" in problem for problem in settings_from(gitlab).problems()
    )
    assert settings_from(SAMPLE).problems() == []


def test_are_launch_buttons_absent_until_configured():
    module = exercise_links()
    path = "exercises/momentum/momentum.ipynb"
    assert module.launch_urls(module.LaunchSettings(), path) == {}
    no_repository = dict(SAMPLE, repository_url="")
    assert module.launch_urls(settings_from(no_repository), path) == {}
    assert settings_from(no_repository).problems(), (
        "a button asked for without a repository is reported"
    )
    jupyter_book_default = dict(
        SAMPLE, repository_url="https://github.com/executablebooks/jupyter-book"
    )
    assert module.launch_urls(settings_from(jupyter_book_default), path) == {}
    only_binder = dict(
        SAMPLE, launch_buttons={"binderhub_url": "https://mybinder.org", "colab_url": ""}
    )
    assert list(module.launch_urls(settings_from(only_binder), path)) == ["Binder"]
    assert module.launch_urls(settings_from(dict(SAMPLE, launch_buttons={})), path) == {}


def config_settings():
    """The launch settings _config.yml gives, as Jupyter Book passes them to the theme."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repository = config.get("repository", {})
    return settings_from(
        {
            "repository_url": repository.get("url", ""),
            "repository_branch": repository.get("branch", ""),
            "path_to_docs": repository.get("path_to_book", ""),
            "launch_buttons": config.get("launch_buttons", {}),
        }
    )


def test_does_the_config_document_every_launch_key():
    lines = (ROOT / "_config.yml").read_text().splitlines()
    for section, keys in {
        "repository": ("url", "branch", "path_to_book"),
        "launch_buttons": ("notebook_interface", "binderhub_url", "jupyterhub_url", "colab_url"),
    }.items():
        start = lines.index(f"{section}:")
        for key in keys:
            at = next(
                i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(f"{key}:")
            )
            assert lines[at - 1].strip().startswith("#"), (
                f"_config.yml: {section}.{key} has no comment"
            )
    assert config_settings().problems() == []


def test_do_the_chapters_show_the_launch_buttons_the_config_asks_for(built_site):
    """The buttons on each chapter are those _config.yml configures (none while no address is set,
    and then no word about them); the theme adds none of its own; no link of the box is empty."""
    settings = config_settings()
    for name in chapters():
        soup = page_html(built_site, f"book/{name}")
        box = soup.select_one(f"#exercise-{name}")
        expected = exercise_links().launch_urls(settings, f"exercises/{name}/{name}.ipynb")
        assert [a["href"] for a in box.select("a.exercise-launch")] == list(expected.values())
        assert ("open it online" in box.get_text()) == bool(expected)
        assert all(a.get("href") for a in box.select("a")), f"{name}: a link without an address"
        chapter_box = soup.select_one(f"#chapter-notebook-{name}")
        expected = exercise_links().launch_urls(settings, f"book/{name}.md")
        expected.pop("Colab", None)  # Colab opens .ipynb files only
        assert [a["href"] for a in chapter_box.select("a.exercise-launch")] == list(
            expected.values()
        )
        assert all(a.get("href") for a in chapter_box.select("a")), f"{name}: an empty link"
        assert soup.select(".dropdown-launch-buttons") == [], (
            f"{name}: the theme's launch buttons are shown"
        )


# The exercise of the small Sphinx projects below: a chapter whose grader blocks a module.
DEMO = "gradient_descent"


def sphinx_project(folder: Path, exercise: str) -> Path:
    """A small Sphinx project with every launch provider configured: one page that ends with
    ``{exercise} <exercise>``, the released notebook of DEMO under that exercise's name, and the
    student package."""
    import shutil

    source = folder / "src"
    (source / "exercises" / exercise).mkdir(parents=True)
    shutil.copy(
        ROOT / "exercises" / DEMO / f"{DEMO}.ipynb",
        source / "exercises" / exercise / f"{exercise}.ipynb",
    )
    shutil.copytree(
        PACKAGE, source / "student" / "optlab", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "student" / "pyproject.toml", source / "student" / "pyproject.toml")
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "project = 'Demo'\nextensions = ['myst_nb', 'exercise_links', 'chapter_notebooks']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "exclude_patterns = ['exercises', 'student']\nnb_execution_mode = 'off'\n"
        f"html_theme_options = {SAMPLE!r}\n"
    )
    page = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n"
        "# Demo\n\n```{code-cell} ipython3\n1 + 1\n```\n\n## Exercise\n\n"
        f"```{{exercise}} {exercise}\n```\n"
    )
    (source / "index.md").write_text(page)
    # The same as a chapter's page, which gets the chapter notebook's box too.
    (source / "book").mkdir()
    (source / "book" / f"{exercise}.md").write_text(
        page.replace("---\n#", "orphan: true\n---\n#", 1)
    )
    return source


def sphinx_build(source: Path, out: Path):
    """Build ``source`` into ``out`` with warnings as errors; the finished process."""
    import subprocess

    from grading_support import venv_environment

    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "-q", "-b", "html", str(source), str(out)],
        capture_output=True,
        text=True,
        env=venv_environment(),
    )


def test_do_configured_launch_buttons_reach_the_page_and_archives_build_reproducibly(tmp_path):
    """A small Sphinx project with every provider configured: the box shows exactly the URLs of
    launch_urls and the pip line for Colab, the theme shows no launch buttons of its own, the
    build is warning-free, and two builds (the inputs' times changed between them) give the same
    archive, without the module the table of chapters blocks."""
    import os

    source = sphinx_project(tmp_path, DEMO)
    built = []
    for run in ("first", "second"):
        if run == "second":
            for path in source.rglob("*"):
                os.utime(path, (1e9, 1e9))
        result = sphinx_build(source, tmp_path / run)
        assert result.returncode == 0, result.stdout + result.stderr
        built.append(
            [
                (tmp_path / run / "_downloads" / folder / f"{name}.zip").read_bytes()
                for folder, name in (("exercises", DEMO), ("chapters", f"{DEMO}_chapter"))
            ]
        )
    assert built[0] == built[1], "an archive differs between two builds of the same files"
    soup = BeautifulSoup((tmp_path / "first" / "index.html").read_text(), "html.parser")
    box = soup.select_one(f"#exercise-{DEMO}")
    expected = exercise_links().launch_urls(
        settings_from(SAMPLE), f"exercises/{DEMO}/{DEMO}.ipynb"
    )
    assert [(a.get_text(strip=True), a["href"]) for a in box.select("a.exercise-launch")] == list(
        expected.items()
    )
    assert (
        '%pip install "optlab @ git+https://github.com/example-org/optim-student.git@spring-2025'
        '#subdirectory=student"' in box.get_text()
    )
    assert soup.select(".dropdown-launch-buttons") == []
    chapter_page = BeautifulSoup(
        (tmp_path / "first" / "book" / f"{DEMO}.html").read_text(), "html.parser"
    )
    chapter_box = chapter_page.select_one(f"#chapter-notebook-{DEMO}")
    expected = exercise_links().launch_urls(settings_from(SAMPLE), f"book/{DEMO}.md")
    del expected["Colab"]
    assert [
        (a.get_text(strip=True), a["href"]) for a in chapter_box.select("a.exercise-launch")
    ] == list(expected.items())
    assert set(table.chapter(DEMO).blocked) == {"optlab.optimize"}
    with zipfile.ZipFile(
        tmp_path / "first" / "_downloads" / "exercises" / f"{DEMO}.zip"
    ) as zipped:
        assert (
            f"{DEMO}/optlab/optimize.py" not in zipped.namelist()
            and f"{DEMO}/optlab/problems.py" in zipped.namelist()
        )


def test_is_an_exercise_the_table_of_chapters_lacks_a_build_error_naming_the_table(tmp_path):
    result = sphinx_build(sphinx_project(tmp_path, "demo"), tmp_path / "out")
    assert result.returncode != 0, "an {exercise} the table lacks built without an error"
    assert "exercise 'demo' is not a chapter of the table of chapters" in result.stderr
    assert "optlab/chapters.py" in result.stderr


def test_does_the_course_map_link_every_chapter_in_order(built_site):
    """The introduction's map of the course (the {course-map} directive of
    book/_ext/course_map.py): one row per chapter of the table, in its order, with its number, a
    link to its page under its title, what it covers (its math typeset), its reading time (as
    the extension counts it) and its exercise with the table's estimate of its time."""

    def text(cell) -> str:  # as written: Sphinx's smart quotes make Newton's Newton’s
        return " ".join(cell.get_text().split()).replace("\u2019", "'")

    found = []
    for row in page_html(built_site, "book/intro").select("section#map-of-the-course tbody tr"):
        number, title, covers, reading, exercise = row.find_all("td")
        link = title.select_one("a.reference.internal[href]")
        page = link and linked_file(built_site, "book/intro", link["href"])
        found.append(
            (text(number), page, text(title), text(covers), text(reading), text(exercise))
        )
    reading_minutes = extension("course_map").reading_minutes
    expected = [
        (
            str(each.number),
            built_site / "book" / f"{each.name}.html",
            each.title,
            re.sub(r"\$([^$]*)\$", r"\\(\1\\)", each.covers),
            f"{reading_minutes(each.name)} min",
            f"{each.name}, {each.exercise_minutes} min",
        )
        for each in table.CHAPTERS
    ]
    assert found == expected


def test_does_the_instructor_page_document_every_grading_option(built_site):
    import re
    import subprocess
    import sys

    from grading_support import venv_environment

    usage = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "--help"],
        capture_output=True,
        text=True,
        env=venv_environment(),
        check=True,
    ).stdout
    options = set(re.findall(r"--[a-z][a-z-]+", usage))
    page = (built_site / "book" / "instructors.html").read_text()
    assert len(options) >= 12 and [o for o in sorted(options) if o not in page] == []
    prose = page.split('id="every-option"')[0].split('id="grading-a-class"')[-1]
    for option in ("--jobs", "--force", "--student", "--due", "--late-penalty-per-day"):
        assert option in prose or option.replace("--", "") in prose, (
            f"{option} is not explained in the prose"
        )


def test_does_every_test_cell_point_feedback_to_a_section_of_its_chapter(built_site):
    import inspect
    import re

    from autograder.checks import load_registry
    from autograder.course import assignments

    for assignment in assignments(ROOT):
        registry = load_registry(assignment)
        assert set(registry.sections) == set(registry.groups), (
            f"{assignment}: a test cell without a section"
        )
        page = (built_site / "book" / f"{assignment}.html").read_text()
        sections = set(re.findall(r'<section id="([^"]+)"', page))
        missing = sorted(
            (set(registry.sections.values()) | set(registry.mistake_sections.values())) - sections
        )
        assert missing == [], f"book/{assignment}.html has no section {missing}"
        source = (
            Path(inspect.getsourcefile(type(registry))).with_name(f"{assignment}.py").read_text()
        )
        unknown = [
            phrase for phrase in registry.mistake_sections if source.count(phrase) < 2
        ]  # and in a catalog
        assert unknown == [], f"{assignment}: no cataloged mistake says {unknown}"


# --- reading: the shape of a chapter, links between chapters, equations -----------------


def test_does_every_chapter_open_with_what_you_will_learn_and_close_with_a_summary(built_site):
    for chapter in chapters():
        article = page_html(built_site, f"book/{chapter}").select_one("article")
        learn = article.find("p", class_="admonition-title", string="What you will learn")
        assert learn is not None, f"book/{chapter}: no 'What you will learn'"
        assert learn in article.find_all("p", class_="admonition-title")[:1], (
            f"book/{chapter}: 'What you will learn' is not first"
        )
        headings = article.select("section > h2")
        assert (
            headings
            and article.find_all(
                lambda tag, learn=learn, first=headings[0]: tag is learn or tag is first
            )[0]
            is learn
        ), f"book/{chapter}: 'What you will learn' comes after a section"
        # A heading's text after its number (the chapters are numbered: "6.8. Summary")
        titles = [
            re.sub(r"^[\d.]+\s", "", h.get_text(" ", strip=True).rstrip("#").strip())
            for h in article.select("section > h2")
        ]
        assert titles[-2:] == ["Summary", "Exercise"], f"book/{chapter}: closes with {titles[-2:]}"


def test_does_every_chapter_after_the_first_link_an_earlier_one(built_site):
    order = [
        page.removeprefix("book/")
        for page in toc_files()
        if page.removeprefix("book/") in chapters()
    ]
    for position, chapter in enumerate(order[1:], start=1):
        links = {
            linked_file(built_site, f"book/{chapter}", a["href"]).stem
            for a in page_html(built_site, f"book/{chapter}").select(
                "article a.reference.internal[href]"
            )
        }
        assert links & set(order[:position]), (
            f"book/{chapter} links no earlier chapter (it links {sorted(links)})"
        )


def test_do_adamw_and_l2_link_each_other(built_site):
    def sections_linked(page: str, section: str) -> set[str]:
        soup = page_html(built_site, page)
        return {a["href"] for a in soup.select(f"section#{section} a.reference.internal[href]")}

    assert any(
        h.startswith("regularization.html#l2-weight-decay")
        for h in sections_linked("book/adaptive", "adamw-weight-decay-decoupled")
    )
    assert any(
        h.startswith("adaptive.html#adamw-decoupled")
        for h in sections_linked("book/regularization", "l2-is-weight-decay")
    )


def test_is_every_numbered_equation_referenced_by_its_number(built_site):
    """Each labeled equation gets a number, is referenced in the text, and each reference shows
    that number."""
    for page in toc_files():
        source = (ROOT / f"{page}.md").read_text(encoding="utf-8")
        labels = set(re.findall(r"^\$\$\s*\(([\w-]+)\)\s*$", source, re.M))
        referenced = set(re.findall(r"\{eq\}`([\w-]+)`", source))
        assert labels - referenced == set(), (
            f"{page}: numbered equations never referenced: {sorted(labels - referenced)}"
        )
        soup = page_html(built_site, page)
        numbers = {}
        for label in labels:
            number = soup.select_one(f"#equation-{label} .eqno")
            assert number is not None, f"{page}: equation {label} has no number"
            numbers[label] = number.get_text(strip=True).rstrip("#").strip()
        for link in soup.select('article a.reference.internal[href^="#equation-"]'):
            label = link["href"].removeprefix("#equation-")
            assert link.get_text(strip=True) == numbers[label], (
                f"{page}: a reference to {label} reads {link.get_text()!r}"
            )
        assert len(soup.select('article a.reference.internal[href^="#equation-"]')) >= len(
            referenced
        )


def test_does_every_figure_say_what_it_shows_in_its_alt_text(built_site):
    """A figure's image has its caption as alt text (book/_ext/figure_alt_text.py), never its
    file path, which is what Sphinx writes when an image has none."""
    figures = 0
    for page in toc_files():
        for figure in page_html(built_site, page).select("figure"):
            caption = figure.select_one("figcaption")
            for image in figure.select("img"):
                figures += 1
                alt = " ".join(image.get("alt", "").split())
                assert alt and alt != image.get("src") and "_images/" not in alt, (page, alt)
                if caption is not None:
                    shown = " ".join(caption.get_text(" ").split())
                    assert alt in shown.replace(" ,", ","), (page, alt, shown)
    assert figures > 50


def test_does_every_animation_say_what_it_shows_in_its_alt_text(built_site):
    """Each animation's picture has alt text (optlab.plotting.animation_html's description) of a
    sentence or more: a screen reader has nothing else to read for it."""
    animations = 0
    for page in toc_files():
        for image in page_html(built_site, page).select("div.animation img"):
            animations += 1
            assert len(image.get("alt", "").split()) >= 8, (page, image.get("alt"))
    assert animations >= 10


def test_do_the_exercise_docstrings_name_equations_as_the_site_numbers_them(built_site):
    """Each graded function's docstring cites "equation (C.N)" with the address of its anchor:
    the anchor exists on the built page, and the page shows that number."""
    import ast

    cited = 0
    for notebook in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        name = notebook.parent.name
        soup = page_html(built_site, f"book/{name}")
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            solution = cell["metadata"].get("nbgrader", {}).get("solution")
            if not solution or cell["cell_type"] != "code":  # a written answer is prose
                continue
            for node in ast.parse("".join(cell["source"])).body:
                if not isinstance(node, ast.FunctionDef):
                    continue
                docstring = " ".join((ast.get_docstring(node) or "").split())
                # A task of thought names a section instead (tests/test_chapters.py holds each
                # docstring to one or the other).
                found = re.findall(
                    r"equation \((\d+\.\d+)\) of the chapter \*[^*]+\* \([^()]*#(equation-[\w-]+)",
                    docstring,
                )
                for number, anchor in found:
                    shown = soup.select_one(f"#{anchor} .eqno")
                    assert shown is not None, f"{name}.{node.name}: no #{anchor} on the page"
                    assert shown.get_text(strip=True).rstrip("#").strip() == f"({number})", (
                        f"{name}.{node.name} cites ({number}), the page shows {shown.get_text()}"
                    )
                    cited += 1
    assert cited >= 39  # one per function to write, at least
