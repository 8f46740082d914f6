"""Every chapter's hidden checks against its reference and its known-wrong versions.

The reference must pass every check; each wrong version (tests/wrong_versions/<chapter>.py)
must fail its own cell's checks, and the feedback must name the mistakes the checks
catalog. The chapters are the course's table, optlab.chapters.CHAPTERS.
"""

from __future__ import annotations

import pytest
import wrong_versions
from grading_support import failed_checks, failure_messages

from autograder.checks import CheckResult, load_registry
from optlab.chapters import NAMES


def cases(name: str, rows) -> list:
    """A case for each row that ``rows`` makes of what a chapter's module defines as ``name``,
    for every chapter with a module: (chapter, *row), its id the parts' short forms."""
    return [
        pytest.param(chapter, *row, id="-".join(short(part) for part in (chapter, *row)))
        for chapter in wrong_versions.chapters()
        if chapter in NAMES
        for row in rows(wrong_versions.data(chapter, name))
    ]


def short(part) -> str:
    """A part of a test's id: a cataloged mistake up to its fix (the text after ': ')."""
    return str(part).split(": ")[0]


def nested(table: dict) -> list[tuple]:
    """(outer key, inner key) of a dict of dicts."""
    return [(outer, inner) for outer, inner_table in table.items() for inner in inner_table]


def with_wrong(chapter: str, function: str, wrong) -> dict:
    """The chapter's right functions, with ``wrong`` in place of ``function``."""
    return dict(wrong_versions.right_functions(chapter), **{function: wrong})


@pytest.mark.parametrize("chapter", sorted(set(NAMES) | set(wrong_versions.chapters())))
def test_does_every_chapter_have_its_wrong_versions_and_no_others(chapter):
    assert chapter in NAMES, (
        f"tests/wrong_versions/{chapter}.py is no chapter's: the chapters are {NAMES}"
    )
    assert chapter in wrong_versions.chapters(), (
        f"chapter {chapter!r} has no tests/wrong_versions/{chapter}.py"
    )
    module = wrong_versions.module(chapter)
    unknown = {name for name in vars(module) if name.isupper()} - set(wrong_versions.DEFAULTS)
    assert not unknown, f"tests/wrong_versions/{chapter}.py defines {unknown}, which no test reads"


@pytest.mark.parametrize("chapter,seed", cases("SEEDS", lambda seeds: [(s,) for s in seeds]))
def test_does_the_reference_pass_every_hidden_check(chapter, seed):
    right = wrong_versions.right_functions(chapter)
    failures = failed_checks(chapter, right, seed)
    assert not any(failures.values()), {grade_id: f for grade_id, f in failures.items() if f}


@pytest.mark.parametrize("chapter,grade_id,mutant", cases("MUTANTS", nested))
def test_is_each_known_wrong_version_caught(chapter, grade_id, mutant):
    wrong = wrong_versions.data(chapter, "MUTANTS")[grade_id][mutant]
    namespace = with_wrong(chapter, grade_id.removeprefix("test_"), wrong)
    for seed in wrong_versions.data(chapter, "SEEDS"):
        failures = failed_checks(chapter, namespace, seed)
        assert failures[grade_id], f"{mutant!r} passed every check of {grade_id} (seed {seed})"
        elsewhere = {
            other: failed for other, failed in failures.items() if failed and other != grade_id
        }
        assert not elsewhere, (
            f"{mutant!r} of {grade_id} failed other cells (seed {seed}): {elsewhere}"
        )


@pytest.mark.parametrize("chapter,grade_id,mutant", cases("FEEDBACK", nested))
def test_does_the_feedback_on_a_wrong_version_say_what_is_wrong(chapter, grade_id, mutant):
    wrong = wrong_versions.data(chapter, "MUTANTS")[grade_id][mutant]
    phrase = wrong_versions.data(chapter, "FEEDBACK")[grade_id][mutant]
    function = grade_id.removeprefix("test_")
    messages = failure_messages(chapter, with_wrong(chapter, function, wrong))[grade_id]
    assert any(phrase in message for message in messages), messages


