"""Shared fixtures for the test suite."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from grading_support import venv_environment

ROOT = Path(__file__).resolve().parents[1]


def _book_build_flags() -> list[str]:
    """The flags `python3 dev.py book` builds with, read from dev.py so that the two agree."""
    spec = importlib.util.spec_from_file_location("_course_dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return list(dev.BOOK_BUILD_FLAGS)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing), waiting for it if need be."""
    with path.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def _build_book(out: Path) -> str | None:
    """Build the book into ``out`` as `python3 dev.py book` builds it; the end of its log if it
    fails."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(ROOT), "--path-output", str(out)]
    result = subprocess.run(
        [*command, *_book_build_flags()],
        cwd=ROOT,
        env=venv_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode == 0:
        return None
    log = (result.stdout + result.stderr)[-8000:]
    return f"the book build failed (exit code {result.returncode}):\n{log}"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book, built once per test run as `python3 dev.py book` builds it into a
    temporary output folder: the path of its HTML (``<tmp>/book/_build/html``).

    Sphinx starts afresh, so every page is read and every warning is an error, as on a fresh
    clone; the pages' outputs come from the book folder's execution cache
    (_build/.jupyter_cache, keyed on each page's code and the course modules it imports), so
    after `python3 dev.py book` nothing is executed, and otherwise the pages the cache lacks are
    executed (several at once) into it. Under pytest-xdist the workers share one build: the first
    to need it builds it while the others wait, and a failed build fails them all without being
    repeated. If the build fails (a warning, a broken reference, a cell that raises) the fixture
    fails with the end of the build log.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the base temporary folder of all the workers
    out = shared / "book"
    built, failure = out / "built", out / "build-failure.txt"
    with _file_lock(shared / "book.lock"):
        if not built.exists() and not failure.exists():
            out.mkdir(exist_ok=True)
            error = _build_book(out)
            if error is None:
                built.touch()
            else:
                failure.write_text(error, encoding="utf-8")
    if failure.exists():
        pytest.fail(failure.read_text(encoding="utf-8"), pytrace=False)
    return out / "_build" / "html"


# The tiers of every test module that is not "fast" as a whole (see pyproject.toml's markers);
# tests that use `built_site` are "book" wherever they are, and a test may add its own marks.
MODULE_TIERS = {
    "test_browser": ("browser", "book", "slow"),
    "test_explorer_browser": ("browser", "book", "slow"),
    "test_reading_layout": ("browser", "book", "slow"),
    "test_page_weight": ("browser", "book", "slow"),
    "test_light_icons": ("book", "slow"),
    "test_chapter_notebooks": ("book", "slow"),
    "test_cli": ("sandbox", "slow"),
    "test_cluster_grading": ("sandbox", "slow"),
    "test_concurrent_grading": ("sandbox", "slow"),
    "test_crashing_returns": ("slow",),
    "test_exercises_grading": ("sandbox", "slow"),
    "test_grade_sheet": ("sandbox", "slow"),
    "test_gradients_grading": ("sandbox", "slow"),
    "test_grading_corpus": ("sandbox", "slow"),
    "test_grading_gradebook": ("sandbox", "slow"),
    "test_grading_limits": ("sandbox", "slow"),
    "test_hosted_grading": ("sandbox", "slow"),
    "test_isolation": ("sandbox",),
    "test_postgresql_gradebook": ("sandbox", "slow"),
    "test_restore_deleted_test_cells": ("slow",),
    "test_sandbox": ("sandbox",),
    "test_sandbox_attacks": ("sandbox", "slow"),
    "test_sandbox_uids": ("sandbox",),
    "test_student_mistakes": ("slow",),
    "test_tasks": ("slow",),
    "test_written_answers": ("sandbox", "slow"),
    "test_wrong_versions": ("slow",),
}
TIERS = ("book", "browser", "sandbox", "slow")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        for name in MODULE_TIERS.get(item.module.__name__, ()):
            item.add_marker(name)
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker("book")
        if not any(item.get_closest_marker(name) for name in TIERS):
            item.add_marker("fast")


@pytest.fixture(scope="module")
def browser(built_site, tmp_path_factory):
    """One headless Chromium (fresh profile) for the whole test module, and the built site's
    base URL, served from a thread (tests/browser_support.py)."""
    from browser_support import chromium, missing_browser, serve

    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)
    with (
        serve(built_site) as base,
        chromium(tmp_path_factory.mktemp("chromium-profile")) as driver,
    ):
        yield driver, base
