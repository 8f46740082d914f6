"""The grader's side of a student process: start it, feed it the notebook, call its functions.

    with StudentSession(cells, config) as student:
        student.ensure_started()    # runs the notebook's code, under setup_timeout alone
        value = student.call("numeric_gradient", problem_loss, w, h=1e-5)

`call` returns the decoded plain-data value or raises `StudentCallFailed` with a message
fit for feedback (the student's exception, a time limit, a crash, a missing function, a
reply the grader cannot read). A call that times out or kills the process costs only
itself: the next call starts a fresh process and runs the notebook's code again.

Time. The notebook's code runs under ``setup_timeout`` alone, the first time and every
time it runs again after a restart. A call runs under ``call_timeout``, under the budget
that `limit_time` sets (one check's calls together) and under the one that
`limit_total_time` sets (all that follows, for a submission). Running the notebook's code
again never counts against the `limit_time` budget: that time is given back to it. It
does count against the total, as the student's own timeout or crash caused it.

Usage. A thread of the grader adds up the memory and the CPU time of the sandbox's
processes (processes.usage) every WATCH_SECONDS, during calls and between them, and kills
the sandbox when together they use more than the limits; the call under way, or the next
one, fails with a message that says so.

Infrastructure. What the grading machine does to a student process is never scored:
`InfrastructureError` is raised instead, and the submission is left not graded with its
message. That is so when the sandbox cannot start (after START_ATTEMPTS tries), and when
the student process dies of a signal that no limit of the grader explains and that
usually comes from outside (SIGKILL, SIGTERM: the kernel's OOM killer, another program):
the call (or the run of the notebook's code) is tried again in a fresh process after a
short pause, up to KILL_ATTEMPTS times in a row, and the time lost is given back to both
budgets. The grader's own kills are never taken for these: it kills only after a time
limit, a reply it refuses or memory over the limit, and reports those itself. The CPU
limit is told apart from an outside SIGKILL by the CPU time the sandbox's processes used
(as the usage watch saw it: bwrap exits before it reaps them, so its own resource usage
holds none of theirs); a process's own memory limit (RLIMIT_AS) raises MemoryError and
kills nothing. Student code that kills its own process with SIGKILL or SIGTERM cannot be
told apart from a kill from outside: it ends the same way, not graded, with a message
that names both causes, for an instructor to look at.
"""

from __future__ import annotations

import fcntl
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import optlab

from . import harness, isolation, processes
from .isolation import Limits
from .numerics import numerical_environment
from .uids import NoUidLeft, UidLease, kill_processes_of

HARNESS_SOURCE = Path(harness.__file__)
GRADER_FILES = "grader"  # in the session's folder: what the sandbox shows as isolation.GRADER_DIR
STUDENT_PACKAGE = Path(optlab.__file__).parent
MAX_MESSAGE_BYTES = harness.MAX_MESSAGE_BYTES
START_FAILED = "The sandbox could not start: "
START_ATTEMPTS = 3
START_TIMEOUT = 30.0  # seconds from starting the sandbox to the harness's word that it is ready
KILL_ATTEMPTS = 3  # tries of a call whose process keeps being killed from outside
KILL_RETRY_PAUSE = 1.0  # seconds before the next try, times the tries so far
OUTSIDE_SIGNALS = (signal.SIGKILL, signal.SIGTERM)
EXIT_GRACE = 2.0  # seconds a process that closed its end of the channel has to exit
NOT_A_REPLY = "something that is not a reply"
CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE)


class StudentCallFailed(Exception):
    """A call into student code did not return a value; the message says why, for feedback."""


class InfrastructureError(RuntimeError):
    """The grading machine, not the student's code, stopped a call (a sandbox that cannot start,
    a student process killed from outside). Never scored: the submission is left not graded,
    with this message, for a later run to grade."""


class _StartFailed(Exception):
    """The sandbox or the harness did not start: nothing of the student's has run yet."""


