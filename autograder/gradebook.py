"""nbgrader's gradebook of the course: every read and write the grader makes of it.

The gradebook is SQLite's ``gradebook.db`` at the course's root, unless the course names another
database in ``.autograder/gradebook_url`` (`GRADEBOOK_URL_FILE`): a PostgreSQL server that
several graders share. That file is the one place the choice is made: `gradebook_url` reads it,
and every tool on the course gets its URL from there (``python -m autograder``, and plain
``nbgrader`` and formgrader through nbgrader_setup.py's ``CourseDirectory.db_url``).

nbgrader's own steps (autograde, generate_assignment, feedback, formgrader) keep their own
sessions; what the grader itself asks of the gradebook or tells it is here: where it is, its
students, an assignment's due date, what it holds of a submission (scores, manual grades),
how the students did on each test cell, the entries of the grade sheet, and the cells of a
source notebook. Each function opens a session of its own and closes it before it returns, so
that no connection stays open (grading forks its workers with none).
"""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbgrader.api
import tornado.log
from alembic.script import ScriptDirectory
from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from nbgrader.dbutil import ALEMBIC_DIR
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url

from .course import COURSE_ID

GRADEBOOK = "gradebook.db"  # the embedded default, at the course's root
# The database of a course whose gradebook is elsewhere: one SQLAlchemy URL in this file (under
# the course's root; git ignores .autograder/, so a password written in it is never committed).
GRADEBOOK_URL_FILE = Path(".autograder", "gradebook_url")
# The driver of a PostgreSQL URL that names none (requirements.txt pins it).
POSTGRESQL_DRIVER = "postgresql+psycopg"


@functools.cache
def gradebook_schema_version() -> str:
    """The newest revision of nbgrader's gradebook schema, which every new gradebook is stamped
    with, read in this process.

    nbgrader reads it by starting the `alembic` command in a new Python process
    (nbgrader.api.get_alembic_version), once for every new gradebook; this reads the same
    migration scripts without one."""
    return ScriptDirectory(ALEMBIC_DIR).get_current_head()


nbgrader.api.get_alembic_version = gradebook_schema_version

# Parallel graders write to the gradebook at once: a writer waits this long for the others
# (SQLite's busy timeout; PostgreSQL's lock timeout) before its submission is reported as not
# graded, for a later run.
GRADEBOOK_WAIT_SECONDS = 60
# What a database says when a writer waited `GRADEBOOK_WAIT_SECONDS` in vain: SQLite, PostgreSQL.
LOCKED_MESSAGES = ("database is locked", "canceling statement due to lock timeout")


def configured_gradebook_url(root: str | Path) -> URL | None:
    """The database that the course's `GRADEBOOK_URL_FILE` names (its first line that is neither
    blank nor a ``#`` comment); None when it names none. ``postgresql://`` means the pinned driver
    (`POSTGRESQL_DRIVER`)."""
    try:
        lines = Path(root, GRADEBOOK_URL_FILE).read_text().splitlines()
    except FileNotFoundError:
        return None
    named = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    if not named:
        return None
    url = make_url(named[0])
    if url.drivername == "postgresql":
        url = url.set(drivername=POSTGRESQL_DRIVER)
    return url


def gradebook_url(root: str | Path) -> str:
    """Where nbgrader's gradebook of the course at ``root`` lives, as nbgrader's ``db_url``: the
    database `GRADEBOOK_URL_FILE` names, or else ``gradebook.db`` at the root; in either, a writer
    waits `GRADEBOOK_WAIT_SECONDS` for the others."""
    url = configured_gradebook_url(root)
    if url is None:
        return f"sqlite:///{Path(root).resolve()}/{GRADEBOOK}?timeout={GRADEBOOK_WAIT_SECONDS:g}"
    if url.get_backend_name() == "postgresql" and "options" not in url.query:
        # libpq's options: every statement of the session waits this long for a lock.
        url = url.update_query_dict({"options": f"-c lock_timeout={GRADEBOOK_WAIT_SECONDS:g}s"})
    return url.render_as_string(hide_password=False)


def gradebook_location(root: str | Path) -> str:
    """The gradebook's place in words for the instructor (never with a password)."""
    url = configured_gradebook_url(root)
    return GRADEBOOK if url is None else url.render_as_string(hide_password=True)


