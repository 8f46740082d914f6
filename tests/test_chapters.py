"""The table of chapters (student/optlab/chapters.py) against the repository: every chapter has
its files, every list of chapters is derived from the table or agrees with it, and nothing in the
tree is a chapter the table lacks. A new chapter is its files and one row of the table; these
tests name what is still missing.
"""

from __future__ import annotations

import re

import pytest
import yaml
from book_support import ROOT, extension, toc_files

from optlab import chapters as table
from optlab import plotting

# What every chapter has, each path a pattern of its name.
CHAPTER_FILES = {
    "page": "book/{name}.md",
    "source notebook": "solutions/{name}/{name}.ipynb",
    "released notebook": "exercises/{name}/{name}.ipynb",
    "hidden reference": "autograder/reference/{name}.py",
    "hidden checks": "autograder/checks/{name}.py",
}
# Its reference tests: a test module of its own, or its entry among the table-driven ones.
REFERENCE_TESTS = ("tests/test_{name}_reference.py", "tests/wrong_versions/{name}.py")
ALTERNATIVES = ROOT / "tests" / "alternative_solutions"
# Sections of book/conventions.md about the whole course rather than a chapter's formulas.
COURSE_WIDE_CONVENTIONS = {"Notation", "Data"}


def course_map():
    """book/_ext/course_map.py: the table of contents and the map of the course."""
    return extension("course_map")


def folders(parent) -> set[str]:
    """The names of the folders in ``parent``, but hidden ones and caches."""
    return {
        path.name
        for path in parent.iterdir()
        if path.is_dir() and not path.name.startswith((".", "__"))
    }


def chapters_found_in_the_tree() -> dict[str, set[str]]:
    """Every name the tree treats as a chapter's, by where it was found."""
    checks = ROOT / "autograder" / "checks"
    course_pages = {course_map().ROOT_PAGE, *course_map().COURSE_PAGES}
    return {
        "book/<name>.md": {
            path.stem
            for path in (ROOT / "book").glob("*.md")
            if f"book/{path.stem}" not in course_pages
        },
        "solutions/<name>/": folders(ROOT / "solutions"),
        "exercises/<name>/": folders(ROOT / "exercises"),
        "autograder/reference/<name>.py": {
            path.stem
            for path in (ROOT / "autograder" / "reference").glob("*.py")
            if path.stem != "__init__"
        },
        # the modules of shared helpers register no checks
        "autograder/checks/<name>.py": {
            path.stem for path in checks.glob("*.py") if "CHECKS = Registry(" in path.read_text()
        },
        "tests/test_<name>_reference.py": {
            path.name.removeprefix("test_").removesuffix("_reference.py")
            for path in (ROOT / "tests").glob("test_*_reference.py")
        },
        "tests/wrong_versions/<name>.py": {
            path.stem
            for path in (ROOT / "tests" / "wrong_versions").glob("*.py")
            if path.stem != "__init__"
        },
        "tests/alternative_solutions/<name>/": folders(ALTERNATIVES),
    }


# --- the table and the tree --------------------------------------------------------------------


@pytest.mark.parametrize("name", table.NAMES)
def test_does_every_chapter_have_its_files(name):
    missing = [
        f"{what} {pattern.format(name=name)}"
        for what, pattern in CHAPTER_FILES.items()
        if not (ROOT / pattern.format(name=name)).is_file()
    ]
    if not any((ROOT / pattern.format(name=name)).is_file() for pattern in REFERENCE_TESTS):
        missing.append("reference tests " + " or ".join(REFERENCE_TESTS).format(name=name))
    if not list((ALTERNATIVES / name).glob("*.py")):
        missing.append(f"an alternative correct solution tests/alternative_solutions/{name}/*.py")
    assert not missing, f"chapter {name} lacks: {', '.join(missing)}"


