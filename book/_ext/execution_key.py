"""The execution cache's key for a page includes the course modules the page's code imports.

MyST-NB's `cache` mode stores a page's outputs in jupyter-cache, which keys them on the page's
code cells (their source and metadata) and its kernel: when a module the page imports changes
(`autograder/reference/*.py`, `student/optlab/*.py`), the key does not, and the stale outputs
would be shown. On Sphinx's `source-read` event this extension gives the page's first code
cell one more option, `imported_modules_digest`: a digest of every module the page's code
imports, directly or through other such modules, that is not installed with Python (its own
library and its environment's packages, which the pinned requirements fix), with the data files
beside those modules. MyST-NB makes a code cell's options its metadata, which jupyter-cache
hashes, so a page is executed again when (and only when) its code or one of those files changes.
The page is also noted as depending on those files, so that an incremental build reads it again
when one of them changes. Nothing shows the option: it is not rendered, and Sphinx copies a
page's source to the site from the file itself.

A module is found as the page's kernel finds it (from the page's folder, then the import path),
without being imported. The imports counted are every `import` statement in the code, even in
functions, a module run as `python -m name` (a list holding "-m" and then its name), and the
module an exercise's functions come from while the site is built
(`exercise_functions("momentum", ...)` is `<OPTLAB_ANSWERS_FROM>.momentum`, see
book/_ext/chapter_notebooks.py).
The option's line takes the place of a blank line before the cell when the page reads the
same without it, so that Sphinx's line numbers for the rest of the page stay true. MyST Markdown
pages only: the book has no .ipynb pages.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import site
import sys
import sysconfig
from collections.abc import Iterable
from functools import cache
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path

from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig
from sphinx.util import logging

from optlab.exercises import ANSWERS_PACKAGE_VARIABLE

OPTION = "imported_modules_digest"
CODE_CELL = "```{code-cell}"

logger = logging.getLogger(__name__)


# --- which modules a page imports ------------------------------------------------------------


@cache
def _installed_folders() -> tuple[Path, ...]:
    """Where Python's own library and the environment's packages live."""
    folders = set(site.getsitepackages()) | {site.getusersitepackages()}
    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    for paths in (sysconfig.get_paths(), sysconfig.get_paths(vars=base)):
        folders |= {paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(Path(folder).resolve() for folder in folders)


def _is_installed(path: str) -> bool:
    return any(Path(path).resolve().is_relative_to(folder) for folder in _installed_folders())


def _is_course_module(spec: ModuleSpec) -> bool:
    """Whether the module is a file, or a folder of files, outside the installed packages (not
    built into Python either)."""
    if spec.has_location:
        return not _is_installed(spec.origin)
    folders = list(spec.submodule_search_locations or [])
    return bool(folders) and not any(_is_installed(folder) for folder in folders)


def _python_source(code: str) -> str:
    """A code cell as Python: IPython's magics and shell escapes become the calls they make."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return code
    return TransformerManager().transform_cell(code)


def _syntax_tree(code: str) -> ast.Module:
    """The statements of ``code``; if it does not parse, those of its lines that do alone."""
    try:
        return ast.parse(code)
    except SyntaxError:
        statements = []
        for line in code.splitlines():
            try:
                statements += ast.parse(line.strip()).body
            except SyntaxError:
                pass
        return ast.Module(body=statements, type_ignores=[])


def imported_names(tree: ast.AST, package: str = "") -> set[str]:
    """The modules ``tree`` may import, as absolute names: each `import` (and each name taken
    `from` a module, in case it is a submodule) and each module run as `python -m name`.

    ``package`` is the package the code belongs to, to resolve relative imports.
    """
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            try:
                module = importlib.util.resolve_name(
                    "." * node.level + (node.module or ""), package
                )
            except (ImportError, ValueError):
                continue  # a relative import outside any package fails when run, too
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.List | ast.Tuple):
            for flag, name in zip(node.elts, node.elts[1:]):
                if _constant(flag) == "-m" and isinstance(_constant(name), str):
                    names |= {_constant(name), f"{_constant(name)}.__main__"}
        elif isinstance(node, ast.Call) and _called_name(node) == "exercise_functions":
            answers = os.environ.get(ANSWERS_PACKAGE_VARIABLE)
            exercise = _constant(node.args[0]) if node.args else None
            if answers and isinstance(exercise, str):
                names.add(f"{answers}.{exercise}")
    return names


def _called_name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _constant(node: ast.AST):
    return node.value if isinstance(node, ast.Constant) else None


def _find(name: str, parent: ModuleSpec | None, page_folder: Path) -> ModuleSpec | None:
    """The spec of module ``name`` as the page's kernel would find it, importing nothing: a
    submodule in its package's folders, a top-level module in the page's folder first."""
    try:
        if parent is not None:
            return PathFinder.find_spec(name, parent.submodule_search_locations)
        # importlib's find_spec imports nothing for a top-level name.
        return PathFinder.find_spec(name, [str(page_folder)]) or importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


def _course_module(name: str, page_folder: Path) -> list[ModuleSpec]:
    """The specs of ``name`` and of the packages holding it, outermost first, as far as they are
    found outside the installed packages (importing a.b.c runs a, a.b and a.b.c)."""
    specs: list[ModuleSpec] = []
    parts = name.split(".")
    for depth in range(1, len(parts) + 1):
        parent = specs[-1] if specs else None
        if parent is not None and parent.submodule_search_locations is None:
            break  # the rest are names inside a module, not modules
        spec = _find(".".join(parts[:depth]), parent, page_folder)
        if spec is None or not _is_course_module(spec):
            break
        specs.append(spec)
    return specs


