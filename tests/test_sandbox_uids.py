"""Sandbox uid leases: no two student processes on the machine share a uid, whoever grades them."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading_support import ROOT

from autograder.sandbox.isolation import SANDBOX_UID
from autograder.sandbox.processes import descendants, processes_of
from autograder.sandbox.session import SandboxConfig, StudentCallFailed, StudentSession
from autograder.sandbox.uids import (
    SANDBOX_UID_BASE,
    SANDBOX_UIDS,
    NoUidLeft,
    UidLease,
    kill_processes_of,
    lease_directory,
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="sandbox uids are leased by a grader that runs as root"
)

PROBE = """
import os
def whoami():
    return os.getuid()
def spin():
    while True:
        pass
def double(x):
    return 2 * x
"""


def session(call_timeout: float = 5.0) -> StudentSession:
    return StudentSession(
        [{"label": "cell 1", "source": PROBE}],
        SandboxConfig(call_timeout=call_timeout, isolate=True),
    )


def machine_uids(student: StudentSession) -> set[int]:
    """The real uids, as the machine sees them, of the session's processes (bwrap and all in its
    sandbox)."""
    uids = set()
    for pid in [student.process.pid, *descendants(student.process.pid)]:
        status = Path(f"/proc/{pid}/status").read_text()
        uids.add(int(status.split("Uid:")[1].split()[0]))
    return uids


def test_do_two_sessions_at_once_get_different_uids():
    with session() as first, session() as second:
        assert (
            first.call("whoami") == second.call("whoami") == SANDBOX_UID
        )  # inside its user namespace
        assert machine_uids(first) == {first.uid} and machine_uids(second) == {second.uid}
        assert first.uid != second.uid
        assert all(
            SANDBOX_UID_BASE <= uid < SANDBOX_UID_BASE + SANDBOX_UIDS
            for uid in (first.uid, second.uid)
        )


def test_does_killing_everything_of_one_sessions_uid_leave_the_others_student_alive():
    with session(call_timeout=1.0) as victim, session() as bystander:
        bystander.ensure_started()
        with pytest.raises(StudentCallFailed, match="time limit"):
            victim.call("spin")  # the grader kills every process of the victim's uid
        assert bystander.process.poll() is None
        assert bystander.call("double", 2) == 4 and bystander.starts == 1


@pytest.mark.parametrize(
    "plant", ["open to others", "open to its group", "owned by another uid", "a symlink", "a file"]
)
def test_is_a_lease_directory_that_someone_else_could_plant_refused(tmp_path, plant):
    good = tmp_path / "good"
    good.mkdir(mode=0o700)
    directory = tmp_path / "leases"
    if plant == "a symlink":
        directory.symlink_to(good)
    elif plant == "a file":
        directory.write_text("")
    else:
        directory.mkdir(mode=0o700)
        if plant == "open to others":
            directory.chmod(0o705)
        elif plant == "open to its group":
            directory.chmod(0o770)
        else:
            os.chown(directory, 12345, 12345)
    with pytest.raises(PermissionError, match="closed to others"):
        lease_directory(directory)
    with pytest.raises(PermissionError):
        UidLease(directory)
    # One it creates itself is root's and closed.
    assert lease_directory(tmp_path / "new") == tmp_path / "new"
    assert (tmp_path / "new").stat().st_mode & 0o077 == 0


HOLDER = """
import subprocess, sys, time
from autograder.sandbox.uids import UidLease
lease = UidLease(uids=[int(sys.argv[1])])
left = subprocess.Popen(
    ["sleep", "600"], user=lease.uid, group=lease.uid, extra_groups=[], start_new_session=True
)
print(lease.uid, left.pid, flush=True)
time.sleep(600)
"""


def start_holder() -> tuple[subprocess.Popen, int, int]:
    """A process that leases a uid and leaves a process of it running; its pid, the uid, the
    process's pid.

    The uid is drawn at random from the upper half of the pool. Grading runs lease the lowest
    free uid, so a run beside this one (another test suite, an instructor's grading) would take
    the holder's uid the moment it is released, before the test leases it back, if it were
    the lowest; and two suites running this test at once draw different uids."""
    uid = random.randrange(SANDBOX_UID_BASE + SANDBOX_UIDS // 2, SANDBOX_UID_BASE + SANDBOX_UIDS)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(uid)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    uid, left = map(int, holder.stdout.readline().split())
    return holder, uid, left


def test_is_what_a_dead_holder_left_running_killed_when_its_uid_is_leased_again():
    holder, uid, left = start_holder()
    try:
        assert left in processes_of(uid)
        holder.kill()
        holder.wait()
        assert left in processes_of(uid)  # the holder's death alone leaves it running...
        with UidLease(uids=[uid]) as lease:
            assert lease.uid == uid
            assert processes_of(uid) == []  # ...until the uid is leased again
    finally:
        holder.kill()
        kill_processes_of(uid)


def test_does_a_holder_killed_by_sigkill_release_its_lease_to_another_process():
    holder, uid, _ = start_holder()
    other = [
        sys.executable,
        "-c",
        f"from autograder.sandbox.uids import UidLease; print(UidLease(uids=[{uid}]).uid)",
    ]

    def run():
        environment = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.run(other, capture_output=True, text=True, cwd=ROOT, env=environment)

    try:
        held = run()
        assert held.returncode != 0 and "NoUidLeft" in held.stderr  # leased: nobody else gets it
        with pytest.raises(NoUidLeft):
            UidLease(uids=[uid])
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        released = run()
        assert released.returncode == 0 and released.stdout.split() == [str(uid)], released.stderr
    finally:
        holder.kill()
        kill_processes_of(uid)


def test_is_a_released_holders_uid_out_of_reach_of_a_grading_run_beside_the_test():
    """A grading run beside the suite leases the lowest free uid the moment the holder dies;
    the holder's uid must not be that one, or the test that leases it back would fail."""
    holder, uid, _ = start_holder()
    try:
        holder.kill()
        holder.wait()
        with UidLease() as beside:  # what another run on the machine would take
            assert beside.uid != uid
            with UidLease(uids=[uid]) as lease:
                assert lease.uid == uid
    finally:
        holder.kill()
        kill_processes_of(uid)


# A process whose main thread has exited while another runs on: its pid shows as a zombie.
# Started as root, it drops to the uid itself once everything is imported: the interpreter may lie
# where the uid cannot reach it (a checkout in a 0700 temporary folder, pyenv under /root).
THREAD_LEFT_BEHIND = """
import ctypes, os, sys, threading, time
uid = int(sys.argv[1])
os.setgroups([])
os.setresgid(uid, uid, uid)
os.setresuid(uid, uid, uid)
threading.Thread(target=lambda: time.sleep(600)).start()
time.sleep(0.2)
ctypes.CDLL(None).pthread_exit(None)
"""


def test_is_a_process_whose_main_thread_has_exited_killed_too():
    with UidLease() as lease:
        escaped = subprocess.Popen(
            [sys.executable, "-c", THREAD_LEFT_BEHIND, str(lease.uid)], start_new_session=True
        )
        try:
            deadline = time.monotonic() + 10
            while (
                "Z" not in Path(f"/proc/{escaped.pid}/status").read_text().split("State:")[1][:4]
            ):
                assert time.monotonic() < deadline, "the main thread did not exit"
                time.sleep(0.05)
            kill_processes_of(lease.uid)
            escaped.wait(timeout=5)  # the whole process is gone, not its main thread only
            assert processes_of(lease.uid) == []
        finally:
            escaped.kill()
