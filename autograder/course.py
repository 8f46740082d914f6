"""The course directory in nbgrader's terms, and the one nbgrader configuration for it.

    solutions/<assignment>/<assignment>.ipynb   nbgrader's source: solutions and hidden-test markers
    exercises/<assignment>/<assignment>.ipynb   nbgrader's release: what students get (generated)
    submitted/<student>/<assignment>/           collected submissions (nbgrader's layout)
    autograded/, feedback/, gradebook.db        written by grading; ignored by git
    .autograder/, grades.csv                    the grader's records (records.py), the grade sheet

`configure_nbgrader` is used both by `python -m autograder` and by the course's
nbgrader_config.py, so that plain `nbgrader` commands (and formgrader) grade the same,
trusted way.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from traitlets.config import Config

COURSE_ID = "optimization-for-deep-learning"
SOURCE = "solutions"
RELEASE = "exercises"
SUBMITTED = "submitted"
GRADES_CSV = "grades.csv"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def folder_digest(folder: str | Path) -> str:
    """A digest of every file under ``folder``, names and bytes: whether anything in it changed."""
    digest = hashlib.sha256()
    folder = Path(folder)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# Parallel graders write to the gradebook at once: a writer waits this long for the others
# (SQLite's busy timeout) before its submission is reported as not graded, for a later run.
GRADEBOOK_WAIT_SECONDS = 60


def gradebook_url(root: str | Path) -> str:
    """Where nbgrader's gradebook of the course at ``root`` lives."""
    return f"sqlite:///{Path(root).resolve()}/gradebook.db?timeout={GRADEBOOK_WAIT_SECONDS:g}"


def book_base_url(root: str | Path) -> str:
    """The site's address, ``html.baseurl`` in the course's _config.yml ('' when unset or unreadable)."""
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


def put_environment_on_path() -> None:
    """nbgrader runs its own scripts (alembic) by name: find them beside this interpreter."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def configure_nbgrader(c: Config, root: str | Path) -> Config:
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from .feedback_exporter import FeedbackExporter
    from .grade_sheet import GradeSheetExport
    from .late import AssignStoredLatePenalties, PenaltyPerDay
    from .preprocessors.forget_unknown_cells import ForgetUnknownCells
    from .preprocessors.remove_score_outputs import RemoveScoreOutputs
    from .preprocessors.remove_stray_hidden_tests import RemoveStrayHiddenTests
    from .preprocessors.restore_deleted_test_cells import RestoreDeletedTestCells
    from .preprocessors.run_hidden_checks import RunHiddenChecks

    put_environment_on_path()
    root = str(Path(root).resolve())
    c.CourseDirectory.root = root
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = SOURCE
    c.CourseDirectory.release_directory = RELEASE
    c.CourseDirectory.submitted_directory = SUBMITTED
    c.CourseDirectory.db_url = gradebook_url(root)
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        DeduplicateIds,
        ForgetUnknownCells,
        RestoreDeletedTestCells,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ]
    # Stock autograde, with Execute (student kernel runs hidden tests) replaced by trusted checks,
    # and the scores' outputs gone once saved.
    c.Autograde.autograde_preprocessors = [
        RunHiddenChecks,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        RemoveScoreOutputs,
        AssignStoredLatePenalties,
        CheckCellMetadata,
    ]
    c.RunHiddenChecks.course_root = root
    # Late work: nbgrader's timestamps and the gradebook's due date; the penalty per day late
    # is the one stored for the assignment (autograder/late.py; none unless the instructor sets it).
    c.AssignStoredLatePenalties.course_root = root
    c.AssignLatePenalties.plugin_class = PenaltyPerDay
    # `nbgrader export` writes the same grade sheet as `python -m autograder export`.
    c.ExportApp.plugin_class = GradeSheetExport
    c.GradeSheetExport.course_root = root
    # Stock feedback shows test cells as the grader restored them, hidden tests included.
    c.GenerateFeedback.preprocessors = [
        GetGrades,
        RemoveStrayHiddenTests,
        ClearHiddenTests,
        CSSHTMLHeaderPreprocessor,
    ]
    c.GenerateFeedback.exporter_class = FeedbackExporter
    return c


def nbgrader_config(root: str | Path, **overrides) -> Config:
    c = configure_nbgrader(Config(), root)
    for dotted, value in overrides.items():
        section, name = dotted.split(".")
        setattr(c[section], name, value)
    return c


def assignments(root: str | Path) -> list[str]:
    """Every assignment that has a source notebook, by name."""
    return sorted(
        p.parent.name for p in Path(root, SOURCE).glob("*/*.ipynb") if p.stem == p.parent.name
    )
