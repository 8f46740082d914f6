"""Limits on student code: a slow or greedy function costs only the checks it touches, and the feedback names the limit."""

from __future__ import annotations

import pytest

from autograder.grading import grade
from grading_support import cell_scores, feedback_text, make_course, solution, submit, with_answers

ASSIGNMENT = "schedules"
# Right answers, but each call takes 0.3 s: fine for one call, too slow for a check's many.
SLOW_STEP_DECAY = ("import time\n"
                   "def step_decay(lr0, epoch, drop=0.5, every=10):\n"
                   "    time.sleep(0.3)\n"
                   "    return lr0 * drop ** (epoch // every)")
GREEDY_WARMUP = ("def linear_warmup(lr0, t, warmup_steps):\n"
                 "    hoard = bytearray(8 * 1024**3)\n"
                 "    return lr0 * min(1.0, (t + 1) / warmup_steps)")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("limits"), ASSIGNMENT)
    answers = {"step_decay": SLOW_STEP_DECAY, "linear_warmup": GREEDY_WARMUP}
    submit(course, "slow", ASSIGNMENT, with_answers(solution(ASSIGNMENT), answers))
    submit(course, "honest", ASSIGNMENT, solution(ASSIGNMENT))
    run = grade(course, ASSIGNMENT, limits={"check_timeout": 2.0, "memory_mb": 1024}, progress=lambda *_: None)
    assert all(o.graded for o in run.outcomes)
    return course


def test_does_a_check_over_its_time_limit_cost_only_that_check(graded):
    scores = cell_scores(graded, ASSIGNMENT, "slow")
    assert scores["test_step_decay"] == 0.0 and scores["test_linear_warmup"] == 0.0
    assert scores["test_exponential_decay"] == scores["test_inverse_time_decay"] == scores["test_cosine_decay"] == 1.0
    assert sum(cell_scores(graded, ASSIGNMENT, "honest").values()) == 5.0


def test_does_the_feedback_name_the_limits_that_were_hit(graded):
    text = feedback_text(graded, ASSIGNMENT, "slow")
    assert "time limit: this check's calls may take 2 s in all" in text
    assert "MemoryError" in text and "the memory limit is 1 GiB" in text


def test_does_a_used_up_submission_limit_fail_the_remaining_checks_without_running_them(tmp_path):
    course = make_course(tmp_path, ASSIGNMENT)
    submit(course, "slow", ASSIGNMENT, with_answers(solution(ASSIGNMENT), {"step_decay": SLOW_STEP_DECAY}))
    grade(course, ASSIGNMENT, limits={"submission_timeout": 3.0}, progress=lambda *_: None)
    scores = cell_scores(course, ASSIGNMENT, "slow")
    assert all(score == 0.0 for score in scores.values()), scores
    text = feedback_text(course, ASSIGNMENT, "slow")
    assert "time limit: the submission's student code may take 3 s in all" in text
    assert "not run: the submission's student code may take 3 s in all, and the checks before this one used it up" in text
