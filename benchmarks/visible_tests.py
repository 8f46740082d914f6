"""How long each exercise's visible tests take, as a student runs them (a real kernel, the
solution).

    .venv/bin/python benchmarks/visible_tests.py      # prints a table, writes visible_tests.md

Each autograded test cell's time is the kernel's, from nbclient's timing metadata
(execute_input to execute_reply), the best of a few runs.
"""

from __future__ import annotations

import platform
import sys
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3


def cell_seconds(cell) -> float:
    timing = cell.metadata["execution"]
    start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def measure(path: Path) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(RUNS):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            record_timing=True,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        for cell in filter(is_test_cell, nb.cells):
            name = cell.metadata.nbgrader["grade_id"]
            best[name] = min(best.get(name, float("inf")), cell_seconds(cell))
    return best


def main() -> None:
    rows = []
    for path in sorted(ROOT.glob("solutions/*/*.ipynb")):
        for grade_id, seconds in measure(path).items():
            rows.append((path.parent.name, grade_id, seconds))
    lines = ["| exercise | test cell | seconds |", "|---|---|---|"]
    lines += [
        f"| {exercise} | {grade_id} | {seconds:.3f} |" for exercise, grade_id, seconds in rows
    ]
    report = "\n".join(
        [
            "# Visible tests: time per test cell",
            "",
            f"Measured by `benchmarks/visible_tests.py` on {platform.machine()}, Python "
            f"{sys.version.split()[0]}, best of {RUNS} runs of each solution notebook.",
            "",
            *lines,
            "",
        ]
    )
    (Path(__file__).parent / "visible_tests.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
