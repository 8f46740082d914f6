"""Wrong versions written from typical student mistakes, for tests/test_student_mistakes.py and
benchmarks/feedback_coverage.py.

Two sources, data only, each {graded function: {the mistake, in a line: the student's whole
function making it}}:

- the corpus, one module a chapter here (``student_mistakes/<chapter>.py``): ``MISTAKES``,
  then ``SECOND_ROUND``, both written from the student's side (the exercise notebook's
  docstrings, the chapter, the reference) without reading the checks' catalogs of named
  mistakes. ``SECOND_ROUND`` was written after the catalogs had been grown from ``MISTAKES``,
  to measure them; the catalogs were then grown from it as well. The feedback names all of
  the corpus by construction;
- the held-out set (tests/held_out_mistakes/<chapter>.py, ``HELD_OUT``), written afterwards
  by someone who read neither the checks, nor their catalogs, nor the corpus, nor
  tests/wrong_versions, and not used to grow anything: the share of it the feedback names
  measures how the feedback generalizes to mistakes it was not built from.

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
# changed an argument in place, raised (the exception and its message), or returned a view of
# an argument where new arrays are promised.
CALL_FAILURES = ("() changed its argument", "() raised ", "() returned a view of")


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
    """The chapter's corpus: ``MISTAKES`` and ``SECOND_ROUND``, the catalogs' sources."""
    module = importlib.import_module(f"{__name__}.{chapter}")
    merged: dict[str, dict[str, Callable]] = {}
    for table in (module.MISTAKES, module.SECOND_ROUND):
        for function, wrongs in table.items():
            merged.setdefault(function, {}).update(wrongs)
    return merged


def held_out_mistakes(chapter: str) -> dict[str, dict[str, Callable]]:
    """The chapter's ``HELD_OUT`` (tests/held_out_mistakes): not used to grow anything."""
    return importlib.import_module(f"held_out_mistakes.{chapter}").HELD_OUT


def _flatten(table: Callable[[str], dict[str, dict[str, Callable]]]) -> list[Mistake]:
    return [
        Mistake(chapter, function, description, wrong)
        for chapter in chapters()
        for function, wrongs in table(chapter).items()
        for description, wrong in wrongs.items()
    ]


def corpus() -> list[Mistake]:
    """Every wrong version of the corpus, every chapter."""
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
