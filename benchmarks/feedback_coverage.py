"""How much of a corpus of typical student mistakes the hidden checks catch and name
(issue 19, point 4).

    .venv/bin/python benchmarks/feedback_coverage.py  # prints, writes feedback_coverage.md

Every wrong version of tests/student_mistakes/<chapter>.py (written from the student's side,
not from the checks' catalogs) is graded in-process, as tests/test_student_mistakes.py grades
it: the chapter's right functions with the wrong one in its place, seed 0. A wrong version
loses points if a check of its own cell fails; the feedback names it by a catalog if a
failure message holds "Likely mistake: ", or only by the diagnosis if one holds
"What it does: ", or by the call's own failure when the function raised or changed an
argument in place (the message names the exception, or the argument); otherwise it is
unnamed.
"""

from __future__ import annotations

import platform
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import student_mistakes  # noqa: E402
from test_student_mistakes import CATALOGED_AT_ISSUE, NAMED_SHARE, SEED  # noqa: E402

CALL_FAILURE = "call's failure"
COLUMNS = ("corpus", "lose points", "catalog", "diagnosis only", CALL_FAILURE, "neither")


def first_line(messages: list[str]) -> str:
    return messages[0].splitlines()[0] if messages else "(passed every check)"


def cell(text: str) -> str:
    """``text`` as a Markdown table cell."""
    return text.replace("|", "\\|")


def main() -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    unnamed, passing, elsewhere = [], [], []
    for mistake in student_mistakes.corpus():
        grade = student_mistakes.grade(mistake, SEED)
        row = counts[mistake.chapter]
        row["corpus"] += 1
        row["lose points"] += grade.loses_points
        named_by = grade.named_by
        row["catalog"] += named_by == "catalog"
        row["diagnosis only"] += named_by == "diagnosis"
        row["call's failure"] += named_by == "call"
        row["neither"] += named_by is None
        where = (mistake.chapter, mistake.function, mistake.description)
        if not grade.loses_points:
            passing.append(where)
        elif named_by is None:
            unnamed.append((*where, first_line(grade.messages)))
        if grade.other_cells:
            elsewhere.append((*where, ", ".join(grade.other_cells)))
    total = {column: sum(row[column] for row in counts.values()) for column in COLUMNS}
    named = total["catalog"] + total["diagnosis only"] + total["call's failure"]
    lines = [
        "# Feedback coverage: typical student mistakes caught and named",
        "",
        f"Measured by `benchmarks/feedback_coverage.py` (Python {sys.version.split()[0]}, "
        f"{platform.machine()}, seed {SEED}) on the {total['corpus']} wrong versions of "
        "`tests/student_mistakes/`, written from typical student mistakes independently of the "
        f"checks' catalogs ({CATALOGED_AT_ISSUE} named mistakes when it was written: the corpus "
        f"is {total['corpus'] / CATALOGED_AT_ISSUE:.1f} times that).",
        "",
        f"- lose points: {total['lose points']} of {total['corpus']} (all wanted)",
        f"- named in the feedback: {named} of {total['corpus']} = {named / total['corpus']:.1%} "
        f"(at least {NAMED_SHARE:.0%} wanted): {total['catalog']} by a catalog "
        f"(`Likely mistake:`), {total['diagnosis only']} by the diagnosis only (`What it does:`), "
        f"{total[CALL_FAILURE]} by the call's own failure (raised, or changed an argument "
        "in place)",
        "",
        "| chapter | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
        *(
            f"| {chapter} | " + " | ".join(str(counts[chapter][c]) for c in COLUMNS) + " |"
            for chapter in sorted(counts)
        ),
        "| **total** | " + " | ".join(f"**{total[c]}**" for c in COLUMNS) + " |",
        "",
        f"## Wrong versions that lose no points ({len(passing)})",
        "",
        "Each is a defect: either the mistake is no mistake, or the checks are too weak.",
        "",
        *(
            [
                "| chapter | function | mistake |",
                "|---|---|---|",
                *(f"| {c} | {f} | {cell(d)} |" for c, f, d in passing),
            ]
            if passing
            else ["None."]
        ),
        "",
        f"## Wrong versions that also fail another cell ({len(elsewhere)})",
        "",
        *(
            [
                "| chapter | function | mistake | other cells |",
                "|---|---|---|---|",
                *(f"| {c} | {f} | {cell(d)} | {o} |" for c, f, d, o in elsewhere),
            ]
            if elsewhere
            else ["None."]
        ),
        "",
        f"## Wrong versions that lose points but are not named ({len(unnamed)})",
        "",
        *(
            [
                "| chapter | function | mistake | the feedback's first line |",
                "|---|---|---|---|",
                *(f"| {c} | {f} | {cell(d)} | {cell(m)} |" for c, f, d, m in unnamed),
            ]
            if unnamed
            else ["None."]
        ),
        "",
    ]
    report = "\n".join(lines)
    (Path(__file__).parent / "feedback_coverage.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