def gradebook_exists(root: str | Path) -> bool:
    """Does the course's gradebook hold nbgrader's tables yet?"""
    if configured_gradebook_url(root) is None:
        return Path(root, GRADEBOOK).exists()
    engine = create_engine(gradebook_url(root))
    try:
        return inspect(engine).has_table("alembic_version")
    finally:
        engine.dispose()


def open_gradebook(root: str | Path) -> Gradebook:
    """A session with the course's gradebook (a context manager that closes it)."""
    # The course nbgrader's own steps name (nbgrader_setup.py), which the first release enters
    # in the gradebook: with another, each session would enter that one as well, and two
    # graders entering it at once collide.
    return Gradebook(gradebook_url(root), COURSE_ID)


def add_student(root: str | Path, student: str) -> None:
    """Enter ``student`` in the gradebook (nothing changes if they are in it already)."""
    add_students(root, [student])


def add_students(root: str | Path, students: list[str]) -> None:
    """Enter ``students`` in the gradebook (those in it already stay as they are).

    Another grader may enter the same student at the same moment (a run of another assignment,
    with the same students): the database refuses the second entry, which then finds the
    student entered; nbgrader's own autograde would fail on it instead."""
    with open_gradebook(root) as gb, _quiet(tornado.log.app_log):
        for student in students:
            try:
                gb.update_or_create_student(student)
            except InvalidEntry as refused:
                try:
                    gb.find_student(student)  # entered by the other grader (rolled back here)
                except MissingEntry:
                    raise refused from None


@contextmanager
def _quiet(logger: logging.Logger):
    """``logger`` silent while the block runs: nbgrader logs the refused entry of a student that
    another grader entered first with its traceback, as an error, which it is not here."""
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def set_due_date(root: str | Path, assignment: str, due: datetime) -> None:
    """Store the due date, where nbgrader computes lateness from it (naive UTC)."""
    with open_gradebook(root) as gb:
        gb.update_or_create_assignment(
            assignment, duedate=due.astimezone(UTC).replace(tzinfo=None)
        )


def due_date(root: str | Path, assignment: str) -> datetime | None:
    """The assignment's due date (naive UTC), None when it has none."""
    with open_gradebook(root) as gb:
        return gb.find_assignment(assignment).duedate


@dataclass(frozen=True)
class Submission:
    """What the gradebook holds of one submission of an assignment.

    Its grade cells are of two kinds: the autograded test cells, which the hidden checks score,
    and the manually graded answers (written answers: grade cells that are also answer cells),
    which an instructor scores in formgrader. nbgrader scores an answer left as released 0
    ("no response") and leaves any other without a score until it is graded by hand
    (`is_pending`): ``manual_pending``, which is not a zero."""

    timestamp: datetime | None  # when it was submitted, by nbgrader's timestamp.txt
    score: float  # before the late penalty (the manual part pending counts nothing)
    max_score: float
    late_penalty: float  # points taken for lateness
    seconds_late: float  # after the due date
    unscored: list[str]  # the autograded cells that hold no score
    has_notebooks: bool  # false until a grading entered its notebooks
    needs_manual_grade: bool  # a cell is flagged for manual grading in formgrader
    auto_score: float = 0.0  # of the autograded cells
    max_auto_score: float = 0.0
    manual_score: float = 0.0  # of the manually graded cells that hold a score
    max_manual_score: float = 0.0
    manual_pending: list[str] = field(default_factory=list)  # manual cells not graded yet


def manual_cells(notebook) -> set[str]:
    """The names of a source notebook's (nbgrader ``Notebook``) manually graded cells: its grade
    cells that are also answer cells, which nbgrader leaves to a grader's hand."""
    answers = {cell.name for cell in notebook.solution_cells}
    return {cell.name for cell in notebook.grade_cells if cell.name in answers}


def is_pending(grade) -> bool:
    """A grade (nbgrader ``Grade``) that awaits a grader's hand: neither the autograder nor a
    grader scored it (nbgrader's ``score`` then reads 0, which it is not)."""
    return grade.auto_score is None and grade.manual_score is None


