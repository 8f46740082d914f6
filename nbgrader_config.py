"""nbgrader's configuration for this course, so that plain `nbgrader` commands and formgrader
grade the same trusted way as `python -m autograder` (see autograder/nbgrader_setup.py)."""

import os
import sys

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
if COURSE_ROOT not in sys.path:
    sys.path.insert(0, COURSE_ROOT)

from autograder.nbgrader_setup import configure_nbgrader  # noqa: E402

configure_nbgrader(get_config(), COURSE_ROOT)  # noqa: F821 - get_config is nbgrader's
