"""How long the test suite takes: every test, and the daily tier.

    python3 benchmarks/test_suite.py [--rounds N] [--cold]     # writes test_suite.md

Times the README's commands as a whole process: `python3 dev.py test` (everything, what CI
runs) and `python3 dev.py test -m fast` (the daily tier), N rounds each (default 1), and
reports each one's minimum, median and maximum, with the number of tests it ran. The website's
execution cache (_build/.jupyter_cache) is used as it is, which after `python3 dev.py book`
means no page is executed again; with --cold it is moved aside for each full run, so that every
page is executed as on a fresh clone, and put back afterwards.

Run it on an idle machine: anything else running makes every number larger.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
TIERS = {
    "every test (`python3 dev.py test`)": [],
    "the daily tier (`python3 dev.py test -m fast`)": ["-m", "fast"],
}


def run_once(extra: list[str], cold: bool) -> tuple[float, str]:
    """Seconds the command took, and pytest's summary line."""
    aside = CACHE.with_name(".jupyter_cache.aside")
    if cold and CACHE.exists():
        CACHE.rename(aside)
    try:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "dev.py", "test", "-q", *extra],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    finally:
        if cold and aside.exists():
            shutil.rmtree(CACHE, ignore_errors=True)
            aside.rename(CACHE)
    summary = next(
        (line.strip("= ") for line in reversed(result.stdout.splitlines()) if " in " in line),
        "no summary",
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(extra) or 'the full suite'} failed:\n{result.stdout[-4000:]}")
    return seconds, re.sub(r" in [\d.]+s.*", "", summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="execute every page of the book")
    args = parser.parse_args()
    rows = []
    for name, extra in TIERS.items():
        times, summary = [], ""
        for _ in range(args.rounds):
            seconds, summary = run_once(extra, args.cold and not extra)
            times.append(seconds)
            print(f"{name}: {seconds:.0f} s ({summary})", flush=True)
        rows.append(
            f"| {name} | {min(times):.0f} | {statistics.median(times):.0f} | {max(times):.0f} "
            f"| {summary} |"
        )
    cache = "moved aside: every page executed" if args.cold else "as left by `dev.py book`"
    cores = len(os.sched_getaffinity(0))
    text = "\n".join(
        [
            "# The test suite",
            "",
            f"Measured by `benchmarks/test_suite.py --rounds {args.rounds}"
            + (" --cold" if args.cold else "")
            + f"` on {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
            f"{date.today()}; the book's execution cache {cache}.",
            "",
            "| command | min s | median s | max s | tests |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    name = "test_suite_cold.md" if args.cold else "test_suite.md"
    (Path(__file__).parent / name).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