@pytest.mark.parametrize("chapter,function,why", cases("CATALOGS", nested))
def test_does_feedback_name_each_cataloged_mistake_and_no_other(chapter, function, why):
    catalog = wrong_versions.data(chapter, "CATALOGS")[function]
    messages = failure_messages(chapter, with_wrong(chapter, function, catalog[why]))[
        f"test_{function}"
    ]
    assert messages, f"{short(why)!r} passed every check of test_{function}"
    # A check on whose problem the mistake gives the right values where the answer parted
    # (eps inside the square root, at a tiny eps) cannot tell it apart: it names nothing
    # there, never another mistake.
    assert any(f"Likely mistake: {why}" in message for message in messages), messages
    assert all(
        f"Likely mistake: {why}" in message or "Likely mistake: " not in message
        for message in messages
    ), messages
    others = [other for other in catalog if other != why]
    assert not any(other in message for message in messages for other in others), messages


@pytest.mark.parametrize("chapter,grade_id,mistake", cases("SECTIONS", nested))
def test_does_feedback_send_a_named_mistake_to_the_section_that_explains_it(
    chapter, grade_id, mistake
):
    catalog = wrong_versions.data(chapter, "CATALOGS")[grade_id.removeprefix("test_")]
    (why,) = [why for why in catalog if mistake in why]
    failed = [
        CheckResult("q", True, 1.0),
        CheckResult("q", False, 1.0, f"parts at step 2\n    Likely mistake: {why}"),
    ]
    section = wrong_versions.data(chapter, "SECTIONS")[grade_id][mistake]
    assert load_registry(chapter).section_for(grade_id, failed) == section


@pytest.mark.parametrize(
    "chapter,grade_id",
    [(chapter, grade_id) for chapter in NAMES for grade_id in load_registry(chapter).groups],
)
def test_does_feedback_that_names_no_mistake_send_the_reader_to_the_cells_section(
    chapter, grade_id
):
    registry = load_registry(chapter)
    failed = [CheckResult("q", True, 1.0), CheckResult("q", False, 1.0, "parts at step 3")]
    assert registry.section_for(grade_id, failed) == registry.sections[grade_id]


def changing_in_place(right, changed: list):
    """``right``, which then changes its first array argument (or an array entry of its first
    dict argument) in place, and notes in ``changed`` that it did: the answer returned is
    still right."""
    import numpy as np

    def wrong(*args, **kwargs):
        value = right(*args, **kwargs)
        for argument in [*args, *kwargs.values()]:
            arrays = list(argument.values()) if isinstance(argument, dict) else [argument]
            for array in arrays:
                if isinstance(array, np.ndarray) and array.size and array.flags.writeable:
                    array[...] = array + 1 if array.dtype != bool else ~array
                    changed.append(True)
                    return value
        return value

    return wrong


@pytest.mark.parametrize(
    ("chapter", "function"),
    [
        pytest.param(chapter, function, id=f"{chapter}-{function}")
        for chapter in wrong_versions.chapters()
        if chapter in NAMES
        for function in wrong_versions.right_functions(chapter)
    ],
)
def test_is_a_function_that_changes_an_argument_in_place_caught_and_named(chapter, function):
    """Right answers, but an argument changed in place: the cell's checks fail, saying so.
    A function whose checks give it no array (a schedule of scalars) has none to change."""
    right, changed = wrong_versions.right_functions(chapter)[function], []
    messages = failure_messages(
        chapter, with_wrong(chapter, function, changing_in_place(right, changed))
    ).get(f"test_{function}", [])
    if not changed:
        pytest.skip(f"the checks give {function} no array")
    assert any(f"{function}() changed its argument" in m for m in messages), messages
