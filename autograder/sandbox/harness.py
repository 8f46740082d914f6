"""The program that runs inside a student process: it runs the notebook's code, then calls its functions.

It is copied into the sandbox and started by the grader as an unprivileged user with
nothing of the grader importable (see isolation.py). It talks to the grader over two
pipes (file descriptors 3 and 4), one JSON document per line, and decides nothing:
it only reports what the student's code returned or raised. Everything that crosses
is plain data (numbers, strings, lists, and arrays as dtype + shape + bytes); nothing
is pickled, and the grader re-validates all of it. This file must import nothing from
the autograder package; the grader imports `encode` and `decode` from it, so that both
sides share one wire format.

Requests and replies:
    {"op": "run", "cells": [{"label", "source"}], "blocked": {module: message}}
        -> {"op": "ran", "errors": [{"label", "error"}]}
    {"op": "call", "name", "args", "kwargs"}
        -> {"op": "result", "ok": true, "value"} or {"op": "result", "ok": false, "error", "where"}
"""

from __future__ import annotations

import base64
import json
import math
import os
import sys
import traceback

MAX_STRING = 2000
MAX_DEPTH = 8
NUMERIC_KINDS = "biufc"


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
        array = np.array(array, order="C", copy=True)  # ascontiguousarray would make 0-d arrays 1-d
        return {"__ndarray__": {"dtype": array.dtype.str, "shape": list(array.shape),
                                "data": base64.b64encode(array.tobytes()).decode("ascii")}}
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


ALLOWED_DTYPES = {f"{order}{kind}{size}" for order in "<|" for kind, sizes in
                  (("f", (2, 4, 8)), ("i", (1, 2, 4, 8)), ("u", (1, 2, 4, 8)), ("c", (8, 16)), ("b", (1,)))
                  for size in sizes}


def decode(data, depth: int = 0):
    """The value that plain data stands for; raises ValueError on anything malformed."""
    import numpy as np

    if depth > MAX_DEPTH + 1:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError("malformed value")
    (tag, body), = data.items()
    if tag == "__ndarray__":
        dtype = str(body["dtype"])
        if dtype not in ALLOWED_DTYPES:
            raise ValueError(f"dtype {dtype!r} is not allowed")
        shape = tuple(int(n) for n in body["shape"])
        if any(n < 0 for n in shape) or len(shape) > 32:
            raise ValueError("bad shape")
        raw = base64.b64decode(body["data"], validate=True)
        if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
            raise ValueError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if tag == "__float__":
        if body not in ("nan", "inf", "-inf"):
            raise ValueError("bad float")
        return float(body)
    if tag == "__tuple__":
        return tuple(decode(v, depth + 1) for v in body)
    if tag == "__dict__":
        return {str(k): decode(v, depth + 1) for k, v in body.items()}
    if tag == "__unsupported__":
        return Unsupported(str(body)[:MAX_STRING])
    if tag == "__problem__":
        return ProblemArgument(body)
    if tag == "__generator__":
        return GeneratorArgument(body)
    raise ValueError(f"unknown tag {tag!r}")


class ProblemArgument:
    """An argument that stands for a problem of `optlab.problems` (or one of its methods)."""

    def __init__(self, body: dict) -> None:
        self.spec = body["spec"]
        self.method = body.get("method")

    def build(self):
        from optlab.problems import from_spec

        problem = from_spec(self.spec)
        return getattr(problem, self.method) if self.method else problem


class GeneratorArgument:
    """An argument that stands for ``np.random.default_rng(seed)``, made on the student's side."""

    def __init__(self, body: dict) -> None:
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
    text = f"{type(error).__name__}: {error}"[:MAX_STRING]
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith("<ipython-input") or frame.filename.startswith("/tmp/ipykernel"):
            where = f"line {frame.lineno}, in {frame.name}: {frame.line or ''}".strip()
    return text, where[:MAX_STRING]


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
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            errors.append({"label": cell["label"], "error": describe_error(error)[0]})
    return shell.user_ns, errors


def serve(namespace: dict, requests, replies) -> None:
    def reply(message: dict) -> None:
        replies.write(json.dumps(message, allow_nan=False).encode() + b"\n")
        replies.flush()

    for line in requests:
        request = json.loads(line)
        name = request["name"]
        function = namespace.get(name)
        if not callable(function):
            reply({"op": "result", "ok": False, "where": "",
                   "error": f"NameError: no function named {name!r} is defined in the notebook"})
            continue
        try:
            args = [build(decode(a)) for a in request["args"]]
            kwargs = {k: build(decode(v)) for k, v in request["kwargs"].items()}
            value = function(*args, **kwargs)
            message = {"op": "result", "ok": True, "value": encode(value)}
        except BaseException as error:  # noqa: BLE001 - any failure of student code is reported
            if isinstance(error, (KeyboardInterrupt,)):
                raise
            text, where = describe_error(error)
            message = {"op": "result", "ok": False, "error": text, "where": where}
        reply(message)


def build(value):
    return value.build() if isinstance(value, (ProblemArgument, GeneratorArgument)) else value


def main() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    requests = os.fdopen(3, "rb")
    replies = os.fdopen(4, "wb")
    first = json.loads(requests.readline())
    sys.meta_path.insert(0, BlockedModules(first.get("blocked", {})))
    namespace, errors = run_cells(first["cells"])
    replies.write(json.dumps({"op": "ran", "errors": errors}).encode() + b"\n")
    replies.flush()
    serve(namespace, requests, replies)


if __name__ == "__main__":
    main()
