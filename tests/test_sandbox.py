"""The student process: what crosses the wire, and what the process can and cannot do."""

from __future__ import annotations

import base64
import os
import signal
import threading
import time

import numpy as np
import pytest
from grading_support import ROOT, sandbox_required, sandbox_unavailable

from autograder.sandbox import harness
from autograder.sandbox.isolation import SANDBOX_UID, Limits
from autograder.sandbox.session import (
    InfrastructureError,
    SandboxConfig,
    StudentCallFailed,
    StudentSession,
)

needs_sandbox = sandbox_required()


# --- the wire format ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.array([1, 2], dtype=np.int64),
        np.array(True),
        np.float64(2.5),
        (1.5, np.zeros(3)),
        {"loss": 1.0, "grad": [1, 2]},
        None,
        "text",
        float("nan"),
        -7,
    ],
)
def test_does_a_value_cross_the_wire_unchanged(value):
    back = harness.decode(harness.encode(value))
    if isinstance(value, (np.ndarray, np.generic)):
        assert back.dtype == np.asarray(value).dtype and np.array_equal(back, value)
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    elif isinstance(value, tuple):
        assert back[0] == value[0] and np.array_equal(back[1], value[1])
    else:
        assert back == value


def test_does_a_generator_argument_arrive_as_the_seeded_generator():
    from autograder.checks import generator_argument

    built = harness.build(harness.decode(harness.encode(generator_argument(12345))))
    assert isinstance(built, np.random.Generator)
    assert np.array_equal(built.random(5), np.random.default_rng(12345).random(5))


@pytest.mark.parametrize(
    "value", [object(), np.array(["a"]), np.array([object()]), lambda: 1, 2**80 * 1j]
)
def test_is_anything_but_plain_data_reported_not_passed(value):
    back = harness.decode(harness.encode(value))
    assert isinstance(back, harness.Unsupported)


def nested(depth: int, leaf=0):
    for _ in range(depth):
        leaf = [leaf]
    return leaf


ZERO_DOUBLES = base64.b64encode(b"\0" * 16).decode()


@pytest.mark.parametrize(
    "data",
    [
        {"__ndarray__": {"dtype": "<f8", "shape": [3], "data": ZERO_DOUBLES}},
        {"__ndarray__": {"dtype": "|O", "shape": [1], "data": ""}},
        {"__ndarray__": {"dtype": "<f8", "shape": [-1], "data": ""}},
        {"__ndarray__": {"dtype": "<f8", "shape": "2", "data": ZERO_DOUBLES}},
        {"__ndarray__": {"dtype": "<f8", "shape": [2.0], "data": ZERO_DOUBLES}},
        {"__ndarray__": {"dtype": "<f8", "shape": [True, 2], "data": ZERO_DOUBLES}},
        {"__ndarray__": {"dtype": ["<f8"], "shape": [2], "data": ZERO_DOUBLES}},
        {"__ndarray__": {"dtype": "<f8", "shape": [2], "data": 5}},
        {"__ndarray__": {"dtype": "<f8", "shape": [2], "data": "not base64!"}},
        {"__ndarray__": {"dtype": "<f8", "shape": [2]}},
        {"__ndarray__": [1, 2]},
        {"__ndarray__": {"dtype": "<f8", "shape": [2**62, 2**62], "data": ""}},
        {"__pickle__": "gASVAAAAAAAAAAA="},
        {"__float__": "1e400"},
        {"__float__": ["nan"]},
        {"__float__": {"nan": 1}},
        {"__dict__": [1, 2]},
        {"__dict__": {1: 2}},
        {"__dict__": {"a": {"__tuple__": 5}}},
        {"__tuple__": 5},
        {"__tuple__": {"a": 1}},
        {"__unsupported__": 5},
        {"a": 1, "b": 2},
        {},
        {"__generator__": {"seed": -1}},
        {"__generator__": {"seed": "0"}},
        {"__generator__": 7},
        {"__problem__": [1]},
        {"__problem__": {"spec": "quadratic", "method": None}},
        {"__problem__": {"spec": {}, "method": 3}},
        nested(100),
        {1, 2},
        object(),
    ],
)
def test_is_malformed_data_refused_with_value_error_alone(data):
    with pytest.raises(ValueError):
        harness.decode(data)


