"""`glue`: a value computed on a chapter's page, named so that its text can quote it.

    from optlab.glue import glue, GLUED

    glue("final_loss", loss, display=False)

The website is built with ``OPTLAB_GLUE=myst``: `glue` then records the value as MyST-NB's own
``glue`` does (a display output marked with the name), and the page's text shows it where it
writes {glue:text}`final_loss`. In a chapter downloaded as a notebook, the value is kept in
``GLUED`` under its name and, unless ``display=False``, shown below the cell; the notebook's
text names it where the website shows the number.
"""

from __future__ import annotations

import os

from IPython.core.formatters import format_display_data
from IPython.display import display as show

GLUE_VARIABLE = "OPTLAB_GLUE"
# MyST-NB's marks for a glued value that is not displayed where it is computed.
MYST_HIDDEN_PREFIX = "application/papermill.record/"

GLUED: dict[str, object] = {}


def glue(name: str, variable, display: bool = True) -> None:
    """Name ``variable`` ``name`` for the page's text, and show it unless ``display=False``."""
    GLUED[name] = variable
    if os.environ.get(GLUE_VARIABLE) != "myst":
        if display:
            show(variable)
        return
    bundle, metadata = format_display_data(variable)
    prefix = "" if display else MYST_HIDDEN_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + kind: data for kind, data in bundle.items()}, raw=True, metadata=metadata)
