"""Does every correct solution pass every hidden check, on every seed, wherever it is graded?

    python benchmarks/fairness.py [--seeds N] [ASSIGNMENT ...]

For each assignment, the solution notebook and each alternative correct solution
(tests/alternative_solutions/<assignment>/<style>.py) run in a student process, through
every check on seeds 0..N-1, twice: with the grader's numerical environment (as grading
runs them) and with another (another OpenBLAS kernel, two threads: what other code, another
CPU or another machine's settings change in the last bits), the reference computed in this
process. Prints a Markdown table of failures per notebook and environment, to keep beside
this script (fairness.md). The test suite runs the same sweep on fewer seeds
(tests/test_checks.py).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder.sandbox.numerics import blas_kernel, numerical_environment, other_environment  # noqa: E402
from grading_support import correct_notebook, correct_solutions, sweep_checks  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("assignments", nargs="*")
    args = parser.parse_args()
    environments = {"grader's": numerical_environment(), "other": other_environment()}
    print(f"{args.seeds} seeds; this machine: {platform.machine()}, OpenBLAS kernel {blas_kernel() or '?'}; "
          f"other: OPENBLAS_CORETYPE={environments['other'].get('OPENBLAS_CORETYPE', '(detected)')}, "
          f"{environments['other']['OPENBLAS_NUM_THREADS']} threads\n")
    print("| assignment | solution | environment | failed checks (seeds) | seconds |")
    print("|---|---|---|---|---|")
    for assignment, name in correct_solutions():
        if args.assignments and assignment not in args.assignments:
            continue
        for label, numerics in environments.items():
            started = time.monotonic()
            failed = sweep_checks(assignment, correct_notebook(assignment, name), range(args.seeds), numerics)
            summary = "; ".join(f"{check} ({len(seeds)}: {[s for s, _ in seeds[:5]]})" for check, seeds in failed.items())
            print(f"| {assignment} | {name} | {label} | {summary or 'none'} | {time.monotonic() - started:.0f} |",
                  flush=True)
            for check, seeds in failed.items():
                print(f"<!-- {check}, seed {seeds[0][0]}: {seeds[0][1][:400]!r} -->", flush=True)


if __name__ == "__main__":
    main()
