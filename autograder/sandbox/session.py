"""The grader's side of a student process: start it, feed it the notebook, call its functions.

    with StudentSession(cells, config) as student:
        value = student.call("numeric_gradient", problem_loss, w, h=1e-5)

`call` returns the decoded plain-data value or raises `StudentCallFailed` with a message
fit for feedback (the student's exception, a time limit, a crash, a missing function).
A call that times out or kills the process costs only itself: the next call starts a
fresh process and runs the notebook's code again.
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
import time
from dataclasses import dataclass, field
from pathlib import Path

import optlab

from . import harness, isolation
from .isolation import Limits
from .numerics import numerical_environment

HARNESS_SOURCE = Path(harness.__file__)
STUDENT_PACKAGE = Path(optlab.__file__).parent
MAX_MESSAGE_BYTES = 64 * 1024**2
START_FAILED = "The sandbox could not start: "
START_ATTEMPTS = 3


class StudentCallFailed(Exception):
    """A call into student code did not return a value; the message says why, for feedback."""


@dataclass
class SandboxConfig:
    """What every student process of one grading run shares."""

    hidden: list[Path]
    limits: Limits = field(default_factory=Limits)
    call_timeout: float = 10.0      # seconds for one call into student code
    setup_timeout: float = 60.0     # seconds to run the notebook's cells
    uid: int = isolation.SANDBOX_UID_BASE
    isolate: bool = True            # False only for trying the grader on one's own code
    # BLAS kernel, SIMD and thread settings: the grader's own, so both compute alike (numerics.py).
    numerics: dict[str, str] = field(default_factory=numerical_environment)

    @classmethod
    def for_course(cls, *roots: Path, **kwargs) -> "SandboxConfig":
        """Hide the given roots whole, all but the interpreter's own environment inside them."""
        return cls(hidden=sorted({Path(root).resolve() for root in roots}), **kwargs)


@dataclass
class CellError:
    label: str
    error: str


