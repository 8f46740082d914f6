"""RemoveScoreOutputs: a test cell's score leaves the notebook once nbgrader has saved it.

`RunHiddenChecks` gives each test cell two outputs: the report of its checks, and the
cell's partial credit as its result, which is how nbgrader's `SaveAutoGrades` reads a
score. Once saved in the gradebook, that number has done its work; left in the
autograded notebook, formgrader and the feedback would show it as ``Out[ ]: 4.0``, as if
the student's code had printed it. The report already states the points.
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


class RemoveScoreOutputs(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            cell.outputs = [
                output for output in cell.outputs if output.output_type != "execute_result"
            ]
        return cell, resources
