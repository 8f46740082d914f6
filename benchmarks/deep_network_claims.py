"""Do the deep-network section's asserted claims hold beyond the bits of one machine?

    .venv/bin/python benchmarks/deep_network_claims.py            # prints, writes the .md
    .venv/bin/python benchmarks/deep_network_claims.py --seed-sets 0:5 --coretypes Haswell

The section of book/schedules.md trains float32 networks, whose results change in their last
bits with the BLAS kernel, the CPU's vector instructions and even where arrays lie in memory;
training amplifies such differences into a different run. Its hidden cells assert claims
that must hold however the bits fall, so this script executes the section (after the page's
first cell, its imports) with other seeds than the page's, under several of OpenBLAS's
kernels, each in a fresh process with one BLAS thread, and counts for every assert the runs
in which it failed. A claim that fails in any run needs a wider margin or other words.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "schedules.md"
SECTION = "## The advice on a deep network"
SEEDS_CELL = "NET_EPOCHS, NET_SEEDS = "  # the cell that sets the seeds, to range(5)
OUTPUT = Path(__file__).with_suffix(".md")
DEFAULT_SEED_SETS = ["0:5", "5:10", "10:15", "15:20", "20:25"]
DEFAULT_CORETYPES = ["Haswell", "SkylakeX", "Sandybridge"]


def section_code() -> list[str]:
    """The page's first code cell and the section's code cells, magics left out."""
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook(PAGE.read_text(encoding="utf-8"))
    code, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    inside = line.strip() == SECTION
        elif inside or not code:
            code.append(
                "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
            )
    return code


class SoftAsserts(ast.NodeTransformer):
    """Each ``assert test`` becomes ``if not test: FAILED.append(<its source>)``."""

    def __init__(self, source: str) -> None:
        self.source = source

    def visit_Assert(self, node: ast.Assert) -> ast.If:
        text = ast.get_source_segment(self.source, node)
        record = ast.parse(f"FAILED.append({text!r})").body[0]
        return ast.copy_location(
            ast.If(test=ast.UnaryOp(ast.Not(), node.test), body=[record], orelse=[]), node
        )


def run_section(first: int, stop: int) -> dict:
    """Execute the section with seeds range(first, stop); every assert, and whether it held."""
    import matplotlib

    matplotlib.use("Agg")
    os.chdir(PAGE.parent)
    failed: list[str] = []
    asserts: list[str] = []
    namespace = {"FAILED": failed, "__name__": "__main__"}
    seeded = False
    for source in section_code():
        if SEEDS_CELL in source and "range(5)" in source:
            source, seeded = source.replace("range(5)", f"range({first}, {stop})"), True
        tree = ast.parse(source)
        found = sorted(
            (n for n in ast.walk(tree) if isinstance(n, ast.Assert)), key=lambda n: n.lineno
        )
        asserts += [ast.get_source_segment(source, n) for n in found]
        tree = ast.fix_missing_locations(SoftAsserts(source).visit(tree))
        exec(compile(tree, str(PAGE), "exec"), namespace)
    if not seeded:
        raise SystemExit(f"no cell sets the seeds with {SEEDS_CELL!r} ... range(5)")
    return {"asserts": asserts, "failed": failed}


def run_in_child(coretype: str, seeds: str) -> dict:
    first, stop = (int(x) for x in seeds.split(":"))
    env = os.environ | {
        "OPENBLAS_CORETYPE": coretype,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "OPTLAB_ANSWERS_FROM": "autograder.reference",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", f"{first}:{stop}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{coretype} seeds {seeds} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1]) | {"coretype": coretype, "seeds": seeds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-sets", nargs="+", default=DEFAULT_SEED_SETS)
    parser.add_argument("--coretypes", nargs="+", default=DEFAULT_CORETYPES)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import contextlib
        import io

        first, stop = (int(x) for x in args.child.split(":"))
        with contextlib.redirect_stdout(io.StringIO()):
            result = run_section(first, stop)
        print(json.dumps(result))
        return
    # Each seed set under each kernel; the sets rotate over the kernels so that few runs
    # cover both.
    plan = [
        (args.coretypes[k % len(args.coretypes)], seeds) for k, seeds in enumerate(args.seed_sets)
    ]
    plan += [(coretype, args.seed_sets[0]) for coretype in args.coretypes[1:]]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda job: run_in_child(*job), plan))
    asserts = results[0]["asserts"]
    lines = [
        f"Measured by `benchmarks/deep_network_claims.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{datetime.now():%Y-%m-%d}: {len(results)} runs of the section, one BLAS thread each.",
        "",
        "| runs (OpenBLAS kernel, seeds) | asserts | failed |",
        "|---|---|---|",
        *(
            f"| {r['coretype']}, range({r['seeds'].replace(':', ', ')}) | {len(r['asserts'])} "
            f"| {len(r['failed'])} |"
            for r in results
        ),
        "",
        "| assert | runs in which it failed |",
        "|---|---|",
        *(
            f"| `{' '.join(text.split())}` | "
            f"{sum(text in r['failed'] for r in results)} of {len(results)} |"
            for text in dict.fromkeys(asserts)
        ),
    ]
    print("\n".join(lines))
    if not args.no_write:
        text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        head = (
            text.split("<!-- table -->")[0].rstrip()
            if "<!-- table -->" in text
            else (
                "# The deep-network section's claims across seeds and kernels\n\n"
                + __doc__.split("\n\n", 2)[2].strip()
            )
        )
        OUTPUT.write_text(
            f"{head}\n\n<!-- table -->\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
