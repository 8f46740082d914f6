"""One numerical environment for the reference and the student's code.

The last bits of a floating-point result depend on more than the code: on the BLAS
kernel (OpenBLAS picks one per CPU unless ``OPENBLAS_CORETYPE`` names one), on its cache
sizes (``OPENBLAS_L2_SIZE``), on NumPy's SIMD dispatch (``NPY_DISABLE_CPU_FEATURES``) and
on how many threads share a reduction. The hidden checks compute the reference in the
grader and compare it with what the student's process returns, so both must compute in
the same environment: the student's process gets the grader's numerical variables, and
both run their linear algebra on `THREADS` thread(s) (which also keeps parallel grading
workers from oversubscribing the cores).

The checks do not rely on this alone: the tests run correct solutions written in other
ways, and in another environment (`other_environment`), through every check on many
seeds.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from contextlib import contextmanager

# Variables read by BLAS/LAPACK, OpenMP and NumPy when they load, that change how they compute.
PREFIXES = (
    "OPENBLAS_",
    "GOTO",
    "OMP_",
    "KMP_",
    "GOMP_",
    "MKL_",
    "BLIS_",
    "VECLIB_",
    "ACCELERATE_",
    "NPY_",
)
THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
THREADS = 1


def numerical_environment(
    environ: Mapping[str, str] | None = None, threads: int = THREADS
) -> dict[str, str]:
    """The numerical variables of ``environ`` (default: this process's), with ``threads``
    threads."""
    environ = os.environ if environ is None else environ
    chosen = {name: value for name, value in environ.items() if name.startswith(PREFIXES)}
    chosen.update(dict.fromkeys(THREAD_VARIABLES, str(threads)))
    return chosen


def blas_kernel() -> str:
    """The kernel NumPy's OpenBLAS runs in this process ('' if it is not OpenBLAS or cannot
    say)."""
    import numpy  # noqa: F401 - loads the BLAS that threadpoolctl then asks
    from threadpoolctl import threadpool_info

    for library in threadpool_info():
        if library.get("internal_api") == "openblas":
            return str(library.get("architecture") or "")
    return ""


def other_environment(
    environ: Mapping[str, str] | None = None, threads: int = 2
) -> dict[str, str]:
    """A numerical environment that computes differently from this one: another OpenBLAS kernel
    and ``threads`` threads. Tests run correct code in it beside a reference computed here."""
    chosen = numerical_environment(environ, threads)
    if "OPENBLAS_CORETYPE" in chosen:  # a machine that pins a kernel: let OpenBLAS detect its own
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            chosen.pop(name, None)
    elif platform.machine() in ("x86_64", "AMD64"):
        chosen["OPENBLAS_CORETYPE"] = (
            "Sandybridge" if blas_kernel().lower() == "haswell" else "Haswell"
        )
    elif platform.machine() in ("aarch64", "arm64"):
        chosen["OPENBLAS_CORETYPE"] = "ARMV8"
    return chosen


@contextmanager
def reference_threads():
    """Run the enclosed computation on `THREADS` BLAS/OpenMP thread(s), as the student's process
    does."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=THREADS):
        yield
