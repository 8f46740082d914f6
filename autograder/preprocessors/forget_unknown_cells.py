"""ForgetUnknownCells: a cell claiming an nbgrader role the source does not give it becomes a
plain cell.

Stock nbgrader drops the unknown grade_id but keeps the rest of the claim (say,
``grade: true`` with points), and the submission then fails validation as a whole. A
student-added or edited cell should cost nothing but itself: it is kept, as plain code
or text, and graded like any other cell the student wrote.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from ..gradebook import source_cells


class ForgetUnknownCells(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        source = source_cells(resources)
        if source is None:
            return nb, resources
        for cell in nb.cells:
            claim = cell.metadata.get("nbgrader")
            if claim is not None and claim.get("grade_id") not in source.sources:
                self.log.warning(
                    "Cell claiming grade id %r is not in the source: graded as a plain cell",
                    claim.get("grade_id"),
                )
                del cell.metadata["nbgrader"]
        return nb, resources
