"""Grade every submission of an assignment: scores in the gradebook, feedback, a grades CSV.

For each ``submitted/<student>/<assignment>/`` nbgrader's autograde runs with the trusted
`RunHiddenChecks` step (students are created as needed), then nbgrader's
generate_feedback writes ``feedback/<student>/<assignment>/*.html`` with the hidden
tests removed; finally the whole gradebook is exported with nbgrader's CSV exporter.
One submission that cannot be graded is reported and does not stop the others.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import json

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from traitlets.config import Config

from .course import GRADES_CSV, SOURCE, SUBMITTED, gradebook_url, nbgrader_config
from .release import enter_in_gradebook

# nbgrader 0.9 relies on SQLAlchemy 1.x's cascade of backrefs; under 2.x each save says so.
# Its records are complete either way (the tests read the gradebook back), so silence it.
warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session, add operation along")


@dataclass
class Outcome:
    student: str
    graded: bool
    score: float = 0.0
    max_score: float = 0.0
    problem: str = ""


@dataclass
class GradingRun:
    assignment: str
    outcomes: list[Outcome] = field(default_factory=list)
    csv: Path | None = None


def submission_problem(root: Path, assignment: str, student: str) -> str | None:
    """Why a submission cannot be graded, in words for the instructor; None if it can."""
    folder = Path(root, SUBMITTED, student, assignment)
    for expected in sorted(Path(root, SOURCE, assignment).glob("*.ipynb")):
        path = folder / expected.name
        if not path.is_file():
            found = sorted(p.name for p in folder.glob("*.ipynb"))
            return f"no {expected.name} in the submission" + (f" (found: {', '.join(found)})" if found else "")
        data = path.read_bytes()
        if not data.strip():
            return f"{expected.name} is empty"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            return f"{expected.name} is not UTF-8 text (byte {error.start})"
        try:
            json.loads(text)
        except ValueError as error:
            return f"{expected.name} is not valid JSON ({error})"
        try:
            nbformat.validate(nbformat.reads(text, as_version=4))
        except Exception as error:  # noqa: BLE001 - any reason nbformat refuses it
            return f"{expected.name} is not a valid notebook ({str(error).splitlines()[0][:200]})"
    return None


def submissions(root: Path, assignment: str) -> list[str]:
    return sorted(p.parent.name for p in Path(root, SUBMITTED).glob(f"*/{assignment}") if p.is_dir())


def grade(root: Path, assignment: str, *, students: list[str] | None = None, seed: int | None = None,
          call_timeout: float | None = None, isolate: bool = True, progress=print) -> GradingRun:
    root = Path(root).resolve()
    enter_in_gradebook(root, assignment)
    overrides = {"RunHiddenChecks.isolate": isolate}
    if seed is not None:
        overrides["RunHiddenChecks.seed"] = seed
    if call_timeout is not None:
        overrides["RunHiddenChecks.call_timeout"] = call_timeout
    config = nbgrader_config(root, **overrides)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    run = GradingRun(assignment)
    names = students or submissions(root, assignment)
    for number, student in enumerate(names, start=1):
        progress(f"[{number}/{len(names)}] grading {student}")
        problem = submission_problem(root, assignment, student)
        if problem is not None:
            run.outcomes.append(Outcome(student, False, problem=problem))
            continue
        result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            run.outcomes.append(Outcome(student, False, problem=_last_error(result)))
            continue
        feedback = api.generate_feedback(assignment, student, force=True)
        outcome = _score(root, assignment, student)
        if not feedback["success"]:
            outcome.problem = "graded, but no feedback was written: " + _last_error(feedback)
        run.outcomes.append(outcome)
    run.csv = export_csv(root, config)
    return run


def _score(root: Path, assignment: str, student: str) -> Outcome:
    with Gradebook(gradebook_url(root)) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return Outcome(student, False, problem="no submission recorded in the gradebook")
        return Outcome(student, True, float(submission.score), float(submission.max_score))


def _last_error(result: dict) -> str:
    text = (result.get("error") or result.get("log") or "unknown error").strip()
    return text.splitlines()[-1] if text else "unknown error"


def export_csv(root: Path, config: Config) -> Path:
    path = root / GRADES_CSV
    plugin = CsvExportPlugin(config=config)
    plugin.to = str(path)
    with Gradebook(gradebook_url(root)) as gb:
        plugin.export(gb)
    return path


def summary(run: GradingRun) -> str:
    width = max([len("student")] + [len(o.student) for o in run.outcomes])
    lines = [f"{'student':<{width}}  score", f"{'-' * width}  -----"]
    for o in run.outcomes:
        score = f"{o.score:g} / {o.max_score:g}" if o.graded else "not graded"
        lines.append(f"{o.student:<{width}}  {score}" + (f"  ({o.problem})" if o.problem else ""))
    return "\n".join(lines)
