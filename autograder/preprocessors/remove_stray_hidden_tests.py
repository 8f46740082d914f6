"""RemoveStrayHiddenTests: hidden-test regions outside test cells are cut before feedback is
written.

nbgrader's ClearHiddenTests refuses a notebook with a ``### BEGIN HIDDEN TESTS`` region
in any cell that is not a test cell, and then no feedback is written at all. A student
can put one there (by pasting, or on purpose), and a duplicated test cell loses its
role and keeps its region. Such a region is the student's own text: it is cut from the
feedback copy, and the feedback is written.
"""

from __future__ import annotations

import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

REGION = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?(^[ \t]*### END HIDDEN TESTS[^\n]*\n?|\Z)", re.S | re.M
)


class RemoveStrayHiddenTests(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if not utils.is_grade(cell) and "BEGIN HIDDEN TESTS" in cell.source:
            cell.source = REGION.sub("", cell.source)
        return cell, resources
