"""The student process: what crosses the wire, and what the process can and cannot do."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import harness
from autograder.sandbox.isolation import Limits, can_isolate
from autograder.sandbox.session import SandboxConfig, StudentCallFailed, StudentSession

ROOT = Path(__file__).resolve().parents[1]

needs_root = pytest.mark.skipif(can_isolate() is not None, reason="isolation needs root")


# --- the wire format ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], dtype=np.int64), np.array(True),
    np.float64(2.5), (1.5, np.zeros(3)), {"loss": 1.0, "grad": [1, 2]}, None, "text", float("nan"), -7,
])
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


@pytest.mark.parametrize("value", [object(), np.array(["a"]), np.array([object()]), lambda: 1, 2**80 * 1j])
def test_is_anything_but_plain_data_reported_not_passed(value):
    back = harness.decode(harness.encode(value))
    assert isinstance(back, harness.Unsupported)


@pytest.mark.parametrize("data", [
    {"__ndarray__": {"dtype": "<f8", "shape": [3], "data": base64.b64encode(b"\0" * 16).decode()}},
    {"__ndarray__": {"dtype": "|O", "shape": [1], "data": ""}},
    {"__ndarray__": {"dtype": "<f8", "shape": [-1], "data": ""}},
    {"__pickle__": "gASVAAAAAAAAAAA="},
    {"__float__": "1e400"},
    {"a": 1, "b": 2},
    {"__generator__": {"seed": -1}},
    {"__generator__": {"seed": "0"}},
])
def test_is_malformed_data_refused(data):
    with pytest.raises((ValueError, KeyError, TypeError)):
        harness.decode(data)


# --- the student process ------------------------------------------------------------------


def session(source: str, **config) -> StudentSession:
    config.setdefault("isolate", can_isolate() is None)
    return StudentSession([{"label": "cell 1", "source": source}],
                          SandboxConfig.for_course(ROOT, call_timeout=config.pop("call_timeout", 5.0), **config))


@needs_root
def test_are_the_course_files_hidden_from_student_code():
    probe = """
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
    sys.path.insert(0, %r)
    try:
        import autograder.reference.gradients
        return True
    except Exception:
        return False
""" % str(ROOT)
    with session(probe) as student:
        for path in ["autograder/reference/gradients.py", "solutions/gradients/gradients.ipynb", ".git/HEAD",
                     "student/optlab/optimize.py"]:
            assert student.call("read", str(ROOT / path)) in ("PermissionError", "FileNotFoundError", 0), path
        assert student.call("listing", str(ROOT / "autograder")) in ("PermissionError", "FileNotFoundError")
        assert student.call("can_import_autograder") is False
        assert student.call("read", "/root/.bashrc") in ("PermissionError", "FileNotFoundError")


@pytest.fixture
def course_outside_tmp():
    """A course directory others may traverse, outside /tmp (which student code sees privately anyway)."""
    import shutil
    import tempfile

    course = Path(tempfile.mkdtemp(prefix="optgrade-test-course-", dir="/var/lib"))
    course.chmod(0o755)
    yield course
    shutil.rmtree(course)


READ_PROBE = """
def read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError as error:
        return type(error).__name__
