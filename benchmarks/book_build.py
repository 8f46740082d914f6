"""How long the website takes to build: cold (pages executed one at a time, then several at once),
then with the execution cache after no edit, a prose edit, a code edit and module edits.

    .venv/bin/python benchmarks/book_build.py      # prints a table, writes book_build.md

A copy of the repository's files (as `git ls-files` lists them, with untracked files that
are not ignored) is built with the flags of `python3 dev.py book`:

1. cold, twice with one page executed at a time (`execution_jobs: 1`, MyST-NB executing each
   page as Sphinx reads it) and twice with the pages executed several at once (the default,
   book/_ext/parallel_execution.py), each from an empty _build folder: every page with code is
   executed, and exactly once;
2. again, nothing edited: nothing may be executed;
3. into another output folder, as the tests' `built_site` fixture builds: Sphinx reads every page
   afresh, and nothing may be executed (the execution cache is the book folder's);
4. after editing the prose of one chapter: nothing may be executed (the key is the code);
5. after editing a code cell of one chapter: that chapter, and only it, is executed;
6. after editing a module that one chapter imports: that chapter, and only it, is executed
   (the key includes the modules a page imports, book/_ext/execution_key.py);
7. after editing a module that no page imports: nothing may be executed.

The script fails if any build executes other pages. Which pages ran, and for how long, is read
from the build's log ("Executed notebook in N seconds"). The machine's load average before each
build is in the table, since other work on the machine slows a build down.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dev import BOOK_BUILD_FLAGS, VENV, venv_env  # noqa: E402

EDITED = "book/sgd.md"
# A module one chapter imports (and no other page, even through other modules), and one that
# no page imports. Both are imported from the copy: its folder is the pages' PYTHONPATH.
IMPORTED_MODULE, IMPORTING_PAGE = "autograder/reference/transfer.py", "book/transfer.md"
UNIMPORTED_MODULE = "autograder/checks/sgd.py"
EXECUTED = re.compile(r"(\S+?\.(?:md|ipynb)): Executed notebook in ([\d.]+) seconds")
COLD_RUNS = 2
SERIAL, PARALLEL = "one page at a time", "pages several at once"


class Build(NamedTuple):
    name: str
    seconds: float
    executed: list[tuple[str, float]]  # each page executed, with its seconds, in order
    load: float  # the machine's 1-minute load average when the build started


def copy_of_repository(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def set_execution_jobs(source: Path, jobs: int) -> None:
    """`execution_jobs` of the copy's _config.yml (0: one page per core at once)."""
    config = source / "_config.yml"
    text = re.sub(r"\n    execution_jobs: \d+", "", config.read_text(encoding="utf-8"))
    assert "\n  config:\n" in text, "_config.yml has no sphinx config section"
    text = text.replace("\n  config:\n", f"\n  config:\n    execution_jobs: {jobs}\n", 1)
    config.write_text(text, encoding="utf-8")


