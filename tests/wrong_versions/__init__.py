"""Known-wrong versions of each chapter's graded functions, for tests/test_wrong_versions.py.

One module a chapter, named after it (``wrong_versions/<chapter>.py``), holding data only.
Each may define:

- ``MUTANTS``: {grade cell: {what is wrong: a wrong version of the cell's function}}; each
  must fail some check of its cell, and no check of another cell.
- ``CATALOGS``: {function: a catalog of the checks' named mistakes, {why: wrong version}},
  for the catalogs whose wrong versions take the function's own arguments; the feedback on
  each must name it, and no other mistake of its catalog.
- ``FEEDBACK``: {grade cell: {mutant: a phrase its feedback must hold}}.
- ``SECTIONS``: {grade cell: {a phrase of a cataloged mistake: the anchor of the section of
  the chapter that the feedback naming it sends the reader to}}.
- ``SEEDS``: the seeds the reference and the mutants are checked on (default ``(0,)``).

The right functions are not listed: a chapter's grade cell ``test_<function>`` scores the
reference's ``<function>`` (autograder/reference/<chapter>.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

DEFAULTS = {
    "MUTANTS": {},
    "CATALOGS": {},
    "FEEDBACK": {},
    "SECTIONS": {},
    "SEEDS": (0,),
}


def chapters() -> list[str]:
    """The chapters that have a module here."""
    return sorted(module.name for module in pkgutil.iter_modules(__path__))


def module(chapter: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{chapter}")


def data(chapter: str, name: str):
    """What the chapter's module defines as ``name``, or its default."""
    return getattr(module(chapter), name, DEFAULTS[name])


def right_functions(chapter: str) -> dict:
    """The reference function that each grade cell of the chapter scores, by name."""
    from autograder.checks import load_registry

    reference = importlib.import_module(f"autograder.reference.{chapter}")
    return {
        function: getattr(reference, function)
        for function in (
            grade_id.removeprefix("test_") for grade_id in load_registry(chapter).groups
        )
    }
