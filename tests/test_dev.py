"""dev.py's system packages: what `python3 dev.py book` and `python3 dev.py test` install, or say
to install.

Nothing is installed here: dev.py's `run` (every command it runs) is replaced by a recorder,
and root, apt-get and the programs present are simulated.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def dev(monkeypatch, tmp_path):
    """dev.py loaded as a module, its commands recorded instead of run, its programs missing."""
    spec = importlib.util.spec_from_file_location("_course_dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ran, module.failing = [], set()

    def run(*cmd, **kwargs):
        command = " ".join(str(c) for c in cmd)
        module.ran.append((command, kwargs.get("env", {}).get("DEBIAN_FRONTEND")))
        if command in module.failing:
            module.failing.discard(command)  # fails once
            raise subprocess.CalledProcessError(100, cmd)

    monkeypatch.setattr(module, "run", run)
    for name in ("SANDBOX", "BROWSER", "POSTGRESQL"):
        need = getattr(module, name)
        monkeypatch.setattr(
            module, name, need._replace(programs=[tmp_path / p.name for p in need.programs])
        )
    return module


def as_user(monkeypatch, dev, *, root: bool, apt_get: bool = True) -> None:
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0 if root else 1000)
    monkeypatch.setattr(dev.shutil, "which", lambda name: f"/usr/bin/{name}" if apt_get else None)


def test_are_both_verbs_making_sure_of_bubblewrap_and_test_of_chromium_and_postgresql(
    dev, monkeypatch
):
    ensured = []
    monkeypatch.setattr(dev, "ensure_system_packages", lambda need: ensured.append(need.packages))
    dev.build_book([])
    assert ensured == [["bubblewrap"]]
    ensured.clear()
    dev.run_tests([])
    assert ensured == [["bubblewrap"], ["chromium", "chromium-driver"], ["postgresql"]]
    assert dev.SANDBOX.programs[0].name == "bwrap" and dev.BROWSER.programs[0].name == "chromium"
    assert dev.POSTGRESQL.programs[0].name == "initdb"


def test_is_nothing_done_when_the_programs_are_there(dev, monkeypatch, capsys):
    as_user(monkeypatch, dev, root=True)
    for program in dev.SANDBOX.programs:
        program.write_text("")
    dev.ensure_system_packages(dev.SANDBOX)
    assert dev.ran == [] and capsys.readouterr().out == ""


def test_does_root_with_apt_get_install_bubblewrap(dev, monkeypatch, capsys):
    as_user(monkeypatch, dev, root=True)
    dev.ensure_system_packages(dev.SANDBOX)
    assert dev.ran == [("apt-get install -y bubblewrap", "noninteractive")]
    assert (
        "bwrap missing. Grading runs every student's code in bubblewrap's sandbox"
        in capsys.readouterr().out
    )


def test_does_a_failed_install_update_the_package_lists_and_try_again(dev, monkeypatch, capsys):
    as_user(monkeypatch, dev, root=True)
    dev.failing.add("apt-get install -y bubblewrap")
    dev.ensure_system_packages(dev.SANDBOX)
    assert [command for command, _ in dev.ran] == [
        "apt-get install -y bubblewrap",
        "apt-get update",
        "apt-get install -y bubblewrap",
    ]
    out = capsys.readouterr().out
    assert (
        "updating the package lists and trying again" in out
        and "Installing bubblewrap failed" not in out
    )


def test_does_an_install_that_keeps_failing_say_what_follows_and_go_on(dev, monkeypatch, capsys):
    as_user(monkeypatch, dev, root=True)
    dev.failing.add("apt-get install -y bubblewrap")
    dev.failing.add("apt-get update")
    dev.ensure_system_packages(dev.SANDBOX)
    out = capsys.readouterr().out
    assert (
        "Installing bubblewrap failed, "
        "so `python -m autograder grade` refuses to start (exit code 4)" in out
    )


@pytest.mark.parametrize("root, apt_get", [(False, True), (True, False)])
def test_does_a_machine_where_it_cannot_install_say_what_to_install_and_why(
    dev, monkeypatch, capsys, root, apt_get
):
    as_user(monkeypatch, dev, root=root, apt_get=apt_get)
    dev.ensure_system_packages(dev.SANDBOX)
    dev.ensure_system_packages(dev.BROWSER)
    assert dev.ran == []
    sandbox, browser = capsys.readouterr().out.splitlines()
    assert "bwrap missing. Grading runs every student's code in bubblewrap's sandbox" in sandbox
    assert (
        "refuses to start (exit code 4), the sandbox tests (tests/test_sandbox.py) skip" in sandbox
    )
    assert "`apt-get install -y bubblewrap` (`dnf install -y bubblewrap` on Fedora)" in sandbox
    assert "chromium, " in browser and "`apt-get install -y chromium chromium-driver`." in browser
