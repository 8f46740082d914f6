"""The program that runs inside a student process: it runs the notebook's code, then calls its
functions.

It is shown read-only in the sandbox and started by the grader with nothing of the grader
importable (see isolation.py); its argument, when isolated, is the resource limits it sets
on itself before it runs any of the notebook's code. It talks to the grader over two
pipes (file descriptors 3 and 4), one JSON document per line, and decides nothing:
it only reports what the student's code returned or raised. Everything that crosses
is plain data (numbers, strings, lists, and arrays as dtype + shape + bytes); nothing
is pickled, and the grader re-validates all of it. This file must import nothing from
the autograder package; the grader imports `encode` and `decode` from it, so that both
sides share one wire format.

Once it has set its limits it writes READY; then requests and replies (each reply carries
its request's "id"):
    {"op": "run", "id", "cells": [{"label", "source"}], "blocked": {module: message},
     "returns_new": [function, ...]}
        -> {"op": "ran", "id", "errors": [{"label", "error"}]}
    {"op": "call", "id", "name", "args", "kwargs"}
        -> {"op": "result", "id", "ok": true, "value"}
        or {"op": "result", "id", "ok": true, "value", "changed": [argument, ...],
            "shared": [argument, ...]} (either key alone, too)
        or {"op": "result", "id", "ok": false, "error", "where"}
"changed" names the arguments the call changed in place (`changed_arguments`), by their
parameter names, a dict's entries as name['key']; "shared", for a function of "returns_new"
(whose docstring promises new arrays), the arguments whose memory an array it returned shares
(`shared_arguments`: it returned a view of them, or them).

Only the harness's own process reads requests and writes replies: the channel's file
descriptors are closed on exec, moved to /dev/null in any child the student's code forks,
and a child that returns into the harness's code exits there (`leave_if_forked`).
Anything the student's code writes on the channel itself reaches a grader that reads
every reply with `loads` and `decode`, which bound its size, depth and number of values
and refuse anything malformed with ValueError alone.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import math
import os
import sys
import traceback

MAX_STRING = 2000
MAX_DEPTH = 8
NUMERIC_KINDS = "biufc"
MAX_MESSAGE_BYTES = (
    64 * 1024**2
)  # one reply; arrays cross as base64, so this is many millions of numbers
MAX_MESSAGE_VALUES = 1_000_000  # JSON values (lists, objects, list items) in one reply
REQUESTS_FD, REPLIES_FD = 3, 4
READY = {"op": "ready"}  # the first line on the channel, before any of the notebook's code runs


# --- the wire format (shared with the grader) --------------------------------------------


def encode(value, depth: int = 0):
    """Plain data for a value a student function returned (or an argument it is given)."""
    import numpy as np

    if depth > MAX_DEPTH:
        return {"__unsupported__": "nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value[:MAX_STRING] if isinstance(value, str) else value
    if type(value) is int:
        return value if abs(value) < 2**63 else float(value)
    if type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in NUMERIC_KINDS:
            return {"__unsupported__": f"array of dtype {array.dtype}"}
        array = np.array(
            array, order="C", copy=True
        )  # ascontiguousarray would make 0-d arrays 1-d
        return {
            "__ndarray__": {
                "dtype": array.dtype.str,
                "shape": list(array.shape),
                "data": base64.b64encode(array.tobytes()).decode("ascii"),
            }
        }
    if isinstance(value, ProblemArgument):
        return {"__problem__": {"spec": value.spec, "method": value.method}}
    if isinstance(value, GeneratorArgument):
        return {"__generator__": {"seed": value.seed}}
    if type(value) is tuple:
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if type(value) is list:
        return [encode(v, depth + 1) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": {k[:MAX_STRING]: encode(v, depth + 1) for k, v in value.items()}}
    return {"__unsupported__": f"a value of type {type(value).__name__}"[:MAX_STRING]}


class Unsupported:
    """Stands for a value that cannot cross as plain data; the grader reports its description."""

    def __init__(self, description: str) -> None:
        self.wire_description = description

    def __repr__(self) -> str:
        return f"<{self.wire_description}>"


ALLOWED_DTYPES = {
    f"{order}{kind}{size}"
    for order in "<|"
    for kind, sizes in (
        ("f", (2, 4, 8)),
        ("i", (1, 2, 4, 8)),
        ("u", (1, 2, 4, 8)),
        ("c", (8, 16)),
        ("b", (1,)),
    )
    for size in sizes
}


def loads(line: bytes) -> dict:
    """The JSON object one line of the channel holds; ValueError (only) if it is not one, or if it
    is larger, deeper or holds more values than any reply of the harness."""
    if len(line) > MAX_MESSAGE_BYTES:
        raise ValueError(f"larger than {MAX_MESSAGE_BYTES // 1024**2} MiB")
    # Commas and brackets bound the values parsing would build (those inside strings only add to
    # the count).
    if line.count(b",") + line.count(b"[") + line.count(b"{") > MAX_MESSAGE_VALUES:
        raise ValueError(f"more than {MAX_MESSAGE_VALUES:,} values")
    try:
        message = json.loads(line)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except MemoryError:
        raise ValueError("too large to read") from None
    if type(message) is not dict:
        raise ValueError("not a JSON object")
    return message


def decode(data, depth: int = 0, *, arguments: bool = True):
    """The value that plain data stands for; raises ValueError (only) on anything malformed.

    ``arguments``: whether the tags of arguments (a problem, a generator) are accepted; the
    grader decodes replies with False, as a student function returns neither.
    """
    import numpy as np

    if depth > MAX_DEPTH + 1:
        raise ValueError("nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v, depth + 1, arguments=arguments) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise ValueError("malformed value")
    ((tag, body),) = data.items()
    if tag == "__ndarray__":
        if type(body) is not dict or set(body) != {"dtype", "shape", "data"}:
            raise ValueError("malformed array")
        dtype, shape, raw = body["dtype"], body["shape"], body["data"]
        if type(dtype) is not str or dtype not in ALLOWED_DTYPES:
            raise ValueError(f"dtype {str(dtype)[:40]!r} is not allowed")
        if (
            type(shape) is not list
            or len(shape) > 32
            or any(type(n) is not int or n < 0 for n in shape)
            or math.prod(max(n, 1) for n in shape) * np.dtype(dtype).itemsize > MAX_MESSAGE_BYTES
        ):
            raise ValueError("bad shape")
        if type(raw) is not str or len(raw) > MAX_MESSAGE_BYTES:
            raise ValueError("bad array data")
        raw = base64.b64decode(raw, validate=True)  # binascii.Error is a ValueError
        if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
            raise ValueError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "__float__":
        if type(body) is not str or body not in ("nan", "inf", "-inf"):
            raise ValueError("bad float")
        return float(body)
    if tag == "__tuple__":
        if type(body) is not list:
            raise ValueError("malformed tuple")
        return tuple(decode(v, depth + 1, arguments=arguments) for v in body)
    if tag == "__dict__":
        if type(body) is not dict or any(type(k) is not str for k in body):
            raise ValueError("malformed dict")
        return {k: decode(v, depth + 1, arguments=arguments) for k, v in body.items()}
    if tag == "__unsupported__":
        if type(body) is not str:
            raise ValueError("malformed description")
        return Unsupported(body[:MAX_STRING])
    if tag == "__problem__" and arguments:
        return ProblemArgument(body)
    if tag == "__generator__" and arguments:
        return GeneratorArgument(body)
    raise ValueError(f"unknown tag {str(tag)[:40]!r}")


class ProblemArgument:
    """An argument that stands for a problem of `optlab.problems` (or one of its methods)."""

    def __init__(self, body: dict) -> None:
        if (
            type(body) is not dict
            or set(body) != {"spec", "method"}
            or type(body["spec"]) is not dict
            or not (body["method"] is None or type(body["method"]) is str)
        ):
            raise ValueError("malformed problem")
        self.spec = body["spec"]
        self.method = body["method"]

    def build(self):
        from optlab.problems import from_spec

        problem = from_spec(self.spec)
        return getattr(problem, self.method) if self.method else problem


class GeneratorArgument:
    """An argument that stands for ``np.random.default_rng(seed)``, made on the student's side."""

    def __init__(self, body: dict) -> None:
        if type(body) is not dict or set(body) != {"seed"}:
            raise ValueError("malformed generator")
        seed = body["seed"]
        if type(seed) is not int or not 0 <= seed < 2**63:
            raise ValueError("a generator's seed must be a non-negative integer")
        self.seed = seed

    def build(self):
        import numpy as np

        return np.random.default_rng(self.seed)


