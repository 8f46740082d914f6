"""GradingOptions: the settings of a grading run, each defined once: its default, unit and help.

``python -m autograder grade`` offers each as a flag (its words from here), `grading.grade`
takes them as one object and hands them to its workers, and `RunHiddenChecks` takes the
default and help of its configurable traits from them, so that plain ``nbgrader autograde``
has the same limits, said the same way.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from datetime import datetime


def option(default, help: str, *, unit: str = "", default_text: str = "", **flag):
    """A field of GradingOptions. ``help``: what it sets, as the command line says it;
    ``default_text``: its default in words (``unit``: the unit of the default's number, which
    is then said instead); ``flag``: how the command line takes it, where that differs from
    ``--<name>`` with a value (argparse's ``flags``, ``action``, ``metavar``, ``type``; its
    ``group``; ``flag_help`` for a flag that turns it off)."""
    metadata = {"help": help, "unit": unit, "default_text": default_text, "flag": flag}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class GradingOptions:
    """How a run grades: whom, with which seed and limits on student code, in how many workers,
    under which late policy. The defaults are the command line's."""

    students: list[str] | None = option(
        None,
        "grade only this student (repeatable); their old scores are replaced",
        flags=("--student",),
        action="append",
    )
    seed: int | None = option(
        None,
        "seed of the hidden problems",
        default_text="a fresh one; set it to reproduce a run",
        type=int,
    )
    # Limits on student code.
    call_timeout: float = option(
        10.0,
        "seconds one call into student code may take",
        unit="s",
        metavar="SECONDS",
        group="limits",
    )
    check_timeout: float = option(
        30.0,
        "seconds all the calls of one hidden check may take together, not counting the "
        "notebook's code when a restart runs it again",
        unit="s",
        metavar="SECONDS",
        group="limits",
    )
    submission_timeout: float = option(
        300.0,
        "seconds all the hidden checks of one submission may take together, from the end of "
        "the first run of the notebook's code, its runs after restarts included",
        unit="s",
        metavar="SECONDS",
        group="limits",
    )
    setup_timeout: float = option(
        60.0,
        "seconds the notebook's code may take each time it runs, before the checks and again "
        "whenever a failed call restarts the student process; the course's solutions take "
        "under 1 s, see benchmarks/notebook_setup.md",
        unit="s",
        metavar="SECONDS",
        group="limits",
    )
    memory_mb: int = option(
        2048,
        "memory of all the student's processes together (and the address space of each)",
        unit="MiB",
        metavar="MiB",
        group="limits",
    )
    jobs: int | None = option(
        None,
        "grade N submissions at once",
        default_text="one per CPU core",
        flags=("--jobs", "-j"),
        metavar="N",
        type=int,
    )
    scheduler: str | None = option(
        None,
        "grade on the workers of this Dask cluster instead of on this machine, e.g. "
        "tcp://login-node:8786 (--jobs is then the cluster's); the environment variable "
        "AUTOGRADER_SCHEDULER sets it too",
        default_text="$AUTOGRADER_SCHEDULER, or none: grade here",
        metavar="ADDRESS",
    )
    force: bool = option(
        False,
        "grade again submissions that an earlier run graded and that have not changed "
        "(by default they are skipped, so a stopped run can simply be started again)",
        action="store_true",
    )
    # Late submissions.
    due: datetime | None = option(
        None,
        "the assignment's due date, e.g. '2026-12-01 23:59' (UTC unless a zone is given, "
        "'...+09:00'); kept in the gradebook for later runs",
        metavar="DATE",
        group="late",
    )
    late_percent_per_day: float | None = option(
        None,
        "percent of the score taken per started day late, up to all of it; kept for later "
        "runs, and a change grades again every submission graded under the old one",
        default_text="what is kept, at first 0: late submissions are only flagged",
        flags=("--late-penalty-per-day",),
        metavar="PERCENT",
        type=float,
        group="late",
    )
    isolate: bool = option(
        True,
        "run student code in bubblewrap's sandbox (sandbox/isolation.py; no root needed); "
        "turn it off only to try the grader on your own code",
        flags=("--no-isolation",),
        action="store_false",
        flag_help="run student code without bubblewrap's sandbox: only for trying the grader "
        "on your own code, never on submissions",
    )


def grading_option(name: str) -> Field:
    """The field of GradingOptions called ``name``."""
    return next(f for f in fields(GradingOptions) if f.name == name)


def described(option: Field) -> str:
    """What ``option`` sets, and its default (as the command line's help says it)."""
    unit, default_text = option.metadata["unit"], option.metadata["default_text"]
    if unit:
        default_text = f"{option.default:g} {unit}"
    return option.metadata["help"] + (f" (default: {default_text})" if default_text else "")


def sentence(text: str) -> str:
    """``text`` as a sentence (as traitlets' help is written)."""
    return text[0].upper() + text[1:] + "."
