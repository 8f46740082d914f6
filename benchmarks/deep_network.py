"""How long the deep-network section of book/schedules.md takes to execute, and the whole page.

    .venv/bin/python benchmarks/deep_network.py           # prints a table, writes deep_network.md
    .venv/bin/python benchmarks/deep_network.py --runs 1 --no-write

The page is executed as the book executes it when it runs two pages at once: one BLAS thread,
the course's answers as the exercises' functions (``OPTLAB_ANSWERS_FROM``), from the book
folder. Each run is made twice: alone, and with a busy process on the other core (a stand-in
for the second page of a parallel build). The time of every cell comes from the timestamps
nbclient records; the section's cells are those from its heading to the next heading of the
same level. The machine's load average before each run is in the table, since other work on
the machine slows a run down.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "schedules.md"
SECTION = "## The advice on a deep network"
OUTPUT = Path(__file__).with_suffix(".md")
# A second page's work on the other core: matrix products in one thread, until killed.
LOAD = (
    "import numpy as np\n"
    "a = np.random.rand(300, 300)\n"
    "while True:\n"
    "    a = np.tanh(a @ a.T / 300)\n"
)


def notebook() -> tuple[nbformat.NotebookNode, list[int]]:
    """The page as a notebook, and the indices of the section's code cells."""
    nb = read_myst_markdown_notebook(PAGE.read_text(encoding="utf-8"))
    inside, cells = False, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    inside = line.strip() == SECTION
        elif inside:
            cells.append(index)
    if not cells:
        raise SystemExit(f"no code cells under {SECTION!r} in {PAGE}")
    return nb, cells


def seconds(cell: nbformat.NotebookNode) -> float:
    timing = cell.metadata["execution"]
    start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def run(loaded: bool) -> dict[str, float]:
    """Execute the page once; the seconds of the page, of its cells, and of the section."""
    nb, section = notebook()
    load_average = os.getloadavg()[0]
    busy = subprocess.Popen([sys.executable, "-c", LOAD]) if loaded else None
    try:
        start = time.perf_counter()
        NotebookClient(
            nb,
            timeout=1800,
            kernel_name="python3",
            record_timing=True,
            resources={"metadata": {"path": str(PAGE.parent)}},
        ).execute()
        total = time.perf_counter() - start
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    times = [seconds(cell) for cell in nb.cells if cell.cell_type == "code"]
    section_times = [seconds(nb.cells[i]) for i in section]
    return {
        "page": total,
        "cells": sum(times),
        "section": sum(section_times),
        "section cells": len(section),
        "load": load_average,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of each kind (default 2)")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {OUTPUT.name}")
    args = parser.parse_args()
    threads = {
        name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }
    os.environ.update(threads)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    os.environ.setdefault("OPTLAB_ANSWERS_FROM", "autograder.reference")
    rows = []
    for loaded in (False, True):
        for number in range(1, args.runs + 1):
            result = run(loaded)
            kind = "other core busy" if loaded else "other core idle"
            rows.append((f"{kind}, #{number}", result))
            print(
                f"{kind} #{number}: page {result['page']:.1f} s (cells {result['cells']:.1f} s), "
                f"section {result['section']:.1f} s, load before {result['load']:.1f}",
                flush=True,
            )
    table = [
        "| run | whole page (s) | its code cells (s) | deep-network section (s) | load before |",
        "|---|---|---|---|---|",
    ]
    table += [
        f"| {name} | {r['page']:.0f} | {r['cells']:.0f} | {r['section']:.0f} | {r['load']:.1f} |"
        for name, r in rows
    ]
    print("\n".join(table))
    if args.no_write:
        return
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    OUTPUT.write_text(
        OUTPUT.read_text(encoding="utf-8").split("<!-- table -->")[0]
        + "<!-- table -->\n\n"
        + f"Measured by `benchmarks/deep_network.py` on {machine}, {datetime.now():%Y-%m-%d}, "
        f"{rows[0][1]['section cells']} code cells in the section, one BLAS thread.\n\n"
        + "\n".join(table)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
