"""Limits on student code: a slow or greedy function costs only the checks it touches, and the
feedback names the limit; slow notebook code has a limit of its own; what the machine does to the
student process costs nothing."""

from __future__ import annotations

import pytest
from grading_support import (
    cell_scores,
    feedback_text,
    full_marks,
    make_course,
    solution,
    submit,
    with_answers,
)

from autograder.grading import grade
from autograder.options import GradingOptions

ASSIGNMENT = "schedules"
FULL = full_marks(ASSIGNMENT)  # the automatic points; the written answer awaits an instructor
# Right answers, but each call takes 0.3 s: fine for one call, too slow for a check's many.
SLOW_STEP_DECAY = (
    "import time\n"
    "def step_decay(lr0, epoch, drop=0.5, every=10):\n"
    "    time.sleep(0.3)\n"
    "    return lr0 * drop ** (epoch // every)"
)
GREEDY_WARMUP = (
    "def linear_warmup(lr0, t, warmup_steps):\n"
    "    hoard = bytearray(8 * 1024**3)\n"
    "    return lr0 * min(1.0, (t + 1) / warmup_steps)"
)
# Longer than a check's calls may take (2 s below), far shorter than the notebook's code may.
SLOW_CELL = "import time\ntime.sleep(4)"
ENDLESS_STEP_DECAY = (
    "def step_decay(lr0, epoch, drop=0.5, every=10):\n    while True:\n        pass"
)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("limits"), ASSIGNMENT)
    answers = {"step_decay": SLOW_STEP_DECAY, "linear_warmup": GREEDY_WARMUP}
    submit(course, "slow", ASSIGNMENT, with_answers(solution(ASSIGNMENT), answers))
    submit(course, "honest", ASSIGNMENT, solution(ASSIGNMENT))
    submit(
        course,
        "slow_notebook",
        ASSIGNMENT,
        with_answers(solution(ASSIGNMENT), {}, setup=SLOW_CELL),
    )
    submit(
        course,
        "slow_notebook_endless_loop",
        ASSIGNMENT,
        with_answers(solution(ASSIGNMENT), {"step_decay": ENDLESS_STEP_DECAY}, setup=SLOW_CELL),
    )
    run = grade(
        course,
        ASSIGNMENT,
        GradingOptions(check_timeout=2.0, memory_mb=1024),
        progress=lambda *_: None,
    )
    assert all(o.graded for o in run.outcomes)
    return course


def test_does_a_check_over_its_time_limit_cost_only_that_check(graded):
    scores = cell_scores(graded, ASSIGNMENT, "slow")
    assert scores["test_step_decay"] == 0.0 and scores["test_linear_warmup"] == 0.0
    assert (
        scores["test_exponential_decay"]
        == scores["test_inverse_time_decay"]
        == scores["test_cosine_decay"]
        == 1.0
    )
    assert sum(cell_scores(graded, ASSIGNMENT, "honest").values()) == FULL


def test_does_the_feedback_name_the_limits_that_were_hit(graded):
    text = feedback_text(graded, ASSIGNMENT, "slow")
    assert "time limit: this check's calls may take 2 s in all" in text
    assert "MemoryError" in text and "the memory limit is 1 GiB" in text


def test_does_notebook_code_slower_than_a_checks_calls_but_within_its_own_limit_cost_nothing(
    graded,
):
    assert sum(cell_scores(graded, ASSIGNMENT, "slow_notebook").values()) == FULL


def test_does_running_the_notebooks_code_again_after_a_timeout_cost_no_other_check(graded):
    """Each timeout of step_decay restarts the process: its notebook's code (4 s) runs again before
    the next check's first call, and does not count against that check's 2 s."""
    scores = cell_scores(graded, ASSIGNMENT, "slow_notebook_endless_loop")
    assert scores["test_step_decay"] == 0.0
    assert sum(scores.values()) == FULL - 1, scores


def test_does_a_used_up_submission_limit_fail_the_remaining_checks_without_running_them(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    # The notebook's code, 4 s, more than the submission's 3 s: the limit starts after it.
    submit(
        course,
        "slow",
        ASSIGNMENT,
        with_answers(solution(ASSIGNMENT), {"step_decay": SLOW_STEP_DECAY}, setup=SLOW_CELL),
    )
    grade(course, ASSIGNMENT, GradingOptions(submission_timeout=3.0), progress=lambda *_: None)
    scores = cell_scores(course, ASSIGNMENT, "slow")
    assert all(score == 0.0 for score in scores.values()), scores
    text = feedback_text(course, ASSIGNMENT, "slow")
    assert "time limit: the hidden checks of a submission may take 3 s in all" in text
    assert "the notebook's code" not in text
    assert (
        "not run: the hidden checks of a submission may take 3 s in all, and the checks before "
        "this one used it up" in text
    )


def test_does_notebook_code_over_its_own_limit_fail_every_check_and_say_so(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    submit(course, "slow", ASSIGNMENT, with_answers(solution(ASSIGNMENT), {}, setup=SLOW_CELL))
    grade(course, ASSIGNMENT, GradingOptions(setup_timeout=2.0), progress=lambda *_: None)
    assert all(score == 0.0 for score in cell_scores(course, ASSIGNMENT, "slow").values())
    assert "time limit: the notebook's code did not finish within 2 s" in feedback_text(
        course, ASSIGNMENT, "slow"
    )


def test_is_a_submission_whose_process_is_killed_by_sigkill_every_time_left_not_graded(tmp_path):
    """The grader cannot tell code that kills its own process from a kill from outside (the
    machine out of memory): after its tries, the submission is not graded, and the others are."""
    course = make_course(tmp_path, ASSIGNMENT)
    kills_itself = (
        "import os\ndef step_decay(lr0, epoch, drop=0.5, every=10):\n    os.kill(os.getpid(), 9)"
    )
    submit(
        course,
        "kills_itself",
        ASSIGNMENT,
        with_answers(solution(ASSIGNMENT), {"step_decay": kills_itself}),
    )
    submit(course, "honest", ASSIGNMENT, solution(ASSIGNMENT))
    run = grade(course, ASSIGNMENT, progress=lambda *_: None)
    outcomes = {o.student: o for o in run.outcomes}
    assert outcomes["honest"].graded and outcomes["honest"].score == FULL
    assert not outcomes["kills_itself"].graded
    assert (
        "InfrastructureError: the student process was killed by SIGKILL 3 times in a row"
        in outcomes["kills_itself"].problem
    )
    assert "from outside the grader" in outcomes["kills_itself"].problem
