"""Build course directories and submissions for grading tests, and read scores back from the gradebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[1]


def make_course(path: Path, assignment: str) -> Path:
    """A course directory holding the assignment's source, as an instructor's would."""
    shutil.copytree(ROOT / "solutions" / assignment, path / "solutions" / assignment)
    return path


def released(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)


def solution(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def with_answers(nb: nbformat.NotebookNode, answers: dict[str, str], setup: str | None = None,
                 setup_last: bool = False):
    """The notebook with the given answer cells' code replaced, and an optional cell of
    the student's own inserted after the imports (or at the end, with ``setup_last``)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    if setup is not None:
        position = len(nb.cells) if setup_last else \
            next(i for i, c in enumerate(nb.cells) if grade_id(c) == "imports") + 1
        extra = nbformat.v4.new_code_cell(setup)
        nb.cells.insert(position, extra)
    return nb


def submit(course: Path, student: str, assignment: str, nb) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, (str, bytes)):
        (folder / f"{assignment}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, folder / f"{assignment}.ipynb")


def cell_scores(course: Path, assignment: str, student: str) -> dict[str, float]:
    """Each grade cell's autograder score, as nbgrader's gradebook holds it."""
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        submission = gb.find_submission(assignment, student)
        return {grade.name: grade.auto_score for notebook in submission.notebooks for grade in notebook.grades}


def total_score(course: Path, assignment: str, student: str) -> float:
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        return float(gb.find_submission(assignment, student).score)


def feedback_text(course: Path, assignment: str, student: str) -> str:
    import html
    import re

    page = (course / "feedback" / student / assignment / f"{assignment}.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))
