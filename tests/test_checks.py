"""Every exercise's hidden checks as a whole: fair to a right answer, whatever the seed and
whatever the machine, and no setting of a graded function can be ignored unnoticed.

Grading draws a fresh seed for each submission, so a check that a right answer fails on
one seed in fifty costs some honest students a cell at random. The solution notebook runs
every check on many seeds.

A right answer need not compute like the reference: another order of additions, another
BLAS kernel or thread count changes the last bits, and a check must not care. Every
correct solution the tests hold (the solution notebook and the alternatives in
tests/alternative_solutions/) runs in a student process through every check, with the
grader's numerical environment and with another, on seeds of its own in each
(benchmarks/fairness.py does the same on more seeds).

A check that only ever passes a setting's default value (or draws it from a set that
includes the default) cannot tell an answer that ignores the setting from a right one.
For each optional parameter of a graded function, as the solution notebook states it, a
wrong version (the reference, made to use that parameter's default whatever it is given)
must fail some check of its cell.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re

import pytest
from grading_support import (
    ROOT,
    alternative_answers,
    alternative_styles,
    correct_notebook,
    correct_solutions,
    failed_checks,
    solution,
    solution_namespace,
    sweep_checks,
)

from autograder.checks import load_registry
from autograder.course import assignments
from autograder.sandbox.numerics import numerical_environment, other_environment

SEEDS = range(100)
# Each environment draws its own problems, so the two together try 40 seeds for every correct
# solution; benchmarks/fairness.py tries 200 in each.
ENVIRONMENTS = {
    "the grader's numerics": (numerical_environment, range(0, 20)),
    "another BLAS kernel, 2 threads": (other_environment, range(20, 40)),
}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_does_the_solution_pass_every_check_on_every_seed(assignment):
    namespace = solution_namespace(assignment)
    failed = {}
    for seed in SEEDS:
        for grade_id, questions in failed_checks(assignment, namespace, seed).items():
            for question in questions:
                failed.setdefault(f"{grade_id}: {question}", []).append(seed)
    assert not failed, "the solution fails checks on some seeds: " + "; ".join(
        f"{check} (seeds {seeds[:5]}, {len(seeds)} of {len(SEEDS)})"
        for check, seeds in failed.items()
    )


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("assignment,name", correct_solutions())
def test_does_every_correct_solution_pass_every_check_in_every_environment(
    assignment, name, environment
):
    numerics, seeds = ENVIRONMENTS[environment]
    failed = sweep_checks(assignment, correct_notebook(assignment, name), seeds, numerics())
    tried = len(seeds)
    assert not failed, f"{name} fails checks: " + "; ".join(
        f"{check} (seeds {[seed for seed, _ in seeds[:5]]}, {len(seeds)} of {tried}): "
        f"{seeds[0][1]}"
        for check, seeds in failed.items()
    )


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_are_there_two_alternative_solutions_that_answer_every_cell(assignment):
    styles = alternative_styles(assignment)
    assert len(styles) >= 2, f"tests/alternative_solutions/{assignment}/ holds {styles}"
    wanted = set(student_signatures(assignment))
    for style in styles:
        assert set(alternative_answers(assignment, style)[0]) == wanted, style


def reference_functions(assignment: str) -> dict:
    module = importlib.import_module(f"autograder.reference.{assignment}")
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }  # some are optlab's, imported


def student_signatures(assignment: str) -> dict[str, ast.arguments]:
    """The arguments of each function the solution notebook defines: what students are asked to
    write."""
    found = {}
    for cell in solution(assignment).cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = node.args
    return found


def settings() -> list[tuple[str, str, str]]:
    """(assignment, graded function, optional parameter) for every optional parameter a student's
    function has."""
    found = []
    for assignment in assignments(ROOT):
        graded = {grade_id.removeprefix("test_") for grade_id in load_registry(assignment).groups}
        for name, arguments in student_signatures(assignment).items():
            if name in graded:
                positional = arguments.posonlyargs + arguments.args
                optional = (
                    [a.arg for a in positional[len(positional) - len(arguments.defaults) :]]
                    if arguments.defaults
                    else []
                )
                optional += [
                    a.arg
                    for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)
                    if d is not None
                ]
                found += [(assignment, name, parameter) for parameter in optional]
    return found


def ignoring(function, parameter: str):
    """``function``, except that it uses ``parameter``'s default whatever it is given."""
    signature = inspect.signature(function)

    def wrong(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.arguments[parameter] = signature.parameters[parameter].default
        return function(*bound.args, **bound.kwargs)

    return wrong


def test_are_there_settings_to_check():
    assert len(settings()) > 30


@pytest.mark.parametrize("assignment,name,parameter", settings())
def test_is_an_answer_that_ignores_a_setting_caught(assignment, name, parameter):
    right = reference_functions(assignment)
    failures = failed_checks(assignment, dict(right, **{name: ignoring(right[name], parameter)}))
    assert failures[f"test_{name}"], f"{name} ignoring {parameter} passes every check of its cell"


def student_docstrings(assignment: str) -> dict[str, str]:
    """The docstring of each function the solution notebook asks students to write."""
    found = {}
    for cell in solution(assignment).cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = ast.get_docstring(node) or ""
    return found


PROMISES_NEW = re.compile(r"new arrays?\b|is a copy\b")


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_are_views_refused_exactly_where_the_docstring_promises_new_arrays(assignment):
    """A function whose docstring promises new arrays may not return a view of an argument
    (the sandbox refuses it, Registry.returns_new); one that does not promise it may."""
    promised = {
        name for name, text in student_docstrings(assignment).items() if PROMISES_NEW.search(text)
    }
    assert load_registry(assignment).returns_new == promised
