"""RunHiddenChecks: nbgrader's autograde step, with the verdict decided outside the student's
process.

It takes the place of nbgrader's `Execute` in `Autograde.autograde_preprocessors`
(see nbgrader_setup.py). Stock nbgrader runs the hidden tests in the student's own
kernel, where an answer cell can patch `assert`, numpy or the traceback machinery. Here
the notebook's code runs in a sandboxed process that only answers calls with plain
data; the checks registered for each autograded test cell (autograder/checks/) run in
the grader and compare those answers with the hidden reference on problems drawn from
a seed chosen now.

Each test cell then gets outputs that nbgrader's own `SaveAutoGrades` turns into a
score: a report of its checks, and the cell's partial credit as the cell's result.
The test cell's source (visible tests and the hidden-tests marker) is never run.

Time limits, each named in the feedback when it is hit: the notebook's code runs first,
before any check, under ``setup_timeout`` alone, and again under it whenever a failed call
restarts the student process; one call runs under ``call_timeout``; one check's calls
together under ``check_timeout``, which the notebook's code never counts against; all the
checks of a submission under ``submission_timeout``, counted from the end of the first run
of the notebook's code, re-runs included. The course's solution notebooks run their code
in under 1 s and their checks in under 0.2 s all told, on one core or two workers at once
(benchmarks/notebook_setup.md): the defaults leave 60 times that and more, for students'
own extra cells, slower code and slower machines.

A submission whose student process the machine, not its code, stopped (a sandbox that
cannot start, a process killed from outside; sandbox/session.py) is not scored:
`InfrastructureError` leaves this step, so nbgrader's autograde of it fails and it stays
not graded, with the reason, for a later run.

The graded notebook's metadata keeps the seed of its problems and the seconds its grading
waited for the student's code (`student_seconds`): the grader's own overhead is the rest.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import fields
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer, Unicode

from ..checks import load_registry, run_checks, score
from ..course import book_base_url, book_section
from ..options import GradingOptions, described, grading_option, sentence
from ..records import AssignmentLock
from ..report import cell_report
from ..sandbox.isolation import IsolationError, Limits, can_isolate
from ..sandbox.session import SandboxConfig, StudentCallFailed, StudentSession


def is_test_cell(cell) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def student_cells(nb) -> list[dict]:
    """The code the student's process runs: every code cell but the autograded test cells."""
    cells = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and not is_test_cell(cell):
            name = cell.metadata.get("nbgrader", {}).get("grade_id")
            cells.append(
                {"label": f"cell {index}" + (f" ({name})" if name else ""), "source": cell.source}
            )
    return cells


def configurable(trait_type, name: str):
    """A configurable trait for the grading option ``name``, with its default and help."""
    option = grading_option(name)
    return trait_type(
        option.default, allow_none=option.default is None, help=sentence(described(option))
    ).tag(config=True)


class RunHiddenChecks(NbGraderPreprocessor):
    call_timeout = configurable(Float, "call_timeout")
    check_timeout = configurable(Float, "check_timeout")
    submission_timeout = configurable(Float, "submission_timeout")
    setup_timeout = configurable(Float, "setup_timeout")
    memory_mb = configurable(Integer, "memory_mb")
    isolate = configurable(Bool, "isolate")
    seed = configurable(Integer, "seed")
    course_root = Unicode(".", help="The course directory (its lock and records).").tag(
        config=True
    )
    take_assignment_lock = Bool(
        True,
        help="Wait for the course's lock of the assignment and hold it while "
        "grading a notebook, so that no other grading run grades the "
        "assignment meanwhile (`python -m autograder grade` holds it for "
        "its whole run and turns this off in its workers).",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        """Score every autograded test cell; InfrastructureError (the submission not graded) when
        the grading machine, not the student's code, stopped the student process."""
        if self.isolate and (reason := can_isolate()):
            raise IsolationError(reason)
        assignment = resources["nbgrader"]["assignment"]
        if not self.take_assignment_lock:
            return self._score_cells(nb, resources, assignment)

        def waiting(holder: str) -> None:
            self.log.warning("Waiting: %s is being graded by %s", assignment, holder)

        with AssignmentLock(Path(self.course_root), assignment, wait=True, on_wait=waiting):
            return self._score_cells(nb, resources, assignment)

    def _score_cells(self, nb, resources, assignment: str):
        registry = load_registry(assignment)
        seed = self.seed if self.seed is not None else secrets.randbits(63)
        config = SandboxConfig(
            limits=Limits(memory_bytes=self.memory_mb * 1024**2),
            call_timeout=self.call_timeout,
            setup_timeout=self.setup_timeout,
            isolate=self.isolate,
        )
        self.log.info(
            "Running hidden checks for %s/%s (seed %d)",
            resources["nbgrader"]["student"],
            assignment,
            seed,
        )
        base_url = book_base_url(self.course_root)
        limit = f"the hidden checks of a submission may take {self.submission_timeout:g} s in all"
        with StudentSession(
            student_cells(nb), config, registry.blocked, registry.returns_new
        ) as student:
            try:
                student.ensure_started()  # the notebook's code, under setup_timeout alone
            except StudentCallFailed:
                pass  # every call fails with student.setup_failure; every check's feedback says it
            student.limit_total_time(time.monotonic() + self.submission_timeout, limit)
            for cell in nb.cells:
                if not is_test_cell(cell):
                    continue
                grade_id = cell.metadata.nbgrader["grade_id"]
                checks = registry.groups.get(grade_id)
                if not checks:
                    raise KeyError(
                        f"no hidden checks are registered for grade cell {grade_id!r} "
                        f"of {assignment} (autograder/checks/{assignment}.py)"
                    )
                # The session's deadline, as it moves later by time lost to kills from outside.
                deadline = student.total[0]
                results = run_checks(checks, student, seed, self.check_timeout, deadline, limit)
                anchor = registry.section_for(grade_id, results)
                section = book_section(base_url, assignment, anchor) if anchor else None
                points = float(cell.metadata.nbgrader["points"])
                earned = score(results, points)
                cell.outputs = [
                    nbformat.v4.new_output(
                        "stream",
                        name="stdout",
                        text=cell_report(results, earned, points, student.cell_errors, section),
                    ),
                    nbformat.v4.new_output(
                        "execute_result", data={"text/plain": repr(earned)}, execution_count=None
                    ),
                ]
            waited = student.student_seconds
        nb.metadata["autograder"] = {"seed": str(seed), "student_seconds": waited}
        return nb, resources


def configuration(options: GradingOptions) -> dict[str, object]:
    """What ``options`` set of RunHiddenChecks, as nbgrader's configuration ("Section.name")."""
    settable = RunHiddenChecks.class_trait_names(config=True)
    return {
        f"RunHiddenChecks.{option.name}": getattr(options, option.name)
        for option in fields(options)
        if option.name in settable
    }


def student_seconds(notebook) -> float:
    """Seconds the grading of an autograded notebook waited for the student's code."""
    return float(notebook.metadata.get("autograder", {}).get("student_seconds", 0.0))