class _KilledFromOutside(Exception):
    """The student process died of a signal that no limit of the grader explains."""

    def __init__(self, signal_name: str, doing: str) -> None:
        super().__init__(signal_name, doing)
        self.signal_name, self.doing = signal_name, doing

    def explain(self, times: int) -> str:
        return (
            f"the student process was killed by {self.signal_name} {times} times in a row, the "
            f"last time during {self.doing}, and no limit of the grader explains it: either from "
            "outside the grader (the machine out of memory, or another program killing it) or by "
            "the submission's own code (os.kill of its own process, which the grader cannot tell "
            "apart); grade it again, and if it fails the same way, look in its code for such a "
            "kill"
        )


@dataclass
class SandboxConfig:
    """What every student process of one grading run shares."""

    limits: Limits = field(default_factory=Limits)
    call_timeout: float = 10.0  # seconds for one call into student code
    setup_timeout: float = 60.0  # seconds to run the notebook's cells, each time they run
    uid: int | None = None  # as root, None: lease one of the machine's sandbox uids (uids.py)
    isolate: bool = True  # False only for trying the grader on one's own code
    # BLAS kernel, SIMD and thread settings: the grader's own, so both compute alike (numerics.py).
    numerics: dict[str, str] = field(default_factory=numerical_environment)


@dataclass
class CellError:
    label: str
    error: str


Limit = tuple[float, str]  # (time.monotonic() deadline, the limit it is, in words for feedback)


