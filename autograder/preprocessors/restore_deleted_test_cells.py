"""RestoreDeletedTestCells: what was deleted of an autograded test cell is put back from the
source.

The hidden checks call the student's functions; the test cell only says which checks
score which points. Deleting it (by accident, or to skip failing visible tests) must not
cost the points of functions that work, nor earn anything. Stock nbgrader scores a
missing test cell 0. The cell is restored from the gradebook's copy of the source,
after the answer cell it tests (``test_<name>`` follows ``<name>``, the course's rule),
or at the end.

The release deletes a part of a test cell too: its hidden-test region; and of a written
answer's question cell: its rubric (a mark-scheme region). nbgrader's gradebook keeps the
cell as it was before that cut (generate_assignment saves the cells, then clears the hidden
tests and the mark schemes), so nbgrader's OverwriteCells would take every untouched
released cell of either kind for an edited one, and warn that its checksum changed. A cell
exactly as released gets its regions back here, silently (so formgrader shows the rubric
beside the answer); an edited one is left for OverwriteCells to report and overwrite.
"""

from __future__ import annotations

from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, NbGraderPreprocessor

from ..gradebook import source_cells


class RestoreDeletedTestCells(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        source = source_cells(resources)
        if source is None:
            return nb, resources
        present = set()
        for cell in nb.cells:
            name = cell.metadata.get("nbgrader", {}).get("grade_id")
            present.add(name)
            if (
                name in source.sources
                and cell.source != source.sources[name]
                and cell.source == self.released_source(name, source.sources[name])
            ):
                cell.source = source.sources[name]
        for name, points in source.test_points.items():
            if name in present:
                continue
            self.log.warning("Test cell %r was deleted: restored from the source", name)
            cell = new_code_cell(
                source.sources[name],
                metadata={
                    "nbgrader": {
                        "grade": True,
                        "grade_id": name,
                        "locked": True,
                        "points": points,
                        "schema_version": 3,
                        "solution": False,
                        "task": False,
                    }
                },
            )
            answer = name.removeprefix("test_")
            after = [
                i
                for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == answer
            ]
            nb.cells.insert(after[0] + 1 if after else len(nb.cells), cell)
        return nb, resources

    def released_source(self, name: str, source: str) -> str:
        """The source of cell ``name`` as the release gives it: its hidden-test and mark-scheme
        regions cut, by nbgrader's own ClearHiddenTests and ClearMarkScheme under this course's
        configuration."""
        cell = new_code_cell(source, metadata={"nbgrader": {"grade": True, "grade_id": name}})
        ClearHiddenTests(config=self.config).preprocess_cell(cell, {}, 0)
        ClearMarkScheme(config=self.config).preprocess_cell(cell, {}, 0)
        return cell.source
