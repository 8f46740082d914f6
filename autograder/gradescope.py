"""An exercise's Gradescope autograder: the ``autograder.zip`` of Gradescope's "Autograder
Specifications".

At the root of the archive (Gradescope unpacks it into ``/autograder/source``):

- ``setup.sh``, which Gradescope runs once, as root, when it builds the autograder's image
  (Ubuntu): it installs bubblewrap and libseccomp (the sandbox), a Python 3.11 or newer, and
  `GRADING_REQUIREMENTS` at the course's pins into ``/autograder/source/.venv``;
- ``run_autograder``, which Gradescope runs for every submission: ``python -m autograder
  gradescope-run``, which grades ``/autograder/submission`` with hosted.grade_upload and writes
  ``/autograder/results/results.json``;
- ``run_prairielearn``, the same grading as PrairieLearn's external grader runs it (the
  question's entrypoint, with the archive's files in the course's ``serverFilesCourse``):
  ``python -m autograder prairielearn``, ``/grade/student`` in, ``/grade/results/results.json``
  out, with the interpreter of an image built by running ``setup.sh`` in ``/opt/optgrade``;
- what grading needs of the course: the package ``autograder`` (hidden checks and reference
  included), the student package ``optlab`` (``student/``), the exercise's source notebook
  (``solutions/<exercise>/``), ``_config.yml`` (the book's address, for the feedback's links),
  the pinned requirements and ``constraints.txt``.

Students never see the archive: Gradescope shows them only what ``results.json`` says, and
their code runs in the sandbox, which shows none of ``/autograder``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .course import SOURCE

# What grading needs from requirements.txt (their pins are read from it): nbgrader and its
# notebooks, IPython (the student process's shell), the sandbox's system-call filter, NumPy and
# optlab's dependencies, and YAML for _config.yml. The book's and the tests' are left out.
GRADING_REQUIREMENTS = (
    "nbgrader",
    "nbformat",
    "ipython",
    "numpy",
    "scikit-learn",
    "matplotlib",
    "pillow",
    "pyseccomp",
    "pyyaml",
)
# Whatever the files' dates, the same course gives the same archive.
ARCHIVE_DATE = (2020, 1, 1, 0, 0, 0)
EXECUTABLE = 0o100755 << 16
READABLE = 0o100644 << 16

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu). It
# installs the sandbox that student code runs in (bubblewrap, libseccomp), a Python 3.11 or
# newer, and the grader's pinned packages into /autograder/source/.venv.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap libseccomp2 python3 python3-venv
python=""
for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    # Ubuntu 22.04's python3 is 3.10; its universe has 3.11.
    apt-get install -y --no-install-recommends python3.11
    python=python3.11
fi
"$python" -c 'import ensurepip' 2>/dev/null ||
    apt-get install -y --no-install-recommends "$python-venv"
"$python" -m venv .venv
.venv/bin/pip install --no-cache-dir --disable-pip-version-check \\
    -r requirements.txt -c constraints.txt ./student
# Said in the build's log: whether a sandbox starts here (the grader grades nothing where none
# can, and says why). An image built without the grader's files (for PrairieLearn) skips it.
if [ -d autograder ]; then
    .venv/bin/python -c 'from autograder.sandbox.isolation import can_isolate
print("sandbox:", can_isolate() or "it starts")'
fi
"""

RUN_AUTOGRADER = """\
#!/bin/sh
# Gradescope runs this for every submission, as root: it grades the notebook uploaded to
# $root/submission with the hidden checks (the student's code in the sandbox) and writes
# $root/results/results.json. OPTGRADE_GRADESCOPE_ROOT moves that layout (/autograder) elsewhere,
# OPTGRADE_PYTHON names another interpreter than setup.sh's; arguments are passed on.
set -eu
root="${{OPTGRADE_GRADESCOPE_ROOT:-/autograder}}"
source="$root/source"
python="${{OPTGRADE_PYTHON:-$source/.venv/bin/python}}"
cd "$source"
PYTHONPATH="$source" exec "$python" -m autograder --root "$source" \\
    gradescope-run {assignment} --gradescope-root "$root" "$@"
"""

RUN_PRAIRIELEARN = """\
#!/bin/sh
# PrairieLearn's external grader runs this (the question's entrypoint), as root: it grades the
# notebook in $grade/student with the hidden checks (the student's code in the sandbox) and
# writes $grade/results/results.json. OPTGRADE_GRADE_ROOT moves that layout (/grade) elsewhere,
# OPTGRADE_PYTHON names another interpreter than the image's (setup.sh run in /opt/optgrade);
# arguments are passed on.
set -eu
source="$(cd "$(dirname "$0")" && pwd)"
grade="${{OPTGRADE_GRADE_ROOT:-/grade}}"
python="${{OPTGRADE_PYTHON:-/opt/optgrade/.venv/bin/python}}"
cd "$source"
PYTHONPATH="$source" exec "$python" -m autograder --root "$source" \\
    prairielearn {assignment} --grade-root "$grade" "$@"
"""


def grading_requirements(root: Path) -> str:
    """The lines of the course's requirements.txt that grading needs, pins and all."""
    lines = {}
    for line in Path(root, "requirements.txt").read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==\S+", line.strip())
        if match:
            lines[match.group(1).lower()] = match.group(0)
    missing = [name for name in GRADING_REQUIREMENTS if name not in lines]
    if missing:
        raise ValueError(f"requirements.txt pins none of: {', '.join(missing)}")
    return "\n".join(lines[name] for name in GRADING_REQUIREMENTS) + "\n"


def bundle_files(root: Path, assignment: str) -> dict[str, Path]:
    """The course's files that go into the archive, by their name in it."""
    files = {}
    for folder in (Path(root, "autograder"), Path(root, "student", "optlab")):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files[path.relative_to(root).as_posix()] = path
    for path in sorted(Path(root, SOURCE, assignment).rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            files[path.relative_to(root).as_posix()] = path
    for name in ("student/pyproject.toml", "constraints.txt", "_config.yml"):
        files[name] = Path(root, name)
    return files


def write_bundle(root: Path, assignment: str, to: Path) -> Path:
    """Write the Gradescope autograder of ``assignment`` to ``to``."""
    to.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(to, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, mode: int = READABLE) -> None:
            entry = zipfile.ZipInfo(name, ARCHIVE_DATE)
            entry.external_attr = mode
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)

        add("setup.sh", SETUP_SH.encode(), EXECUTABLE)
        add("run_autograder", RUN_AUTOGRADER.format(assignment=assignment).encode(), EXECUTABLE)
        add(
            "run_prairielearn", RUN_PRAIRIELEARN.format(assignment=assignment).encode(), EXECUTABLE
        )
        add("requirements.txt", grading_requirements(root).encode())
        for name, path in bundle_files(root, assignment).items():
            add(name, path.read_bytes())
    return to
