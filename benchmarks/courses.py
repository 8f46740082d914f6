"""The course the grading benchmarks time: an assignment's source and honest submissions of it."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def honest_course(path: Path, assignment: str, students: list[str]) -> Path:
    """A course directory at ``path`` where every student submitted the solution notebook."""
    shutil.copytree(ROOT / "solutions" / assignment, path / "solutions" / assignment)
    for student in students:
        folder = path / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / assignment / f"{assignment}.ipynb", folder)
    return path
