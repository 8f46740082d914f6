"""What the instructor sees while grading: a progress bar on a terminal, a line per submission otherwise."""

from __future__ import annotations

import time


class ProgressBar:
    """``progress(done, total, outcome)`` for `grading.grade`, drawn on ``stream``.

    On a terminal one line is redrawn: a bar, the count, the elapsed time and an estimate
    of the time left, and the last submission finished. Elsewhere (a log file, CI) each
    finished submission gets a line of its own.
    """

    def __init__(self, stream, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.start = time.monotonic()
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int, outcome) -> None:
        elapsed = time.monotonic() - self.start
        left = elapsed / done * (total - done) if done else 0.0
        result = (f"{outcome.score:g}/{outcome.max_score:g}" if outcome.graded else "not graded")
        if not self.live:
            print(f"[{done}/{total}] {outcome.student}: {result}", file=self.stream, flush=True)
            return
        filled = round(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"\r[{bar}] {done}/{total}  {elapsed:4.0f} s, about {left:.0f} s left  {outcome.student}: {result}"
        print(f"{line:<110}", end="\n" if done == total else "", file=self.stream, flush=True)