def _submission(gb: Gradebook, assignment: str, student: str) -> Submission | None:
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return None
    grades = [
        (grade, grade.name in manual_cells(notebook.notebook))
        for notebook in submission.notebooks
        for grade in notebook.grades
    ]

    def total(manual: bool, what: str) -> float:
        values = [
            getattr(g, what)
            for g, is_manual in grades
            if is_manual == manual and not is_pending(g)
        ]
        return float(sum(value for value in values if value is not None))

    def max_total(manual: bool) -> float:
        return float(sum(g.max_score for g, is_manual in grades if is_manual == manual))

    return Submission(
        timestamp=submission.timestamp,
        score=float(submission.score),
        max_score=float(submission.max_score),
        late_penalty=float(submission.late_submission_penalty or 0.0),
        seconds_late=float(submission.total_seconds_late or 0.0),
        unscored=[g.name for g, manual in grades if not manual and g.score is None],
        has_notebooks=bool(submission.notebooks),
        needs_manual_grade=bool(submission.needs_manual_grade),
        auto_score=total(False, "score"),
        max_auto_score=max_total(False),
        manual_score=total(True, "score"),
        max_manual_score=max_total(True),
        manual_pending=[g.name for g, manual in grades if manual and is_pending(g)],
    )


def find_submission(root: str | Path, assignment: str, student: str) -> Submission | None:
    """What the gradebook holds of a student's submission; None if it holds none."""
    with open_gradebook(root) as gb:
        return _submission(gb, assignment, student)


def test_cell_scores(root: str | Path, assignment: str, student: str) -> dict[str, float]:
    """The score of each autograded test cell of a submission, by grade id (the written answers,
    graded by hand, are not among them); empty when the gradebook holds no such submission."""
    with open_gradebook(root) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return {
            grade.name: float(grade.score)
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.cell.cell_type == "code" and grade.name not in manual_cells(notebook.notebook)
        }


def manual_grades(root: str | Path, assignment: str, student: str) -> dict[str, float]:
    """The cells of a submission that an instructor graded by hand, and their manual scores."""
    with open_gradebook(root) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return {
            grade.name: float(grade.manual_score)
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.manual_score is not None
        }


@dataclass
class CellSummary:
    """How the graded students did on one grade cell: an autograded test cell, or a manually
    graded answer (``manual``), whose answers not graded yet are ``pending``."""

    grade_id: str
    max_score: float
    full: int = 0
    partial: int = 0
    zero: int = 0
    manual: bool = False
    pending: int = 0


def cell_summary(root: str | Path, assignment: str, students: list[str]) -> list[CellSummary]:
    """For every grade cell, in notebook order: how many of ``students`` got full, partial and
    no points (and, for a manually graded answer, how many await grading)."""
    cells: dict[str, CellSummary] = {}
    with open_gradebook(root) as gb:
        for notebook in gb.find_assignment(assignment).notebooks:
            manual = manual_cells(notebook)
            for cell in notebook.grade_cells:
                if cell.cell_type == "code" or cell.name in manual:
                    cells[cell.name] = CellSummary(
                        cell.name, float(cell.max_score), manual=cell.name in manual
                    )
        for student in students:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cell = cells.get(grade.name)
                    if cell is not None and cell.manual and is_pending(grade):
                        cell.pending += 1
                    elif cell is not None:
                        score = float(grade.score)
                        if score >= cell.max_score:
                            cell.full += 1
                        elif score > 0:
                            cell.partial += 1
                        else:
                            cell.zero += 1
    return list(cells.values())


@dataclass(frozen=True)
class SheetEntry:
    """One student and one assignment of the gradebook: a row of the grade sheet, as stored."""

    assignment: str
    duedate: datetime | None
    max_score: float
    student_id: str
    last_name: str | None
    first_name: str | None
    email: str | None
    submission: Submission | None  # None when the gradebook holds none
    max_manual_score: float = 0.0  # of the assignment's manually graded cells


def max_manual_score(assignment) -> float:
    """The points of an assignment's (nbgrader ``Assignment``) manually graded cells."""
    return float(
        sum(
            cell.max_score
            for notebook in assignment.notebooks
            for cell in notebook.grade_cells
            if cell.name in manual_cells(notebook)
        )
    )