@pytest.mark.parametrize(
    "data",
    [
        {"__problem__": {"spec": {"kind": "saddle"}, "method": "loss"}},
        {"__generator__": {"seed": 1}},
    ],
)
def test_does_the_grader_refuse_an_argument_in_a_reply(data):
    harness.decode(data)  # an argument the grader sends...
    with pytest.raises(ValueError, match="unknown tag"):
        harness.decode(data, arguments=False)  # ...is nothing a student function returns


@pytest.mark.parametrize(
    "line",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        b"[" + b"0," * harness.MAX_MESSAGE_VALUES + b"0]",
        b"[" + b"{}," * harness.MAX_MESSAGE_VALUES + b"{}]",
        b"[1, 2]",
        b"null",
        b'"text"',
        b"NaN",
        b"{",
        b"\xff\xfe{}",
        b"",
        b" " * (harness.MAX_MESSAGE_BYTES + 1),
    ],
)
def test_does_reading_a_line_refuse_what_no_reply_can_be_with_value_error_alone(line):
    started = time.monotonic()
    with pytest.raises(ValueError):
        harness.loads(line)
    assert time.monotonic() - started < 5


# --- the student process ------------------------------------------------------------------


def session(source: str, **config) -> StudentSession:
    config.setdefault("isolate", sandbox_unavailable() is None)
    return StudentSession(
        [{"label": "cell 1", "source": source}],
        SandboxConfig(call_timeout=config.pop("call_timeout", 5.0), **config),
    )


@needs_sandbox
def test_are_the_course_files_hidden_from_student_code():
    probe = f"""
import os, sys
def read(path):
    try:
        with open(path, 'rb') as handle:
            return len(handle.read())
    except OSError as error:
        return type(error).__name__
def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as error:
        return type(error).__name__
def can_import_autograder():
    sys.path.insert(0, {str(ROOT)!r})
    try:
        import autograder.reference.gradients
        return True
    except Exception:
        return False
"""
    with session(probe) as student:
        for path in [
            "autograder/reference/gradients.py",
            "solutions/gradients/gradients.ipynb",
            ".git/HEAD",
            "student/optlab/optimize.py",
        ]:
            assert student.call("read", str(ROOT / path)) in (
                "PermissionError",
                "FileNotFoundError",
            ), path
        assert student.call("listing", str(ROOT / "autograder")) in (
            "PermissionError",
            "FileNotFoundError",
        )
        assert student.call("can_import_autograder") is False
        assert student.call("read", "/root/.bashrc") in ("PermissionError", "FileNotFoundError")


DROP_PROBE = """
import os

def drop(directory):
    try:
        with open(os.path.join(directory, "note-from-a-student"), "w") as handle:
            handle.write("psst")
        os.chmod(os.path.join(directory, "note-from-a-student"), 0o666)
        return "written"
    except OSError as error:
        return type(error).__name__

def find(directory):
    return os.path.exists(os.path.join(directory, "note-from-a-student"))
"""
SHARED_WRITABLE = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock"]


@needs_sandbox
def test_can_a_student_leave_nothing_for_another_in_any_directory_anybody_may_write_to():
    with session(DROP_PROBE) as writer, session(DROP_PROBE) as reader:
        for directory in [d for d in SHARED_WRITABLE if os.path.isdir(d)]:
            writer.call("drop", directory)
            assert reader.call("find", directory) is False, directory
            assert not os.path.exists(os.path.join(directory, "note-from-a-student")), directory


@needs_sandbox
def test_can_student_code_neither_signal_the_grader_nor_reach_the_network():
    probe = """
import os, socket
def signal_grader(pid):
    try:
        os.kill(pid, 0)
        return "reached"
    except OSError as error:
        return type(error).__name__
def connect():
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
        return "connected"
    except OSError as error:
        return type(error).__name__
def whoami():
    return os.getuid()
"""
    with session(probe) as student:
        assert (
            student.call("signal_grader", os.getpid()) == "ProcessLookupError"
        )  # not in its PID namespace
        assert student.call("connect") != "connected"
        assert student.call("whoami") == SANDBOX_UID


