"""How far does round-off move a right L-BFGS's iteration count on the runs the checks draw?

    python benchmarks/lbfgs_iterations.py [--draws N] [--tries K]

The lbfgs checks compare the student's iteration count with the reference's within
`ITERATION_BAND` (autograder/checks/second_order.py). For N draws of every run of every
lbfgs check, and for the short-memory run the check used to draw (one or two pairs on a
quadratic of condition 100 to 300), the reference is run again K times with every
direction perturbed by relative noise (1e-15, about ten times the unit round-off; 1e-13;
1e-11, far beyond what another BLAS kernel or order of additions does), and the largest
change of the count is reported. Prints a Markdown table (lbfgs_iterations.md beside this).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from grading_support import lbfgs_with_noisy_directions, old_short_memory_runs  # noqa: E402

from autograder.checks.second_order import ITERATION_BAND, LBFGS_RUNS  # noqa: E402
from autograder.reference.second_order import lbfgs  # noqa: E402

NOISE = (1e-15, 1e-13, 1e-11)


def count_changes(
    runs_of, draws: int, tries: int, noise: float
) -> dict[str, list[tuple[int, int]]]:
    """For each kind of run, (the reference's count, the largest change under noise) per draw."""
    found = {}
    for draw in range(draws):
        for problem, w0, what, settings in runs_of(np.random.default_rng([draw, 7])):
            kind = what.removeprefix("on ") + "".join(f", {key}" for key in settings)
            if kind == "Rosenbrock" and draw > 0:
                continue  # one fixed run
            exact = lbfgs(problem.loss, problem.grad, w0, **settings)[1]
            changes = [
                lbfgs_with_noisy_directions(problem, w0, noise, 1000 * draw + k, **settings)[1]
                - exact
                for k in range(tries)
            ]
            found.setdefault(kind, []).append((exact, max(changes, key=abs)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--tries", type=int, default=3)
    args = parser.parse_args()
    print("# L-BFGS iteration counts under round-off\n")
    print(
        f"`python benchmarks/lbfgs_iterations.py --draws {args.draws} --tries {args.tries}`: "
        f"{args.draws} draws of every run of every lbfgs check, "
        f"{args.tries} perturbed runs of each; the checks' band is {ITERATION_BAND} iterations.\n"
    )
    print(
        "| check | run | noise | reference's count (min-median-max) "
        "| largest change | draws changed |"
    )
    print("|---|---|---|---|---|---|")
    checks = dict(LBFGS_RUNS, **{"(old) short memory, condition 100-300": old_short_memory_runs})
    for check, runs_of in checks.items():
        for noise in NOISE:
            for kind, rows in count_changes(runs_of, args.draws, args.tries, noise).items():
                counts, changes = np.array(rows).T
                print(
                    f"| {check} | {kind} | {noise:g} "
                    f"| {counts.min()}-{int(np.median(counts))}-{counts.max()} "
                    f"| {np.abs(changes).max()} | {np.count_nonzero(changes)} of {len(rows)} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
