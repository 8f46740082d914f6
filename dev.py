"""The project's two entry points, for a fresh machine with only Python 3.11+.

    python3 dev.py book    # install into .venv, then build the website into _build/html
    python3 dev.py test    # install into .venv, then run the whole test suite

Both first make sure `.venv` holds exactly the pinned requirements (reinstalling only
when requirements.txt, constraints.txt or the student package's metadata changed), and
that the system package `bubblewrap` (the program /usr/bin/bwrap) is installed: the
grader runs every student's code in its sandbox, and `python -m autograder grade` refuses
to start without it (the sandbox tests then skip, and the grading tests fail).
`test` also makes sure Debian's Chromium and its driver are installed for the browser
tests (tests/test_browser.py), and Debian's PostgreSQL for the tests of a gradebook in
PostgreSQL (tests/test_postgresql_gradebook.py). A missing package is installed with
apt-get when this runs as root on a system that has it (as in CI); otherwise a line says
what is missing, what needs it and how to install it, and the command goes on.
Anything after the verb is passed on: to `jupyter-book build` for `book`, to pytest
for `test` (for example `python3 dev.py test -k gradients -x`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
INSTALL_INPUTS = ["requirements.txt", "constraints.txt", "student/pyproject.toml"]
STAMP = VENV / ".installed-requirements"

# Warnings are errors, nitpicky cross-references, and every problem reported at once.
BOOK_BUILD_FLAGS = ["-W", "-n", "--keep-going"]


def worker_count() -> int:
    """One pytest worker per core available to this process, and one more: many tests spend
    their time waiting (for a sandbox to start, a timeout to run out, another grading run), and
    the extra worker keeps the cores busy meanwhile."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


# A NamedTuple, not a dataclass: tests/conftest.py loads this file as a module that
# sys.modules lacks.
class SystemPackages(NamedTuple):
    """Debian packages this project needs beyond Python's: which, why, and what fails without
    them."""

    packages: list[str]
    programs: list[Path]  # what they install; all present means nothing to do
    why: str  # what needs them, as a sentence without its full stop
    without: str  # what happens while they are missing
    elsewhere: str = ""  # how to install them on other systems, if that is worth saying


# The sandbox every student process runs in (autograder/sandbox/isolation.py).
SANDBOX = SystemPackages(
    ["bubblewrap"],
    [Path("/usr/bin/bwrap")],
    why="Grading runs every student's code in bubblewrap's sandbox",
    without="`python -m autograder grade` refuses to start (exit code 4), the sandbox tests "
    "(tests/test_sandbox.py) skip and the grading tests fail",
    elsewhere="`dnf install -y bubblewrap` on Fedora",
)

# The browser the tests open the built site in (tests/test_browser.py).
BROWSER = SystemPackages(
    ["chromium", "chromium-driver"],
    [Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")],
    why="The browser tests (tests/test_browser.py) open the built site in Chromium",
    without="the browser tests fail",
)


# Where Debian's PostgreSQL keeps its server's programs, one folder per major version.
POSTGRESQL_BIN = "/usr/lib/postgresql/*/bin"


def postgresql_bin() -> Path | None:
    """The newest installed PostgreSQL server's folder of programs (initdb, pg_ctl); None when
    none is installed."""
    folders = [Path(p).parent for p in Path("/").glob(POSTGRESQL_BIN.lstrip("/") + "/initdb")]
    return max(
        folders, key=lambda f: (f.parent.name.isdigit(), f.parent.name.zfill(8)), default=None
    )


# The PostgreSQL server the gradebook's tests start, throwaway (tests/postgresql.py): a gradebook
# may be in PostgreSQL (autograder/gradebook.py).
POSTGRESQL = SystemPackages(
    ["postgresql"],
    [(postgresql_bin() or Path(POSTGRESQL_BIN)) / "initdb"],
    why="The tests of a gradebook in PostgreSQL (tests/test_postgresql_gradebook.py) start "
    "a PostgreSQL server of their own",
    without="those tests skip",
)


def run(*cmd: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def install_digest() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    # dev.py is run by whatever python3 the machine has: say so plainly when it is too old.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = install_digest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
        "requirements.txt",
        "-c",
        "constraints.txt",
    )
    STAMP.write_text(wanted)


def ensure_system_packages(need: SystemPackages) -> None:
    """Install ``need``'s Debian packages if a program of theirs is missing and we are root with
    apt-get (as in CI).

    `apt-get install` is tried first; if it fails (a fresh machine has no package lists yet),
    the lists are updated and it is tried again. Without root or apt-get, or if that fails too,
    nothing else is done: a line says what is missing, what needs it and how to install it,
    and the command goes on.
    """
    missing = [str(program) for program in need.programs if not program.exists()]
    if not missing:
        return
    install = ["apt-get", "install", "-y", *need.packages]
    packages = " and ".join(need.packages)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        how = f"`{' '.join(install)}`" + (f" ({need.elsewhere})" if need.elsewhere else "")
        print(
            f"{', '.join(missing)} missing. {need.why}; without {packages}, {need.without}. "
            f"Install as root with: {how}.",
            flush=True,
        )
        return
    print(
        f"{', '.join(missing)} missing. {need.why}: installing Debian's {packages} ...", flush=True
    )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        run(*install, env=env)
    except subprocess.CalledProcessError:
        print(
            "apt-get install failed; updating the package lists and trying again ...", flush=True
        )
        try:
            run("apt-get", "update", env=env)
            run(*install, env=env)
        except subprocess.CalledProcessError:
            print(f"Installing {packages} failed, so {need.without}.", flush=True)


def venv_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    # Book pages run the hidden reference optimizers (their code never reaches the site).
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def build_book(extra: list[str]) -> None:
    ensure_system_packages(SANDBOX)
    # _toc.yml is written from the table of chapters (student/optlab/chapters.py).
    run(PYTHON, ROOT / "book" / "_ext" / "course_map.py", env=venv_env())
    run(VENV / "bin" / "jupyter-book", "build", ".", *BOOK_BUILD_FLAGS, *extra, env=venv_env())
    print(f"\nThe website is in {ROOT / '_build' / 'html'} (open index.html).")


def run_tests(extra: list[str]) -> None:
    ensure_system_packages(SANDBOX)
    ensure_system_packages(BROWSER)
    ensure_system_packages(POSTGRESQL)
    # Workers take whole modules, so that a module's shared fixtures (a graded course, a
    # browser) are made once; `-n 0` runs in one process.
    parallel = ["-n", str(worker_count()), "--dist", "loadfile"]
    workers = [] if any(arg.startswith(("-n", "--numprocesses")) for arg in extra) else parallel
    run(PYTHON, "-m", "pytest", *workers, *extra, env=venv_env())


def main(argv: list[str]) -> None:
    verbs = {"book": build_book, "test": run_tests}
    if not argv or argv[0] not in verbs:
        sys.exit(__doc__)
    ensure_environment()
    try:
        verbs[argv[0]](argv[1:])
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