def test_does_the_tree_hold_no_chapter_the_table_lacks():
    unknown = {
        where: sorted(found - set(table.NAMES))
        for where, found in chapters_found_in_the_tree().items()
        if found - set(table.NAMES)
    }
    assert not unknown, (
        f"chapters missing from the table of chapters (student/optlab/chapters.py): {unknown}"
    )


def test_are_the_names_of_the_table_unique():
    assert len(set(table.NAMES)) == len(table.NAMES), table.NAMES
    keys = [method.key for chapter in table.CHAPTERS for method in chapter.methods]
    assert len(set(keys)) == len(keys), f"a method in two chapters: {keys}"
    labels = [
        label
        for chapter in table.CHAPTERS
        for method in chapter.methods
        for label in method.labels
    ]
    assert len(set(labels)) == len(labels), f"a legend label of two methods: {labels}"


def test_does_each_blocked_module_exist_and_each_page_leave_the_blocking_to_the_table():
    """The table names the modules an exercise's grader makes unavailable (checks.Registry reads
    them there); the {exercise} directive leaves the same modules out of the exercise's
    download, and each page leaves that to the table (a bare `{exercise} <name>`)."""
    for chapter in table.CHAPTERS:
        for module in chapter.blocked:
            path = ROOT / "student" / (module.replace(".", "/") + ".py")
            assert path.is_file(), f"{chapter.name} blocks {module}, which is not a module"
        page = (ROOT / "book" / f"{chapter.name}.md").read_text(encoding="utf-8")
        directives = re.findall(r"^```\{exercise\}(.*?)```$", page, flags=re.M | re.S)
        assert directives == [f" {chapter.name}\n"], (
            f"book/{chapter.name}.md should end its Exercise section with one bare "
            f"{{exercise}} {chapter.name}, not {directives}"
        )


# --- lists derived from the table ---------------------------------------------------------------


def test_is_the_committed_toc_what_the_table_of_chapters_writes():
    assert (ROOT / "_toc.yml").read_text(encoding="utf-8") == course_map().toc_yaml(), (
        "_toc.yml differs from the table of chapters: run `python3 book/_ext/course_map.py` "
        "(python3 dev.py book runs it too) and commit _toc.yml"
    )


def test_does_the_table_of_contents_list_every_chapter_in_order():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (part,) = [part for part in toc["parts"] if part["caption"] == "Chapters"]
    assert [entry["file"] for entry in part["chapters"]] == [
        f"book/{name}" for name in table.NAMES
    ]
    assert [page for page in toc_files() if page.removeprefix("book/") in table.NAMES] == [
        f"book/{name}" for name in table.NAMES
    ], "a chapter is listed outside the Chapters part too"


def test_does_the_introduction_map_the_course_from_the_table():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    section = intro.split("## Map of the course\n", 1)[1].split("\n## ", 1)[0]
    assert "```{course-map}\n```" in section, "book/intro.md's map is not the {course-map}"
    assert not re.search(r"^\|", section, flags=re.M), "book/intro.md keeps a table of its own"
    rows = course_map().map_markdown().split("\n\n")[0].splitlines()[2:]
    assert rows == [
        f"| {number} | [{chapter.title}]({chapter.name}.md) | {chapter.covers} "
        f"| {course_map().reading_minutes(chapter.name)} min "
        f"| `{chapter.name}`, {chapter.exercise_minutes} min |"
        for number, chapter in enumerate(table.CHAPTERS, start=1)
    ]


def test_does_the_introduction_install_what_optlab_needs():
    """book/intro.md's setup: the Python version and the packages of student/pyproject.toml."""
    import tomllib

    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "student" / "pyproject.toml").read_text())["project"]
    version = re.fullmatch(r">=\s*(\d+\.\d+)", project["requires-python"])[1]
    assert f"Python {version} or newer" in intro
    (install,) = re.findall(r"^python -m pip install jupyter (.*)$", intro, flags=re.M)
    assert install.split() == project["dependencies"], (
        f"book/intro.md should install jupyter {' '.join(project['dependencies'])}"
    )