# --- the student side ---------------------------------------------------------------------


class BlockedModules:
    """An import hook that answers a module the exercise asks students to write themselves."""

    def __init__(self, blocked: dict[str, str]) -> None:
        self.blocked = blocked

    def find_spec(self, name, path=None, target=None):
        if name in self.blocked:
            raise ImportError(self.blocked[name])
        return None


def describe_error(error: BaseException) -> tuple[str, str]:
    """A one-line error and where in the student's code it happened."""
    try:
        text = f"{type(error).__name__}: {error}"[:MAX_STRING]
    except Exception:  # noqa: BLE001 - an exception whose str() fails is still reported
        text = f"{type(error).__name__} (whose message cannot be shown)"[:MAX_STRING]
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<ipython-input") or frame.filename.startswith(
            "/tmp/ipykernel"
        ):
            where = f"line {frame.lineno}, in {frame.name}: {frame.line or ''}".strip()
    return text, where[:MAX_STRING]


HARNESS_PID: list[int] = []  # the harness's own process, once main() has started


def leave_if_forked() -> None:
    """End a child that the student's code forked as soon as it is back in the harness's code:
    only the harness's own process may run cells, read requests and write replies."""
    if HARNESS_PID and os.getpid() != HARNESS_PID[0]:
        os._exit(0)


