"""The progress bar's estimate of the time left, on simulated runs of parallel workers."""

from __future__ import annotations

import heapq
import io
import random
import re

import pytest

from autograder.grading import Outcome
from autograder.terminal import ProgressBar


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def finished_submissions(
    workers: int, startup: float, durations: list[float], setup: float = 0.5
) -> list[tuple[float, float]]:
    """When each submission is finished, and how long it took, in a pool of ``workers`` that
    start after ``startup`` seconds and take the next submission as soon as they are free; a
    worker's first submission takes ``setup`` seconds more (nbgrader's set-up). In order."""
    free = [(startup, True)] * workers
    finished = []
    for duration in durations:
        started, first = heapq.heappop(free)
        took = duration + (setup if first else 0.0)
        finished.append((started + took, took))
        heapq.heappush(free, (started + took, False))
    return sorted(finished)


def shown_estimates(finished: list[tuple[float, float]]) -> list[float | None]:
    """What a live bar says of the time left as each submission is finished: seconds, or None
    when it shows no number."""
    clock, terminal = FakeClock(), Terminal()
    bar = ProgressBar(terminal, clock=clock)
    shown = []
    for done, (when, took) in enumerate(finished, start=1):
        clock.now = when
        before = len(terminal.getvalue())
        bar(
            done,
            len(finished),
            Outcome(f"s{done:03d}", True, score=10, max_score=10, seconds=took),
        )
        line = terminal.getvalue()[before:]
        number = re.search(r"about (\d+) s left", line)
        assert number or "estimating time left" in line, line
        shown.append(float(number.group(1)) if number else None)
    return shown


def assert_honest(
    finished: list[tuple[float, float]],
    shown: list[float | None],
    seconds: float,
    after: float = 0.0,
) -> None:
    """Every number shown (after the time ``after``) is within a factor of two of the true time
    left, or, for the last submissions in flight, within two submissions' time of it."""
    end = finished[-1][0]
    for done, ((when, _), left) in enumerate(zip(finished, shown), start=1):
        truth = end - when
        if left is None or when < after:
            continue
        if truth > 3 * seconds:
            assert truth / 2 <= left <= 2 * truth, (
                f"after {done}: {left:.0f} s left said, {truth:.0f} s true"
            )
        else:
            assert abs(left - truth) <= 2 * seconds, (
                f"after {done}: {left:.0f} s left said, {truth:.1f} s true"
            )


@pytest.mark.parametrize("workers,startup", [(1, 0.5), (4, 3.0), (8, 1.5), (16, 3.0)])
def test_is_the_estimate_silent_for_the_first_round_then_within_a_factor_of_two(workers, startup):
    rng = random.Random(workers)
    seconds = 1.0  # one submission's grading, on average
    finished = finished_submissions(
        workers, startup, [seconds * rng.uniform(0.7, 1.3) for _ in range(20 * workers)]
    )
    shown = shown_estimates(finished)
    assert shown[:workers] == [None] * workers, "the first round says nothing of the pace"
    assert any(left is not None for left in shown[: len(shown) // 3]), (
        "an estimate comes within the first third"
    )
    assert_honest(finished, shown, seconds)
    assert shown[-1] == 0


def test_does_the_estimate_follow_a_change_of_pace():
    """Quick refusals first, then submissions twenty times slower: the estimate comes to the new
    pace."""
    rng = random.Random(0)
    workers, fast, slow = 8, 0.1, 2.0
    durations = [fast * rng.uniform(0.7, 1.3) for _ in range(400)] + [
        slow * rng.uniform(0.7, 1.3) for _ in range(160)
    ]
    finished = finished_submissions(workers, 1.0, durations, setup=0.0)
    shown = shown_estimates(finished)
    slow_from = finished[400][0]
    assert_honest(finished, shown, slow, after=slow_from + 10 * slow)
    assert all(
        left is not None
        for (when, _), left in zip(finished, shown)
        if when > slow_from + 10 * slow
    )


def test_is_a_run_on_no_terminal_told_a_line_per_submission_and_no_estimate():
    clock, log = FakeClock(), io.StringIO()
    bar = ProgressBar(log, clock=clock)
    for done in (1, 2):
        clock.now += 5
        bar(done, 2, Outcome(f"s{done}", done == 1, score=10, max_score=10))
    assert log.getvalue() == "[1/2] s1: 10/10\n[2/2] s2: not graded\n"