def test_does_every_chapter_have_a_reading_time_and_an_exercise_time():
    """The map of the course gives both: the reading time counted from the page, the exercise's
    an estimate kept in the table (whole minutes, a multiple of 5, at most a day's work)."""
    for chapter in table.CHAPTERS:
        minutes = chapter.exercise_minutes
        assert isinstance(minutes, int) and 0 < minutes <= 8 * 60 and minutes % 5 == 0, (
            f"{chapter.name}: exercise_minutes should be a positive multiple of 5, not {minutes!r}"
        )
        reading = course_map().reading_minutes(chapter.name)
        assert reading > 0 and reading % course_map().ROUND_TO_MINUTES == 0, (
            chapter.name,
            reading,
        )


def test_does_the_reading_time_count_the_text_and_the_code_shown_only(tmp_path, monkeypatch):
    """200 words of text and 10 lines of code shown are 2 minutes, rounded up to 5; hidden code
    (removed, or folded) does not count."""
    module = course_map()
    hidden = "\n".join(f"x = {k}" for k in range(500))
    page = (
        "# A page\n\n" + " ".join(["word"] * 200) + "\n\n"
        "```{code-cell} ipython3\n" + "\n".join(f"y = {k}" for k in range(10)) + "\n```\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\n\n" + hidden + "\n```\n\n"
        "```{code-cell} ipython3\n---\ntags: [hide-input]\n---\n" + hidden + "\n```\n"
    )
    (tmp_path / "demo.md").write_text(page, encoding="utf-8")
    monkeypatch.setattr(module, "page_path", lambda name: tmp_path / f"{name}.md")
    assert module.reading_minutes("demo") == 5
    (tmp_path / "demo.md").write_text(page.replace("word", "word " * 4), encoding="utf-8")
    assert module.reading_minutes("demo") == 10  # 1000 words and 10 lines: 6 minutes


def test_does_the_readme_list_every_chapter_in_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"The chapters, in the lecture's order: (.*?)\.\s", readme, flags=re.S)
    assert listed, "README.md: no sentence 'The chapters, in the lecture's order: ...'"
    assert re.findall(r"`(\w+)`", listed[1]) == list(table.NAMES), (
        f"README.md should list the chapters as {', '.join(f'`{n}`' for n in table.NAMES)}"
    )


def test_does_every_color_come_from_the_table():
    assert plotting.COLORS == {
        method.key: method.color for chapter in table.CHAPTERS for method in chapter.methods
    }
    assert all(re.fullmatch(r"#[0-9a-f]{6}", color) for color in plotting.COLORS.values())


def test_is_every_chapter_graded_end_to_end():
    """By a test module of its own (tests/test_<name>_grading.py), or by
    test_exercises_grading.py, which needs its wrong answers."""
    import test_exercises_grading as grading

    for name in table.NAMES:
        own = (ROOT / "tests" / f"test_{name}_grading.py").is_file()
        assert own or name in grading.GRADED_HERE, f"{name} is never graded end to end"
        assert own or name in grading.WRONG, (
            f"tests/test_exercises_grading.py: WRONG has no wrong answers for {name}, so it is "
            "not graded end to end"
        )
    assert set(grading.WRONG) <= set(grading.GRADED_HERE), "wrong answers of no graded chapter"


def test_do_the_figure_checks_cover_every_chapter_that_draws_optimizers():
    """A chapter is marked `trajectories` in the table exactly when its page draws contour maps;
    the figure checks read the table's chapters and legend labels."""
    import test_book_figures as figures

    drawn = [
        chapter.name
        for chapter in table.CHAPTERS
        if "plotting.contour(" in (ROOT / "book" / f"{chapter.name}.md").read_text()
    ]
    assert [chapter.name for chapter in table.CHAPTERS if chapter.trajectories] == drawn
    assert figures.OPTIMIZER_CHAPTERS == tuple(f"book/{name}" for name in drawn)
    assert figures.OPTIMIZER_NAMES == {
        method.key: method.labels
        for chapter in table.CHAPTERS
        for method in chapter.methods
        if method.labels
    }