def course_files(code: Iterable[str], page_folder: Path) -> dict[str, Path]:
    """Every file that decides what ``code`` (a page's code cells) computes beyond the code itself
    and the installed packages: each module it imports that Python finds outside the installed
    packages, what those import in turn, and the data files in those modules' packages, keyed by
    module name (and package:file name for data files)."""
    files: dict[str, Path] = {}
    seen: set[str] = set()
    pending = set()
    for cell in code:
        pending |= imported_names(_syntax_tree(_python_source(cell)))
    while pending:
        name = pending.pop()
        for spec in _course_module(name, page_folder):
            if spec.name in seen:
                continue
            seen.add(spec.name)
            is_package = spec.submodule_search_locations is not None
            if spec.has_location:
                origin = Path(spec.origin)
                files[spec.name] = origin
                if origin.suffix == ".py":
                    tree = _syntax_tree(origin.read_text(encoding="utf-8", errors="replace"))
                    package = spec.name if is_package else spec.name.rpartition(".")[0]
                    pending |= imported_names(tree, package) - seen
            for folder in spec.submodule_search_locations or []:
                for data in sorted(Path(folder).iterdir()):
                    if data.is_file() and data.suffix != ".py" and not _is_scratch(data.name):
                        files[f"{spec.name}:{data.name}"] = data
    return files


def _is_scratch(name: str) -> bool:
    """Hidden files and editors' backups, which no module reads."""
    return name.startswith(".") or name.endswith("~")


def modules_digest(code: Iterable[str], page_folder: Path) -> str:
    """The digest of ``code``'s `course_files` (empty if there are none)."""
    return files_digest(course_files(code, page_folder))


def files_digest(files: dict[str, Path]) -> str:
    """A digest of the names and bytes of ``files`` (empty if there are none)."""
    if not files:
        return ""
    digest = hashlib.sha256()
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# --- the digest in the page ------------------------------------------------------------------


def _cells(text: str, md_config: MdParserConfig) -> list[tuple[str, str, dict]]:
    notebook = read_myst_markdown_notebook(text, config=md_config)
    return [(cell.cell_type, cell.source, dict(cell.metadata)) for cell in notebook.cells]


def keyed_page(text: str, digest: str, md_config: MdParserConfig | None = None) -> str:
    """``text``, a MyST notebook, with ``digest`` as option `imported_modules_digest` of its first
    code cell, and otherwise the same notebook.

    The option goes on the line after the cell's opening (inside the YAML block, if its options
    are one); a blank line before the cell makes way for it if the page reads the same without.
    Raises ValueError if the page has no code cell or the option cannot be added.
    """
    md_config = md_config or MdParserConfig()
    notebook = read_myst_markdown_notebook(text, config=md_config, add_source_map=True)
    starts = [
        line
        for cell, line in zip(notebook.cells, notebook.metadata["source_map"])
        if cell.cell_type == "code"
    ]
    if not starts:
        raise ValueError("the page has no code cell")
    lines = text.splitlines(keepends=True)
    opening = starts[0] - 1
    if not lines[opening].startswith(CODE_CELL):
        raise ValueError(f"line {opening + 1} does not open the first code cell")
    if opening + 1 < len(lines) and lines[opening + 1].strip() == "---":
        after, option = opening + 2, f'{OPTION}: "{digest}"\n'
    else:
        after, option = opening + 1, f':{OPTION}: "{digest}"\n'

    expected = _cells(text, md_config)
    first_code = next(i for i, (kind, _, _) in enumerate(expected) if kind == "code")
    expected[first_code][2][OPTION] = digest
    cell_opening = lines[opening:after] + [option]
    candidates = [lines[:opening] + cell_opening + lines[after:]]
    if opening > 0 and not lines[opening - 1].strip():
        candidates.insert(0, lines[: opening - 1] + cell_opening + lines[after:])
    for candidate in candidates:
        keyed = "".join(candidate)
        if _cells(keyed, md_config) == expected:
            return keyed
    raise ValueError(f"the option {OPTION} cannot be added to the code cell at line {opening + 1}")


def add_modules_digest(app, docname: str, source: list[str]) -> None:
    """Sphinx's `source-read` handler: ``source[0]`` keyed with `keyed_source`, and the page
    noted as depending on the course files, so that Sphinx reads it again when one changes."""
    source[0], files = keyed_source(app.env, docname, source[0])
    for path in files:
        app.env.note_dependency(str(path))


def keyed_source(env, docname: str, text: str) -> tuple[str, list[Path]]:
    """A page's text as MyST-NB should read it, and the course files in its key: a MyST notebook
    that imports course modules gets their digest (`keyed_page`); any other page is returned as
    it is."""
    if not is_myst_markdown_notebook(text):
        return text, []
    path = Path(env.doc2path(docname))
    cells = _cells(text, env.myst_config)
    files = course_files([source for kind, source, _ in cells if kind == "code"], path.parent)
    if not files:
        return text, []
    try:
        return keyed_page(text, files_digest(files), env.myst_config), sorted(files.values())
    except ValueError as error:
        # The page would be cached without its modules in the key: the build must not pass.
        logger.warning(f"no execution key of imported modules: {error}", location=docname)
        return text, []


def setup(app):
    app.connect("source-read", add_modules_digest)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