"""


@needs_root
def test_is_a_file_that_appears_in_the_course_after_grading_starts_hidden_too(course_outside_tmp):
    visible = course_outside_tmp / "not-hidden"
    visible.mkdir(mode=0o755)
    (visible / "control.txt").write_text("readable")
    (visible / "control.txt").chmod(0o644)
    hidden = course_outside_tmp / "course"
    hidden.mkdir(mode=0o755)
    config = SandboxConfig.for_course(hidden, isolate=True)
    late = hidden / "gradebook.db-journal"  # what SQLite writes beside the gradebook while another worker records
    late.write_text("grades of others")
    late.chmod(0o644)
    with StudentSession([{"label": "cell 1", "source": READ_PROBE}], config) as student:
        assert student.call("read", str(visible / "control.txt")) == "readable"  # so the path is reachable
        assert student.call("read", str(late)) in ("PermissionError", "FileNotFoundError")


@needs_root
def test_does_a_file_that_vanishes_from_the_course_before_the_sandbox_starts_not_stop_it(course_outside_tmp, monkeypatch):
    from autograder.sandbox import isolation

    journal = course_outside_tmp / "gradebook.db-journal"
    journal.write_text("")
    prepare = isolation.make_preexec

    def prepare_then_commit(**kwargs):
        isolate = prepare(**kwargs)
        journal.unlink(missing_ok=True)  # another worker's transaction ends between the plan and the fork
        return isolate
    monkeypatch.setattr(isolation, "make_preexec", prepare_then_commit)
    config = SandboxConfig.for_course(course_outside_tmp, isolate=True)
    with StudentSession([{"label": "cell 1", "source": "def f():\n    return 1"}], config) as student:
        assert student.call("f") == 1


@needs_root
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
        assert student.call("signal_grader", os.getpid()) == "PermissionError"
        assert student.call("connect") != "connected"
        assert student.call("whoami") != 0


@needs_root
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
    with session(probe, limits=Limits(memory_bytes=1024**3, processes=16, file_bytes=1024**2)) as student:
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
    with session(probe, call_timeout=3.0) as student:  # a loaded machine may stall a call for a second
        with pytest.raises(StudentCallFailed, match="time limit: the call to spin"):
            student.call("spin")
        assert student.call("double", 2.0) == 4.0
        with pytest.raises(StudentCallFailed, match="exited with code 3"):
            student.call("leave")
        assert student.call("double", np.ones(2)).tolist() == [2.0, 2.0]
        assert student.starts == 3


NUMERICS_PROBE = """
import os
from threadpoolctl import threadpool_info
def numerics():
    import numpy
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"][0]
    return {"variables": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "NPY_"))},
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
        for name in [name for name in os.environ if name.startswith(numerics.PREFIXES) and name not in other]:
            monkeypatch.delenv(name)
        for name, value in other.items():
            monkeypatch.setenv(name, value)
    expected = numerics.numerical_environment()
    with session(NUMERICS_PROBE) as student:
        seen = student.call("numerics")
    assert seen["threads"] == numerics.THREADS
    assert {k: v for k, v in seen["variables"].items() if k in expected} == \
        {k: v for k, v in expected.items() if k.startswith(("OPENBLAS_", "OMP_", "NPY_"))}
    if "OPENBLAS_CORETYPE" in expected:
        assert seen["kernel"].lower() == expected["OPENBLAS_CORETYPE"].lower()


def test_does_the_reference_compute_on_as_many_threads_as_the_student():
    from threadpoolctl import threadpool_info

    from autograder.checks import Check, run_checks
    from autograder.sandbox.numerics import THREADS

    seen = []
    check = Check("test_x", "threads?", lambda student, rng: seen.append(
        [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]))
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
    config = SandboxConfig.for_course(ROOT, isolate=can_isolate() is None)
    with StudentSession(cells, config, blocked={"optlab.optimize": "write it yourself"}) as student:
        with pytest.raises(StudentCallFailed, match="write it yourself"):
            student.call("use")


@needs_root
def test_does_a_sandbox_that_cannot_start_say_why_after_retrying(monkeypatch):
    import subprocess

    from autograder.sandbox import isolation, session as session_module

    def failing_isolation(**_):
        def isolate():
            raise OSError(12, "mount /tmp: Cannot allocate memory")
        return isolate
    monkeypatch.setattr(isolation, "make_preexec", failing_isolation)
    monkeypatch.setattr(session_module.time, "sleep", lambda seconds: None)
    with pytest.raises(subprocess.SubprocessError, match=r"could not start: OSError: \[Errno 12\] mount /tmp: Cannot allocate memory \(3 attempts\)"):
        with session("x = 1", isolate=True) as student:
            student.call("f")