def test_does_the_search_test_look_for_every_optimizer():
    """Every optimizer of the table (a method with legend labels) has a search term, and the
    browser's search test looks for each term of the table, expecting the term's chapter."""
    import test_browser as browser

    unsearched = [
        method.key
        for chapter in table.CHAPTERS
        for method in chapter.methods
        if method.labels and not method.search
    ]
    assert not unsearched, f"optimizers a reader cannot find by the search box: {unsearched}"
    assert browser.SEARCH_TERMS == {
        method.search: f"book/{chapter.name}"
        for chapter in table.CHAPTERS
        for method in chapter.methods
        if method.search
    }


# --- the conventions page -----------------------------------------------------------------------


def conventions_sections() -> dict[str, str]:
    """The sections of book/conventions.md: {title: text}."""
    text = (ROOT / "book" / "conventions.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.M)[1:]
    return dict(zip(parts[::2], parts[1::2], strict=True))


def test_does_the_conventions_page_fix_the_formulas_the_table_says():
    """Each section a chapter names exists; every section about formulas is some chapter's."""
    sections = conventions_sections()
    named = {title for chapter in table.CHAPTERS for title in chapter.conventions}
    assert not named - set(sections), f"book/conventions.md lacks {sorted(named - set(sections))}"
    unclaimed = set(sections) - named - COURSE_WIDE_CONVENTIONS
    assert not unclaimed, f"sections of book/conventions.md no chapter names: {sorted(unclaimed)}"


def test_does_the_conventions_page_give_the_update_rule_of_every_optimizer():
    """The update rules' table has one row per optimizer of the chapters that name it, each row
    named as plots' legends name the optimizer."""
    rows = [
        row.split("|")[1].strip().lower()
        for row in conventions_sections()["Update rules"].splitlines()
        if row.startswith("| ")
    ][1:]  # the header
    optimizers = {
        method.key: method.labels
        for chapter in table.CHAPTERS
        if "Update rules" in chapter.conventions
        for method in chapter.methods
        if method.labels
    }
    found = {key: [row for row in rows if row in labels] for key, labels in optimizers.items()}
    assert all(len(matches) == 1 for matches in found.values()), (
        f"book/conventions.md, Update rules: rows by optimizer {found}"
    )
    assert len(rows) == len(optimizers), f"rows of no optimizer: {rows}"


# --- every exercise function refers to its chapter's numbered equation ------------------------

# "equation (5.1) of the chapter *Title* (<where the equation is on the website>)": the chapter's
# number in the table, the equation's among the page's labelled equations, and the address that
# autograder.course.book_section gives for its anchor.
EQUATION_REFERENCE = re.compile(
    r"equation \((\d+)\.(\d+)\) of the chapter \*([^*]+)\*\s+\(([^()]+)\)", re.S
)
# A line of code in prose: a name assigned an expression with a product or a quotient
# ("v_new = rho * v - lr * dw"), which a docstring leaves to the book's equation.
CODE_ASSIGNMENT = re.compile(r"(?<![=<>!])\b\w+(?:\[[^\]\n]*\])? = [^=\n]*[*/]")


def labelled_equations(name: str) -> list[str]:
    """The labels of the page's numbered equations, in the order Sphinx numbers them."""
    page = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    return re.findall(r"^\s*\$\$\s*\(([\w-]+)\)\s*$", page, re.M)


def graded_docstrings(notebook) -> dict[str, str]:
    """The docstring of every function a notebook's answer cells define, by name."""
    import ast
    import json

    found = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code" or not cell["metadata"].get("nbgrader", {}).get("solution"):
            continue
        for node in ast.parse("".join(cell["source"])).body:
            if isinstance(node, ast.FunctionDef):
                found[node.name] = ast.get_docstring(node) or ""
    return found


def equation_problems(name: str, docstring: str) -> list[str]:
    """What is wrong with a docstring's reference to the book: none, no such equation, the
    wrong number, title or address; and the code it should not spell out."""
    from autograder.course import book_base_url, book_section

    labels = labelled_equations(name)
    chapter = table.chapter(name)
    title = re.search(r"^# (.+)$", (ROOT / "book" / f"{name}.md").read_text(), re.M)[1]
    problems = [f"spells out code: {m.group(0)!r}" for m in CODE_ASSIGNMENT.finditer(docstring)]
    references = EQUATION_REFERENCE.findall(docstring)
    if not references:
        # A task that asks for thought (a choice, a prediction) may not be given its equation:
        # it names the section whose analysis it needs.
        page = (ROOT / "book" / f"{name}.md").read_text()
        headings = {re.sub(r"[$*]", "", h) for h in re.findall(r"^#+ (.+)$", page, re.M)}
        named = re.findall(r'sections? ((?:"[^"]+"(?:,? and |, )?)+)', " ".join(docstring.split()))
        sections = [title for group in named for title in re.findall(r'"([^"]+)"', group)]
        if sections and all(section in headings for section in sections):
            return problems
        return problems + ["refers to no numbered equation or section of its chapter"]
    for number, position, cited_title, address in references:
        address = " ".join(address.split())
        label = re.search(r"#equation-([\w-]+)", address)
        if label is None or label[1] not in labels:
            problems.append(f"{address!r} names no labelled equation of book/{name}.md")
            continue
        expected = f"({table.NAMES.index(chapter.name) + 1}.{labels.index(label[1]) + 1})"
        if f"({number}.{position})" != expected:
            problems.append(f"equation {label[1]} is {expected}, not ({number}.{position})")
        if " ".join(cited_title.split()) != title.strip():
            problems.append(f"the chapter is *{title.strip()}*, not *{cited_title}*")
        if address != book_section(book_base_url(ROOT), name, f"equation-{label[1]}"):
            problems.append(f"the address {address!r} is not book_section's")
    return problems


@pytest.mark.parametrize("name", table.NAMES)
def test_does_every_exercise_function_refer_to_its_chapters_equation(name):
    """Each docstring fixes the interface and gives the rule by the book's numbered equation,
    with its address on the website, rather than as code to transcribe."""
    docstrings = graded_docstrings(ROOT / "solutions" / name / f"{name}.ipynb")
    assert docstrings, f"solutions/{name} defines no functions to write"
    problems = {
        function: found
        for function, docstring in docstrings.items()
        if (found := equation_problems(name, docstring))
    }
    assert problems == {}, problems


@pytest.mark.parametrize(
    "docstring, caught",
    [
        ("One step.\n\n    v_new = rho * v - lr * dw;  w_new = w + v_new\n", True),
        ("Returns lr0 * drop ** (epoch // every).", True),  # no reference
        (
            "One step: the update of equation (5.9) of the chapter *Momentum and Nesterov "
            "momentum*\n    (book/momentum.html#equation-momentum on the course's website).",
            True,
        ),
        (
            "One step: the update of equation (5.1) of the chapter *Momentum and Nesterov "
            "momentum*\n    (book/momentum.html#equation-no-such on the course's website).",
            True,
        ),
        (
            "One step: the update of equation (5.1) of the chapter *Momentum and Nesterov "
            "momentum*\n    (book/momentum.html#equation-momentum on the course's website).\n"
            "    ``rho`` is ρ; w_new is returned first.",
            False,
        ),
    ],
)
def test_does_the_equation_check_catch_code_and_wrong_references(docstring, caught):
    assert bool(equation_problems("momentum", docstring)) is caught
