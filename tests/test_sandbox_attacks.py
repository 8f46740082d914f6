"""Attacks on the sandbox from student code: each fails in the sandbox, and succeeds without it.

Every attack runs in three modes: `as root` (the grader in this process, as root: the
sandbox runs as a leased uid; `as this user` when the tests run without root), `as an
unprivileged user` (the grader in a process of a bare uid, tests/unprivileged.py: the
sandbox runs rootless) and `without isolation` (isolate=False, in this process, as root):
there each attack must succeed, which shows that the probe can see what it looks for. A
probe reports each of its tries as "got: ..." or "refused: ...". One grader's run of all
probes (`observe`) serves every test of a mode.

Then a small class graded through the real pipeline, in both modes: an honest submission
keeps full marks beside one that tries to read secrets and show them in its feedback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from grading_support import (
    ROOT,
    feedback_text,
    full_marks,
    make_course,
    released,
    sandbox_required,
    solution,
    submit,
    with_answers,
)
from unprivileged import AS_THIS_USER, AS_UNPRIVILEGED, UID, call_as, folder_for

from autograder.sandbox.isolation import Limits, interpreter_paths
from autograder.sandbox.session import SandboxConfig, StudentCallFailed, StudentSession

pytestmark = sandbox_required()

WITHOUT = "without isolation"
MODES = [AS_THIS_USER, AS_UNPRIVILEGED, WITHOUT]
# Small limits, so that the attacks are quick: 1 GiB of memory for all processes together.
LIMITS = Limits(memory_bytes=1024**3)
CHILD_MEMORY = 600 * 1024**2  # each of 3 processes: under the limit alone, over it together
WRITE_BYTES = 600 * 1024**2  # over Limits.file_bytes in one file, over Limits.tmpfs_bytes in all
SECRET = "grades of another course"

PROBES = r'''
import ctypes, errno, mmap, os, socket, time

def got(what):
    return "got: " + str(what)[:300]

def refused(error):
    code = errno.errorcode.get(getattr(error, "errno", None) or 0, "")
    return f"refused: {type(error).__name__}" + (f" ({code})" if code else "")

def attempt(action):
    try:
        return got(action())
    except OSError as error:
        return refused(error)

def in_a_child(action):
    """action() in a forked process (what it changes stays there): "got: ..." or "refused: ..."."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(writing, attempt(action).encode()[:4000])
        os._exit(0)
    os.close(writing)
    answer = os.read(reading, 4096).decode()
    os.close(reading)
    os.waitpid(pid, 0)
    return answer

def read_files(files, folders, needed):
    """Read each file, list each folder (beyond the way to the interpreter's directories, which
    it needs)."""
    found = {}
    for path in files:
        found["read " + path] = attempt(lambda: f"{len(open(path, 'rb').read())} bytes")
    for path in folders:
        top = path.rstrip("/") + "/"
        way = {p[len(top):].split("/")[0] for p in needed if p.startswith(top)}
        try:
            entries = sorted(set(os.listdir(path)) - way)
        except OSError as error:
            found["list " + path] = refused(error)
            continue
        found["list " + path] = (got(entries) if entries
                                 else "refused: nothing but the way to the interpreter")
    return found

def command_lines(marker):
    seen = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                seen.append(pid)
        except OSError:
            continue
    return {"find the marker in /proc/*/cmdline": got(f"in process {seen}") if seen else
            "refused: no process shows it"}

def connect(family, address):
    with socket.socket(family, socket.SOCK_STREAM) as connection:
        connection.settimeout(5)
        connection.connect(address)
        return "connected"

def sockets(unix_path, abstract_name, port):
    abstract = "\0" + abstract_name
    return {"connect to a Unix socket file": attempt(lambda: connect(socket.AF_UNIX, unix_path)),
            "connect to an abstract Unix socket":
                attempt(lambda: connect(socket.AF_UNIX, abstract)),
            "connect to 127.0.0.1 over TCP":
                attempt(lambda: connect(socket.AF_INET, ("127.0.0.1", port)))}

