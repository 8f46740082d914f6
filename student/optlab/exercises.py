"""Your own exercise answers, called from a chapter's notebook.

    from optlab.exercises import exercise_functions

    momentum_step, nesterov_step = exercise_functions("momentum", "momentum_step", "nesterov_step")
    sgd_step = exercise_functions("sgd", "sgd_step")      # one name: the function itself

Every chapter can be downloaded as a notebook. Where it uses a function that an exercise asks
you to write, it takes your version from your exercise notebook, so the chapter's experiments
run on your code. `exercise_functions(exercise, *names)` finds ``<exercise>.ipynb`` and returns
the functions it defines, in the order asked for.

Where it looks, first match wins:

1. the folders listed in the environment variable ``OPTLAB_EXERCISES`` (separated like
   ``PATH``), each holding ``<exercise>.ipynb`` or ``<exercise>/<exercise>.ipynb``;
2. the current folder (the chapter notebook's own, in Jupyter): ``<exercise>.ipynb``;
3. the current folder and each folder above it: ``<exercise>/<exercise>.ipynb`` (the folder an
   exercise's download makes, unzipped here or beside the chapter's own folder), then
   ``exercises/<exercise>/<exercise>.ipynb`` (the course's repository, as the launch buttons
   open it).

What it runs: the definitions in the notebook's code cells, that is its imports, functions and
classes and its assignments to UPPER_CASE names. Nothing else runs: not the tests (nbgrader's
test cells are skipped whole), not the prints, plots or training runs you tried out in other
cells. A function that reads a lower-case global set in such a cell will not find it: make it
a parameter or an UPPER_CASE constant.

When the notebook is missing, or a function is not defined in it, or is still the stub it was
released with (its body still raises NotImplementedError), `ExerciseNotFinished` says which
exercise to finish first. The notebook is read again when it changes on disk.

The course's website is built with ``OPTLAB_ANSWERS_FROM`` set to a package holding one module
per exercise (the course's own answers); the functions are then taken from that module instead.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import types
from pathlib import Path

SEARCH_PATH_VARIABLE = "OPTLAB_EXERCISES"
ANSWERS_PACKAGE_VARIABLE = "OPTLAB_ANSWERS_FROM"
# Statements kept from a notebook's code cells: definitions, not experiments.
DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class ExerciseNotFinished(RuntimeError):
    """A chapter needs a function of an exercise that is missing or not written yet."""


def exercise_functions(exercise: str, *names: str):
    """The functions ``names`` as exercise ``exercise`` defines them: one function for one
    name, a tuple for several. Raises ExerciseNotFinished, naming the exercise to finish."""
    if not names:
        raise TypeError("name at least one function of the exercise")
    package = os.environ.get(ANSWERS_PACKAGE_VARIABLE)
    if package:
        module = importlib.import_module(f"{package}.{exercise}")
        found = tuple(getattr(module, name) for name in names)
    else:
        found = _from_notebook(exercise, names)
    return found[0] if len(names) == 1 else found


def candidate_paths(exercise: str, start: Path | None = None) -> list[Path]:
    """Where `exercise_functions` looks for the exercise's notebook, in order."""
    start = Path.cwd() if start is None else start
    notebook = f"{exercise}.ipynb"
    folders = [Path(p) for p in os.environ.get(SEARCH_PATH_VARIABLE, "").split(os.pathsep) if p]
    paths = [
        path for folder in folders for path in (folder / notebook, folder / exercise / notebook)
    ]
    paths.append(start / notebook)
    for folder in (start, *start.parents):
        paths += [folder / exercise / notebook, folder / "exercises" / exercise / notebook]
    return paths


