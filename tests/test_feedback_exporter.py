"""The feedback exporter: stock nbconvert HTML, with the templates compiled once per process."""

from __future__ import annotations

from unittest import mock

import jinja2
from grading_support import solution
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from autograder.feedback_exporter import FeedbackExporter

NOTEBOOK = solution("momentum")
CONFIG = Config({"HTMLExporter": {"template_name": "classic"}})


def counting_calls(owner, name: str):
    """A patch of ``owner.name`` that runs it as ever and counts the calls (``.call_count``)."""
    return mock.patch.object(owner, name, autospec=True, side_effect=getattr(owner, name))


def test_is_the_feedback_html_what_stock_nbconvert_writes():
    first = FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)[0]
    again = FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)[0]
    assert first == again == HTMLExporter(config=CONFIG).from_notebook_node(NOTEBOOK)[0]


def test_does_a_second_exporter_reuse_the_compiled_templates():
    FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)
    with counting_calls(jinja2.Environment, "compile") as compile:
        FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)
    assert compile.call_count == 0
    with counting_calls(jinja2.Environment, "compile") as compile:
        HTMLExporter(config=CONFIG).from_notebook_node(NOTEBOOK)
    assert compile.call_count > 0  # stock nbconvert compiles them again: the check can fail


def test_does_a_second_exporter_reuse_the_html_of_the_markdown_cells():
    from nbconvert.filters import markdown_mistune

    FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)
    with counting_calls(markdown_mistune.MarkdownWithMath, "render") as render:
        html = FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)[0]
    assert render.call_count == 0
    with counting_calls(markdown_mistune.MarkdownWithMath, "render") as render:
        assert HTMLExporter(config=CONFIG).from_notebook_node(NOTEBOOK)[0] == html
    assert render.call_count > 0  # stock nbconvert renders them again: the check can fail


def test_is_a_changed_markdown_cell_rendered_anew():
    changed = NOTEBOOK.copy()
    changed.cells = [cell.copy() for cell in NOTEBOOK.cells]
    markdown = next(cell for cell in changed.cells if cell.cell_type == "markdown")
    markdown.source += "\n\nA sentence this notebook did not have."
    FeedbackExporter(config=CONFIG).from_notebook_node(NOTEBOOK)
    html = FeedbackExporter(config=CONFIG).from_notebook_node(changed)[0]
    assert "A sentence this notebook did not have." in html
    assert html == HTMLExporter(config=CONFIG).from_notebook_node(changed)[0]
