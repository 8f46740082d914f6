"""The course directory in nbgrader's terms: its folders, its names, and the book it belongs to.

    solutions/<assignment>/<assignment>.ipynb   nbgrader's source: solutions, hidden-test markers
    exercises/<assignment>/<assignment>.ipynb   nbgrader's release: what students get (generated)
    submitted/<student>/<assignment>/           collected submissions (nbgrader's layout)
    autograded/, feedback/, gradebook.db        written by grading; ignored by git
    .autograder/, grades.csv                    the grader's records (records.py), the grade sheet
    .autograder/gradebook_url                   the gradebook's database, when not gradebook.db

Every module of the grader may import this one: it imports nothing of the package. nbgrader
is configured with these names in nbgrader_setup.py; the gradebook is reached through
gradebook.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

COURSE_ID = "optimization-for-deep-learning"
SOURCE = "solutions"
RELEASE = "exercises"
SUBMITTED = "submitted"
AUTOGRADED = "autograded"  # nbgrader's default name, which the course keeps
FEEDBACK = "feedback"  # nbgrader's default name too
GRADES_CSV = "grades.csv"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def assignments(root: str | Path) -> list[str]:
    """Every assignment that has a source notebook, by name."""
    return sorted(
        p.parent.name for p in Path(root, SOURCE).glob("*/*.ipynb") if p.stem == p.parent.name
    )


def folder_files(folder: str | Path) -> dict[str, bytes]:
    """Every file under ``folder``: its path relative to ``folder``, and its bytes."""
    folder = Path(folder)
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
    }


def files_digest(files: dict[str, bytes]) -> str:
    """A digest of files (relative path: bytes), names and bytes: whether any of them changed."""
    digest = hashlib.sha256()
    for name in sorted(files, key=lambda name: Path(name).parts):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def folder_digest(folder: str | Path) -> str:
    """A digest of every file under ``folder``, names and bytes: whether anything in it changed."""
    return files_digest(folder_files(folder))


def book_base_url(root: str | Path) -> str:
    """The site's address, ``html.baseurl`` in the course's _config.yml ('' when unset or
    unreadable)."""
    import yaml

    try:
        config = yaml.safe_load(Path(root, "_config.yml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return str((config.get("html") or {}).get("baseurl") or "").rstrip("/")


def book_section(base_url: str, assignment: str, anchor: str) -> str:
    """Where the chapter of ``assignment`` explains ``anchor``: a URL under ``base_url``, or the
    page's path within the site when there is no base URL."""
    page = f"book/{assignment}.html#{anchor}"
    return f"{base_url}/{page}" if base_url else f"{page} on the course's website"
