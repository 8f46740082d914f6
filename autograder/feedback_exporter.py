"""The HTML exporter of feedback files, keeping what every submission's feedback shares for the
process's life.

nbgrader makes a new exporter, hence a new Jinja environment, for every submission, and
the feedback template is compiled again each time: about a tenth of a second of every
submission. Compiled templates are kept here, per process, keyed on the template's name
and checked against its source (Jinja's bytecode cache), so a changed template is
compiled again. So is the HTML of each Markdown cell, keyed on its text and the settings
that shape it: every submission's feedback renders the same released text, some 40 ms
each time (mistune is slow on the exercises' formulas).
"""

from __future__ import annotations

from collections import OrderedDict

from jinja2 import BytecodeCache, pass_context
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
MARKDOWN_HTML: OrderedDict[tuple, str] = (
    OrderedDict()
)  # the most recently used, up to MARKDOWN_CELLS
MARKDOWN_CELLS = 512


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter (HTMLExporter, configured as such), with templates compiled
    once."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = COMPILED_TEMPLATES
        return environment

    @pass_context
    def markdown2html(self, context, source):
        """nbconvert's, remembered for cells whose HTML depends on nothing but their text and the
        exporter's settings (no attachments; images not embedded, so the notebook's folder is
        unused)."""
        if self.embed_images or context.get("cell", {}).get("attachments"):
            return super().markdown2html(context, source)
        key = (
            source,
            self.anchor_link_text,
            self.exclude_anchor_links,
            repr(sorted(self.lexer_options.items())),
        )
        if key not in MARKDOWN_HTML:
            MARKDOWN_HTML[key] = super().markdown2html(context, source)
            if len(MARKDOWN_HTML) > MARKDOWN_CELLS:
                MARKDOWN_HTML.popitem(last=False)
        MARKDOWN_HTML.move_to_end(key)
        return MARKDOWN_HTML[key]
