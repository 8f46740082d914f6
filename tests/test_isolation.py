"""The sandbox's parts (autograder/sandbox/isolation.py, processes.py): its command line, its
filter, its watch on memory.

What student code can and cannot do inside is attacked in test_sandbox_attacks.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.sandbox import isolation, processes
from autograder.sandbox.isolation import Limits, sandbox_command


def bound_sources(command: list[str]) -> set[str]:
    """The host paths a bwrap command line shows in the sandbox."""
    sources = set()
    for index, word in enumerate(command):
        if word in ("--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try"):
            sources.add(command[index + 1])
    return sources


def test_does_the_sandbox_show_nothing_of_the_host_but_its_allow_list(tmp_path):
    files = tmp_path / "grader"
    files.mkdir()
    command = sandbox_command(
        ["python"],
        needed=isolation.interpreter_paths(),
        files=files,
        limits=Limits(),
        seccomp_fd=10,
    )
    allowed = {
        "/usr",
        "/etc/ld.so.cache",
        str(files),
        *map(str, isolation.interpreter_paths()),
        *(
            top
            for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
            if Path(top).is_dir()
        ),
    }
    assert bound_sources(command) <= allowed
    assert not any(
        word in command for word in ("--share-net", "--bind", "--dev-bind", "--cap-add")
    )
    for flag in (
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
    ):
        assert flag in command
    assert command[command.index("--seccomp") + 1] == "10"
    # The only writable places are sized file systems of the sandbox's own.
    tmpfs = [command[i + 1] for i, word in enumerate(command) if word == "--tmpfs"]
    assert sorted(tmpfs) == ["/dev/shm", "/tmp"]
    sizes = [int(command[i + 1]) for i, word in enumerate(command) if word == "--size"]
    assert sorted(sizes) == sorted([isolation.SHM_BYTES, Limits().tmpfs_bytes])


def test_does_the_filter_name_calls_that_exist_here():
    import pyseccomp as seccomp

    known = [
        name
        for name in isolation.BLOCKED_SYSCALLS
        if seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) >= 0
    ]
    assert len(known) >= len(isolation.BLOCKED_SYSCALLS) - 3, (
        "most blocked calls should exist on this architecture"
    )
    assert isolation.syscall_filter()  # a BPF program, made once


FORKED_HOG = """
import os, sys, time
block = bytearray(200 * 1024**2)
# Resident, and shared with the children until they write.
block[::4096] = b"x" * len(block[::4096])
for _ in range(3):
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize(
    "children_lists", [True, False], ids=["kernel's lists of children", "a scan of /proc"]
)
def test_does_the_memory_watch_count_pages_that_forked_processes_share_once(
    monkeypatch, children_lists
):
    monkeypatch.setattr(
        processes, "HAS_CHILDREN_LISTS", children_lists and processes.HAS_CHILDREN_LISTS
    )
    parent = subprocess.Popen(
        ["sh", "-c", f"exec {sys.executable} -c '{FORKED_HOG}'"], stdout=subprocess.PIPE
    )
    try:
        assert parent.stdout.readline().strip() == b"ready"
        time.sleep(0.2)
        # The three children of the python the shell became.
        assert len(processes.descendants(parent.pid)) == 3
        used = processes.usage(parent.pid).memory_bytes
        # Four processes share one copy of 200 MiB: the three children's share is 150 MiB (plus
        # their interpreters' own pages), where their resident sizes would add up to 600 MiB.
        assert 100 * 1024**2 < used < 300 * 1024**2, used
    finally:
        parent.kill()
        subprocess.run(["pkill", "-KILL", "-P", str(parent.pid)])
        parent.wait()


def test_is_a_needed_directory_under_tmp_shown_inside_the_private_tmp(tmp_path_factory):
    """A checkout in /tmp (a fresh clone in `mktemp -d`) puts the interpreter's environment under
    /tmp: it must be bound into the sandbox's own /tmp, not hidden beneath it."""
    import tempfile

    if isolation.bwrap() is None:
        pytest.skip(isolation.BWRAP_MISSING)
    environment = Path(tempfile.mkdtemp(dir="/tmp", prefix="optgrade-test-venv-"))
    environment.chmod(0o755)  # as root the sandbox runs as a leased uid, which must read it
    try:
        (environment / "marker.txt").write_text("the environment")
        result = isolation.run_sandboxed(
            [
                sys.executable,
                "-I",
                "-c",
                f"print(open({str(environment / 'marker.txt')!r}).read())",
            ],
            needed=[*isolation.interpreter_paths(), environment],
        )
        assert result.stdout.decode().strip() == "the environment", result.stderr
    finally:
        (environment / "marker.txt").unlink()
        environment.rmdir()
