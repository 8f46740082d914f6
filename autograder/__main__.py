"""The instructor's command line. Run from the course root, in the course's environment.

python -m autograder release [ASSIGNMENT ...]   regenerate exercises/ from solutions/
python -m autograder grade ASSIGNMENT           grade submitted/*/ASSIGNMENT/
python -m autograder export [--to FILE]         write the grade sheet from the gradebook
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# jsonschema compiles a grammar of RFC 3987 IRIs at import when rfc3987_syntax is installed
# (jupyter-events needs it): about a second of every command's serial start, for a format
# that no notebook schema uses. Without the module, jsonschema leaves out that one check.
sys.modules.setdefault("rfc3987_syntax", None)

from .course import assignments  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="the course directory (default: the current directory)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release", help="regenerate exercises/ from solutions/ with nbgrader"
    )
    release.add_argument("assignments", nargs="*", help="assignments to release (default: all)")

    grade = commands.add_parser("grade", help="grade every submission of an assignment")
    grade.add_argument("assignment", help="the assignment's name, e.g. gradients")
    grade.add_argument(
        "--student",
        action="append",
        dest="students",
        help="grade only this student (repeatable); their old scores are replaced",
    )
    grade.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of the hidden problems (default: a fresh one; set it to reproduce a run)",
    )
    from .preprocessors.run_hidden_checks import RunHiddenChecks

    limits = grade.add_argument_group(
        "limits on student code (a limit that is hit costs only the checks it "
        "touches; the feedback names it)"
    )
    for name, metavar, unit in (
        ("call_timeout", "SECONDS", "s"),
        ("check_timeout", "SECONDS", "s"),
        ("submission_timeout", "SECONDS", "s"),
        ("setup_timeout", "SECONDS", "s"),
        ("memory_mb", "MiB", "MiB"),
    ):
        trait = RunHiddenChecks.class_traits()[name]
        limits.add_argument(
            "--" + name.replace("_", "-"),
            type=int if unit == "MiB" else float,
            metavar=metavar,
            help=f"{trait.help[0].lower()}{trait.help[1:].rstrip('.')} (default: {trait.default_value:g} {unit})",
        )
    grade.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="grade N submissions at once (default: one per CPU core)",
    )
    grade.add_argument(
        "--force",
        action="store_true",
        help="grade again submissions that an earlier run graded and that have not changed "
        "(by default they are skipped, so a stopped run can simply be started again)",
    )
    late = grade.add_argument_group(
        "late submissions (nbgrader's timestamp.txt of each submission against the "
        "due date; with no due date nothing is late)"
    )
    late.add_argument(
        "--due",
        metavar="DATE",
        help="the assignment's due date, e.g. '2026-12-01 23:59' (UTC unless a zone is given, "
        "'...+09:00'); kept in the gradebook for later runs",
    )
    late.add_argument(
        "--late-penalty-per-day",
        type=float,
        default=None,
        metavar="PERCENT",
        help="percent of the score taken per started day late, up to all of it; kept for later "
        "runs, and a change grades again every submission graded under the old one "
        "(default: what is kept, at first 0: late submissions are only flagged)",
    )
    grade.add_argument(
        "--no-isolation",
        dest="isolate",
        action="store_false",
        help="run student code without bubblewrap's sandbox: only for trying the grader on "
        "your own code, never on submissions",
    )

    export = commands.add_parser(
        "export",
        help="write the grade sheet (grades.csv) from the gradebook, "
        "e.g. after manual grading in formgrader",
    )
    export.add_argument(
        "--to",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write it (default: grades.csv in the course directory)",
    )

    args = parser.parse_args(argv)
    root = args.root.resolve()
    known = assignments(root)

    if args.command == "release":
        from .release import release as do_release

        unknown = sorted(set(args.assignments) - set(known))
        if unknown:
            parser.error(f"no such assignment: {', '.join(unknown)} (known: {', '.join(known)})")
        for name in do_release(root, args.assignments or None):
            print(f"released {name} -> exercises/{name}/")
        return 0

    if args.command == "export":
        from .grade_sheet import write_grade_sheet

        print(f"wrote the grade sheet to {write_grade_sheet(root, args.to)}")
        return 0

    if args.assignment not in known:
        parser.error(f"no such assignment: {args.assignment} (known: {', '.join(known)})")
    from .grading import LIMITS, NoSubmission, summary
    from .grading import grade as do_grade
    from .late import parse_due
    from .records import NOT_GRADED, GradingUnderWay
    from .sandbox.isolation import IsolationError
    from .terminal import ProgressBar

    limits = {name: getattr(args, name) for name in LIMITS if getattr(args, name) is not None}
    due = None
    if args.due:
        try:
            due = parse_due(args.due)
        except ValueError:
            parser.error(f"--due: not a date: {args.due!r} (for example '2026-12-01 23:59')")
    if args.late_penalty_per_day is not None and not 0 <= args.late_penalty_per_day <= 100:
        parser.error("--late-penalty-per-day: a percentage from 0 to 100")
    try:
        run = do_grade(
            root,
            args.assignment,
            students=args.students,
            seed=args.seed,
            limits=limits,
            isolate=args.isolate,
            jobs=args.jobs,
            force=args.force,
            due=due,
            late_percent_per_day=args.late_penalty_per_day,
            progress=ProgressBar(sys.stderr),
        )
    except NoSubmission as error:
        parser.error(str(error))
    except GradingUnderWay as error:
        print(f"not started: {error}", file=sys.stderr)
        return 3
    except IsolationError as error:
        print(f"not started: {error}", file=sys.stderr)
        return 4
    print(summary(run))
    print(
        f"\nScores are in gradebook.db, feedback in feedback/, the grade sheet in {run.csv.name}."
    )
    not_graded = [o.student for o in run.outcomes if o.status == NOT_GRADED]
    if not_graded:
        print(f"Not graded: {', '.join(not_graded)}: run the same command again to grade them.")
    return 0 if all(o.graded for o in run.outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
