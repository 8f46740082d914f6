"""The HTML exporter of feedback files, keeping its compiled templates for the process's life.

nbgrader makes a new exporter, hence a new Jinja environment, for every submission, and
the feedback template is compiled again each time: about a tenth of a second of every
submission. Compiled templates are kept here, per process, keyed on the template's name
and checked against its source (Jinja's bytecode cache), so a changed template is
compiled again.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, in memory."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter (HTMLExporter, configured as such), with templates compiled once."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment
