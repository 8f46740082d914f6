"""How long each solution notebook's code takes to run in the sandbox, and its checks' calls.

    .venv/bin/python benchmarks/notebook_setup.py [REPEATS]     # writes notebook_setup.md

REPEATS: how many times each notebook's code runs alone (default 3).

For every assignment, the solution notebook (solutions/<name>/<name>.ipynb) runs in a
sandboxed student process as grading runs it: the time of its notebook's code (the
session's "run" request: start the process, run every code cell but the test cells) is
taken REPEATS times alone, and REPEATS times with two notebooks running at once (as two
grading workers do). Then every hidden check runs once: the slowest call, the slowest
check (all its calls) and all the checks together. The limits of RunHiddenChecks
(setup_timeout, call_timeout, check_timeout, submission_timeout) are set from these
numbers with a wide margin; the report says how wide. Needs a machine that can run the sandbox.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from grading_support import correct_notebook  # noqa: E402

from autograder.checks import load_registry, run_checks  # noqa: E402
from autograder.course import assignments  # noqa: E402
from autograder.options import GradingOptions  # noqa: E402
from autograder.preprocessors.run_hidden_checks import student_cells  # noqa: E402
from autograder.sandbox.session import SandboxConfig, StudentSession  # noqa: E402


def session(assignment: str) -> StudentSession:
    registry = load_registry(assignment)
    return StudentSession(
        student_cells(correct_notebook(assignment, "solution")), SandboxConfig(), registry.blocked
    )


def setup_seconds(assignment: str) -> float:
    """The time of one run of the notebook's code, in a fresh student process."""
    with session(assignment) as student:
        started = time.perf_counter()
        student.ensure_started()
        seconds = time.perf_counter() - started
        if student.cell_errors:
            raise RuntimeError(f"{assignment}: the solution's cells raised {student.cell_errors}")
    return seconds


class TimedStudent:
    """A session whose calls are timed."""

    def __init__(self, student: StudentSession) -> None:
        self.student, self.slowest_call = student, 0.0

    def limit_time(self, *args) -> None:
        self.student.limit_time(*args)

    def call(self, name, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.student.call(name, *args, **kwargs)
        finally:
            self.slowest_call = max(self.slowest_call, time.perf_counter() - started)


def check_seconds(assignment: str) -> tuple[float, float, float]:
    """The slowest call, the slowest check and all the checks, on the solution notebook."""
    registry = load_registry(assignment)
    slowest_check = 0.0
    with session(assignment) as student:
        student.ensure_started()
        timed = TimedStudent(student)
        started = time.perf_counter()
        for checks in registry.groups.values():
            for index, check in enumerate(checks):
                check_started = time.perf_counter()
                results = run_checks([check], timed, seed=index)
                slowest_check = max(slowest_check, time.perf_counter() - check_started)
                failed = [r.message for r in results if not r.passed]
                if failed:
                    raise RuntimeError(f"{assignment}: the solution fails a check: {failed}")
        return timed.slowest_call, slowest_check, time.perf_counter() - started


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    cores = len(os.sched_getaffinity(0))
    return f"{model}, {cores} cores, {platform.machine()}, Python {sys.version.split()[0]}"


def main(repeats: int) -> None:
    names = assignments(ROOT)
    alone = {name: [setup_seconds(name) for _ in range(repeats)] for name in names}
    with ProcessPoolExecutor(
        max_workers=2
    ) as pool:  # two notebooks at once, as two grading workers
        together = {name: list(pool.map(setup_seconds, [name] * (2 * repeats))) for name in names}
    calls = {name: check_seconds(name) for name in names}

    defaults = {
        name: getattr(GradingOptions(), name)
        for name in ("setup_timeout", "call_timeout", "check_timeout", "submission_timeout")
    }
    slowest_setup = max(max(alone[n] + together[n]) for n in names)
    slowest_call = max(calls[n][0] for n in names)
    slowest_check = max(calls[n][1] for n in names)
    slowest_checks = max(calls[n][2] for n in names)
    lines = [
        "# The notebooks' code and the checks' calls: time in the sandbox",
        "",
        f"Measured by `benchmarks/notebook_setup.py {repeats}` on "
        f"{datetime.date.today().isoformat()}, "
        f"{machine()}: each solution notebook's code (start the student process, run the cells), "
        f"{repeats} times alone and {2 * repeats} times two at once; then every hidden check once "
        "(warm caches; a cold first start after boot takes longer).",
        "",
        "| assignment | notebook's code alone, s (min-max) | two at once, s (max) "
        "| slowest call, s | slowest check, s | all checks, s |",
        "|---|---|---|---|---|---|",
        *(
            f"| {n} | {min(alone[n]):.2f}-{max(alone[n]):.2f} | {max(together[n]):.2f} "
            f"| {calls[n][0]:.3f} | {calls[n][1]:.3f} | {calls[n][2]:.2f} |"
            for n in names
        ),
        "",
        "Defaults of RunHiddenChecks against the slowest measured:",
        "",
        "| limit | default, s | slowest measured, s | margin |",
        "|---|---|---|---|",
        *(
            f"| {limit} ({what}) | {defaults[limit]:g} | {slowest:.{digits}f} "
            f"| {defaults[limit] / slowest:.0f}x |"
            for limit, what, slowest, digits in (
                ("setup_timeout", "the notebook's code, each run", slowest_setup, 2),
                ("call_timeout", "one call", slowest_call, 3),
                ("check_timeout", "one check's calls", slowest_check, 3),
                ("submission_timeout", "all checks, after the notebook's code", slowest_checks, 2),
            )
        ),
        "",
    ]
    report = "\n".join(lines)
    (Path(__file__).parent / "notebook_setup.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