def build(name: str, source: Path, *extra: str) -> Build:
    env = dict(venv_env(), PYTHONPATH=str(source))
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(
        [str(VENV / "bin" / "jupyter-book"), "build", str(source), *BOOK_BUILD_FLAGS, *extra],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{name}: the build failed:\n{(done.stdout + done.stderr)[-5000:]}")
    executed = [
        (Path(path).relative_to(source).as_posix(), float(s))
        for path, s in EXECUTED.findall(done.stdout + done.stderr)
    ]
    print(f"{name}: {seconds:.0f} s, {len(executed)} pages executed", flush=True)
    return Build(name, seconds, executed, load)


def edit_prose(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace(
            "\n## Summary\n", "\n## Summary\n\nA sentence added by the build benchmark.\n", 1
        ),
        encoding="utf-8",
    )


def edit_code(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\n"
    at = text.index(marker) + len(marker)
    page.write_text(text[:at] + "# edited by the build benchmark\n" + text[at:], encoding="utf-8")


def edit_module(module: Path) -> None:
    with module.open("a", encoding="utf-8") as file:
        file.write("\n# edited by the build benchmark\n")


def check(builds: list[Build], expected: dict[str, list[str] | None]) -> None:
    """Each build executed the pages expected of it (None: every page with code, once each)."""
    every_page = sorted(page for page, _ in builds[0].executed)
    for run in builds:
        pages = sorted(page for page, _ in run.executed)
        wanted = expected[run.name]
        if pages != (every_page if wanted is None else wanted):
            raise SystemExit(f"{run.name}: the cache executed {pages}, expected {wanted}")
    if len(set(every_page)) != len(every_page):
        raise SystemExit(f"a cold build executed a page twice: {every_page}")


def report(builds: list[Build]) -> str:
    serial = [run for run in builds if SERIAL in run.name]
    parallel = [run for run in builds if PARALLEL in run.name]
    rows = "\n".join(
        f"| {run.name} | {run.seconds:.0f} | {len(run.executed)} | "
        f"{sum(s for _, s in run.executed):.0f} | {run.load:.1f} |"
        for run in builds
    )
    first = serial[0]
    executing = sum(s for _, s in first.executed)
    slowest = sorted(first.executed, key=lambda item: -item[1])[:3]
    best_serial = min(serial, key=lambda run: run.seconds)
    best_parallel = min(parallel, key=lambda run: run.seconds)
    return (
        f"# Building the website\n\n"
        f"Measured by `benchmarks/book_build.py` on {platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}, with the flags of `python3 dev.py book` "
        f"({' '.join(BOOK_BUILD_FLAGS)}). The machine was shared with other work while it ran "
        f"(the load average before each build is in the last column), so the times are noisy: "
        f"compare builds of one run, not runs.\n\n"
        f"| build | seconds | pages executed | seconds executing (sum over pages) "
        f"| load before |\n|---|---|---|---|---|\n{rows}\n\n"
        f"Cold, with one page at a time, executing code took {executing:.0f} s of "
        f"{first.seconds:.0f} s ({100 * executing / first.seconds:.0f}%); the rest is Sphinx "
        f"reading and writing the pages. The slowest pages to execute: "
        + ", ".join(f"`{page}` {seconds:.0f} s" for page, seconds in slowest)
        + f". With the pages executed {len(os.sched_getaffinity(0))} at once (each kernel with "
        f"its share of the cores for BLAS), the best cold build took "
        f"{best_parallel.seconds:.0f} s against {best_serial.seconds:.0f} s "
        f"({best_serial.seconds / best_parallel.seconds:.1f} times faster); the pages' times "
        f"executing add up to {sum(s for _, s in best_parallel.executed):.0f} s, against "
        f"{sum(s for _, s in best_serial.executed):.0f} s one at a time.\n"
    )


def main() -> None:
    builds: list[Build] = []
    expected: dict[str, list[str] | None] = {}
    with tempfile.TemporaryDirectory(prefix="book-bench-") as scratch:
        source = copy_of_repository(Path(scratch) / "book")
        for jobs, how in [(1, SERIAL), (0, PARALLEL)]:
            set_execution_jobs(source, jobs)
            for attempt in range(1, COLD_RUNS + 1):
                shutil.rmtree(source / "_build", ignore_errors=True)
                name = f"cold (no cache), {how}, #{attempt}"
                builds.append(build(name, source))
                expected[name] = None

        def cached(name: str, wanted: list[str], *extra: str) -> None:
            builds.append(build(name, source, *extra))
            expected[name] = wanted

        cached("cached, nothing edited", [])
        tests_output = Path(scratch) / "tests-output"
        cached(
            "cached, into a new output folder (the tests' build)",
            [],
            "--path-output",
            str(tests_output),
        )
        edit_prose(source / EDITED)
        cached(f"cached, prose of `{EDITED}` edited", [])
        edit_code(source / EDITED)
        cached(f"cached, a code cell of `{EDITED}` edited", [EDITED])
        edit_module(source / IMPORTED_MODULE)
        cached(f"cached, `{IMPORTED_MODULE}` edited", [IMPORTING_PAGE])
        edit_module(source / UNIMPORTED_MODULE)
        cached(f"cached, `{UNIMPORTED_MODULE}` edited", [])

    print(builds, flush=True)  # the measurements, whatever becomes of the report
    check(builds, expected)
    text = report(builds)
    print(text)
    Path(__file__).with_suffix(".md").write_text(text)


if __name__ == "__main__":
    main()
