"""How long grading takes per submission, and where the time goes.

    .venv/bin/python benchmarks/grading.py [N]     # writes grading.md

N: how many copies of the solution are graded (default 10).

Reports the wall time of grading N honest submissions with one worker (`--jobs 1`), and for
one submission: starting the sandboxed student process and running the notebook's code,
then the hidden checks. Needs a machine that can run the sandbox (isolation.can_isolate).
"""

from __future__ import annotations

import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courses import honest_course  # noqa: E402

from autograder.checks import load_registry, run_checks  # noqa: E402
from autograder.grading import grade  # noqa: E402
from autograder.options import GradingOptions  # noqa: E402
from autograder.preprocessors.run_hidden_checks import student_cells  # noqa: E402
from autograder.sandbox.session import SandboxConfig, StudentSession  # noqa: E402

ASSIGNMENT = "gradients"


def time_sandbox(course: Path) -> tuple[float, float, float]:
    """Seconds to start the sandbox and run the notebook's code, of which to start the sandbox
    (until the harness is ready), and for all the hidden checks."""
    nb = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    registry = load_registry(ASSIGNMENT)
    config = SandboxConfig()
    with StudentSession(
        student_cells(nb), config, registry.blocked, registry.returns_new
    ) as student:
        start = time.perf_counter()
        student.ensure_started()
        started = time.perf_counter()
        for checks in registry.groups.values():
            assert all(r.passed for r in run_checks(checks, student, seed=0))
        done = time.perf_counter()
        launch = student.launch_seconds
    return started - start, launch, done - started


def main(n: int) -> None:
    course = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    try:
        honest_course(course, ASSIGNMENT, [f"student{i:03d}" for i in range(n)])
        startup, launch, checks = min(time_sandbox(course) for _ in range(3))
        start = time.perf_counter()
        run = grade(course, ASSIGNMENT, GradingOptions(jobs=1), progress=lambda *_: None)
        total = time.perf_counter() - start
        assert all(o.graded and o.auto_score == o.max_auto_score for o in run.outcomes)
    finally:
        shutil.rmtree(course)
    python = sys.version.split()[0]
    nbgrader_and_rest = total / n - startup - checks
    report = "\n".join(
        [
            "# Grading: time per submission",
            "",
            f"Measured by `benchmarks/grading.py {n}` on {platform.machine()}, Python {python}: "
            f"{n} honest submissions of `{ASSIGNMENT}`, graded one after another.",
            "",
            "| what | seconds |",
            "|---|---|",
            f"| grading all {n} submissions | {total:.2f} |",
            f"| per submission | {total / n:.2f} |",
            f"| of which: start the sandbox and run the notebook's code | {startup:.2f} |",
            "| of which: start the sandbox alone (bubblewrap, until the harness is ready) "
            f"| {launch:.3f} |",
            f"| of which: all hidden checks (calls into the student process) | {checks:.2f} |",
            "| of which: nbgrader (sanitize, gradebook, feedback) and the rest "
            f"| {nbgrader_and_rest:.2f} |",
            "",
        ]
    )
    (Path(__file__).parent / "grading.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
