"""This course's grader against stock nbgrader, on the same submissions, in one run.

    .venv/bin/python benchmarks/grading_vs_nbgrader.py [ASSIGNMENT] [--submissions 20] [--jobs N]
        [--rounds 5]

Two fresh course directories get the same honest submissions (the solution notebook,
once per student). Stock nbgrader (its own default configuration: every notebook
executed in a Jupyter kernel, the tests run there) grades one with
``nbgrader autograde``; this course grades the other with ``python -m autograder grade``
(hidden checks in sandboxed processes, ``--jobs`` workers, feedback and the grades CSV
included). Both are timed as the commands an instructor types, start-up included. The
scores of every student must agree. Both courses have the assignment released (entered
in the gradebook) before the timed command, as an instructor's would. The two take turns
for ``--rounds`` rounds, on fresh courses each time, and the medians are compared: stock
nbgrader's time varies by half from one run to the next on a shared machine. Per-submission
time is split into the time spent waiting for the student's code and the grader's own
overhead. Writes the numbers beside this script (grading_vs_nbgrader.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courses import honest_course  # noqa: E402

from autograder.records import read_record  # noqa: E402
from dev import venv_env  # noqa: E402  (the environment dev.py runs the project in)

STOCK_CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.course_id = "benchmark"
"""


def scores(gradebook: Path, assignment: str) -> dict[str, float]:
    query = (
        "select submitted_assignment.student_id, "
        "sum(coalesce(grade.manual_score, grade.auto_score)) "
        "from grade join submitted_notebook on grade.notebook_id = submitted_notebook.id "
        "join submitted_assignment on submitted_notebook.assignment_id = submitted_assignment.id "
        "join assignment on submitted_assignment.assignment_id = assignment.id "
        "where assignment.name = ? group by submitted_assignment.student_id"
    )
    with sqlite3.connect(gradebook) as db:
        return {student: float(score) for student, score in db.execute(query, (assignment,))}


def autograder(course: Path, *args: str) -> list[str]:
    """The command ``python -m autograder ARGS`` on ``course``."""
    return [sys.executable, "-m", "autograder", "--root", str(course), *args]


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=venv_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("assignment", nargs="?", default="adaptive")
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument(
        "--jobs", type=int, default=None, help="this grader's workers (default: one per core)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="times each grader grades (medians are compared)"
    )
    args = parser.parse_args()
    students = [f"student{k:03d}" for k in range(args.submissions)]
    jobs = args.jobs or len(os.sched_getaffinity(0))

    stock_times, our_times = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            stock = honest_course(Path(scratch, "stock"), args.assignment, students)
            (stock / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(stock)))
            timed(
                [
                    sys.executable,
                    "-m",
                    "nbgrader",
                    "generate_assignment",
                    args.assignment,
                    "--force",
                ],
                stock,
            )
            stock_times.append(
                timed(
                    [sys.executable, "-m", "nbgrader", "autograde", args.assignment, "--force"],
                    stock,
                )
            )
            stock_scores = scores(stock / "gradebook.db", args.assignment)

            ours = honest_course(Path(scratch, "ours"), args.assignment, students)
            # As for stock nbgrader, the assignment is released (entered in the gradebook)
            # beforehand.
            timed(autograder(ours, "release", args.assignment), ours)
            our_times.append(
                timed(autograder(ours, "grade", args.assignment, "--jobs", str(jobs)), ours)
            )
            our_scores = scores(ours / "gradebook.db", args.assignment)
            records = [read_record(ours, args.assignment, s) for s in students]
        if stock_scores != our_scores or len(our_scores) != len(students):
            raise SystemExit(
                f"the scores differ:\n stock nbgrader: {stock_scores}\n this grader: {our_scores}"
            )
    stock_seconds, our_seconds = statistics.median(stock_times), statistics.median(our_times)
    per_submission = sum(r.seconds for r in records) / len(records)  # of the last round
    student_code = sum(r.student_seconds for r in records) / len(records)
    rows = [
        ("stock `nbgrader autograde` (one kernel per notebook), median", f"{stock_seconds:.1f}"),
        ("  each round", " ".join(f"{t:.1f}" for t in stock_times)),
        (
            f"`python -m autograder grade --jobs {jobs}` (with feedback and CSV), median",
            f"{our_seconds:.1f}",
        ),
        ("  each round", " ".join(f"{t:.1f}" for t in our_times)),
        ("speed-up (of the medians)", f"{stock_seconds / our_seconds:.2f}x"),
        (
            "speed-up, the least of the rounds",
            f"{min(a / b for a, b in zip(stock_times, our_times)):.2f}x",
        ),
        ("this grader, per submission in a worker", f"{per_submission:.2f} s"),
        ("  of which the student's code (notebook cells and calls)", f"{student_code:.2f} s"),
        (
            "  of which the grader's overhead (nbgrader, sandbox start, checks)",
            f"{per_submission - student_code:.2f} s",
        ),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    text = (
        f"# Grading {args.submissions} submissions of `{args.assignment}`: "
        "this grader against stock nbgrader\n\n"
        f"Measured by `benchmarks/grading_vs_nbgrader.py` on {platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}, {args.rounds} rounds. Every student's score agreed in "
        f"every round ({sorted(set(our_scores.values()))} points).\n\n"
        f"| | seconds |\n|---|---|\n{table}\n"
    )
    print(text)
    Path(__file__).with_suffix(".md").write_text(text)


if __name__ == "__main__":
    main()
