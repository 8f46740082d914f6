"""Build course directories and submissions for grading tests, and read scores back from the
gradebook."""

from __future__ import annotations

import ast
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np

from autograder.gradebook import open_gradebook

ROOT = Path(__file__).resolve().parents[1]


SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
# A written answer's rubric: a mark-scheme region of its question cell.
RUBRIC_REGION = re.compile(r"BEGIN MARK SCHEME[^\n]*\n(.*?)[^\n]*END MARK SCHEME", re.S)


@functools.cache
def stated_forms() -> set[str]:
    """The update rules as the conventions page states them for every reader (its table
    "Update rules", one code span a step): the forms every right solution shares, public on
    purpose, however a docstring refers to them."""
    page = (ROOT / "book" / "conventions.md").read_text()
    table = page.split("## Update rules", 1)[1].split("\n## ", 1)[0]
    return {span.strip() for span in re.findall(r"`([^`]+)`", table)}


def secret_lines(assignment: str) -> set[str]:
    """The lines of the assignment's solution, hidden-test and rubric regions, and of its written
    answers' model answers, that the public part of its notebook (instructions, docstrings,
    visible tests, questions) does not already show."""
    cells = solution(assignment).cells
    text = "\n".join(cell.source for cell in cells)
    code = SOLUTION_REGION.findall(text) + HIDDEN_REGION.findall(text)
    # Rubrics and model answers are prose: only a line of some length would be a leak, not a
    # wrapped line's fragment ("pixel statistics.") that the chapter happens to share.
    prose = RUBRIC_REGION.findall(text) + [
        cell.source
        for cell in cells
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
    ]
    public = SOLUTION_REGION.sub("", HIDDEN_REGION.sub("", RUBRIC_REGION.sub("", text)))
    public_lines = {line.strip() for line in public.splitlines()} | stated_forms()
    public_lines -= {line.strip() for region in prose for line in region.splitlines()}
    return {
        line.strip()
        for region, shortest in [(r, 16) for r in code] + [(r, 40) for r in prose]
        for line in region.splitlines()
        if len(line.strip()) >= shortest
        and line.strip() not in public_lines
        and not any(line.strip() in public_line for public_line in public_lines)
    }


@functools.cache
def hidden_functions(parts: tuple[str, ...] = ("reference", "checks")) -> dict[str, set[str]]:
    """The code lines of each function of the hidden references and checks (docstrings left
    out); parsed once per run."""
    functions = {}
    for path in [p for part in parts for p in ROOT.glob(f"autograder/{part}/*.py")]:
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                lines = {
                    line.strip()
                    for statement in body
                    for line in (ast.get_source_segment(source, statement) or "").splitlines()
                    if len(line.strip()) >= 8 and not line.strip().startswith("#")
                }
                if lines:
                    functions[f"{path.parent.name}/{path.stem}.{node.name}"] = lines
    return functions


