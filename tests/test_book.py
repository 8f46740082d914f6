"""The website: it builds cleanly with warnings as errors, and every page renders without errors.

The build itself (the `built_site` fixture in conftest.py) runs once per session.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
SECRET_DIRS = ("solutions", "autograder", "tests", "student", ".venv", "submitted", "autograded", "feedback")


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
        assert "Traceback (most recent call last)" not in soup.get_text(), f"{page}: a traceback is shown"


def test_does_no_page_print_a_python_warning(built_site):
    for page in toc_files():
        for stderr in page_html(built_site, page).select(".cell_output .stderr"):
            assert not re.search(r"\w+Warning\b", stderr.get_text()), \
                f"{page}: a cell printed a warning:\n{stderr.get_text()[:500]}"


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
    for path in files:
        if path.suffix in {".html", ".md", ".ipynb", ".txt", ".js"}:
            text = (built_site / path).read_text(encoding="utf-8", errors="replace")
            assert "BEGIN SOLUTION" not in text, f"{path} holds solution code"


def test_does_no_solution_hidden_test_or_reference_reach_the_site(built_site):
    """Checked against today's solutions, references and checks, in every file the site serves
    (pages, _sources, the search index, downloads)."""
    from autograder.course import assignments
    from grading_support import leaked_functions, public_text, secret_lines

    secrets = set().union(*(secret_lines(name) for name in assignments(ROOT)))
    stated = public_text()
    assert len(secrets) > 20
    for path in built_site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".md", ".ipynb", ".txt", ".js", ".json", ".py"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = sorted(line for line in secrets if line in text)
            assert leaked == [], f"{path.relative_to(built_site)} shows solution lines: {leaked[:3]}"
            assert leaked_functions(text, allowed=stated) == [], f"{path.relative_to(built_site)} shows hidden code"


def test_is_mathjax_served_by_the_site_itself(built_site):
    """Math must render offline: every page with math loads MathJax from the site's _static, not a CDN
    (and no page loads it from anywhere else)."""
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    with_math = 0
    for page in toc_files():
        html = page_html(built_site, page)
        scripts = [s.get("src", "") for s in html.find_all("script")]
        mathjax = [src for src in scripts if "mathjax" in src.lower() or "tex-" in src]
        assert all(src.startswith("../_static/mathjax/") or src.startswith("_static/mathjax/")
                   for src in mathjax), (page, mathjax)
        if html.select(".math"):
            with_math += 1
            assert mathjax, f"{page} has math but does not load MathJax"
    assert with_math >= 11


def test_does_the_gradients_chapter_link_its_exercise(built_site):
    links = [a["href"] for a in page_html(built_site, "book/gradients").select("a.download")]
    assert any(href.endswith("gradients.ipynb") for href in links), links
    downloads = list((built_site / "_downloads").rglob("gradients.ipynb"))
    assert len(downloads) == 1


def test_does_the_instructor_page_document_every_grading_option(built_site):
    import re
    import subprocess
    import sys

    from grading_support import venv_environment

    usage = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], capture_output=True, text=True,
                           env=venv_environment(), check=True).stdout
    options = set(re.findall(r"--[a-z][a-z-]+", usage))
    page = (built_site / "book" / "instructors.html").read_text()
    assert len(options) >= 12 and [o for o in sorted(options) if o not in page] == []
    prose = page.split('id="every-option"')[0].split('id="grading-a-class"')[-1]
    for option in ("--jobs", "--force", "--student", "--due", "--late-penalty-per-day"):
        assert option in prose or option.replace("--", "") in prose, f"{option} is not explained in the prose"


def test_does_every_test_cell_point_feedback_to_a_section_of_its_chapter(built_site):
    import inspect
    import re

    from autograder.checks import load_registry
    from autograder.course import assignments

    for assignment in assignments(ROOT):
        registry = load_registry(assignment)
        assert set(registry.sections) == set(registry.groups), f"{assignment}: a test cell without a section"
        page = (built_site / "book" / f"{assignment}.html").read_text()
        sections = set(re.findall(r'<section id="([^"]+)"', page))
        missing = sorted((set(registry.sections.values()) | set(registry.mistake_sections.values())) - sections)
        assert missing == [], f"book/{assignment}.html has no section {missing}"
        source = Path(inspect.getsourcefile(type(registry))).with_name(f"{assignment}.py").read_text()
        unknown = [phrase for phrase in registry.mistake_sections if source.count(phrase) < 2]  # and in a catalog
        assert unknown == [], f"{assignment}: no cataloged mistake says {unknown}"
