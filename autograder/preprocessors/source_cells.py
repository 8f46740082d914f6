"""The source notebook's cells as the gradebook holds them: what a submission's cells are checked against."""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader.api import Gradebook, MissingEntry


@dataclass(frozen=True)
class SourceCells:
    sources: dict[str, str]  # every cell nbgrader tracks, by grade id: its source
    test_points: dict[str, float]  # the autograded test cells, by grade id: their points


def read_source_cells(resources) -> SourceCells | None:
    """The cells of the notebook being processed, from nbgrader's gradebook; None if it has none recorded."""
    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        try:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
        except MissingEntry:
            return None
        sources = {cell.name: cell.source for cell in notebook.source_cells}
        tests = {
            cell.name: float(cell.max_score)
            for cell in notebook.grade_cells
            if cell.cell_type == "code" and cell.name in sources
        }
    return SourceCells(sources, tests)
