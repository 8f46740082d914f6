"""The instructor's command line. Run from the course root, in the course's environment.

python -m autograder release [ASSIGNMENT ...]   regenerate exercises/ from solutions/
python -m autograder grade ASSIGNMENT           grade submitted/*/ASSIGNMENT/
python -m autograder export [--to FILE]         write the grade sheet from the gradebook
python -m autograder gradescope ASSIGNMENT      write the assignment's Gradescope autograder.zip
python -m autograder prairielearn ASSIGNMENT    grade /grade/student/ for PrairieLearn
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

# jsonschema compiles a grammar of RFC 3987 IRIs at import when rfc3987_syntax is installed
# (jupyter-events needs it): about a second of every command's serial start, for a format
# that no notebook schema uses. Without the module, jsonschema leaves out that one check.
sys.modules.setdefault("rfc3987_syntax", None)

from sqlalchemy.exc import OperationalError  # noqa: E402

from .course import assignments  # noqa: E402
from .options import GradingOptions, described  # noqa: E402

# The command line's groups of grading options (GradingOptions' ``group``), in their order.
OPTION_GROUPS = {
    "limits": "limits on student code (a limit that is hit costs only the checks it "
    "touches; the feedback names it)",
    "late": "late submissions (nbgrader's timestamp.txt of each submission against the "
    "due date; with no due date nothing is late)",
}


# What grading one upload for a hosted service leaves to the service: whom (one student), how
# many at once (one), what to skip (nothing), and lateness (the service's own deadlines).
HOSTED_FIXED = ("students", "jobs", "force", "due", "late_percent_per_day")


def add_grading_options(command: argparse.ArgumentParser, leave_out: tuple[str, ...] = ()) -> None:
    """A flag for each of GradingOptions' fields but those named in ``leave_out``, with its help,
    default and group."""
    groups = {name: command.add_argument_group(title) for name, title in OPTION_GROUPS.items()}
    for option in fields(GradingOptions):
        if option.name in leave_out:
            continue
        flag = dict(option.metadata["flag"])
        flags = flag.pop("flags", ("--" + option.name.replace("_", "-"),))
        where = groups[flag.pop("group")] if "group" in flag else command
        help_text = flag.pop("flag_help", None) or described(option)
        if "action" not in flag and option.default is not None:
            flag.setdefault("type", type(option.default))
        where.add_argument(
            *flags, dest=option.name, default=option.default, help=help_text, **flag
        )


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
    add_grading_options(grade)

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

    gradescope = commands.add_parser(
        "gradescope",
        help="write the assignment's Gradescope autograder (autograder.zip: setup.sh, "
        "run_autograder, the hidden checks); upload it as the assignment's autograder",
    )
    gradescope.add_argument("assignment", help="the assignment's name, e.g. gradients")
    gradescope.add_argument(
        "--to",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write it (default: gradescope/<assignment>/autograder.zip in the course "
        "directory)",
    )
    gradescope_run = commands.add_parser(
        "gradescope-run",
        help="what the Gradescope autograder's run_autograder runs: grade "
        "<gradescope root>/submission/ and write <gradescope root>/results/results.json",
    )
    gradescope_run.add_argument("assignment", help="the assignment's name, e.g. gradients")
    gradescope_run.add_argument(
        "--gradescope-root",
        type=Path,
        default=Path("/autograder"),
        metavar="DIR",
        help="Gradescope's folder, with submission/ and results/ (default: /autograder)",
    )
    add_grading_options(gradescope_run, HOSTED_FIXED)
    prairielearn = commands.add_parser(
        "prairielearn",
        help="grade one submission as PrairieLearn's external grader: <grade root>/student/ "
        "in, <grade root>/results/results.json out",
    )
    prairielearn.add_argument("assignment", help="the assignment's name, e.g. gradients")
    prairielearn.add_argument(
        "--grade-root",
        type=Path,
        default=Path("/grade"),
        metavar="DIR",
        help="PrairieLearn's folder, with student/ and results/ (default: /grade)",
    )
    add_grading_options(prairielearn, HOSTED_FIXED)

    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        return _command(parser, args, root)
    except OperationalError as error:
        # A gradebook in a database server (gradebook.py) that cannot be reached, or that failed
        # midway: nothing graded since is scored, and running the command again finishes it.
        from .gradebook import gradebook_location

        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(
            f"stopped: the gradebook ({gradebook_location(root)}) cannot be reached: {reason}; "
            "run the same command again once it can",
            file=sys.stderr,
        )
        return 5


def _command(parser: argparse.ArgumentParser, args: argparse.Namespace, root: Path) -> int:
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
    if args.command == "gradescope":
        from .gradescope import write_bundle

        to = args.to or Path(root, "gradescope", args.assignment, "autograder.zip")
        written = write_bundle(root, args.assignment, to)
        print(f"wrote the Gradescope autograder of {args.assignment} to {written}")
        return 0
    if args.command in ("gradescope-run", "prairielearn"):
        return grade_for_service(args, root)
    from .grading import NoSubmission, summary
    from .grading import grade as do_grade
    from .late import parse_due
    from .records import NOT_GRADED, GradingUnderWay
    from .sandbox.isolation import IsolationError
    from .terminal import ProgressBar

    values = {option.name: getattr(args, option.name) for option in fields(GradingOptions)}
    try:
        values["due"] = parse_due(args.due) if args.due else None
    except ValueError:
        parser.error(f"--due: not a date: {args.due!r} (for example '2026-12-01 23:59')")
    if args.late_percent_per_day is not None and not 0 <= args.late_percent_per_day <= 100:
        parser.error("--late-penalty-per-day: a percentage from 0 to 100")
    try:
        run = do_grade(
            root, args.assignment, GradingOptions(**values), progress=ProgressBar(sys.stderr)
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
    from .gradebook import gradebook_location

    print(
        f"\nScores are in {gradebook_location(root)}, feedback in feedback/, "
        f"the grade sheet in {run.csv.name}."
    )
    not_graded = [o.student for o in run.outcomes if o.status == NOT_GRADED]
    if not_graded:
        print(f"Not graded: {', '.join(not_graded)}: run the same command again to grade them.")
    return 0 if all(o.graded for o in run.outcomes) else 1


def grade_for_service(args: argparse.Namespace, root: Path) -> int:
    """Grade the one submission a hosted service hands over and write its results.json: 0 when
    written with a score (or a refusal's reason), 1 when the submission could not be graded for
    a reason not the student's, 4 when no sandbox can be made here. Gradescope then has no
    results.json (it shows the run as failed, and keeps no score); PrairieLearn has one that
    says grading did not succeed."""
    from .hosted import (
        HostedGrade,
        grade_upload,
        gradescope_results,
        prairielearn_results,
        write_results,
    )
    from .records import NOT_GRADED
    from .sandbox.isolation import IsolationError

    if args.command == "gradescope-run":
        upload, results = args.gradescope_root / "submission", args.gradescope_root / "results"
    else:
        upload, results = args.grade_root / "student", args.grade_root / "results"
    values = {
        option.name: getattr(args, option.name)
        for option in fields(GradingOptions)
        if option.name not in HOSTED_FIXED
    }
    code = 0
    try:
        result = grade_upload(root, args.assignment, upload, GradingOptions(**values))
    except IsolationError as error:
        result, code = HostedGrade(NOT_GRADED, f"no sandbox can be made here: {error}"), 4
    if result.status == NOT_GRADED:
        print(f"not graded: {result.problem}", file=sys.stderr)
        code = code or 1
        if args.command == "gradescope-run":
            return code
    write = gradescope_results if args.command == "gradescope-run" else prairielearn_results
    path = write_results(write(result), results)
    print(f"{result.status}: {result.score:g} / {result.max_score:g}; wrote {path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
