"""Every exercise's hidden checks as a whole: no setting of a graded function can be ignored unnoticed.

A check that only ever passes a setting's default value (or draws it from a set that
includes the default) cannot tell an answer that ignores the setting from a right one.
For each graded function with optional settings, a wrong version that silently uses the
default instead of the value it was given must fail some check of its cell.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from autograder.checks import load_registry
from autograder.course import assignments
from grading_support import ROOT, failed_checks


def reference_functions(assignment: str) -> dict:
    module = importlib.import_module(f"autograder.reference.{assignment}")
    return {name: value for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")}


def settings() -> list[tuple[str, str, str]]:
    """(assignment, graded function, optional parameter) for every optional parameter of a graded function."""
    found = []
    for assignment in assignments(ROOT):
        graded = {grade_id.removeprefix("test_") for grade_id in load_registry(assignment).groups}
        for name, function in reference_functions(assignment).items():
            if name in graded:
                found += [(assignment, name, parameter.name) for parameter in inspect.signature(function).parameters.values()
                          if parameter.default is not inspect.Parameter.empty]
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