@needs_sandbox
def test_are_memory_processes_and_file_sizes_bounded():
    probe = """
import os
def hog():
    return len(bytearray(3 * 1024**3))
def fork_bomb():
    children = 0
    for _ in range(200):
        try:
            if os.fork() == 0:
                import time; time.sleep(60); os._exit(0)
            children += 1
        except OSError:
            break
    return children
def huge_file():
    with open("big", "wb") as handle:
        for _ in range(100):
            handle.write(b"x" * 1024**2)
    return "wrote 100 MiB"
"""
    with session(
        probe, limits=Limits(memory_bytes=1024**3, processes=16, file_bytes=1024**2)
    ) as student:
        with pytest.raises(StudentCallFailed, match="MemoryError.*memory limit is 1 GiB"):
            student.call("hog")
        assert student.call("fork_bomb") < 16
        with pytest.raises(StudentCallFailed, match="huge_file"):
            student.call("huge_file")


def test_does_a_timeout_or_exit_cost_only_its_own_call():
    probe = """
import os
def spin():
    while True:
        pass
def leave():
    os._exit(3)
def double(x):
    return 2 * x
"""
    with session(
        probe, call_timeout=3.0
    ) as student:  # a loaded machine may stall a call for a second
        with pytest.raises(StudentCallFailed, match="time limit: the call to spin"):
            student.call("spin")
        assert student.call("double", 2.0) == 4.0
        with pytest.raises(StudentCallFailed, match="exited with code 3"):
            student.call("leave")
        assert student.call("double", np.ones(2)).tolist() == [2.0, 2.0]
        assert student.starts == 3


@needs_sandbox
@pytest.mark.parametrize(
    "crash, expected",
    [
        (
            "while True:\n        pass",
            r"died of SIGXCPU during the call to crash\(\) \(CPU time limit of 1 s\)",
        ),
        (
            "signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n    while True:\n        pass",
            r"died of SIGKILL during the call to crash\(\) \(CPU time limit of 1 s\)",
        ),
        (
            "ctypes.string_at(0)",
            r"died of SIGSEGV during the call to crash\(\) \(a crash in native code\)",
        ),
        (
            "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)\n"
            "    open('big', 'wb').write(b'x' * 2**21)",
            r"died of SIGXFSZ during the call to crash\(\) \(wrote a file over 1 MiB\)",
        ),
        (
            "os.abort()",
            r"died of SIGABRT during the call to crash\(\) \(an abort in native code\)",
        ),
    ],
)
def test_does_a_limit_or_crash_that_kills_the_process_cost_the_student_its_call(crash, expected):
    """The CPU limit ends in SIGKILL for code that ignores its SIGXCPU: the CPU time used tells
    it from a kill from outside, which would not be scored."""
    source = (
        f"import ctypes, os, signal\ndef crash():\n    {crash}\ndef double(x):\n    return 2 * x"
    )
    with session(
        source, call_timeout=15.0, limits=Limits(cpu_seconds=1, file_bytes=1024**2)
    ) as student:
        with pytest.raises(StudentCallFailed, match=expected):
            student.call("crash")
        assert student.call("double", 2) == 4


@needs_sandbox
def test_does_the_cpu_limit_hold_for_all_the_processes_together():
    """Four busy children, each under the limit of a process, pass it together: the usage watch
    stops the sandbox (with per-process limits alone, the call would run until its time limit)."""
    source = """
import os, time
def busy_children(count):
    for _ in range(count):
        if os.fork() == 0:
            while True:
                pass
    time.sleep(60)
def double(x):
    return 2 * x
"""
    with session(source, call_timeout=60.0, limits=Limits(cpu_seconds=2)) as student:
        with pytest.raises(
            StudentCallFailed,
            match=r"CPU time limit: the submission's processes used \d+ s of CPU "
            r"time together, over the limit of 2 s for all of them",
        ):
            student.call("busy_children", 4)
        assert student.call("double", 2) == 4


SLOW_DOUBLE = """
import os, time
def slow_double(x):
    time.sleep(1.5)
    return 2 * x
def kill_myself(signal_number):
    os.kill(os.getpid(), signal_number)
"""


