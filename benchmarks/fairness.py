"""Does every correct solution pass every hidden check, on every seed, wherever it is graded?

    python benchmarks/fairness.py [--seeds N] [ASSIGNMENT ...]
    python benchmarks/fairness.py --gradings N [ASSIGNMENT ...]

For each assignment, the solution notebook and each alternative correct solution
(tests/alternative_solutions/<assignment>/<style>.py) run in a student process, through
every check on seeds 0..N-1, twice: with the grader's numerical environment (as grading
runs them) and with another (another OpenBLAS kernel, two threads: what other code, another
CPU or another machine's settings change in the last bits), the reference computed in this
process. Prints a Markdown table of failures per notebook and environment, to keep beside
this script (fairness.md). The test suite runs the same sweep on fewer seeds
(tests/test_checks.py).

With ``--gradings N``, every correct solution is submitted to a course and graded N times as
the instructor's command grades it (`autograder.grading.grade`, the function behind `python
-m autograder grade ASSIGNMENT --force`: a fresh seed each time), in this process's
environment; every score short of full marks is listed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from grading_support import (  # noqa: E402
    correct_notebook,
    correct_solutions,
    submit_correct_solutions,
    sweep_checks,
)

from autograder.grading import grade  # noqa: E402
from autograder.options import GradingOptions  # noqa: E402
from autograder.sandbox.numerics import (  # noqa: E402
    blas_kernel,
    numerical_environment,
    other_environment,
)


def gradings(count: int, wanted: list[str]) -> None:
    """Grade every correct solution ``count`` times with fresh seeds; print what fell short."""
    short, graded = [], 0
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        students = submit_correct_solutions(course, wanted)
        kernel = blas_kernel() or "?"
        variables = [f"{k}={v}" for k, v in numerical_environment().items() if "THREADS" not in k]
        print(
            f"{count} gradings of {sum(map(len, students.values()))} correct solutions; "
            f"OpenBLAS kernel {kernel}, {' '.join(variables) or 'no variables'}"
        )
        started = time.monotonic()
        for grading in range(count):
            for assignment in sorted(students):
                run = grade(course, assignment, GradingOptions(force=True))
                for outcome in run.outcomes:
                    graded += 1
                    if not outcome.graded or outcome.score != outcome.max_score:
                        short.append(
                            (
                                grading,
                                assignment,
                                outcome.student,
                                outcome.score,
                                outcome.max_score,
                                outcome.problem,
                            )
                        )
            print(
                f"grading {grading + 1}: {graded} scores so far, {len(short)} short, "
                f"{time.monotonic() - started:.0f} s",
                flush=True,
            )
    print(
        f"\n{graded} scores, {len(short)} short of full marks"
        + "".join(f"\n  {row}" for row in short)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--gradings", type=int, default=0)
    parser.add_argument("assignments", nargs="*")
    args = parser.parse_args()
    if args.gradings:
        return gradings(args.gradings, args.assignments)
    environments = {"grader's": numerical_environment(), "other": other_environment()}
    print("# Every correct solution through every check\n")
    print(
        f"`python benchmarks/fairness.py --seeds {args.seeds}`: {args.seeds} seeds; "
        f"this machine: {platform.machine()}, OpenBLAS kernel {blas_kernel() or '?'}; "
        "other: OPENBLAS_CORETYPE="
        f"{environments['other'].get('OPENBLAS_CORETYPE', '(detected)')}, "
        f"{environments['other']['OPENBLAS_NUM_THREADS']} threads\n"
    )
    print("| assignment | solution | environment | failed checks (seeds) | seconds |")
    print("|---|---|---|---|---|")
    for assignment, name in correct_solutions():
        if args.assignments and assignment not in args.assignments:
            continue
        for label, numerics in environments.items():
            started = time.monotonic()
            failed = sweep_checks(
                assignment, correct_notebook(assignment, name), range(args.seeds), numerics
            )
            summary = "; ".join(
                f"{check} ({len(seeds)}: {[s for s, _ in seeds[:5]]})"
                for check, seeds in failed.items()
            )
            seconds = time.monotonic() - started
            print(
                f"| {assignment} | {name} | {label} | {summary or 'none'} | {seconds:.0f} |",
                flush=True,
            )
            for check, seeds in failed.items():
                print(f"<!-- {check}, seed {seeds[0][0]}: {seeds[0][1][:400]!r} -->", flush=True)


if __name__ == "__main__":
    main()