def hold_memory(each, children, hold_seconds):
    """Fork processes that each touch ``each`` bytes (every page), then hold them all at once."""
    ready, told = os.pipe()
    pids = []
    for _ in range(children):
        pid = os.fork()
        if pid == 0:
            try:
                block = mmap.mmap(-1, each)
                for offset in range(0, each, mmap.PAGESIZE):
                    block[offset] = 1
                os.write(told, b"x")
                time.sleep(600)
            finally:
                os._exit(0)
        pids.append(pid)
    os.close(told)
    holding = 0
    while holding < children and (news := os.read(ready, children)):
        holding += len(news)
    time.sleep(hold_seconds)  # the grader looks every 50 ms
    for pid in pids:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return {"hold more memory than the limit in several processes":
            got(f"{holding} processes held {each >> 20} MiB each at once")}

def start_processes(limit, up_to):
    """Fork up to ``up_to`` processes that wait: did the limit stop it below ``limit``?"""
    wait, release = os.pipe()
    pids, error = [], None
    for _ in range(up_to):
        try:
            pid = os.fork()
        except OSError as failure:
            error = failure
            break
        if pid == 0:
            os.close(release)  # it waits for the end of the pipe: when the parent's end closes
            os.read(wait, 1)
            os._exit(0)
        pids.append(pid)
    os.close(release)
    for pid in pids:
        os.waitpid(pid, 0)
    os.close(wait)
    started = len(pids)
    if error is None or started >= limit:
        return {"start more processes than the limit":
                got(f"{started} processes, the limit is {limit}")}
    return {"start more processes than the limit":
            f"{refused(error)} after {started} processes, below the limit of {limit}"}

def write_bytes(marker, total, elsewhere):
    chunk = b"x" * 2**20
    def one_file():
        with open(marker + "-one", "wb") as handle:
            for _ in range(total >> 20):
                handle.write(chunk)
        return f"{total >> 20} MiB in one file"
    def many_files():
        for k in range(total >> 23):
            with open(f"{marker}-{k}", "wb") as handle:
                for _ in range(8):
                    handle.write(chunk)
        return f"{total >> 20} MiB in files of 8 MiB"
    found = {"write a file larger than the limit": attempt(one_file),
             "write more than the limit in files under it": attempt(many_files)}
    for folder in elsewhere:
        found["write in " + folder] = attempt(
            lambda folder=folder: open(f"{folder}/{marker}", "w").write("x") and "wrote a file")
    return found

def leave(marker):
    for folder in ("/tmp", "/dev/shm"):
        with open(f"{folder}/{marker}", "w") as handle:
            handle.write("a note for the next one")

def find(marker):
    return {folder: os.path.exists(f"{folder}/{marker}") for folder in ("/tmp", "/dev/shm")}

def make_user_namespace():
    CLONE_NEWUSER = 0x10000000
    def unshare():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))
        return "a user namespace of its own"
    return {"unshare(CLONE_NEWUSER)": in_a_child(unshare)}

def touch_processes(grader_pid, machine_pid):
    PTRACE_SEIZE = 0x4206
    def trace():  # in a child: the tracee is let go when it exits
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        if libc.ptrace(PTRACE_SEIZE, machine_pid, None, None) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))
        return "traced"
    return {"signal the grader": attempt(lambda: os.kill(grader_pid, 0) or "signal 0 delivered"),
            "signal a process of the machine":
                attempt(lambda: os.kill(machine_pid, 0) or "signal 0 delivered"),
            "ptrace a process of the machine": in_a_child(trace)}
