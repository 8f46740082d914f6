"""Wrong versions written from typical student mistakes, for tests/test_student_mistakes.py and
benchmarks/feedback_coverage.py.

One module a chapter (``student_mistakes/<chapter>.py``), data only: ``MISTAKES`` and
``HELD_OUT``, each {graded function: {the mistake, in a line: the student's whole function
making it}}. Both were written from the student's side (the exercise notebook's docstrings, the
chapter, the reference) without reading the checks' catalogs of named mistakes. The catalogs
were then grown from ``MISTAKES``, so the feedback names all of it by construction; ``HELD_OUT``
was written afterwards, different from every entry of ``MISTAKES`` and again without reading
the catalogs (nor tests/wrong_versions), so that the share of it the feedback names measures
how the feedback generalizes to mistakes it was not built from.

Grading is in-process, as tests/wrong_versions' (``right_functions`` is theirs): the chapter's
right functions, with the wrong one in place of its function.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import NamedTuple

from grading_support import failure_messages
from wrong_versions import right_functions

CATALOG_LINE = "Likely mistake: "  # a mistake a check's catalog names
DIAGNOSIS_LINE = "What it does: "  # how the wrong answer relates to the right one
# What the sandbox reports when the call itself goes wrong, naming what the function did: it
# changed an argument in place, or raised (the exception and its message).
CALL_FAILURES = ("() changed its argument", "() raised ")


class Mistake(NamedTuple):
    chapter: str
    function: str
    description: str
    wrong: Callable

    @property
    def name(self) -> str:
        return f"{self.chapter}.{self.function}: {self.description}"


class Grade(NamedTuple):
    """The feedback on one wrong version: its own cell's failure messages, and the other cells
    it failed."""

    messages: list[str]
    other_cells: list[str]

    @property
    def loses_points(self) -> bool:
        return bool(self.messages)

    @property
    def named_by(self) -> str | None:
        """'catalog' if a message names a cataloged mistake, else 'diagnosis' if one says what
        the answer does, else 'call' if the call itself failed in a way its message names,
        else None."""
        if any(CATALOG_LINE in message for message in self.messages):
            return "catalog"
        if any(DIAGNOSIS_LINE in message for message in self.messages):
            return "diagnosis"
        if any(failure in message for message in self.messages for failure in CALL_FAILURES):
            return "call"
        return None


def chapters() -> list[str]:
    """The chapters that have a module here."""
    return sorted(module.name for module in pkgutil.iter_modules(__path__))


def mistakes(chapter: str) -> dict[str, dict[str, Callable]]:
    """The chapter's ``MISTAKES``: the corpus the catalogs were grown from."""
    return importlib.import_module(f"{__name__}.{chapter}").MISTAKES


def held_out_mistakes(chapter: str) -> dict[str, dict[str, Callable]]:
    """The chapter's ``HELD_OUT``: written after the catalogs were grown, not used to grow them."""
    return importlib.import_module(f"{__name__}.{chapter}").HELD_OUT


def _flatten(table: Callable[[str], dict[str, dict[str, Callable]]]) -> list[Mistake]:
    return [
        Mistake(chapter, function, description, wrong)
        for chapter in chapters()
        for function, wrongs in table(chapter).items()
        for description, wrong in wrongs.items()
    ]


def corpus() -> list[Mistake]:
    """Every wrong version of ``MISTAKES``, every chapter."""
    return _flatten(mistakes)


def held_out() -> list[Mistake]:
    """Every wrong version of ``HELD_OUT``, every chapter."""
    return _flatten(held_out_mistakes)


def grade(mistake: Mistake, seed: int = 0) -> Grade:
    """Every cell of the chapter graded with ``mistake``'s wrong function in place of the
    right one."""
    namespace = dict(right_functions(mistake.chapter), **{mistake.function: mistake.wrong})
    messages = failure_messages(mistake.chapter, namespace, seed)
    own = f"test_{mistake.function}"
    return Grade(
        messages[own], sorted(cell for cell, failed in messages.items() if failed and cell != own)
    )
