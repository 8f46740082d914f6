"""RestoreDeletedTestCells: an autograded test cell the student deleted is put back from the source.

The hidden checks call the student's functions; the test cell only says which checks
score which points. Deleting it (by accident, or to skip failing visible tests) must not
cost the points of functions that work, nor earn anything. Stock nbgrader scores a
missing test cell 0. The cell is restored from the gradebook's copy of the source,
after the answer cell it tests (``test_<name>`` follows ``<name>``, the course's rule),
or at the end.
"""

from __future__ import annotations

from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import NbGraderPreprocessor

from .source_cells import read_source_cells


class RestoreDeletedTestCells(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        source = read_source_cells(resources)
        if source is None:
            return nb, resources
        present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        for name, points in source.test_points.items():
            if name in present:
                continue
            self.log.warning("Test cell %r was deleted: restored from the source", name)
            cell = new_code_cell(source.sources[name], metadata={"nbgrader": {
                "grade": True, "grade_id": name, "locked": True, "points": points,
                "schema_version": 3, "solution": False, "task": False}})
            answer = name.removeprefix("test_")
            after = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == answer]
            nb.cells.insert(after[0] + 1 if after else len(nb.cells), cell)
        return nb, resources
