"""Grading one uploaded submission where a hosted service runs the grader: Gradescope's
autograder and PrairieLearn's external grader.

Both hand the grader one student's files in a folder and read a ``results.json`` back. The
upload is graded by `grading.grade` itself, in a scratch course of its own (the exercise's
source notebook and the upload, as ``submitted/<UPLOADER>/<exercise>/``): the same hidden
checks, sandbox, limits, refusals and feedback as ``python -m autograder grade``, one
submission at a time. `HostedGrade` is what that grading gave; `gradescope_results` and
`prairielearn_results` say it in each service's format.

Only the notebooks at the top of the upload are taken (regular ``*.ipynb`` files), read without
following links: a link named like the notebook that points at the course's own files (its
solutions, in the autograder's folder) is not the student's work. The student's code runs in
the sandbox, which shows none of the service's folders (the grader's files, the results), so it
can neither read the hidden checks nor write the results: the grader writes ``results.json``
once grading is over, replacing whatever stood there.

Gradescope's format (its "Autograder Specifications"): ``score``, ``output``,
``stdout_visibility`` and ``tests``, each test with ``name``, ``score``, ``max_score``,
``status``, ``output`` and ``visibility``. PrairieLearn's (its "External Grading" page):
``succeeded``, ``gradable``, ``score`` from 0 to 1, ``message``, ``output`` and ``tests``,
each with ``name``, ``points``, ``max_points``, ``message`` and ``output``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat

from . import gradebook
from .course import AUTOGRADED, SOURCE, SUBMITTED
from .options import GradingOptions
from .records import GRADED, NOT_GRADED, REFUSED, write_atomically

UPLOADER = "upload"  # the student's name in the scratch course
RESULTS = "results.json"
# Gradescope's visibility of what the run printed (the grader's log): instructors only.
GRADESCOPE_STDOUT_VISIBILITY = "hidden"
TEST_VISIBILITY = "visible"  # each test's feedback is the student's, as in feedback/


@dataclass(frozen=True)
class TestCell:
    """One autograded test cell of the graded upload: its points and its checks' report."""

    name: str
    score: float
    max_score: float
    output: str