def kill_processes_of_session(
    student: StudentSession, after: float, times: int | None = None, during: str | None = None
) -> threading.Event:
    """SIGKILL each student process the session starts (the first ``times``, or all), ``after``
    seconds after it appears, or, with ``during``, after the grader has sent it a request for
    that (such as "the call to f()"), whatever else it was doing before: so the kill lands
    in the phase meant, however loaded the machine. From a thread; set the returned event to
    stop."""
    stop = threading.Event()
    sent = {"doing": None, "pid": None}
    if during is not None:
        send = student._send

        def recording_send(message, deadline, limit, doing):
            sent["doing"], sent["pid"] = doing, student.process.pid
            return send(message, deadline, limit, doing)

        student._send = recording_send

    def run():
        killed = set()
        while not stop.is_set() and (times is None or len(killed) < times):
            process = student.process
            if process is None or process.pid in killed:
                time.sleep(0.01)
                continue
            if during is None or (sent["doing"] == during and sent["pid"] == process.pid):
                time.sleep(after)
                killed.add(process.pid)
                try:
                    os.kill(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    threading.Thread(target=run, daemon=True).start()
    return stop


def test_does_a_kill_from_outside_cost_the_student_nothing():
    from autograder.checks import Check, run_checks

    def doubles(student, rng):
        assert student.call("slow_double", 2.0) == 4.0

    with session(SLOW_DOUBLE) as student:
        student.ensure_started()
        threading.Timer(0.8, os.kill, (student.process.pid, signal.SIGKILL)).start()
        # The killed try (0.8 s) and the pause before the next are given back to the check's 3 s.
        results = run_checks(
            [Check("test_double", "Does it double?", doubles)], student, seed=0, check_seconds=3.0
        )
        assert [(r.passed, r.message) for r in results] == [(True, "")]
        assert student.starts == 2


def test_is_a_kill_from_outside_during_the_notebooks_code_tried_again():
    with session("import time\ntime.sleep(1.0)\ndef f():\n    return 1") as student:
        kill_processes_of_session(student, after=0.3, times=1)
        student.ensure_started()
        assert student.starts == 2 and student.setup_failure is None
        assert student.call("f") == 1


# The notebook's code as a loaded machine runs it: slower to start than a kill that comes a
# fixed time after the process appears.
SLOW_TO_START = "import time\ntime.sleep(1.0)\n" + SLOW_DOUBLE


@pytest.mark.parametrize("notebook", [SLOW_DOUBLE, SLOW_TO_START], ids=["quick", "slow-start"])
def test_is_a_process_killed_from_outside_every_time_an_infrastructure_error(notebook):
    from autograder.checks import Check, run_checks

    def doubles(student, rng):
        student.call("slow_double", 2.0)

    with session(notebook) as student:
        student.ensure_started()
        stop = kill_processes_of_session(student, after=0.2, during="the call to slow_double()")
        try:
            with pytest.raises(
                InfrastructureError, match=r"killed by SIGKILL 3 times in a row.*slow_double\(\)"
            ):
                run_checks([Check("test_double", "Does it double?", doubles)], student, seed=0)
        finally:
            stop.set()


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_does_code_that_kills_its_own_process_leave_the_submission_not_graded_naming_both_causes(
    signal_number,
):
    """A SIGKILL (or SIGTERM) the student's code sends itself cannot be told from one from outside:
    after the tries it is an infrastructure error, whose message says it may be either."""
    with session(SLOW_DOUBLE) as student:
        with pytest.raises(InfrastructureError) as raised:
            student.call("kill_myself", int(signal_number))
    message = str(raised.value)
    assert f"killed by {signal_number.name} 3 times" in message and "kill_myself()" in message
    assert "from outside the grader" in message and "the submission's own code" in message


def test_is_the_graders_own_kill_on_a_timeout_no_kill_from_outside():
    with session(
        "def spin():\n    while True:\n        pass\ndef one():\n    return 1", call_timeout=1.0
    ) as student:
        for _ in range(3):
            with pytest.raises(
                StudentCallFailed,
                match=r"time limit: the call to spin\(\) did not finish within 1 s",
            ):
                student.call("spin")
        assert student.call("one") == 1


# --- time limits ----------------------------------------------------------------------------


SLOW_NOTEBOOK = """
import time
time.sleep(1.5)
def spin():
    while True:
        pass
def double(x):
    return 2 * x
"""


def test_does_running_the_notebooks_code_again_not_count_against_a_checks_budget():
    with session(SLOW_NOTEBOOK, call_timeout=0.5) as student:
        student.ensure_started()
        student.limit_time(time.monotonic() + 2.0, "this check's calls may take 2 s in all")
        with pytest.raises(StudentCallFailed, match="did not finish within 0.5 s"):
            student.call("spin")
        assert student.call("double", 2) == 4  # after 1.5 s and more of the notebook's code again
        assert student.starts == 2


def test_does_running_the_notebooks_code_again_count_against_the_total_and_say_so():
    with session(SLOW_NOTEBOOK, call_timeout=0.5) as student:
        student.ensure_started()
        student.limit_total_time(
            time.monotonic() + 1.5, "the hidden checks of a submission may take 1.5 s in all"
        )
        with pytest.raises(StudentCallFailed, match="did not finish within 0.5 s"):
            student.call("spin")
        with pytest.raises(
            StudentCallFailed,
            match="time limit: the hidden checks of a submission may take 1.5 s in all",
        ):
            student.call("double", 2)


FAST_NOTEBOOK = "def spin():\n    while True:\n        pass\ndef one():\n    return 1"
SLOW_SETUP = "import time\ntime.sleep(5)\n"


@pytest.mark.parametrize(
    "slow_from, expected",
    [
        ("the first run", "time limit: the notebook's code did not finish within 1 s"),
        (
            "the second run",
            "time limit: the notebook's code, run again in a fresh process, did not finish "
            "within 1 s",
        ),
    ],
)
def test_does_the_feedback_say_that_the_notebooks_code_ran_out_of_time(slow_from, expected):
    first = SLOW_SETUP + FAST_NOTEBOOK if slow_from == "the first run" else FAST_NOTEBOOK
    with session(first, call_timeout=1.0, setup_timeout=1.0) as student:
        if slow_from == "the second run":
            assert student.call("one") == 1
            with pytest.raises(StudentCallFailed, match="the call to spin"):
                student.call("spin")
            # A fresh process keeps nothing of the last one: the test makes the code slow itself.
            student.cells = [{"label": "cell 1", "source": SLOW_SETUP + FAST_NOTEBOOK}]
        for _ in range(2):  # and every call after it says the same
            with pytest.raises(StudentCallFailed, match=expected):
                student.call("one")


# --- what student code writes on the grader's channel ------------------------------------------


FORGER = """
import os, sys, time
def forge(expression):
    # The harness's frame that holds the request, however deep: nothing is secret in here.
    frame = sys._getframe(1)
    while "request" not in frame.f_locals:
        frame = frame.f_back
    request_id = frame.f_locals["request"]["id"]
    os.write(4, eval(expression).replace("ID", str(request_id)).encode("latin-1"))
    time.sleep(30)
def double(x):
    return 2 * x
"""
NOT_A_REPLY = "sent something that is not a reply"
UNREADABLE = r"forge\(\) returned a value the grader cannot read"


@pytest.fixture(scope="module")
def forger():
    with session(FORGER) as student:
        yield student


@pytest.mark.parametrize(
    "expression, expected",
    [
        (r"""'{"op":"result","id":ID,"ok":true,"value":{"__dict__":[1,2]}}\n'""", UNREADABLE),
        (r"""'{"op":"result","id":ID,"ok":true,"value":{"__tuple__":5}}\n'""", UNREADABLE),
        (
            r"""'{"op":"result","id":ID,"ok":true,"value":{"__ndarray__":{"dtype":"<f8","shape":[1e3],"data":""}}}\n'""",
            UNREADABLE,
        ),
        (
            r"""'{"op":"result","id":ID,"ok":true,"value":{"__problem__":{"spec":{"kind":"saddle"},"method":null}}}\n'""",
            UNREADABLE,
        ),
        (
            r"""'{"op":"result","id":ID,"ok":true,"value":' + '[' * 50 + ']' * 50 + '}\n'""",
            UNREADABLE,
        ),
        (
            r"""'{"op":"result","id":ID,"ok":true,"value":' """
            r"""+ '[' * 100000 + ']' * 100000 + '}\n'""",
            NOT_A_REPLY,
        ),
        (
            r"""'{"op":"result","id":ID,"ok":true,"value":[' + '0,' * 1000000 + '0]}\n'""",
            NOT_A_REPLY,
        ),
        (r"""'{"op":"result","id":ID,"ok":false,"error":5,"where":[]}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":ID,"ok":false}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":ID,"ok":"yes","value":1}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":ID}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":ID,"ok":true,"value":1,"more":2}\n'""", NOT_A_REPLY),
        (r"""'{"op":"ran","id":ID,"errors":5}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","ok":true,"value":1}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":"ID","ok":true,"value":1}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":1,"ok":true,"value":1}\n'""", NOT_A_REPLY),
        (r"""'{"op":"result","id":ID,"ok":true,"value":1}\n' * 2""", "more than one reply"),
        (r"""'[1, 2]\n'""", NOT_A_REPLY),
        (r"""'NaN\n'""", NOT_A_REPLY),
        (r"""'\xff\xfe\n'""", NOT_A_REPLY),
        (r"""'\n'""", NOT_A_REPLY),
        (f"' ' * {harness.MAX_MESSAGE_BYTES + 1}", "larger than the grader accepts"),
    ],
)
def test_is_every_forged_or_malformed_reply_a_failed_call_and_nothing_worse(
    forger, expression, expected
):
    with pytest.raises(StudentCallFailed, match=expected):
        forger.call("forge", expression)
    assert forger.call("double", 2) == 4  # and the next call has a fresh process


@pytest.mark.parametrize(
    "forged",
    [
        '{"op":"ran","id":1,"errors":5}',
        '{"op":"ran","id":1,"errors":[{"label":1,"error":"x"}]}',
        '{"op":"ran","id":1,"errors":[{"label":"cell 1","error":"x"}, '
        '{"label":"cell 1","error":"x"}]}',
        '{"op":"ran","id":1,"errors":[],"more":1}',
        '{"op":"result","id":1,"ok":true,"value":1}',
        '{"op":"ran","errors":[]}',
    ],
)
def test_is_a_forged_report_of_the_notebooks_code_a_failure_of_every_call(forged):
    source = f"import os\nos.write(4, {forged!r}.encode() + b'\\n')\ndef one():\n    return 1"
    with session(source) as student:
        for _ in range(2):
            with pytest.raises(StudentCallFailed, match=NOT_A_REPLY):
                student.call("one")


def test_does_a_process_that_closes_the_channel_fail_its_call_only():
    source = (
        "import os\ndef close():\n    os.close(4)\n    import time; time.sleep(30)\n"
        "def one():\n    return 1"
    )
    with session(source) as student:
        with pytest.raises(
            StudentCallFailed, match="closed the grader's channel during the call to close"
        ):
            student.call("close")
        assert student.call("one") == 1


def test_does_a_process_that_stops_reading_requests_time_out_instead_of_stalling_the_grader():
    # The harness reads requests from an empty pipe; the grader's pipe fills up.
    source = (
        "import os\n_kept = os.dup(3)\n_empty, _ = os.pipe()\nos.dup2(_empty, 3)\n"
        "def identity(x):\n    return x"
    )
    failures = []
    with session(source, call_timeout=2.0) as student:
        student.ensure_started()
        big = np.zeros(100_000)  # 1 MB as JSON: more than a pipe holds
        caller = threading.Thread(
            daemon=True,
            target=lambda: failures.append(
                pytest.raises(StudentCallFailed, student.call, "identity", big)
            ),
        )
        caller.start()
        caller.join(timeout=30)
        assert not caller.is_alive(), "the grader stalled writing the request"
    assert failures and "time limit: the call to identity() did not finish within 2 s" in str(
        failures[0].value
    )


# --- processes the student's code forks -------------------------------------------------------


FORK_BOMB = """
import os
children = 0
while True:
    try:
        if os.fork() == 0:
            children = 0  # the child forks on too, until the process limit stops it
        else:
            children += 1
    except OSError:
        break
def forks_made():
    return children
"""


@needs_sandbox
def test_does_a_correct_notebook_that_forks_keep_every_point():
    from grading_support import solution, with_answers

    from autograder.checks import load_registry, run_checks
    from autograder.preprocessors.run_hidden_checks import student_cells

    nb = with_answers(solution("gradients"), {}, setup=FORK_BOMB)
    registry = load_registry("gradients")
    config = SandboxConfig(isolate=True)
    with StudentSession(
        student_cells(nb), config, registry.blocked, registry.returns_new
    ) as student:
        student.ensure_started()
        assert student.cell_errors == []
        for checks in registry.groups.values():
            results = run_checks(checks, student, seed=1)
            assert [r.message for r in results if not r.passed] == []
        assert student.call("forks_made") > 0 and student.starts == 1


NUMERICS_PROBE = """
import os
from threadpoolctl import threadpool_info
def numerics():
    import numpy
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"][0]
    prefixes = ("OPENBLAS_", "OMP_", "NPY_")
    variables = {k: v for k, v in os.environ.items() if k.startswith(prefixes)}
    return {"variables": variables,
            "kernel": blas.get("architecture") or "", "threads": blas["num_threads"]}
"""


@pytest.mark.parametrize("environment", ["the grader's", "another"])
def test_does_student_code_compute_in_the_graders_numerical_environment(monkeypatch, environment):
    """The reference runs in the grader: the student's process must use the same BLAS kernel, cache
    sizes and thread count, whatever the grader's environment says (a machine that pins
    OPENBLAS_CORETYPE, or not)."""
    from autograder.sandbox import numerics

    if environment == "another":  # the grader started with another kernel pinned, or with none
        other = numerics.other_environment()
        for name in [
            name for name in os.environ if name.startswith(numerics.PREFIXES) and name not in other
        ]:
            monkeypatch.delenv(name)
        for name, value in other.items():
            monkeypatch.setenv(name, value)
    expected = numerics.numerical_environment()
    with session(NUMERICS_PROBE) as student:
        seen = student.call("numerics")
    assert seen["threads"] == numerics.THREADS
    assert {k: v for k, v in seen["variables"].items() if k in expected} == {
        k: v for k, v in expected.items() if k.startswith(("OPENBLAS_", "OMP_", "NPY_"))
    }
    if "OPENBLAS_CORETYPE" in expected:
        assert seen["kernel"].lower() == expected["OPENBLAS_CORETYPE"].lower()


def test_does_the_reference_compute_on_as_many_threads_as_the_student():
    from threadpoolctl import threadpool_info

    from autograder.checks import Check, run_checks
    from autograder.sandbox.numerics import THREADS

    seen = []
    check = Check(
        "test_x",
        "threads?",
        lambda student, rng: seen.append(
            [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
        ),
    )
    run_checks([check], student=type("Idle", (), {"limit_time": lambda *a: None})(), seed=0)
    assert seen == [[THREADS] * len(seen[0])] and seen[0]


def test_is_an_error_in_the_notebook_reported_with_the_cells_label():
    with session("def f():\n    return 1\n1 / 0") as student:
        assert student.call("f") == 1
        assert [e.error for e in student.cell_errors] == ["ZeroDivisionError: division by zero"]
        with pytest.raises(StudentCallFailed, match="no function named 'g'"):
            student.call("g")


def test_is_a_blocked_module_unavailable():
    cells = [{"label": "cell 1", "source": "def use():\n    import optlab.optimize\n    return 1"}]
    config = SandboxConfig(isolate=sandbox_unavailable() is None)
    with StudentSession(
        cells, config, blocked={"optlab.optimize": "write it yourself"}
    ) as student:
        with pytest.raises(StudentCallFailed, match="write it yourself"):
            student.call("use")


BWRAP_FAILS = [
    "/bin/sh",
    "-c",
    "echo 'bwrap: Creating new namespace failed: No space left on device' >&2; exit 1",
]


@needs_sandbox
@pytest.mark.parametrize("failing", ["bwrap", "the preparation as root"])
def test_is_a_sandbox_that_cannot_start_an_infrastructure_error_that_says_why_after_retrying(
    monkeypatch, failing
):
    from autograder.sandbox import isolation
    from autograder.sandbox import session as session_module

    if failing == "bwrap":
        monkeypatch.setattr(isolation, "sandbox_command", lambda command, **_: BWRAP_FAILS)
        expected = (
            r"could not start: bwrap: Creating new namespace failed: No space left on device "
            r"\(3 attempts\)"
        )
    else:
        if os.geteuid() != 0:
            pytest.skip("the grader prepares bwrap's start only as root")

        def failing_isolation(**_):
            def isolate():
                raise OSError(12, "mount /tmp: Cannot allocate memory")

            return isolate

        monkeypatch.setattr(isolation, "make_preexec", failing_isolation)
        expected = (
            r"could not start: OSError: \[Errno 12\] mount /tmp: Cannot allocate memory "
            r"\(3 attempts\)"
        )
    monkeypatch.setattr(session_module.time, "sleep", lambda seconds: None)
    with pytest.raises(InfrastructureError, match=expected):
        with session("x = 1", isolate=True) as student:
            student.call("f")


# --- arguments changed in place ---------------------------------------------------------------

IN_PLACE = """
import numpy as np
def sgd_in_place(w, dw, lr):
    w -= lr * dw
    return w
def sgd(w, dw, lr):
    return w - lr * dw
def fine_tune_in_place(params, grads, lr):
    for name in params:
        params[name] -= lr * grads[name]
    return params
def shuffle(rng, indices):
    return rng.permutation(indices)
def shuffle_in_place(rng, indices):
    rng.shuffle(indices)
    return indices
def rewrite_same(w):
    w[...] = w.copy()
    return w
"""


def test_does_a_function_that_changes_its_argument_in_place_fail_with_its_name():
    w, dw = np.arange(3.0), np.ones(3)
    with session(IN_PLACE) as student:
        with pytest.raises(
            StudentCallFailed,
            match=r"sgd_in_place\(\) changed its argument `w` in place; return a new array",
        ):
            student.call("sgd_in_place", w, dw, 0.1)
        assert student.call("sgd", w, dw, 0.1) == pytest.approx(w - 0.1)
        assert student.call("rewrite_same", w).tolist() == w.tolist()  # no change: passes


def test_are_a_dicts_changed_entries_named():
    params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    grads = {"W1": np.ones((2, 2)), "b1": np.ones(2)}
    with session(IN_PLACE) as student:
        with pytest.raises(
            StudentCallFailed, match=r"arguments `params\['W1'\]` and `params\['b1'\]`"
        ):
            student.call("fine_tune_in_place", params, grads, 0.1)


# --- results that share memory with an argument -------------------------------------------------

VIEWS = """
import numpy as np
def flip_view(image):
    return image[:, ::-1]
def flip_copy(image):
    return image[:, ::-1].copy()
def same(image):
    return image
def head_shallow(params):
    new = dict(params)
    new["W2"] = np.zeros((2, 3))
    return new
def head_deep(params):
    new = {name: value.copy() for name, value in params.items()}
    new["W2"] = np.zeros((2, 3))
    return new
"""
PROMISED_NEW = frozenset({"flip_view", "flip_copy", "same", "head_shallow", "head_deep"})


def views_session(returns_new=PROMISED_NEW) -> StudentSession:
    return StudentSession(
        [{"label": "cell 1", "source": VIEWS}],
        SandboxConfig(call_timeout=5.0, isolate=sandbox_unavailable() is None),
        returns_new=returns_new,
    )


def test_does_a_function_promising_a_new_array_fail_when_it_returns_a_view():
    image = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    with views_session() as student:
        for name in ("flip_view", "same"):
            with pytest.raises(
                StudentCallFailed,
                match=rf"{name}\(\) returned a view of its argument `image` .*\.copy\(\)",
            ):
                student.call(name, image)
        assert student.call("flip_copy", image).tolist() == image[:, ::-1].tolist()


def test_are_a_shallow_copys_shared_entries_named():
    params = {"W1": np.ones((2, 2)), "b1": np.zeros(2), "W2": np.ones((2, 2))}
    with views_session() as student:
        with pytest.raises(
            StudentCallFailed, match=r"arguments `params\['W1'\]` and `params\['b1'\]`"
        ):
            student.call("head_shallow", params)
        assert sorted(student.call("head_deep", params)) == ["W1", "W2", "b1"]


def test_may_a_function_that_promises_no_new_array_return_a_view():
    image = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    with views_session(returns_new=frozenset()) as student:
        assert student.call("flip_view", image).tolist() == image[:, ::-1].tolist()
        assert student.call("same", image).tolist() == image.tolist()


def test_is_a_random_generator_free_to_advance_but_not_the_array_beside_it():
    from autograder.checks import generator_argument

    with session(IN_PLACE) as student:
        assert sorted(student.call("shuffle", generator_argument(0), np.arange(5))) == list(
            range(5)
        )
        with pytest.raises(StudentCallFailed, match=r"changed its argument `indices` in place"):
            student.call("shuffle_in_place", generator_argument(0), np.arange(5))
