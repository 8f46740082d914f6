"""The instructor's command line. Run from the course root, in the course's environment.

    python -m autograder release [ASSIGNMENT ...]   regenerate exercises/ from solutions/
    python -m autograder grade ASSIGNMENT           grade submitted/*/ASSIGNMENT/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import assignments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="the course directory (default: the current directory)")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="regenerate exercises/ from solutions/ with nbgrader")
    release.add_argument("assignments", nargs="*", help="assignments to release (default: all)")

    grade = commands.add_parser("grade", help="grade every submission of an assignment")
    grade.add_argument("assignment", help="the assignment's name, e.g. gradients")
    grade.add_argument("--student", action="append", dest="students",
                       help="grade only this student (repeatable); their old scores are replaced")
    grade.add_argument("--seed", type=int, default=None,
                       help="seed of the hidden problems (default: a fresh one; set it to reproduce a run)")
    grade.add_argument("--call-timeout", type=float, default=None, metavar="SECONDS",
                       help="time limit of one call into student code (default: 10)")
    grade.add_argument("--no-isolation", dest="isolate", action="store_false",
                       help="run student code without a sandbox user and namespaces: only for trying "
                            "the grader on your own code, never on submissions")

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

    if args.assignment not in known:
        parser.error(f"no such assignment: {args.assignment} (known: {', '.join(known)})")
    from .grading import grade as do_grade, summary

    run = do_grade(root, args.assignment, students=args.students, seed=args.seed, call_timeout=args.call_timeout, isolate=args.isolate,
                   progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(summary(run))
    print(f"\nScores are in gradebook.db, feedback in feedback/, grades in {run.csv.name}.")
    return 0 if all(o.graded for o in run.outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