def _from_notebook(exercise: str, names: tuple[str, ...]) -> tuple:
    notebook = next((path for path in candidate_paths(exercise) if path.is_file()), None)
    wanted = ", ".join(f"`{name}`" for name in names)
    if notebook is None:
        folders = os.environ.get(SEARCH_PATH_VARIABLE, "")
        raise ExerciseNotFinished(
            f"This chapter runs your answers to exercise {exercise!r} ({wanted}), but no "
            f"{exercise}.ipynb was found. Finish that exercise first, then put its notebook in "
            f"this folder (or set {SEARCH_PATH_VARIABLE} to the folder that holds it). Looked "
            + (f"in {SEARCH_PATH_VARIABLE} ({folders}), then " if folders else "")
            + f"for {Path.cwd() / f'{exercise}.ipynb'}, and in {Path.cwd()} and each folder "
            f"above it for {exercise}/{exercise}.ipynb and exercises/{exercise}/{exercise}.ipynb."
        )
    module, stubs = _load(notebook.resolve())
    for name in names:
        if not callable(getattr(module, name, None)):
            raise ExerciseNotFinished(
                f"Finish exercise {exercise!r} first: this chapter needs `{name}`, which "
                f"{notebook} does not define."
            )
        if name in stubs:
            raise ExerciseNotFinished(
                f"Finish exercise {exercise!r} first: `{name}` in {notebook} is still a stub "
                f"(it raises NotImplementedError), and this chapter runs it."
            )
    return tuple(getattr(module, name) for name in names)


_loaded: dict[Path, tuple[tuple[int, int], types.ModuleType, frozenset[str]]] = {}


def _load(notebook: Path) -> tuple[types.ModuleType, frozenset[str]]:
    """The notebook's definitions as a module, and the names of the functions that are stubs;
    cached until the file changes."""
    stat = notebook.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _loaded.get(notebook)
    if cached and cached[0] == version:
        return cached[1], cached[2]
    module = types.ModuleType(f"exercise_{notebook.stem}", f"Definitions of {notebook}")
    module.__file__ = str(notebook)
    stubs = set()
    for number, source in _code_cells(notebook):
        try:
            tree = ast.parse(_without_magics(source), filename=f"{notebook} cell {number}")
        except SyntaxError as error:
            raise ExerciseNotFinished(
                f"{notebook}, code cell {number}, has a syntax error: {error.msg} "
                f"(line {error.lineno}). Fix it in the exercise first."
            ) from None
        tree.body = [statement for statement in tree.body if _is_definition(statement)]
        stubs |= {node.name for node in tree.body if _is_stub(node)}
        stubs -= {node.name for node in tree.body if _defines(node) and not _is_stub(node)}
        exec(compile(tree, f"{notebook} cell {number}", "exec"), module.__dict__)
    _loaded[notebook] = (version, module, frozenset(stubs))
    return module, frozenset(stubs)


def _code_cells(notebook: Path) -> list[tuple[int, str]]:
    """(number, source) of each code cell that is not one of nbgrader's test cells; numbered
    from 1 over all code cells, as Jupyter shows them."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell.get("cell_type") == "code"]
    kept = []
    for number, cell in enumerate(code, 1):
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("grade") and not grading.get("solution"):
            continue
        source = cell.get("source", "")
        kept.append((number, "".join(source) if isinstance(source, list) else source))
    return kept


def _without_magics(source: str) -> str:
    """The cell with IPython's magics and shell escapes (``%...``, ``!...``) blanked out."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _is_definition(statement: ast.stmt) -> bool:
    if isinstance(statement, DEFINITIONS):
        return True
    targets = (
        statement.targets
        if isinstance(statement, ast.Assign)
        else [statement.target]
        if isinstance(statement, ast.AnnAssign)
        else []
    )
    return bool(targets) and all(
        isinstance(target, ast.Name) and target.id.isupper() for target in targets
    )


def _defines(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)


def _is_stub(node: ast.stmt) -> bool:
    """A function whose body, at its top level, raises NotImplementedError: the released stub."""
    if not _defines(node):
        return False
    for statement in node.body:
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                return True
    return False
