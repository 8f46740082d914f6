"""The project's two entry points, for a fresh machine with only Python 3.11+.

    python3 dev.py book    # install into .venv, then build the website into _build/html
    python3 dev.py test    # install into .venv, then run the whole test suite

Both first make sure `.venv` holds exactly the pinned requirements (reinstalling only
when requirements.txt, constraints.txt or the student package's metadata changed).
`test` also makes sure Debian's Chromium and its driver are installed for the browser
tests (tests/test_browser.py): when they are missing and this runs as root, it installs
them with apt-get; otherwise those tests fail and say how to install them.
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

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
INSTALL_INPUTS = ["requirements.txt", "constraints.txt", "student/pyproject.toml"]
STAMP = VENV / ".installed-requirements"

# Warnings are errors, nitpicky cross-references, and every problem reported at once.
BOOK_BUILD_FLAGS = ["-W", "-n", "--keep-going"]

# The browser the tests open the built site in (tests/test_browser.py), from Debian's packages.
BROWSER_PACKAGES = ["chromium", "chromium-driver"]
BROWSER_PROGRAMS = [Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")]


def run(*cmd: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def install_digest() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = install_digest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-r", "requirements.txt", "-c", "constraints.txt")
    STAMP.write_text(wanted)


def ensure_browser() -> None:
    """Install Debian's Chromium and ChromeDriver if either is missing and we are root (as in CI).

    `apt-get install` is tried first; if it fails (a fresh machine has no package lists yet),
    the lists are updated and it is tried again. Without root, or if that fails too, nothing
    else is done: the rest of the suite still runs, and the browser tests fail with the
    command to run.
    """
    missing = [str(program) for program in BROWSER_PROGRAMS if not program.exists()]
    if not missing:
        return
    install = ["apt-get", "install", "-y", *BROWSER_PACKAGES]
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"{', '.join(missing)} missing: the browser tests (tests/test_browser.py) will fail. "
              f"Install them as root with: {' '.join(install)}", flush=True)
        return
    print(f"{', '.join(missing)} missing: installing Debian's {' and '.join(BROWSER_PACKAGES)} "
          "for the browser tests (tests/test_browser.py) ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        run(*install, env=env)
    except subprocess.CalledProcessError:
        print("apt-get install failed; updating the package lists and trying again ...", flush=True)
        try:
            run("apt-get", "update", env=env)
            run(*install, env=env)
        except subprocess.CalledProcessError:
            print("Installing the browser failed: the browser tests will fail.", flush=True)


def venv_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    # Book pages run the hidden reference optimizers (their code never reaches the site).
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def build_book(extra: list[str]) -> None:
    run(VENV / "bin" / "jupyter-book", "build", ".", *BOOK_BUILD_FLAGS, *extra, env=venv_env())
    print(f"\nThe website is in {ROOT / '_build' / 'html'} (open index.html).")


def run_tests(extra: list[str]) -> None:
    ensure_browser()
    run(PYTHON, "-m", "pytest", *extra, env=venv_env())


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
