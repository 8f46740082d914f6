"""How much of the typical student mistakes the hidden checks catch and name (issue 19,
point 4).

    .venv/bin/python benchmarks/feedback_coverage.py  # prints, writes feedback_coverage.md

Every wrong version of the held-out set (tests/held_out_mistakes/<chapter>.py) and of the corpus
(tests/student_mistakes/<chapter>.py) is graded in-process, as tests/test_student_mistakes.py
grades it: the chapter's right functions with the wrong one in its place, seed 0. A wrong
version loses points if a check of its own cell fails; the feedback names it by a catalog if a
failure message holds "Likely mistake: ", or only by the diagnosis if one holds "What it does: ",
or by the call's own failure when the function raised, changed an argument in place or returned
a view of one (the message names the exception, or the argument); otherwise it is unnamed.

The catalogs were grown from the corpus, so the feedback names all of it; the held-out set was
written without reading the checks, their catalogs or the corpus, and is the figure that
measures the feedback on mistakes it was not built from. A held-out mistake whose failure
messages are word for word those of a corpus entry behaves as that entry on every problem the
checks drew: the share named is also given without those.
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


def table(rows: list[tuple], header: tuple[str, ...], counts: bool = False) -> list[str]:
    """``rows`` as a Markdown table (the columns after the first right-aligned if ``counts``),
    or "None."."""
    if not rows:
        return ["None."]
    return [
        "| " + " | ".join(header) + " |",
        "|---|" + ("---:|" if counts else "---|") * (len(header) - 1),
        *("| " + " | ".join(cell(str(value)) for value in row) + " |" for row in rows),
    ]


def grades(mistakes: list[student_mistakes.Mistake]) -> dict:
    return {mistake: student_mistakes.grade(mistake, SEED) for mistake in mistakes}


def repeats(held_out: dict, corpus: dict) -> set:
    """The held-out mistakes whose failure messages are those of a corpus entry of the same
    function, word for word: the same answers on every problem the checks drew."""
    seen = {(m.chapter, m.function, tuple(g.messages)) for m, g in corpus.items()}
    return {m for m, g in held_out.items() if (m.chapter, m.function, tuple(g.messages)) in seen}


def measure(graded: dict) -> dict:
    """The counts per chapter and the lists of one set of wrong versions."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    unnamed, passing, elsewhere = [], [], []
    for mistake, grade in graded.items():
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
    return {
        "counts": counts,
        "total": total,
        "named": total["catalog"] + total["diagnosis only"] + total[CALL_FAILURE],
        "unnamed": unnamed,
        "passing": passing,
        "elsewhere": elsewhere,
    }


def section(title: str, level: str, figures: dict, wanted: str) -> list[str]:
    """The summary, the table per chapter and the three lists of one set."""
    counts, total, named = figures["counts"], figures["total"], figures["named"]
    passing, elsewhere, unnamed = figures["passing"], figures["elsewhere"], figures["unnamed"]
    return [
        f"{level} {title}",
        "",
        f"- lose points: {total['lose points']} of {total['corpus']} (all wanted)",
        f"- named in the feedback: {named} of {total['corpus']} = {named / total['corpus']:.1%} "
        f"({wanted}): {total['catalog']} by a catalog "
        f"(`Likely mistake:`), {total['diagnosis only']} by the diagnosis only (`What it does:`), "
        f"{total[CALL_FAILURE]} by the call's own failure (raised, changed an argument in "
        "place, or returned a view of one)",
        "",
        *table(
            [(chapter, *(counts[chapter][c] for c in COLUMNS)) for chapter in sorted(counts)]
            + [("**total**", *(f"**{total[c]}**" for c in COLUMNS))],
            ("chapter", *COLUMNS),
            counts=True,
        ),
        "",
        f"{level}# {title}: wrong versions that lose no points ({len(passing)})",
        "",
        "Each is a defect: either the mistake is no mistake, or the checks are too weak.",
        "",
        *table(passing, ("chapter", "function", "mistake")),
        "",
        f"{level}# {title}: wrong versions that also fail another cell ({len(elsewhere)})",
        "",
        *table(elsewhere, ("chapter", "function", "mistake", "other cells")),
        "",
        f"{level}# {title}: wrong versions that lose points but are not named ({len(unnamed)})",
        "",
        *table(unnamed, ("chapter", "function", "mistake", "the feedback's first line")),
        "",
    ]


def main() -> None:
    corpus_grades = grades(student_mistakes.corpus())
    held_out_grades = grades(student_mistakes.held_out())
    repeated = repeats(held_out_grades, corpus_grades)
    corpus, held_out = measure(corpus_grades), measure(held_out_grades)
    new_ones = {m: g for m, g in held_out_grades.items() if m not in repeated}
    new_named = sum(g.named_by is not None for g in new_ones.values())
    corpus_size = corpus["total"]["corpus"]
    held_out_size = held_out["total"]["corpus"]
    lines = [
        "# Feedback coverage: typical student mistakes caught and named",
        "",
        f"Measured by `benchmarks/feedback_coverage.py` (Python {sys.version.split()[0]}, "
        f"{platform.machine()}, seed {SEED}) on two sets of wrong versions, both written from "
        "typical student mistakes without reading the checks' catalogs of named mistakes:",
        "",
        f"- the held-out set (`tests/held_out_mistakes/`, `HELD_OUT`, {held_out_size} wrong "
        "versions), written by someone who read neither the checks, nor their catalogs, nor the "
        "corpus, and used to grow nothing. **It is the figure that measures the feedback on "
        f"mistakes it was not built from**; at least {NAMED_SHARE:.0%} of it must be named "
        "(`tests/test_student_mistakes.py`). Of it, "
        f"{len(repeated)} behave word for word as a corpus entry (the same failure messages); "
        f"the feedback names {new_named} of the other {len(new_ones)}"
        + (f" ({new_named / len(new_ones):.1%})." if new_ones else "."),
        f"- the corpus (`tests/student_mistakes/`, `MISTAKES` then `SECOND_ROUND`, "
        f"{corpus_size} wrong versions; {CATALOGED_AT_ISSUE} named mistakes in the catalogs "
        f"when it was first written: it is {corpus_size / CATALOGED_AT_ISSUE:.1f} times that). "
        "**The catalogs were grown from it**, so the feedback naming all of it says nothing "
        "about how it generalizes. `SECOND_ROUND` was the held-out set until the catalogs "
        "and the diagnosis were grown from the 65 of it they did not name (61.8% named).",
        "",
        *section(
            "Held-out set (`HELD_OUT`)", "##", held_out, f"at least {NAMED_SHARE:.0%} wanted"
        ),
        *section(
            "Corpus (`MISTAKES`, `SECOND_ROUND`), the catalogs' source",
            "##",
            corpus,
            "the catalogs were grown from it",
        ),
    ]
    report = "\n".join(lines)
    (Path(__file__).parent / "feedback_coverage.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