def guard_the_channel() -> None:
    """Keep the channel to the harness's own process: closed on exec, and in any forked child
    replaced by /dev/null (a child that speaks on it would garble the replies)."""
    HARNESS_PID[:] = [os.getpid()]
    null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    for fd in (REQUESTS_FD, REPLIES_FD):
        os.set_inheritable(fd, False)

    def in_child() -> None:
        for fd in (REQUESTS_FD, REPLIES_FD):
            try:
                os.dup2(null, fd, inheritable=False)
            except OSError:  # the code closed /dev/null's descriptor: close the channel's instead
                try:
                    os.close(fd)
                except OSError:
                    pass

    os.register_at_fork(after_in_child=in_child)


def run_cells(cells: list[dict]) -> tuple[dict, list[dict]]:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` works without a kernel
    errors = []
    for cell in cells:
        result = shell.run_cell(cell["source"], store_history=False, silent=False)
        leave_if_forked()
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            errors.append({"label": cell["label"], "error": describe_error(error)[0]})
    return shell.user_ns, errors


def serve(namespace: dict, requests, replies, returns_new: frozenset = frozenset()) -> None:
    def reply(message: dict) -> None:
        leave_if_forked()
        replies.write(json.dumps(message, allow_nan=False).encode() + b"\n")
        replies.flush()

    for line in requests:
        request = json.loads(line)
        name = request["name"]
        function = namespace.get(name)
        if not callable(function):
            reply(
                {
                    "op": "result",
                    "id": request["id"],
                    "ok": False,
                    "where": "",
                    "error": f"NameError: no function named {name!r} is defined in the notebook",
                }
            )
            continue
        try:
            args = [build(decode(a)) for a in request["args"]]
            kwargs = {k: build(decode(v)) for k, v in request["kwargs"].items()}
            value, changed, shared = call_watching(
                function, args, kwargs, returns_new=name in returns_new
            )
            message = {"op": "result", "id": request["id"], "ok": True, "value": encode(value)}
            if changed:
                message["changed"] = changed
            if shared:
                message["shared"] = shared
        except BaseException as error:  # noqa: BLE001 - any failure of student code is reported, even
            # KeyboardInterrupt and SystemExit: nobody can press Ctrl-C in the sandbox, so it is
            # the code's own
            text, where = describe_error(error)
            message = {
                "op": "result",
                "id": request["id"],
                "ok": False,
                "error": text,
                "where": where,
            }
        reply(message)


# --- arguments changed in place ------------------------------------------------------------


def fingerprint(value, depth: int = 0):
    """What ``value`` holds, to compare before and after a call: arrays by dtype, shape and a
    hash of their bytes, containers item by item; None for what is not compared (a random
    generator, whose state a call is meant to advance, or a problem object)."""
    import numpy as np

    if depth > MAX_DEPTH:
        return None
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value).tobytes()
        return ("array", value.dtype.str, value.shape, hashlib.sha256(data).hexdigest())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(fingerprint(item, depth + 1) for item in value))
    if isinstance(value, dict):
        items = tuple((repr(k), fingerprint(v, depth + 1)) for k, v in value.items())
        return ("dict", items)
    if value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        return ("scalar", repr(value))
    return None


def named_arguments(function, args: list, kwargs: dict) -> list[tuple[str, object]]:
    """Each argument of a call by its parameter's name (by position when the signature cannot
    be read), and each entry of a dict argument as name['key']."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs).arguments
        pairs = list(bound.items())
    except (TypeError, ValueError):
        pairs = [(f"argument {k + 1}", a) for k, a in enumerate(args)] + list(kwargs.items())
    named = []
    for name, value in pairs:
        named.append((name, value))
        if isinstance(value, dict):
            named += [(f"{name}[{key!r}]", item) for key, item in value.items()]
    return named


def changed_arguments(named: list[tuple[str, object]], before: dict) -> list[str]:
    """The arguments whose content differs from ``before``, naming a dict's entries rather than
    the dict when those are what changed."""
    changed = [
        label
        for label, value in named
        if before.get(label) is not None and fingerprint(value) != before[label]
    ]
    return [
        label
        for label in changed
        if not any(other != label and other.startswith(f"{label}[") for other in changed)
    ]


def shared_arguments(value, named: list[tuple[str, object]]) -> list[str]:
    """The arguments whose memory an array of ``value`` (at any depth) shares: ``value`` is
    them, or a view of them. Arrays allocated apart never overlap, so a bounds check is
    exact for anything but a view."""
    import numpy as np

    arguments = [(label, a) for label, a in named if isinstance(a, np.ndarray) and a.size]
    shared = []
    for array in array_leaves(value):
        for label, argument in arguments:
            if label not in shared and np.may_share_memory(array, argument):
                shared.append(label)
    return shared


def array_leaves(value, depth: int = 0) -> list:
    """The non-empty NumPy arrays in ``value``, its tuples, lists and dicts included."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return [value] if value.size else []
    if depth >= MAX_DEPTH:
        return []
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in array_leaves(item, depth + 1)]
    if isinstance(value, dict):
        return [a for item in value.values() for a in array_leaves(item, depth + 1)]
    return []


def call_watching(
    function, args: list, kwargs: dict, returns_new: bool = False
) -> tuple[object, list[str], list[str]]:
    """``function(*args, **kwargs)``, the arguments it changed in place (`changed_arguments`)
    and, if it ``returns_new`` arrays, those whose memory what it returned shares
    (`shared_arguments`)."""
    named = named_arguments(function, args, kwargs)
    before = {label: fingerprint(value) for label, value in named}
    value = function(*args, **kwargs)
    shared = shared_arguments(value, named) if returns_new else []
    return value, changed_arguments(named, before), shared


def build(value):
    return value.build() if isinstance(value, (ProblemArgument, GeneratorArgument)) else value


def lower_limits(limits: dict) -> None:
    """Set this process's resource limits (inherited by all it starts) before any student code
    runs; ``limits``: `resource` name -> [soft, hard], as the grader sends them
    (isolation.harness_limits)."""
    import resource

    for name, (soft, hard) in limits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


def main() -> None:
    if len(sys.argv) > 1:
        lower_limits(json.loads(sys.argv[1]))
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    guard_the_channel()
    requests = os.fdopen(REQUESTS_FD, "rb")
    replies = os.fdopen(REPLIES_FD, "wb")
    replies.write(json.dumps(READY).encode() + b"\n")
    replies.flush()
    first = json.loads(requests.readline())
    sys.meta_path.insert(0, BlockedModules(first.get("blocked", {})))
    namespace, errors = run_cells(first["cells"])
    leave_if_forked()
    replies.write(json.dumps({"op": "ran", "id": first["id"], "errors": errors}).encode() + b"\n")
    replies.flush()
    serve(namespace, requests, replies, frozenset(first.get("returns_new", [])))


if __name__ == "__main__":
    main()
