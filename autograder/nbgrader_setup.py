"""The one nbgrader configuration of the course: its folders, and the grader's steps in nbgrader's.

`configure_nbgrader` is used both by `python -m autograder` (through `nbgrader_api`) and by
the course's nbgrader_config.py, so that plain `nbgrader` commands (and formgrader) grade the
same, trusted way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config

from .course import CODE_STUB, COURSE_ID, RELEASE, SOURCE, SUBMITTED
from .feedback_exporter import FeedbackExporter
from .grade_sheet import GradeSheetExport
from .gradebook import gradebook_url
from .late import AssignStoredLatePenalties, PenaltyPerDay
from .preprocessors.forget_unknown_cells import ForgetUnknownCells
from .preprocessors.remove_score_outputs import RemoveScoreOutputs
from .preprocessors.remove_stray_hidden_tests import RemoveStrayHiddenTests
from .preprocessors.restore_deleted_test_cells import RestoreDeletedTestCells
from .preprocessors.run_hidden_checks import RunHiddenChecks


def put_environment_on_path() -> None:
    """nbgrader runs its own scripts (alembic) by name: find them beside this interpreter."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def configure_nbgrader(c: Config, root: str | Path) -> Config:
    put_environment_on_path()
    root = str(Path(root).resolve())
    c.CourseDirectory.root = root
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.source_directory = SOURCE
    c.CourseDirectory.release_directory = RELEASE
    c.CourseDirectory.submitted_directory = SUBMITTED
    # The course's gradebook wherever it is (gradebook.db, or the database the course names in
    # .autograder/gradebook_url): every nbgrader step and formgrader open it through this.
    c.CourseDirectory.db_url = gradebook_url(root)
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    # A written answer's rubric is a mark-scheme region of its locked question cell, not of an
    # nbgrader task cell (book/instructors.md, "Written answers"): the release cuts it, the
    # gradebook and so formgrader keep it, and the feedback cuts it again (below).
    c.ClearMarkScheme.enforce_metadata = False
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
    # is the one stored for the assignment (late.py; none unless the instructor sets it).
    c.AssignStoredLatePenalties.course_root = root
    c.AssignLatePenalties.plugin_class = PenaltyPerDay
    # `nbgrader export` writes the same grade sheet as `python -m autograder export`.
    c.ExportApp.plugin_class = GradeSheetExport
    c.GradeSheetExport.course_root = root
    # Stock feedback shows test cells as the grader restored them, hidden tests included, and
    # question cells with their rubrics.
    c.GenerateFeedback.preprocessors = [
        GetGrades,
        RemoveStrayHiddenTests,
        ClearHiddenTests,
        ClearMarkScheme,
        CSSHTMLHeaderPreprocessor,
    ]
    c.GenerateFeedback.exporter_class = FeedbackExporter
    return c


def nbgrader_config(root: str | Path, **overrides) -> Config:
    """The course's configuration, with ``overrides`` ({"Section.name": value}) set on top."""
    c = configure_nbgrader(Config(), root)
    for dotted, value in overrides.items():
        section, name = dotted.split(".")
        setattr(c[section], name, value)
    return c


def nbgrader_api(root: str | Path, **overrides) -> NbGraderAPI:
    """nbgrader's API on the course, configured by `nbgrader_config`."""
    config = nbgrader_config(root, **overrides)
    return NbGraderAPI(CourseDirectory(config=config), config=config)