@dataclass(frozen=True)
class HostedGrade:
    """What grading one upload gave: its status (`records.GRADED`, ``REFUSED``, ``NOT_GRADED``),
    why when it is not graded, and, when graded, the hidden checks' points by test cell and the
    written answers left to a grader's hand (grade id: points)."""

    status: str
    problem: str = ""
    tests: list[TestCell] = field(default_factory=list)
    written: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return float(sum(test.score for test in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(test.max_score for test in self.tests))


def grade_upload(
    source: Path, assignment: str, upload: Path, options: GradingOptions | None = None
) -> HostedGrade:
    """Grade the files in ``upload`` as a submission of ``assignment``, whose source notebook is
    in the course (or bundle) at ``source``; ``options`` as `grading.grade` takes them (the
    student and the number of workers are set here). Raises what `grading.grade` raises
    (`IsolationError` when no sandbox can be made)."""
    from .grading import grade

    options = replace(options or GradingOptions(), students=None, jobs=1, force=True)
    with tempfile.TemporaryDirectory(prefix="optgrade-upload-") as scratch:
        course = Path(scratch)
        shutil.copytree(Path(source, SOURCE, assignment), course / SOURCE / assignment)
        if Path(source, "_config.yml").is_file():  # the book's address, for the feedback's links
            shutil.copy(Path(source, "_config.yml"), course / "_config.yml")
        folder = course / SUBMITTED / UPLOADER / assignment
        folder.mkdir(parents=True)
        copy_uploaded_files(upload, folder)
        run = grade(course, assignment, options)
        outcome = run.outcomes[0]
        if not outcome.graded:
            return HostedGrade(outcome.status, outcome.problem)
        return HostedGrade(
            GRADED,
            outcome.problem,
            graded_test_cells(course, assignment, UPLOADER),
            written_answers(course, assignment),
        )


def copy_uploaded_files(upload: Path, folder: Path) -> None:
    """Copy the notebooks at the top of ``upload`` (regular ``*.ipynb`` files) into ``folder``,
    never through a link. Grading reads nothing else of a submission; other files (nbgrader's
    ``timestamp.txt`` among them) are the service's business, not the student's to set."""
    for entry in sorted(Path(upload).glob("*.ipynb")) if Path(upload).is_dir() else []:
        try:
            # O_NONBLOCK: a FIFO opens at once (and is then skipped) instead of waiting for a
            # writer that never comes.
            handle = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue  # a link (ELOOP), or unreadable: not a file the student uploaded
        with os.fdopen(handle, "rb") as file:
            if stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                (folder / entry.name).write_bytes(file.read())


def graded_test_cells(course: Path, assignment: str, student: str) -> list[TestCell]:
    """Each autograded test cell of a graded submission, in the notebook's order: its score from
    the gradebook, and the report of its checks that the feedback shows."""
    from .preprocessors.run_hidden_checks import is_test_cell

    scores = gradebook.test_cell_scores(course, assignment, student)
    cells = []
    for path in sorted(Path(course, AUTOGRADED, student, assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if not is_test_cell(cell):
                continue
            role = cell.metadata["nbgrader"]
            report = "".join(
                output.get("text", "") for output in cell.outputs if output.output_type == "stream"
            )
            cells.append(
                TestCell(
                    role["grade_id"],
                    scores.get(role["grade_id"], 0.0),
                    float(role["points"]),
                    report,
                )
            )
    return cells


def written_answers(course: Path, assignment: str) -> dict[str, float]:
    """The assignment's written answers (grade cells graded by hand), by grade id: their points."""
    cells = {}
    for path in sorted(Path(course, SOURCE, assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            role = cell.metadata.get("nbgrader", {})
            if role.get("grade") and role.get("solution"):
                cells[role["grade_id"]] = float(role.get("points", 0))
    return cells


def summary_text(result: HostedGrade) -> str:
    """What the whole submission's feedback says first."""
    if result.status == REFUSED:
        return f"Not graded: {result.problem}. Correct it and submit again."
    if result.status == NOT_GRADED:
        return f"Not graded, for a reason that is not yours: {result.problem}"
    lines = [f"Hidden checks: {result.score:g} of {result.max_score:g} points."]
    if result.written:
        points = sum(result.written.values())
        lines.append(
            f"Written answers ({', '.join(result.written)}; {points:g} points) are graded by "
            "hand and are not in this score."
        )
    if result.problem:
        lines.append(result.problem)
    return "\n".join(lines)


def gradescope_results(result: HostedGrade) -> dict:
    """Gradescope's ``results.json`` for a graded or refused upload (a refused one scores 0, with
    the reason: the student submits again). An upload not graded has none: see `write_results`."""
    if result.status == NOT_GRADED:
        raise ValueError("an upload that was not graded has no Gradescope results")
    return {
        "score": result.score,
        "output": summary_text(result),
        "stdout_visibility": GRADESCOPE_STDOUT_VISIBILITY,
        "tests": [
            {
                "name": test.name,
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.score >= test.max_score else "failed",
                "output": test.output,
                "visibility": TEST_VISIBILITY,
            }
            for test in result.tests
        ],
    }


def prairielearn_results(result: HostedGrade) -> dict:
    """PrairieLearn's ``results.json``: a graded upload's score as a fraction of the hidden
    checks' points; a refused one is not gradable (PrairieLearn counts it as invalid, not as an
    attempt); one not graded did not succeed (no score is recorded for it)."""
    fraction = result.score / result.max_score if result.max_score else 0.0
    return {
        "succeeded": result.status != NOT_GRADED,
        "gradable": result.status != REFUSED,
        "score": fraction if result.status == GRADED else 0.0,
        "message": summary_text(result),
        "output": "".join(f"{test.name}\n{test.output}\n" for test in result.tests),
        "tests": [
            {
                "name": test.name,
                "points": test.score,
                "max_points": test.max_score,
                "message": test.output.splitlines()[0] if test.output else "",
                "output": test.output,
            }
            for test in result.tests
        ],
    }


def write_results(results: dict, folder: Path) -> Path:
    """Write ``results`` as ``folder/results.json``, replacing what stood there."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RESULTS
    write_atomically(path, json.dumps(results, indent=1))
    return path
