"""Grading throughput on a Dask cluster against the number of its workers.

    .venv/bin/python benchmarks/cluster.py [N] [WORKERS ...]   # writes cluster.md

N: how many honest submissions of `gradients` each run grades (default 24); WORKERS: the
cluster sizes to measure (default 1 2 3 4).

For each size, a real `dask scheduler` and that many `dask worker` processes (one thread each)
are started on 127.0.0.1, over TCP, as on a cluster's machines; every worker first grades one
submission of a warm-up course (its imports and its scratch gradebook, once per worker), then
`grade` (with `--scheduler`) grades the N submissions of a fresh course, timed from the call
to the grade sheet. The same N are graded on this machine with `--jobs` the same number, for
comparison, and the coordinator's own CPU time is counted: the one part that more workers do
not spread. Needs a machine that can run the sandbox (isolation.can_isolate).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courses import honest_course  # noqa: E402

from autograder.grading import grade  # noqa: E402
from autograder.options import GradingOptions  # noqa: E402

ASSIGNMENT = "gradients"
DASK = Path(sys.executable).parent / "dask"


def start_cluster(folder: Path, workers: int) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and ``workers`` workers on 127.0.0.1; its address and the processes."""
    from distributed import Client

    scheduler_file = folder / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    log = (folder / "dask.log").open("w")
    # The workers import the grader from this checkout, as workers started in the course would.
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    processes = [
        subprocess.Popen(
            [DASK, "scheduler", "--port", "0", "--scheduler-file", scheduler_file, *common],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    for k in range(workers):
        processes.append(
            subprocess.Popen(
                [DASK, "worker", "--scheduler-file", scheduler_file, "--nthreads", "1"]
                + ["--no-nanny", "--local-directory", folder / f"worker{k}", *common],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    with Client(scheduler_file=str(scheduler_file), timeout="300s") as client:
        client.wait_for_workers(workers, timeout=600)
    return json.loads(scheduler_file.read_text())["address"], processes


def timed(course: Path, options: GradingOptions) -> tuple[float, float]:
    """Wall seconds of grading ``course``, and this process's CPU seconds in it."""
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    run = grade(course, ASSIGNMENT, options, progress=lambda *_: None)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert all(o.graded and o.auto_score == o.max_auto_score for o in run.outcomes)
    return wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def measure(folder: Path, n: int, workers: int) -> dict[str, float]:
    # This machine's run first: its workers are forked, before any thread of Dask's client.
    here = honest_course(folder / "here", ASSIGNMENT, [f"s{i:03d}" for i in range(n)])
    local, _ = timed(here, GradingOptions(jobs=workers))
    address, processes = start_cluster(folder, workers)
    try:
        warm = honest_course(folder / "warm", ASSIGNMENT, [f"w{k}" for k in range(workers)])
        timed(warm, GradingOptions(scheduler=address))
        course = honest_course(folder / "course", ASSIGNMENT, [f"s{i:03d}" for i in range(n)])
        wall, cpu = timed(course, GradingOptions(scheduler=address))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker may hang in its closing
                process.kill()
                process.wait()
    return {"wall": wall, "coordinator_cpu": cpu, "local": local}


def main(n: int, sizes: list[int]) -> None:
    rows = []
    for workers in sizes:
        folder = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
        try:
            rows.append((workers, measure(folder, n, workers)))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(workers, rows[-1][1], flush=True)
    python = sys.version.split()[0]
    cores = len(os.sched_getaffinity(0))
    base = rows[0][1]["wall"]
    lines = [
        "# Grading on a Dask cluster: throughput against the number of workers",
        "",
        f"Measured by `benchmarks/cluster.py {n} {' '.join(map(str, sizes))}` on "
        f"{platform.machine()}, {cores} cores, Python {python}, {time.strftime('%Y-%m-%d')}: "
        f"{n} honest submissions of `{ASSIGNMENT}`, graded by `grade --scheduler` on a real "
        "`dask scheduler` and `dask worker` processes (one thread each) on 127.0.0.1 over TCP, "
        "each worker warmed up by one submission; beside it, the same submissions graded on "
        "this machine with `--jobs` the same number.",
        "",
        "| workers | seconds | submissions/s | speed-up | coordinator CPU s per submission "
        "| this machine, `--jobs` as many: seconds |",
        "|---|---|---|---|---|---|",
    ]
    for workers, m in rows:
        lines.append(
            f"| {workers} | {m['wall']:.1f} | {n / m['wall']:.2f} | {base / m['wall']:.2f}x "
            f"| {m['coordinator_cpu'] / n:.3f} | {m['local']:.1f} |"
        )
    lines += [
        "",
        "All the workers here share this machine's cores, so past one worker per core the "
        "throughput stops growing: on a cluster each worker brings its own. What does not "
        "spread is the coordinator's part (reading each submission, writing its grades, "
        "autograded notebook and feedback): its CPU time per submission bounds the throughput "
        "at about one over it, however many workers there are. With more workers than cores, "
        "the workers, the scheduler, the coordinator and their sandboxes compete for the cores, "
        "and both columns slow down.",
        "",
    ]
    (Path(__file__).parent / "cluster.md").write_text("\n".join(lines))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 24, args[1:] or [1, 2, 3, 4])
