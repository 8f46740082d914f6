"""How long the website takes to build: cold, then cached after no edit, a prose edit and a code edit.

    .venv/bin/python benchmarks/book_build.py      # prints a table, writes book_build.md

A copy of the repository's files (as `git ls-files` lists them, with untracked files that
are not ignored) is built four times with the flags of `python3 dev.py book`:

1. cold: no execution cache, every page with code is executed;
2. again, nothing edited: nothing may be executed;
3. after editing the prose of one chapter: nothing may be executed (the cache keys on code);
4. after editing a code cell of one chapter: that chapter, and only it, is executed.

The script fails if the cache executes anything else. Which pages ran, and for how long,
is read from myst-nb's log ("Executed notebook in N seconds"), so the share of the build
spent executing code is measured, not estimated.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dev import BOOK_BUILD_FLAGS, VENV, venv_env  # noqa: E402

EDITED = "book/sgd.md"
EXECUTED = re.compile(r"(\S+?\.(?:md|ipynb)): Executed notebook in ([\d.]+) seconds")


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


def build(source: Path) -> tuple[float, dict[str, float]]:
    """Seconds of the whole build, and the seconds each executed page took."""
    env = dict(venv_env(), PYTHONPATH=str(source))
    started = time.perf_counter()
    done = subprocess.run(
        [str(VENV / "bin" / "jupyter-book"), "build", str(source), *BOOK_BUILD_FLAGS],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the build failed:\n{(done.stdout + done.stderr)[-5000:]}")
    executed = {
        Path(path).relative_to(source).as_posix(): float(s)
        for path, s in EXECUTED.findall(done.stdout + done.stderr)
    }
    return seconds, executed


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


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="book-bench-") as scratch:
        source = copy_of_repository(Path(scratch))
        runs = []
        cold_seconds, cold_pages = build(source)
        runs.append(("cold (no cache): every page with code executed", cold_seconds, cold_pages))
        runs.append(("cached, nothing edited", *build(source)))
        edit_prose(source / EDITED)
        runs.append((f"cached, prose of `{EDITED}` edited", *build(source)))
        edit_code(source / EDITED)
        runs.append((f"cached, a code cell of `{EDITED}` edited", *build(source)))

    expected = [None, [], [], [EDITED]]
    for (name, _, pages), wanted in zip(runs, expected):
        if wanted is not None and sorted(pages) != wanted:
            raise SystemExit(f"{name}: the cache executed {sorted(pages)}, expected {wanted}")
    executing = sum(cold_pages.values())
    rows = "\n".join(
        f"| {name} | {seconds:.0f} | {len(pages)} | {sum(pages.values()):.0f} |"
        for name, seconds, pages in runs
    )
    slowest = sorted(cold_pages.items(), key=lambda item: -item[1])[:3]
    text = (
        f"# Building the website\n\n"
        f"Measured by `benchmarks/book_build.py` on {platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}, with the flags of "
        f"`python3 dev.py book` ({' '.join(BOOK_BUILD_FLAGS)}).\n\n"
        f"| build | seconds | pages executed | seconds executing |\n|---|---|---|---|\n{rows}\n\n"
        f"Cold, executing code took {executing:.0f} s of {cold_seconds:.0f} s "
        f"({100 * executing / cold_seconds:.0f}%); the rest is Sphinx reading and writing the pages. "
        f"The slowest pages to execute: "
        + ", ".join(f"`{page}` {seconds:.0f} s" for page, seconds in slowest)
        + ".\n"
    )
    print(text)
    Path(__file__).with_suffix(".md").write_text(text)


if __name__ == "__main__":
    main()