class StudentSession:
    def __init__(
        self,
        cells: list[dict],
        config: SandboxConfig,
        blocked: dict[str, str] | None = None,
        returns_new: frozenset[str] = frozenset(),
    ):
        self.cells = cells
        self.config = config
        self.blocked = blocked or {}
        self.returns_new = returns_new  # functions whose results may share no argument's memory
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.uid: int | None = config.uid
        self._lease: UidLease | None = None
        self.cell_errors: list[CellError] = []
        self.setup_failure: str | None = None
        self.starts = 0
        self.student_seconds = 0.0  # time spent waiting for the student process's replies
        self.launch_seconds = 0.0  # of which: starting sandboxes, until each harness was ready
        self.budget: Limit | None = None  # over the calls, set by limit_time (a check's)
        self.total: Limit | None = None  # over everything, restarts too, set by limit_total_time
        self._requests: int | None = None
        self._replies: int | None = None
        self._buffer = bytearray()
        self._request_id = 0
        self._restart_seconds = 0.0  # spent restarting during the current try of a call
        self._watch: _UsageWatch | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> StudentSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        if self._lease is not None:
            self._lease.release()
            self._lease, self.uid = None, self.config.uid

    def _prepare_workdir(self) -> Path:
        """The grader's folder for this session: the output log, and the files shown to the sandbox
        (GRADER_FILES: the harness and the student package without the blocked modules)."""
        workdir = None
        try:
            if self.config.isolate and self.uid is None and os.geteuid() == 0:
                self._lease = UidLease()
                self.uid = self._lease.uid
            workdir = Path(tempfile.mkdtemp(prefix="optgrade-"))
            files = workdir / GRADER_FILES
            files.mkdir()
            shutil.copy(HARNESS_SOURCE, files / "harness.py")
            blocked_files = {
                name.split(".", 1)[1] + ".py"
                for name in self.blocked
                if name.startswith("optlab.")
            }
            shutil.copytree(
                STUDENT_PACKAGE,
                files / "lib" / "optlab",
                ignore=shutil.ignore_patterns("__pycache__", *blocked_files),
            )
            for path in [
                files,
                *files.rglob("*"),
            ]:  # readable by the sandbox's uid, whatever the umask
                path.chmod(0o755 if path.is_dir() else 0o644)
        except (OSError, NoUidLeft) as error:
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)
            raise InfrastructureError(f"{START_FAILED}{type(error).__name__}: {error}") from error
        return workdir

    def _start(self) -> None:
        """Start a fresh student process and run the notebook's code in it."""
        self._stop()
        self.starts += 1
        if self.workdir is None:
            self.workdir = self._prepare_workdir()
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._launch()
                break
            except _StartFailed as failed:
                self._stop()
                if attempt == START_ATTEMPTS:
                    raise InfrastructureError(
                        f"{START_FAILED}{failed} ({attempt} attempts)"
                    ) from None
                time.sleep(0.5 * attempt)

        doing = (
            "the notebook's code"
            if self.starts == 1
            else "the notebook's code, run again in a fresh process"
        )
        deadline, limit = _earliest(
            (
                time.monotonic() + self.config.setup_timeout,
                f"{doing}{',' * (self.starts > 1)} did not finish within "
                f"{self.config.setup_timeout:g} s",
            ),
            self.total,
        )
        reply = self._exchange(
            {
                "op": "run",
                "cells": self.cells,
                "blocked": self.blocked,
                "returns_new": sorted(self.returns_new),
            },
            deadline,
            limit,
            doing,
        )
        errors = reply.get("errors")
        if (
            reply.get("op") != "ran"
            or set(reply) != {"op", "id", "errors"}
            or type(errors) is not list
            or len(errors) > len(self.cells)
            or not all(_is_cell_error(e) for e in errors)
        ):
            self._refuse(NOT_A_REPLY)
        self.cell_errors = [
            CellError(e["label"][: harness.MAX_STRING], e["error"][: harness.MAX_STRING])
            for e in errors
        ]

    def _launch(self) -> None:
        """Start the student process and wait for the harness to say it is ready (before any of the
        student's code runs); _StartFailed, with the reason, if it never does."""
        sandbox_dir = isolation.SANDBOX_DIR if self.config.isolate else self.workdir / GRADER_FILES
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(sandbox_dir),
            "LANG": "C.UTF-8",
            "USER": "student",
            "LOGNAME": "student",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(sandbox_dir / ".mpl"),
            "IPYTHONDIR": str(sandbox_dir / ".ipython"),
            "PYTHONDONTWRITEBYTECODE": "1",
            **self.config.numerics,
        }
        command = [sys.executable, "-I", str(sandbox_dir / "harness.py")]
        preexec, seccomp_fd = None, None
        if self.config.isolate:
            files = self.workdir / GRADER_FILES
            needed = isolation.interpreter_paths()
            limits = json.dumps(isolation.harness_limits(self.config.limits))
            seccomp_fd = isolation.syscall_filter_fd()
            command = isolation.sandbox_command(
                [sys.executable, "-I", str(isolation.GRADER_DIR / "harness.py"), limits],
                needed=needed,
                files=files,
                limits=self.config.limits,
                seccomp_fd=seccomp_fd,
            )
            if self.uid is not None:  # as root: bwrap runs as the leased uid
                preexec = isolation.make_preexec(uid=self.uid, reach=[*needed, files])
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        self._requests, self._replies, self._buffer = request_write, reply_read, bytearray()
        child_ends = [_above_stdio(request_read), _above_stdio(reply_write)]
        os.close(request_read)
        os.close(reply_write)

        def in_child() -> None:
            try:
                # The child reads requests on fd 3 and writes replies on fd 4.
                os.dup2(child_ends[0], harness.REQUESTS_FD)
                os.dup2(child_ends[1], harness.REPLIES_FD)
                if preexec is not None:
                    preexec()
            except (
                BaseException
            ) as error:  # subprocess only says that it failed: say why, in the log
                os.write(2, f"{type(error).__name__}: {error}\n".encode())
                raise

        log_path = self.workdir / "output.log"
        started_at = log_path.stat().st_size if log_path.exists() else 0
        launched = time.monotonic()
        try:
            with open(log_path, "ab") as log:
                self.process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    env=env,
                    cwd="/" if self.config.isolate else sandbox_dir,
                    preexec_fn=in_child,
                    start_new_session=True,
                    pass_fds=(
                        harness.REQUESTS_FD,
                        harness.REPLIES_FD,
                        *([seccomp_fd] if seccomp_fd else []),
                    ),
                )
        except (subprocess.SubprocessError, OSError) as error:
            raise _StartFailed(
                _log_since(log_path, started_at) or f"{type(error).__name__}: {error}"
            ) from None
        finally:
            for fd in [*child_ends, *([seccomp_fd] if seccomp_fd else [])]:
                os.close(fd)
        os.set_blocking(
            request_write, False
        )  # a process that stops reading cannot stall the grader
        if self.config.isolate:
            self._watch = _UsageWatch(self.process, self.config.limits)
        try:
            ready = self._receive(time.monotonic() + START_TIMEOUT, "", "the start of the sandbox")
        except (StudentCallFailed, _KilledFromOutside):
            ready = None
        finally:
            self.launch_seconds += time.monotonic() - launched
        if ready != harness.READY:
            self._stop()
            raise _StartFailed(
                _log_since(log_path, started_at)
                or f"the sandbox did not start within {START_TIMEOUT:g} s, and said nothing"
            )

    def _stop(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        if self.process is not None:
            _kill_everything_of(self.process, self.uid if self.config.isolate else None)
            self.process = None
        for fd in (self._requests, self._replies):
            if fd is not None:
                os.close(fd)
        self._requests = self._replies = None
        self._buffer = bytearray()

    # -- protocol ----------------------------------------------------------------------------

    def _exchange(self, message: dict, deadline: float, limit: str, doing: str) -> dict:
        """Send one request and read its reply: a JSON object with the request's id, nothing after
        it."""
        self._request_id += 1
        started = time.monotonic()
        try:
            self._send({**message, "id": self._request_id}, deadline, limit, doing)
            reply = self._receive(deadline, limit, doing)
        finally:
            self.student_seconds += time.monotonic() - started
        if type(reply.get("id")) is not int or reply["id"] != self._request_id:
            self._refuse(f"{NOT_A_REPLY}: a reply to another request")
        return reply

    def _send(self, message: dict, deadline: float, limit: str, doing: str) -> None:
        data = memoryview(json.dumps(message, allow_nan=False).encode() + b"\n")
        with selectors.DefaultSelector() as selector:
            selector.register(self._requests, selectors.EVENT_WRITE)
            while data:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self._time_is_up(limit)
                try:
                    data = data[os.write(self._requests, data[: 1 << 16]) :]
                except BlockingIOError:
                    continue
                except OSError:  # the process is gone, or closed its end
                    self._died(doing)

    def _receive(self, deadline: float, limit: str, doing: str) -> dict:
        with selectors.DefaultSelector() as selector:
            selector.register(self._replies, selectors.EVENT_READ)
            searched = 0
            while (end := self._buffer.find(b"\n", searched)) < 0:
                searched = len(self._buffer)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self._time_is_up(limit)
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    self._died(doing)
                self._buffer += chunk
                if len(self._buffer) > MAX_MESSAGE_BYTES:
                    self._refuse(
                        "a reply larger than the grader accepts, "
                        f"{MAX_MESSAGE_BYTES // 1024**2} MiB"
                    )
        line, rest = bytes(self._buffer[:end]), self._buffer[end + 1 :]
        if (
            rest
        ):  # the harness sends one line per request and waits: more is written by something else
            self._refuse(f"{NOT_A_REPLY}: more than one reply to one request")
        self._buffer = bytearray()
        try:
            return harness.loads(line)
        except ValueError as error:
            self._refuse(f"{NOT_A_REPLY}: {error}")

    def _check_usage(self) -> None:
        """StudentCallFailed if the usage watch stopped the sandbox."""
        if self._watch is not None and self._watch.exceeded is not None:
            exceeded = self._watch.exceeded
            self._stop()
            raise StudentCallFailed(exceeded)

    def _time_is_up(self, limit: str):
        self._stop()
        raise StudentCallFailed(f"time limit: {limit} (an endless loop, or far too much work?)")

    def _refuse(self, what: str):
        """Stop a process whose channel can no longer be trusted, and say what it sent."""
        self._stop()
        raise StudentCallFailed(
            f"the student process sent {what} (did the code write to the grader's channel?)"
        )

    def _died(self, doing: str):
        """The student process closed its end of the channel: say why, or raise
        _KilledFromOutside."""
        self._check_usage()  # the watch's own kill is no kill from outside
        code, cpu_seconds = self._reap()
        if self._watch is not None:  # what the watch saw: the sandbox's processes' CPU time
            cpu_seconds = max(cpu_seconds, self._watch.most_cpu_seconds)
        self._stop()
        if code is None:
            raise StudentCallFailed(
                f"the student process closed the grader's channel during {doing} "
                "(does the code close file descriptor 3 or 4, or exec another program?)"
            )
        cpu_limit = self.config.isolate and cpu_seconds >= self.config.limits.cpu_seconds
        if -code in OUTSIDE_SIGNALS and not cpu_limit:
            raise _KilledFromOutside(_signal_name(-code), doing)
        raise StudentCallFailed(self._death_message(code, cpu_limit, doing))

    def _reap(self) -> tuple[int | None, float]:
        """The student process's exit code and the CPU seconds it used; (None, 0) if it still
        runs."""
        if self.process.returncode is not None:
            return self.process.returncode, 0.0
        give_up = time.monotonic() + EXIT_GRACE
        while True:
            try:
                pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            except ChildProcessError:
                return self.process.returncode, 0.0
            if pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                if (
                    self.config.isolate and self.process.returncode > 128
                ):  # bwrap: 128 + the signal's number
                    self.process.returncode = 128 - self.process.returncode
                return self.process.returncode, usage.ru_utime + usage.ru_stime
            if time.monotonic() >= give_up:
                return None, 0.0
            time.sleep(0.01)

    def _death_message(self, code: int, cpu_limit: bool, doing: str) -> str:
        limits = self.config.limits
        if code >= 0:
            return (
                f"the student process exited with code {code} during {doing} "
                "(sys.exit, os._exit or exit() in the code?)"
            )
        number = -code
        hint = (
            f" (CPU time limit of {limits.cpu_seconds} s)"
            if number == signal.SIGXCPU or cpu_limit
            else f" (wrote a file over {limits.file_bytes // 1024**2} MiB)"
            if number == signal.SIGXFSZ
            else " (a crash in native code)"
            if number in CRASH_SIGNALS
            else " (an abort in native code)"
            if number == signal.SIGABRT
            else ""
        )
        return f"the student process died of {_signal_name(number)} during {doing}{hint}"

    # -- time --------------------------------------------------------------------------------

    def limit_time(self, deadline: float | None, limit: str = "") -> None:
        """Make every call end by ``deadline`` (time.monotonic()), ``limit`` naming the limit; the
        notebook's code, when it runs again, does not count against it."""
        self.budget = None if deadline is None else (deadline, limit)

    def limit_total_time(self, deadline: float | None, limit: str = "") -> None:
        """Make everything from now on end by ``deadline``: calls, and runs of the notebook's
        code."""
        self.total = None if deadline is None else (deadline, limit)

    def _give_back(self, budget_seconds: float, total_seconds: float) -> None:
        """Move the limits' deadlines later by time that must not count against them."""
        if self.budget is not None:
            self.budget = (self.budget[0] + budget_seconds, self.budget[1])
        if self.total is not None:
            self.total = (self.total[0] + total_seconds, self.total[1])

    # -- calls -------------------------------------------------------------------------------

    def ensure_started(self) -> None:
        """Start the student process and run the notebook's code, unless it runs already;
        StudentCallFailed if the notebook's code could not run (then every call fails so)."""
        self._retrying(self._ensure_started_once)

    def call(self, name: str, *args, **kwargs):
        """Call the notebook's function ``name``; the decoded value, or StudentCallFailed."""
        request = {
            "op": "call",
            "name": name,
            "args": [harness.encode(a) for a in args],
            "kwargs": {k: harness.encode(v) for k, v in kwargs.items()},
        }
        return self._retrying(lambda: self._call_once(name, request))

    def _retrying(self, action):
        """``action()``, tried again in a fresh process while a kill from outside stops it."""
        for attempt in range(1, KILL_ATTEMPTS + 1):
            began, self._restart_seconds = time.monotonic(), 0.0
            try:
                return action()
            except _KilledFromOutside as killed:
                if attempt == KILL_ATTEMPTS:
                    raise InfrastructureError(killed.explain(attempt)) from None
                time.sleep(KILL_RETRY_PAUSE * attempt)
                lost = (
                    time.monotonic() - began
                )  # of which the restart's part is given back to the budget already
                self._give_back(budget_seconds=lost - self._restart_seconds, total_seconds=lost)

    def _ensure_started_once(self) -> None:
        if self.setup_failure is not None:
            raise StudentCallFailed(self.setup_failure)
        self._check_usage()  # the watch stopped it since the last call: this call reports it
        if self.process is not None and self.process.poll() is None:
            return
        began = time.monotonic()
        try:
            self._start()
        except StudentCallFailed as failure:
            self.setup_failure = str(failure)
            raise
        finally:
            spent = time.monotonic() - began
            self._restart_seconds += spent
            self._give_back(budget_seconds=spent, total_seconds=0.0)

    def _call_once(self, name: str, request: dict):
        self._ensure_started_once()
        doing = f"the call to {name}()"
        now = time.monotonic()
        deadline, limit = _earliest(
            (
                now + self.config.call_timeout,
                f"{doing} did not finish within {self.config.call_timeout:g} s",
            ),
            self.budget,
            self.total,
        )
        if deadline <= now:  # used up before the call: the idle process may stay
            raise StudentCallFailed(f"time limit: {limit}")
        reply = self._exchange(request, deadline, limit, doing)
        if reply.get("op") != "result" or type(reply.get("ok")) is not bool:
            self._refuse(NOT_A_REPLY)
        if reply["ok"]:
            changed, shared = reply.get("changed", []), reply.get("shared", [])
            if set(reply) - {"changed", "shared"} != {"op", "id", "ok", "value"} or not all(
                type(labels) is list and all(type(label) is str for label in labels)
                for labels in (changed, shared)
            ):
                self._refuse(NOT_A_REPLY)
            if changed:
                raise StudentCallFailed(changed_in_place(name, changed))
            if shared:
                raise StudentCallFailed(returned_a_view(name, shared))
            try:
                return harness.decode(reply["value"], arguments=False)
            except ValueError as error:
                # The harness encodes nothing so: something else wrote it, and may write more.
                self._stop()
                raise StudentCallFailed(
                    f"{name}() returned a value the grader cannot read ({error})"
                ) from None
        error, where = reply.get("error"), reply.get("where")
        if (
            set(reply) != {"op", "id", "ok", "error", "where"}
            or type(error) is not str
            or type(where) is not str
        ):
            self._refuse(NOT_A_REPLY)
        error, where = error[: harness.MAX_STRING], where[: harness.MAX_STRING]
        if error.rstrip(": ") == "NotImplementedError":
            raise StudentCallFailed(f"{name}() is still the stub: it raises NotImplementedError")
        if error.startswith("MemoryError"):
            error += f" (the memory limit is {self.config.limits.memory_bytes / 1024**3:g} GiB)"
        raise StudentCallFailed(
            f"{name}() raised {error}" + (f"\n    at {where}" if where else "")
        )


def changed_in_place(name: str, changed: list[str]) -> str:
    """The feedback for a call that changed its arguments in place (the harness compares them
    before and after every call)."""
    labels = [f"`{label[:80]}`" for label in changed[:5]] + ["..."] * (len(changed) > 5)
    if len(labels) == 1:
        return (
            f"your function {name}() changed its argument {labels[0]} in place; "
            "return a new array instead"
        )
    listed = ", ".join(labels[:-1]) + f" and {labels[-1]}"
    return (
        f"your function {name}() changed its arguments {listed} in place; "
        "return new arrays instead"
    )


def returned_a_view(name: str, shared: list[str]) -> str:
    """The feedback for a call whose result shares memory with its arguments, where the
    docstring promises new arrays (the harness looks after every call)."""
    labels = [f"`{label[:80]}`" for label in shared[:5]] + ["..."] * (len(shared) > 5)
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
    them = "them" if len(labels) > 1 else "it"
    return (
        f"your function {name}() returned a view of its argument{'s' * (len(labels) > 1)} "
        f"{listed} (or the argument itself): writing to what it returns would change {them}; "
        "return a new array (.copy()) instead"
    )


class _UsageWatch:
    """A thread that looks at a sandbox's processes every WATCH_SECONDS, between calls too (what
    the code left running in the background). It kills the sandbox when together they use more
    memory or CPU time than ``limits`` allow (``exceeded`` then says so, for feedback), and keeps
    the most CPU time one of them used (``most_cpu_seconds``: bwrap's own resource usage, which
    the grader reaps, holds none of its sandbox's, as bwrap exits before it reaps them)."""

    def __init__(self, process: subprocess.Popen, limits: Limits) -> None:
        self.process, self.limits = process, limits
        self.exceeded: str | None = None
        self.most_cpu_seconds = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name="sandbox usage watch", daemon=True
        )
        self._thread.start()

    def _watch(self) -> None:
        limits = self.limits
        while not self._stopped.wait(isolation.WATCH_SECONDS):
            used = processes.usage(self.process.pid)
            self.most_cpu_seconds = max(self.most_cpu_seconds, used.most_cpu_seconds)
            if used.memory_bytes > limits.memory_bytes:
                self.exceeded = (
                    "memory limit: the submission's processes used "
                    f"{used.memory_bytes / 1024**2:,.0f} MiB together, over the limit of "
                    f"{limits.memory_bytes / 1024**2:,.0f} MiB for all of them"
                )
            # Past the point where one process alone is killed (its own limit and grace, and a
            # second more), so that a single process's end is told by its own signal.
            elif used.cpu_seconds > limits.cpu_seconds + isolation.CPU_GRACE_SECONDS + 1:
                self.exceeded = (
                    "CPU time limit: the submission's processes used "
                    f"{used.cpu_seconds:.0f} s of CPU time together, over the limit of "
                    f"{limits.cpu_seconds} s for all of them"
                )
            else:
                continue
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # bwrap: its sandbox goes with it
            except OSError:
                pass
            return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


def _earliest(first: Limit, *others: Limit | None) -> Limit:
    """The limit that ends first (the first given, of those that end together)."""
    return min(
        [first, *(other for other in others if other is not None)], key=lambda limit: limit[0]
    )


def _is_cell_error(error) -> bool:
    return (
        type(error) is dict
        and set(error) == {"label", "error"}
        and type(error["label"]) is str
        and type(error["error"]) is str
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _log_since(path: Path, offset: int) -> str:
    """What the process wrote to its log from ``offset`` on (bwrap's and Python's own errors),
    briefly."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            text = log.read(4000).decode(errors="replace").strip()
    except OSError:
        return ""
    return " / ".join(line for line in text.splitlines() if line.strip())[-1000:]


def _above_stdio(fd: int) -> int:
    """A copy of ``fd`` numbered 10 or more, so that moving it to 3 or 4 clobbers nothing."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)


def _kill_everything_of(process: subprocess.Popen, uid: int | None) -> None:
    """Kill the student process and, when it has a uid of its own, every process of that uid."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if uid is not None:
        kill_processes_of(uid)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
