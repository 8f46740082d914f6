"""Release: generate the student notebooks in exercises/ from solutions/, with nbgrader.

nbgrader's generate_assignment strips the solutions (leaving a stub that raises
NotImplementedError), removes the hidden-test regions, locks the cells students must
not edit, records checksums, and enters the assignment in the gradebook. Entering an
assignment in the gradebook alone (`enter_in_gradebook`) is the same generation, into a
scratch folder.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from .course import SOURCE, assignments, folder_digest
from .gradebook import gradebook_exists, gradebook_location
from .nbgrader_setup import nbgrader_api
from .records import course_lock, write_atomically

# Which version of each assignment's source the gradebook holds (a digest of its files and of
# the gradebook's place, so that a course that moves to another gradebook enters it there).
ENTERED = "gradebook.sources.json"


class ReleaseFailed(RuntimeError):
    pass


def release(
    root: Path, names: list[str] | None = None, release_dir: Path | None = None
) -> list[str]:
    """Generate the release of the named assignments (all by default); return their names.

    ``release_dir`` writes the release somewhere else than exercises/ (for checking
    drift, or to enter an assignment in the gradebook without touching exercises/).
    """
    names = names or assignments(root)
    overrides = {"CourseDirectory.release_directory": str(release_dir)} if release_dir else {}
    api = nbgrader_api(root, **overrides)
    for name in names:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise ReleaseFailed(
                f"nbgrader could not generate {name}:\n"
                f"{result.get('log', '')}\n{result.get('error', '')}"
            )
        _remember_entered(root, name)
    return names


def _source_digest(root: Path, name: str) -> str:
    place = hashlib.sha256(gradebook_location(root).encode()).hexdigest()[:16]
    return f"{folder_digest(Path(root, SOURCE, name))} in {place}"


def _entered(root: Path) -> dict:
    try:
        return json.loads(Path(root, ENTERED).read_text())
    except (OSError, ValueError):
        return {}


def _remember_entered(root: Path, name: str) -> None:
    entered = _entered(root) | {name: _source_digest(root, name)}
    write_atomically(Path(root, ENTERED), json.dumps(entered, indent=1, sort_keys=True))


def _holds_current_source(root: Path, name: str) -> bool:
    return gradebook_exists(root) and _entered(root).get(name) == _source_digest(root, name)


def enter_in_gradebook(root: Path, name: str) -> None:
    """Record the current source of an assignment in the gradebook (unless it holds it already),
    leaving exercises/ as it is. Runs of other assignments may do the same at the same time: one
    at a time creates the gradebook and enters its assignment (two creating it at once break
    it)."""
    if _holds_current_source(root, name):
        return
    with course_lock(root, "gradebook"):
        if _holds_current_source(root, name):
            return  # entered by the run that held the lock before
        with tempfile.TemporaryDirectory() as scratch:
            release(root, [name], release_dir=Path(scratch))