class StudentSession:
    def __init__(self, cells: list[dict], config: SandboxConfig, blocked: dict[str, str] | None = None):
        self.cells = cells
        self.config = config
        self.blocked = blocked or {}
        self.process: subprocess.Popen | None = None
        self.workdir: Path | None = None
        self.cell_errors: list[CellError] = []
        self.setup_failure: str | None = None
        self.starts = 0
        self.student_seconds = 0.0  # time spent waiting for the student process's replies
        self.budget: tuple[float, str] | None = None  # (monotonic deadline, which limit it is) over all calls
        self._buffer = b""

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> "StudentSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _prepare_workdir(self) -> Path:
        workdir = Path(tempfile.mkdtemp(prefix="optgrade-"))
        shutil.copy(HARNESS_SOURCE, workdir / "harness.py")
        blocked_files = {name.split(".", 1)[1] + ".py" for name in self.blocked if name.startswith("optlab.")}
        shutil.copytree(STUDENT_PACKAGE, workdir / "lib" / "optlab",
                        ignore=shutil.ignore_patterns("__pycache__", *blocked_files))
        if self.config.isolate:
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, self.config.uid, self.config.uid, follow_symlinks=False)
        return workdir

    def _start(self) -> None:
        self._stop()
        self.starts += 1
        if self.workdir is None:
            self.workdir = self._prepare_workdir()
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        child_ends = [_above_stdio(request_read), _above_stdio(reply_write)]
        sandbox_dir = isolation.SANDBOX_DIR if self.config.isolate else self.workdir
        env = {"PATH": "/usr/bin:/bin", "HOME": str(sandbox_dir), "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(sandbox_dir / ".mpl"),
               "IPYTHONDIR": str(sandbox_dir / ".ipython"), "PYTHONDONTWRITEBYTECODE": "1",
               **self.config.numerics}
        isolate = None
        if self.config.isolate:
            needed = sorted({Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()})
            isolate = isolation.make_preexec(uid=self.config.uid, workdir=self.workdir,
                                             hidden=self.config.hidden, needed=needed,
                                             limits=self.config.limits)

        def preexec() -> None:
            try:
                # The child reads requests on fd 3 and writes replies on fd 4.
                os.dup2(child_ends[0], 3)
                os.dup2(child_ends[1], 4)
                if isolate is not None:
                    isolate()
            except BaseException as error:  # subprocess only says that it failed: say why, in the log
                os.write(2, f"{START_FAILED}{type(error).__name__}: {error}\n".encode())
                raise

        for attempt in range(1, START_ATTEMPTS + 1):
            with open(self.workdir / "output.log", "ab") as log:
                try:
                    self.process = subprocess.Popen(
                        [sys.executable, "-I", str(sandbox_dir / "harness.py")],
                        stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=self.workdir,
                        preexec_fn=preexec, start_new_session=True, pass_fds=(3, 4))
                    break
                except subprocess.SubprocessError:
                    # The one failure seen (a hidden file gone before its mount) is fixed at its cause;
                    # a transient one is retried, and the reason kept if it persists.
                    why = [line for line in (self.workdir / "output.log").read_text(errors="replace").splitlines()
                           if line.startswith(START_FAILED)]
                    if attempt == START_ATTEMPTS:
                        for fd in (request_read, request_write, reply_read, reply_write, *child_ends):
                            os.close(fd)
                        raise subprocess.SubprocessError(
                            f"{why[-1] if why else START_FAILED + 'unknown reason'} ({attempt} attempts)") from None
                    time.sleep(0.5 * attempt)
        for fd in (request_read, reply_write, *child_ends):
            os.close(fd)
        self._requests = os.fdopen(request_write, "wb")
        self._replies = reply_read
        self._buffer = b""
        self._send({"op": "run", "cells": self.cells, "blocked": self.blocked})
        reply = self._receive(self.config.setup_timeout, doing="running the notebook's code")
        self.cell_errors = [CellError(e["label"], e["error"]) for e in reply.get("errors", [])]

    def _stop(self) -> None:
        if self.process is not None:
            _kill_everything_of(self.process, self.config.uid if self.config.isolate else None)
            self.process = None
            try:
                self._requests.close()
            except OSError:
                pass
            os.close(self._replies)

    # -- protocol ----------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        try:
            self._requests.write(json.dumps(message, allow_nan=False).encode() + b"\n")
            self._requests.flush()
        except (BrokenPipeError, OSError):
            raise StudentCallFailed(self._death_message("before it was asked anything")) from None

    def _receive(self, timeout: float, doing: str) -> dict:
        started = time.monotonic()
        limit = f"{doing} did not finish within {timeout:g} s"
        if self.budget is not None and self.budget[0] < started + timeout:
            timeout, limit = max(self.budget[0] - started, 0.0), self.budget[1]
        try:
            return self._receive_until(started + timeout, limit, doing)
        finally:
            self.student_seconds += time.monotonic() - started

    def _receive_until(self, deadline: float, limit: str, doing: str) -> dict:
        with selectors.DefaultSelector() as selector:
            selector.register(self._replies, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self._stop()
                    raise StudentCallFailed(f"time limit: {limit} (an endless loop, or far too much work?)")
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    message = self._death_message(f"during {doing}")
                    self._stop()
                    raise StudentCallFailed(message)
                self._buffer += chunk
                if len(self._buffer) > MAX_MESSAGE_BYTES:
                    self._stop()
                    raise StudentCallFailed("the reply was larger than the grader accepts "
                                            f"({MAX_MESSAGE_BYTES // 1024**2} MiB)")
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            message = json.loads(line)
            if not isinstance(message, dict):
                raise ValueError
        except ValueError:
            self._stop()
            raise StudentCallFailed("the student process sent something that is not a reply "
                                    "(did the code write to the grader's channel?)") from None
        return message

    def _death_message(self, when: str) -> str:
        code = self.process.wait(timeout=5) if self.process is not None else None
        limits = self.config.limits
        if code is None:
            return f"the student process stopped {when}"
        if code < 0:
            name = signal.Signals(-code).name
            hint = {"SIGKILL": f" (killed: memory over {limits.memory_bytes / 1024**3:g} GiB, or killed by the code itself?)",
                    "SIGXCPU": f" (CPU time limit of {limits.cpu_seconds} s)",
                    "SIGXFSZ": f" (wrote a file over {limits.file_bytes // 1024**2} MiB)",
                    "SIGSEGV": " (a crash in native code)"}.get(name, "")
            return f"the student process died of {name} {when}{hint}"
        return f"the student process exited with code {code} {when} (sys.exit, os._exit or exit() in the code?)"

    # -- calls -------------------------------------------------------------------------------

    def ensure_started(self) -> None:
        if self.setup_failure is not None:
            raise StudentCallFailed(self.setup_failure)
        if self.process is None or self.process.poll() is not None:
            try:
                self._start()
            except StudentCallFailed as failure:
                self.setup_failure = str(failure)
                raise

    def limit_time(self, deadline: float | None, limit: str = "") -> None:
        """Make every call (and restart) end by ``deadline`` (time.monotonic()), ``limit`` naming the limit."""
        self.budget = None if deadline is None else (deadline, limit)

    def call(self, name: str, *args, **kwargs):
        """Call the notebook's function ``name``; the decoded value, or StudentCallFailed."""
        self.ensure_started()
        self._send({"op": "call", "name": name, "args": [harness.encode(a) for a in args],
                    "kwargs": {k: harness.encode(v) for k, v in kwargs.items()}})
        reply = self._receive(self.config.call_timeout, doing=f"the call to {name}()")
        if reply.get("op") != "result":
            self._stop()
            raise StudentCallFailed("the student process sent an unexpected reply")
        if not reply.get("ok"):
            error = str(reply.get("error", "an error"))[:harness.MAX_STRING]
            where = str(reply.get("where", ""))[:harness.MAX_STRING]
            if error.rstrip(": ") == "NotImplementedError":
                raise StudentCallFailed(f"{name}() is still the stub: it raises NotImplementedError")
            if error.startswith("MemoryError"):
                error += f" (the memory limit is {self.config.limits.memory_bytes / 1024**3:g} GiB)"
            raise StudentCallFailed(f"{name}() raised {error}" + (f"\n    at {where}" if where else ""))
        try:
            return harness.decode(reply.get("value"))
        except (ValueError, KeyError, TypeError) as error:
            raise StudentCallFailed(f"{name}() returned a value the grader cannot read ({error})") from None


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
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("Uid:") and int(line.split()[1]) == uid:
                    try:
                        os.kill(int(entry.name), signal.SIGKILL)
                    except OSError:
                        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