def sheet_entries(
    gb: Gradebook, assignments: list[str] | None = None, students: list[str] | None = None
) -> list[SheetEntry]:
    """Every (assignment, student) of the open gradebook ``gb`` (only the named ``assignments``
    and ``students``, when given), in nbgrader's order: assignments by due date (none first) and
    name, students by last and first name (none first) and id, whatever the database."""
    # nbgrader's own order leaves ties to the database (SQLite: as entered; PostgreSQL: any) and
    # puts a missing name or date first in SQLite, last in PostgreSQL.
    in_order = sorted(
        gb.assignments, key=lambda a: (a.duedate is not None, a.duedate or datetime.min, a.name)
    )
    students_in_order = sorted(
        gb.students, key=lambda s: (s.last_name or "", s.first_name or "", s.id)
    )
    entries = []
    for assignment in in_order:
        if assignments and assignment.name not in assignments:
            continue
        manual_points = max_manual_score(assignment)
        for student in students_in_order:
            if students and student.id not in students:
                continue
            entries.append(
                SheetEntry(
                    assignment.name,
                    assignment.duedate,
                    assignment.max_score,
                    student.id,
                    student.last_name,
                    student.first_name,
                    student.email,
                    _submission(gb, assignment.name, student.id),
                    manual_points,
                )
            )
    return entries


def read_sheet_entries(root: str | Path) -> list[SheetEntry]:
    """Every (assignment, student) of the course's gradebook, in `sheet_entries`' order."""
    with open_gradebook(root) as gb:
        return sheet_entries(gb)


@dataclass(frozen=True)
class SourceCells:
    sources: dict[str, str]  # every cell nbgrader tracks, by grade id: its source
    test_points: dict[str, float]  # the autograded test cells, by grade id: their points


def source_cells(resources) -> SourceCells | None:
    """The cells of the source notebook that nbgrader is processing (``resources``: its
    resources), as the gradebook holds them; None if it holds none: what a submission's cells
    are checked against."""
    info = resources["nbgrader"]
    with Gradebook(info["db_url"], COURSE_ID) as gb:
        try:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
        except MissingEntry:
            return None
        sources = {cell.name: cell.source for cell in notebook.source_cells}
        tests = {
            cell.name: float(cell.max_score)
            for cell in notebook.grade_cells
            if cell.cell_type == "code" and cell.name in sources
        }
    return SourceCells(sources, tests)


def autograded_grades(root: str | Path, assignment: str, student: str) -> dict | None:
    """What an autograde of a submission wrote into the gradebook, as plain data (None when it
    holds no submission): its timestamp (ISO, naive UTC, or None) and, for each notebook, each
    grade cell's automatic score and whether it needs a grader's hand, and each answer cell's
    automatic comment. What a worker of a cluster sends back (cluster.py); `save_autograded`
    writes it into another gradebook."""
    with open_gradebook(root) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
            "notebooks": {
                notebook.name: {
                    "grades": {
                        grade.name: [grade.auto_score, bool(grade.needs_manual_grade)]
                        for grade in notebook.grades
                    },
                    "comments": {
                        comment.name: comment.auto_comment for comment in notebook.comments
                    },
                }
                for notebook in submission.notebooks
            },
        }


def save_autograded(root: str | Path, assignment: str, student: str, grades: dict) -> None:
    """Write into the course's gradebook what `autograded_grades` read from another (where the
    submission was autograded), as nbgrader's autograde would have: the student and the
    submission entered as needed, the timestamp replaced when there is one, the automatic
    scores and comments replaced, the manual scores kept."""
    with open_gradebook(root) as gb:
        gb.update_or_create_student(student)
        stamp = grades["timestamp"]
        gb.update_or_create_submission(
            assignment, student, **({"timestamp": datetime.fromisoformat(stamp)} if stamp else {})
        )
        for notebook, entries in grades["notebooks"].items():
            for name, (auto_score, flagged) in entries["grades"].items():
                grade = gb.find_grade(name, notebook, assignment, student)
                grade.auto_score = auto_score
                # nbgrader's SaveAutoGrades also flags a cell graded by hand before, which the
                # other gradebook could not know of.
                grade.needs_manual_grade = flagged or grade.manual_score is not None
            for name, auto_comment in entries["comments"].items():
                gb.find_comment(name, notebook, assignment, student).auto_comment = auto_comment
        gb.db.commit()


def enter_manual_grades(
    root: str | Path, assignment: str, student: str, scores: dict[str, float]
) -> None:
    """Enter a student's submission holding these manual scores (cell name: score, as
    `manual_grades` reads them from another gradebook), so that an autograde here keeps them and
    flags them for review as it would there."""
    with open_gradebook(root) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.name in scores:
                    grade.manual_score = scores[grade.name]
        gb.db.commit()