'''


def another_course() -> Path:
    """Another copy of a course on this machine, open to all, outside /tmp (in /home, as root),
    with its gradebook."""
    folder = next(
        (f for f in ("/home", "/var/lib", "/opt") if os.access(f, os.W_OK)), str(Path.home())
    )
    other = Path(tempfile.mkdtemp(prefix="optgrade-test-other-course-", dir=folder))
    other.chmod(0o755)
    (other / "gradebook.db").write_text(SECRET)
    (other / "gradebook.db").chmod(0o644)
    return other


def probe_session(isolate: bool) -> StudentSession:
    return StudentSession(
        [{"label": "probes", "source": PROBES}],
        SandboxConfig(isolate=isolate, limits=LIMITS, call_timeout=120.0),
    )


def observe(isolate: bool, host: dict) -> dict[str, dict[str, str]]:
    """Every probe, run by a grader in this process against student code in its sandbox (or none):
    for each attack, what each of its tries got or was refused."""
    marker = f"optgrade-attack-{uuid.uuid4().hex}"
    needed = [str(path) for path in interpreter_paths()]
    observed = {}
    with probe_session(isolate) as student:
        observed["files"] = student.call("read_files", host["files"], host["folders"], needed)
        observed["command lines"] = student.call("command_lines", host["marker"])
        observed["sockets"] = student.call(
            "sockets", host["unix socket"], host["abstract socket"], host["port"]
        )
        observed["processes"] = student.call(
            "start_processes", LIMITS.processes, LIMITS.processes + 8
        )
        observed["user namespace"] = student.call("make_user_namespace")
        observed["signals"] = student.call("touch_processes", os.getpid(), host["machine pid"])
        observed["bytes"] = student.call(
            "write_bytes", marker, WRITE_BYTES, ["/var/tmp", "/run/lock"]
        )
        on_disk = [
            path
            for folder in (student.workdir, Path("/tmp/sandbox"), Path("/tmp"))
            for path in folder.glob(f"**/{marker}*" if folder == student.workdir else f"{marker}*")
        ]
        observed["bytes"]["put the bytes on the machine's disk"] = (
            f"got: {sum(p.stat().st_size for p in on_disk) >> 20} MiB"
            if on_disk
            else "refused: none there"
        )
        try:  # last: the grader stops the process
            observed["memory"] = student.call("hold_memory", CHILD_MEMORY, 3, 3.0)
        except StudentCallFailed as failed:
            observed["memory"] = {
                "hold more memory than the limit in several processes": f"refused: {failed}"
            }
    for folder in ("/var/tmp", "/run/lock"):  # what got through without isolation
        Path(folder, marker).unlink(missing_ok=True)

    found = {}
    with probe_session(isolate) as first, probe_session(isolate) as beside:
        first.call("leave", marker)
        found["running beside it"] = beside.call("find", marker)
    with probe_session(isolate) as later:
        found["after it ended"] = later.call("find", marker)
    found["on the machine"] = {
        folder: Path(folder, marker).exists() for folder in ("/tmp", "/dev/shm")
    }
    observed["leftovers"] = {
        f"find in {folder} a file left by a session, {when}": "got: found it"
        if seen
        else "refused: not there"
        for when, places in found.items()
        for folder, seen in places.items()
    }
    for folder in ("/tmp", "/dev/shm"):
        Path(folder, marker).unlink(missing_ok=True)
    return observed


@pytest.fixture(scope="module")
def host():
    """What the machine holds beside the grader: another copy of a course, open to all, outside
    /tmp; a process with a marker in its command line; a listening Unix socket (a file, and an
    abstract one) and a TCP port on 127.0.0.1."""
    other = another_course()
    gradebook = other / "gradebook.db"
    marker = f"--seed {uuid.uuid4().int % 10**8}"
    sleeper = subprocess.Popen(
        [f"optgrade grade exercise {marker}", "600"], executable=shutil.which("sleep")
    )
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(other / "grader.sock"))
    (other / "grader.sock").chmod(0o777)
    abstract = socket.socket(socket.AF_UNIX)
    abstract_name = f"optgrade-test-{uuid.uuid4().hex}"
    abstract.bind("\0" + abstract_name)
    tcp = socket.socket(socket.AF_INET)
    tcp.bind(("127.0.0.1", 0))
    for listener in (unix, abstract, tcp):
        listener.listen(
            8
        )  # the kernel accepts connections into the backlog: nobody needs to accept them
    try:
        yield {
            "files": [
                str(gradebook),
                str(ROOT / "autograder/reference/gradients.py"),
                "/etc/passwd",
                *[str(path) for path in [ROOT / ".git" / "HEAD"] if path.exists()],
            ],
            "folders": [str(other), "/root", "/run", "/var", "/home", str(ROOT)],
            "marker": marker,
            "machine pid": sleeper.pid,
            "unix socket": str(other / "grader.sock"),
            "abstract socket": abstract_name,
            "port": tcp.getsockname()[1],
        }
    finally:
        for listener in (unix, abstract, tcp):
            listener.close()
        sleeper.kill()
        sleeper.wait()
        shutil.rmtree(other)


@pytest.fixture(scope="module")
def observations(host):
    """For each mode, observed once: ``observations(mode)``."""
    seen = {}

    def of(mode: str) -> dict:
        if mode not in seen:
            if mode == WITHOUT and os.geteuid() != 0:
                pytest.skip("without isolation the attacks are shown as root, whom nothing stops")
            seen[mode] = (
                call_as(UID, observe, True, host)
                if mode == AS_UNPRIVILEGED
                else observe(mode == AS_THIS_USER, host)
            )
        return seen[mode]

    return of


# The attacks (the list): what student code tries, and the observation that holds its
# tries.
ATTACKS = {
    "read another copy of the course, the repository or the machine's files": "files",
    "read other processes' command lines": "command lines",
    "connect to a socket of the machine": "sockets",
    "hold more memory than the limit in several processes": "memory",
    "start more processes than the limit": "processes",
    "write more bytes than the limits, or outside its working folder": "bytes",
    "leave a file for another session or on the machine": "leftovers",
    "make a user namespace of its own": "user namespace",
    "signal or trace the grader or another process": "signals",
}
REFUSALS = {
    "memory": "refused: memory limit: the submission's processes used",
    "processes": "refused: BlockingIOError (EAGAIN) after",
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("attack", ATTACKS)
def test_can_student_code(attack, mode, observations):
    tries = observations(mode)[ATTACKS[attack]]
    assert tries
    if (
        mode == WITHOUT
    ):  # no sandbox: every try gets through, so the probes can see what they look for
        assert {
            name: outcome for name, outcome in tries.items() if not outcome.startswith("got: ")
        } == {}, tries
    else:
        refusal = REFUSALS.get(ATTACKS[attack], "refused: ")
        assert {
            name: outcome for name, outcome in tries.items() if not outcome.startswith(refusal)
        } == {}, tries


# --- a class graded through the real pipeline ---------------------------------------------------

ASSIGNMENT = "schedules"
FULL_MARKS = full_marks(ASSIGNMENT)  # the automatic points; the written answer awaits grading
# Each answer raises what the attacker could read: whatever it got would show in its feedback.
LOOT = """
def _loot():
    found = []
    for path in {paths!r}:
        try:
            with open(path) as handle:
                found.append(handle.read(60))
        except OSError as error:
            found.append(type(error).__name__)
    return found
"""
LOOTING_ANSWERS = {
    name: f"def {name}(*args, **kwargs):\n    raise RuntimeError('loot: ' + repr(_loot()))"
    for name in (
        "step_decay",
        "exponential_decay",
        "inverse_time_decay",
        "cosine_decay",
        "linear_warmup",
    )
}


def grade_a_class(course: str, other_course_file: str) -> dict:
    """An honest student and an attacker graded together in ``course`` (a folder of the caller's):
    their scores, whether each was graded, the attacker's feedback."""
    from autograder.grading import grade

    course = Path(course)
    make_course(course, ASSIGNMENT)
    secrets = [
        str(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        str(course / "gradebook.db"),
        other_course_file,
        str(ROOT / "autograder" / "reference" / f"{ASSIGNMENT}.py"),
        "/etc/passwd",
    ]
    submit(course, "honest", ASSIGNMENT, solution(ASSIGNMENT))
    submit(
        course,
        "attacker",
        ASSIGNMENT,
        with_answers(released(ASSIGNMENT), LOOTING_ANSWERS, setup=LOOT.format(paths=secrets)),
    )
    run = grade(course, ASSIGNMENT, progress=lambda *_: None)
    return {
        "scores": {o.student: o.score for o in run.outcomes},
        "graded": {o.student: o.graded for o in run.outcomes},
        "feedback": feedback_text(course, ASSIGNMENT, "attacker"),
    }


@pytest.fixture
def other_course():
    other = another_course()
    yield other / "gradebook.db"
    shutil.rmtree(other)


@pytest.mark.parametrize("mode", [AS_THIS_USER, AS_UNPRIVILEGED])
def test_does_an_honest_student_keep_full_marks_beside_an_attacker_who_gets_nothing(
    mode, other_course, tmp_path
):
    if mode == AS_UNPRIVILEGED:
        course = folder_for(UID)
        try:
            graded = call_as(UID, grade_a_class, course, other_course)
        finally:
            shutil.rmtree(course, ignore_errors=True)
    else:
        graded = grade_a_class(tmp_path / "course", str(other_course))
    assert graded["graded"] == {"honest": True, "attacker": True}
    assert graded["scores"] == {"honest": FULL_MARKS, "attacker": 0.0}
    nothing = "loot: " + repr(["FileNotFoundError"] * 5)
    assert graded["feedback"].count(nothing) >= 5, graded["feedback"][-3000:]
    assert SECRET not in graded["feedback"]
