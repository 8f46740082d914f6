"""A Dask worker preload (``dask worker --preload``) for tests/test_cluster_grading.py: a gate
that holds one submission on the worker that picks it.

With ``AUTOGRADER_TEST_GATE=<folder>:<student>`` in a worker's environment, the worker that
picks that student's submission writes ``<folder>/picked-<its pid>``, then waits until
``<folder>/open`` exists before it grades it: the test knows which worker holds the submission
at that moment, and kills that one, without guessing at times.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from autograder import cluster


def dask_setup(worker) -> None:
    setting = os.environ.get("AUTOGRADER_TEST_GATE")
    if not setting:
        return
    folder, gated = setting.rsplit(":", 1)
    grade_files = cluster.grade_files

    def gated_grade_files(assignment, student, *args):
        if student == gated:
            Path(folder, f"picked-{os.getpid()}").touch()
            while not Path(folder, "open").exists():
                time.sleep(0.05)  # waits for the test's file; how long matters to nothing
        return grade_files(assignment, student, *args)

    # Tasks name the function by module and name (pickled by reference): this worker's
    # unpickling finds the gated one.
    cluster.grade_files = gated_grade_files
