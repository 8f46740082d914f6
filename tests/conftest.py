"""Shared fixtures for the test suite."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from grading_support import venv_environment

ROOT = Path(__file__).resolve().parents[1]


def _book_build_flags() -> list[str]:
    """The flags `python3 dev.py book` builds with, read from dev.py so the two never drift apart."""
    spec = importlib.util.spec_from_file_location("_course_dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return list(dev.BOOK_BUILD_FLAGS)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the whole book once per session, as `python3 dev.py book` does, into a temporary
    directory; return the path of its HTML output (``<tmp>/_build/html``).

    Every page is executed (a fresh execution cache lives in the temporary directory). If the
    build fails (a warning, a broken reference, a cell that raises) the fixture fails with the
    end of the build log.
    """
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--path-output",
        str(out),
        *_book_build_flags(),
    ]
    result = subprocess.run(
        command, cwd=ROOT, env=venv_environment(), capture_output=True, text=True
    )
    if result.returncode != 0:
        log = (result.stdout + result.stderr)[-8000:]
        pytest.fail(
            f"the book build failed (exit code {result.returncode}):\n{log}", pytrace=False
        )
    return out / "_build" / "html"