def public_text() -> str:
    """What the released exercises state openly (instructions, docstrings, visible tests)."""
    return "\n".join(
        cell.source
        for path in sorted(ROOT.glob("exercises/*/*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells
    )


def leaked_functions(
    text: str, parts: tuple[str, ...] = ("reference", "checks"), allowed: str = ""
) -> list[str]:
    """Hidden functions most of whose code (over half its lines, two at least) appears in ``text``,
    not counting lines that ``allowed`` (say, the exercises' own statement of a rule) already
    shows."""
    leaked = []
    for name, lines in unstated_functions(parts, allowed).items():
        shown = [line for line in lines if line in text]
        if len(shown) >= 2 and len(shown) > len(lines) / 2:
            leaked.append(name)
    return leaked


@functools.cache
def unstated_functions(parts: tuple[str, ...], allowed: str) -> dict[str, set[str]]:
    """hidden_functions(parts) without the lines that ``allowed`` shows: worked out once per
    ``allowed``, as the site's few hundred files are checked against the same statement."""
    return {
        name: {line for line in lines if line not in allowed}
        for name, lines in hidden_functions(parts).items()
    }


def venv_environment() -> dict[str, str]:
    """The environment for a subprocess of this test run, as dev.py sets it: this virtual
    environment's scripts first on PATH, the repository root importable."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # Pages and the CLI import the autograder (never the student's process).
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_command(*args: str, cwd, env: dict | None = None) -> subprocess.CompletedProcess:
    """``args`` run to their end in ``cwd``, in this test run's environment (or ``env``); output
    captured."""
    return subprocess.run(
        args, cwd=cwd, env=env or venv_environment(), capture_output=True, text=True, timeout=600
    )


def make_course(path: Path, assignment: str) -> Path:
    """A course directory holding the assignment's source, as an instructor's would."""
    shutil.copytree(ROOT / "solutions" / assignment, path / "solutions" / assignment)
    return path


def released(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def solution(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def solution_namespace(assignment: str) -> dict:
    """What the solution notebook's code defines, run in this process (it is trusted; no IPython
    magics)."""
    from autograder.preprocessors.run_hidden_checks import student_cells

    namespace = {}
    for cell in student_cells(solution(assignment)):
        exec(compile(cell["source"], f"{assignment} {cell['label']}", "exec"), namespace)
    return namespace


ALTERNATIVES = ROOT / "tests" / "alternative_solutions"


def alternative_styles(assignment: str) -> list[str]:
    """The correct solutions of ``assignment`` written differently from the reference, by name:
    ``tests/alternative_solutions/<assignment>/<style>.py``."""
    return sorted(p.stem for p in (ALTERNATIVES / assignment).glob("*.py"))


def alternative_answers(assignment: str, style: str) -> tuple[dict[str, str], str]:
    """The answer cells of an alternative solution (each function named after its answer cell),
    and the rest of its module (imports, helpers) as a cell of the student's own."""
    source = (ALTERNATIVES / assignment / f"{style}.py").read_text()
    answer_ids = {
        grade_id(c)
        for c in released(assignment).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    answers, rest = {}, []
    for index, node in enumerate(ast.parse(source).body):
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        segment = "\n".join(source.splitlines()[start - 1 : node.end_lineno])
        if isinstance(node, ast.FunctionDef) and node.name in answer_ids:
            answers[node.name] = segment
        elif not (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            rest.append(segment)  # the module's docstring says how it differs; the rest is code
    return answers, "\n\n".join(rest)


def alternative_notebook(assignment: str, style: str) -> nbformat.NotebookNode:
    """The released notebook completed with an alternative solution, as its student would submit
    it."""
    answers, rest = alternative_answers(assignment, style)
    return with_answers(released(assignment), answers, setup=rest or None)


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def with_answers(
    nb: nbformat.NotebookNode,
    answers: dict[str, str],
    setup: str | None = None,
    setup_last: bool = False,
):
    """The notebook with the given answer cells' code replaced, and an optional cell of
    the student's own inserted after the imports (or at the end, with ``setup_last``)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    if setup is not None:
        position = (
            len(nb.cells)
            if setup_last
            else next(i for i, c in enumerate(nb.cells) if grade_id(c) == "imports") + 1
        )
        extra = nbformat.v4.new_code_cell(setup)
        nb.cells.insert(position, extra)
    return nb


def without_written_answers(nb: nbformat.NotebookNode, assignment: str) -> nbformat.NotebookNode:
    """The notebook with each written answer (a markdown cell graded by hand: nbgrader grade and
    solution) left as the released notebook has it: nbgrader scores it 0 ("no response"), so the
    submission is graded at once, on its automatic points, with nothing pending."""
    nb = nbformat.from_dict(nb)
    blank = {grade_id(c): c.source for c in released(assignment).cells if grade_id(c)}
    for cell in nb.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and nbgrader.get("grade") and nbgrader.get("solution"):
            cell.source = blank[grade_id(cell)]
    return nb


def submit(course: Path, student: str, assignment: str, nb) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, (str, bytes)):
        (folder / f"{assignment}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, folder / f"{assignment}.ipynb")


def cell_scores(course: Path, assignment: str, student: str) -> dict[str, float]:
    """Each autograded cell's score, as nbgrader's gradebook holds it (the written answers,
    graded by hand, are not among them)."""
    with open_gradebook(course) as gb:
        submission = gb.find_submission(assignment, student)
        return {
            grade.name: grade.auto_score
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.cell.cell_type == "code"
        }


def full_marks(assignment: str) -> float:
    """The points of the solution notebook's autograded cells (its written answers, graded by
    hand, are pending after grading: they count nothing until an instructor grades them)."""
    return float(
        sum(
            cell.metadata.get("nbgrader", {}).get("points", 0)
            for cell in solution(assignment).cells
            if cell.metadata.get("nbgrader", {}).get("grade")
            and not cell.metadata.get("nbgrader", {}).get("solution")
        )
    )


def total_score(course: Path, assignment: str, student: str) -> float:
    with open_gradebook(course) as gb:
        return float(gb.find_submission(assignment, student).score)


def feedback_text(course: Path, assignment: str, student: str) -> str:
    import html
    import re

    page = (course / "feedback" / student / assignment / f"{assignment}.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


class LocalStudent:
    """Stands in for a sandboxed student process: calls functions of a namespace, in-process,
    with arguments and results passed through the same wire format. For testing the checks."""

    def __init__(self, namespace: dict, returns_new: frozenset[str] = frozenset()):
        self.namespace = namespace
        self.returns_new = returns_new

    def limit_time(self, deadline: float | None, limit: str = "") -> None:
        """In-process calls cannot be stopped; the checks' time limits are the sandbox's to
        enforce."""

    def call(self, name: str, *args, **kwargs):
        from autograder.sandbox import harness
        from autograder.sandbox.session import StudentCallFailed

        if name not in self.namespace:
            raise StudentCallFailed(f"no function named {name!r}")
        from autograder.sandbox.session import changed_in_place, returned_a_view

        decode = lambda value: harness.build(harness.decode(harness.encode(value)))  # noqa: E731
        args, kwargs = list(map(decode, args)), {k: decode(v) for k, v in kwargs.items()}
        try:
            value, changed, shared = harness.call_watching(
                self.namespace[name], args, kwargs, returns_new=name in self.returns_new
            )
        except Exception as error:  # noqa: BLE001 - reported like the sandbox reports it
            raise StudentCallFailed(f"{name}() raised {type(error).__name__}: {error}") from None
        if changed:  # as the sandbox's harness reports it
            raise StudentCallFailed(changed_in_place(name, changed))
        if shared:
            raise StudentCallFailed(returned_a_view(name, shared))
        return harness.decode(harness.encode(value))


def failed_results(assignment: str, namespace: dict, seed: int = 0) -> dict[str, list]:
    """For each grade cell, the results of its checks that the namespace's functions fail."""
    from autograder.checks import load_registry, run_checks

    registry = load_registry(assignment)
    student = LocalStudent(namespace, registry.returns_new)
    return {
        grade_id: [r for r in run_checks(checks, student, seed) if not r.passed]
        for grade_id, checks in registry.groups.items()
    }


def failed_checks(assignment: str, namespace: dict, seed: int = 0) -> dict[str, list[str]]:
    """For each grade cell, the questions of its checks that the namespace's functions fail."""
    failed = failed_results(assignment, namespace, seed)
    return {grade_id: [r.question for r in results] for grade_id, results in failed.items()}


# Cheats any exercise may meet: each is a cell of the student's own, paired with wrong
# answers; no trick may turn those into points.
CHEATS = {
    "patches_numpy": """
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *args, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.max = lambda *a, **k: 0.0
""",
    "patches_builtins_and_assert_helpers": """
import builtins
import optlab.testing
for name in dir(optlab.testing):
    if name.startswith(("as_", "assert")):
        setattr(optlab.testing, name, lambda *a, **k: a[0] if a else None)
builtins.AssertionError = type("Ignored", (Exception,), {})
builtins.abs = lambda x: 0.0
builtins.float = lambda *a: 0.0
""",
    "swallows_errors_with_set_custom_exc": """
get_ipython().set_custom_exc(
    (BaseException,), lambda shell, etype, value, tb, tb_offset=None: None
)
""",
    "replaces_traceback_hooks": """
import sys, traceback
sys.excepthook = lambda *a: None
traceback.print_exception = lambda *a, **k: None
get_ipython().showtraceback = lambda *a, **k: None
get_ipython().showsyntaxerror = lambda *a, **k: None
""",
    "exits_the_process": """
import os
os._exit(0)
""",
    "kills_the_grader": """
import os, signal
for target in (os.getppid(), 1, -1):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
""",
    "imports_or_reads_the_reference": """
import glob, json, os, sys
stolen = {}
root = os.path.dirname(os.path.dirname(os.path.dirname(sys.executable)))
candidates = [root] + ["/proc/%s/cwd" % p for p in os.listdir("/proc") if p.isdigit()]
for base in candidates:
    sys.path.insert(0, base)
    try:
        from autograder.reference import gradients as reference
        stolen.update(vars(reference))
    except Exception:
        pass
    for path in glob.glob(base + "/autograder/reference/*.py"):
        try:
            exec(open(path).read(), stolen)
        except Exception:
            pass
    notebooks = glob.glob(base + "/solutions/*/*.ipynb")
    notebooks += glob.glob(base + "/*/solutions/*/*.ipynb")
    for path in notebooks:
        try:
            for cell in json.load(open(path))["cells"]:
                if cell["cell_type"] == "code":
                    exec("".join(cell["source"]), stolen)
        except Exception:
            pass
    try:
        import sqlite3
        gradebook = sqlite3.connect(base + "/gradebook.db")
        rows = gradebook.execute("select source from base_cells").fetchall()
        for (source,) in rows:
            try:
                exec(source, stolen)
            except Exception:
                pass
    except Exception:
        pass
for name, value in stolen.items():
    if callable(value) and not name.startswith("_"):
        globals()[name + "_stolen"] = value
""",
    "writes_fake_replies_to_the_grader": """
import json, os
reply = {"op": "result", "ok": True, "value": {"__tuple__": [0.0, 1.0]}}
answer = json.dumps(reply).encode() + b"\\n"
os.write(4, json.dumps({"op": "ran", "errors": []}).encode() + b"\\n" + answer * 100)
""",
}


def stealing_answers(wrong: dict[str, str]) -> dict[str, str]:
    """Answers that call whatever a cheat managed to steal (``<name>_stolen``), else the wrong
    version."""
    return {
        name: (
            f"def {name}(*args, **kwargs):\n"
            f"    stolen = globals().get('{name}_stolen')\n"
            f"    return stolen(*args, **kwargs) if stolen else _wrong_{name}(*args, **kwargs)\n"
            + code.replace(f"def {name}(", f"def _wrong_{name}(", 1)
        )
        for name, code in wrong.items()
    }


def failure_messages(assignment: str, namespace: dict, seed: int = 0) -> dict[str, list[str]]:
    """For each grade cell, the feedback messages of the checks that the namespace's functions
    fail."""
    failed = failed_results(assignment, namespace, seed)
    return {grade_id: [r.message for r in results] for grade_id, results in failed.items()}


def correct_notebook(assignment: str, name: str) -> nbformat.NotebookNode:
    """The solution notebook (``name`` 'solution') or one of the alternative correct solutions."""
    return solution(assignment) if name == "solution" else alternative_notebook(assignment, name)


def correct_solutions() -> list[tuple[str, str]]:
    """(assignment, name) of every correct solution the tests hold: the solution notebook and the
    alternatives written differently from the reference."""
    from autograder.course import assignments

    return [
        (assignment, name)
        for assignment in assignments(ROOT)
        for name in ["solution", *alternative_styles(assignment)]
    ]


def submit_correct_solutions(
    course: Path, wanted: list[str] | None = None
) -> dict[str, list[str]]:
    """Every correct solution of the ``wanted`` assignments (default: all) submitted to ``course``,
    each as a student named after it; for each assignment, those students."""
    students = {}
    for assignment, name in correct_solutions():
        if wanted and assignment not in wanted:
            continue
        if assignment not in students:
            make_course(course, assignment)
        submit(course, name, assignment, correct_notebook(assignment, name))
        students.setdefault(assignment, []).append(name)
    return students


def sandbox_unavailable() -> str | None:
    """Why student code cannot be sandboxed in these tests, or None. As root (as in CI, where
    dev.py installs bubblewrap) always None: a sandbox that fails there must fail the tests
    that need it, not skip them or let them run unsandboxed."""
    import os

    from autograder.sandbox.isolation import can_isolate

    return None if os.geteuid() == 0 else can_isolate()


def sandbox_required():
    """A mark that skips a test where student code cannot be sandboxed (`sandbox_unavailable`)."""
    import pytest

    reason = sandbox_unavailable()
    return pytest.mark.skipif(reason is not None, reason=reason or "")


def sweep_checks(
    assignment: str, nb, seeds, numerics: dict[str, str]
) -> dict[str, list[tuple[int, str]]]:
    """Every check of ``assignment`` on every seed, against the notebook's code running in a
    student process (sandboxed where this machine can) whose numerical environment is ``numerics``,
    while the reference is computed here: for each check that fails, the seeds and messages."""
    from autograder.checks import load_registry, run_checks
    from autograder.preprocessors.run_hidden_checks import student_cells
    from autograder.sandbox.session import SandboxConfig, StudentSession

    registry = load_registry(assignment)
    config = SandboxConfig(isolate=sandbox_unavailable() is None, numerics=numerics)
    failed = {}
    with StudentSession(
        student_cells(nb), config, registry.blocked, registry.returns_new
    ) as student:
        for seed in seeds:
            for grade_id, checks in registry.groups.items():
                for result in run_checks(checks, student, seed):
                    if not result.passed:
                        failed.setdefault(f"{grade_id}: {result.question}", []).append(
                            (seed, result.message)
                        )
    return failed


def lbfgs_with_noisy_directions(problem, w0, noise: float, seed: int, **settings):
    """The reference L-BFGS with every direction multiplied entrywise by (1 + noise * N(0, 1)):
    what round-off does to a right implementation elsewhere (another BLAS kernel, another
    order of additions), ``noise`` times the unit round-off 1.1e-16 and more."""
    from autograder.reference import second_order

    rng, exact = np.random.default_rng(seed), second_order.lbfgs_direction

    def noisy(g, s_list, grad_change_list):
        direction = exact(g, s_list, grad_change_list)
        return direction * (1 + noise * rng.standard_normal(direction.shape))

    second_order.lbfgs_direction = noisy
    try:
        return second_order.lbfgs(problem.loss, problem.grad, w0, **settings)
    finally:
        second_order.lbfgs_direction = exact


def old_short_memory_runs(rng) -> list[tuple]:
    """The run the L-BFGS settings check drew before (one or two pairs on a quadratic of condition
    100 to 300), in the form of autograder.checks.second_order.LBFGS_RUNS: a chaotic one."""
    from autograder.checks.problems import random_quadratic

    problem = random_quadratic(rng, (100, 300), (8, 12))
    return [(problem, problem.start, "on a quadratic", {"m": int(rng.integers(1, 3))})]
