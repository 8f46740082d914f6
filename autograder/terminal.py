"""What the instructor sees while grading: a progress bar on a terminal, a line per submission
otherwise."""

from __future__ import annotations

import time

# The first submissions finish nearly together, one per worker, after the run's start-up:
# elapsed / done charged that start-up to every submission left, at one worker's pace. The
# pace is counted from the first completion on, over stretches in which every busy worker
# finishes something: a round, the longest any submission took so far. The rest of the first
# burst still adds up to a round's worth to the count, so no number is shown before two
# rounds (then the pace is at most about 1.5 times too fast, and less as the run goes on).
ROUNDS_BEFORE_ESTIMATE = 2


class ProgressBar:
    """``progress(done, total, outcome)`` for `grading.grade`, drawn on ``stream``.

    On a terminal one line is redrawn: a bar, the count, the elapsed time and an estimate
    of the time left (see `time_left`), and the last submission finished. Elsewhere (a log
    file, CI) each finished submission gets a line of its own. ``clock`` gives the time in
    seconds (the monotonic clock by default).
    """

    def __init__(self, stream, width: int = 30, clock=time.monotonic) -> None:
        self.stream = stream
        self.width = width
        self.clock = clock
        self.start = clock()
        self.finished: list[float] = []  # when each submission was finished, by ``clock``
        self.longest = 0.0  # the longest any of them took, by its outcome
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def time_left(self, done: int, total: int) -> float | None:
        """Seconds until the last submission is finished, at the rate of the recent completions;
        None while too little has been finished for a rate to mean anything."""
        if done >= total:
            return 0.0
        if not self.finished:
            return None
        first, now = self.finished[0], self.finished[-1]
        one_round = self.longest or first - self.start  # a worker that died reports no time
        if now - first < ROUNDS_BEFORE_ESTIMATE * one_round:
            return None
        # Recent, so that the estimate follows a change of pace (a run of refused submissions,
        # slower ones); long enough to hold every worker's completions, not a burst of them.
        window = max(ROUNDS_BEFORE_ESTIMATE * one_round, (now - first) / 2)
        since = max(first, now - window)
        if now <= since:
            return None
        recent = sum(1 for finished in self.finished if finished > since)
        return (total - done) * (now - since) / recent

    def __call__(self, done: int, total: int, outcome) -> None:
        self.finished.append(self.clock())
        self.longest = max(self.longest, outcome.seconds)
        elapsed = self.finished[-1] - self.start
        result = f"{outcome.score:g}/{outcome.max_score:g}" if outcome.graded else outcome.status
        if outcome.graded and getattr(outcome, "manual_pending", None):
            result = f"{outcome.auto_score:g}/{outcome.max_auto_score:g} + written pending"
        if not self.live:
            print(f"[{done}/{total}] {outcome.student}: {result}", file=self.stream, flush=True)
            return
        left = self.time_left(done, total)
        estimate = "estimating time left" if left is None else f"about {left:.0f} s left"
        filled = round(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        line = (
            f"\r[{bar}] {done}/{total}  {elapsed:4.0f} s, {estimate}  {outcome.student}: {result}"
        )
        print(f"{line:<110}", end="\n" if done == total else "", file=self.stream, flush=True)
