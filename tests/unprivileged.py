"""Run Python as an unprivileged user that the test picks: a bare uid, with no name in /etc/passwd.

For tests that grade as an instructor without root would (the sandbox then runs rootless,
bwrap started by that uid). Only root can start such a process: `require_root` skips the
test otherwise. The process drops to the uid in a private mount namespace where the
interpreter and this repository are reachable (isolation.make_preexec covers closed
directories on the way, such as /root with pyenv, or a checkout in a 0700 mktemp folder).

    course = folder_for(UID)                          # a fresh folder the uid owns, for its files
    value = call_as(UID, module_function, course, 3)  # its result, as JSON crosses
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.sandbox import isolation

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
UID_BASE = (
    1_900_000  # below the grader's sandbox uids (uids.SANDBOX_UID_BASE); none has a name or files
)
UID = (
    UID_BASE + os.getpid() % 50_000
)  # this test run's: another run beside it likely picks another
# Where a test's grader runs: in the test's own process, or in one of UID's (this module).
AS_THIS_USER = "as root" if os.geteuid() == 0 else "as this user"
AS_UNPRIVILEGED = "as an unprivileged user"
RESULT = "unprivileged-result: "  # the line of the process's output that holds its result


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("running code as another user needs root")


def give(path: Path, uid: int) -> Path:
    """``path`` and everything in it, owned by ``uid``."""
    for folder, directories, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, entry) for entry in directories + files)]:
            os.lchown(name, uid, uid)
    return path


def folder_for(uid: int, prefix: str = "optgrade-unprivileged-") -> Path:
    """A fresh folder of ``uid``'s (mode 0700) in the machine's temporary folder."""
    require_root()
    return give(Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp")), uid)


def run_as(uid: int, code: str, *arguments: str, timeout: float = 900) -> object:
    """Run ``code`` (Python, given ``arguments`` in sys.argv[1:]) as ``uid``; what it printed after
    `RESULT` on a line of its own, JSON-decoded. AssertionError, with its output, if it fails."""
    require_root()
    home = folder_for(uid, prefix="optgrade-unprivileged-home-")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{TESTS}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    reach = [*isolation.interpreter_paths(), ROOT]
    try:
        result = subprocess.run(
            [sys.executable, "-c", code, *arguments],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            preexec_fn=isolation.make_preexec(uid=uid, reach=reach),
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    lines = [line[len(RESULT) :] for line in result.stdout.splitlines() if line.startswith(RESULT)]
    assert result.returncode == 0 and lines, (
        f"exit code {result.returncode} as uid {uid}:\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return json.loads(lines[-1])


CALL = f"""
import importlib, json, sys
module, name, arguments = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
value = getattr(importlib.import_module(module), name)(*arguments)
print({RESULT!r} + json.dumps(value), flush=True)
"""


def call_as(uid: int, function, *arguments, timeout: float = 900) -> object:
    """``function(*arguments)`` called as ``uid`` in a fresh interpreter: a function of a module in
    the repository or in tests/ (imported by its name), plain-data arguments and result."""
    return run_as(
        uid,
        CALL,
        function.__module__,
        function.__qualname__,
        json.dumps([str(a) if isinstance(a, Path) else a for a in arguments]),
        timeout=timeout,
    )


def graded_by(mode: str, grade_a_course, request, tmp_path_factory) -> tuple[Path, object]:
    """A fresh course and what ``grade_a_course(course)`` returned (plain data), the grader running
    in this process (AS_THIS_USER) or in a process of UID's (AS_UNPRIVILEGED: its sandbox runs
    rootless). For module fixtures parametrized over the two modes."""
    if mode == AS_THIS_USER:
        course = tmp_path_factory.mktemp("course")
        return course, grade_a_course(course)
    course = folder_for(UID)
    request.addfinalizer(lambda: shutil.rmtree(course, ignore_errors=True))
    return course, call_as(UID, grade_a_course, course)
