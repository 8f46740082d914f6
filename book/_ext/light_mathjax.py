"""MathJax loaded as the components the pages need, not as the combined tex-chtml.js.

sphinx-mathjax-offline serves MathJax 3 from the site and points Sphinx at its combined
``tex-chtml.js`` (1.16 MB), which bundles the right-click menu (0.43 MB) and speech tools the
pages do not offer. This extension points Sphinx at MathJax's ``startup.js`` instead and has
it load TeX input (with its common packages; others load on demand) and HTML output:
0.75 MB, each part cached once for every page.
"""

from __future__ import annotations

from sphinx.application import Sphinx

STARTUP = "mathjax/startup.js"
COMPONENTS = ["input/tex", "output/chtml"]


def load_components(app: Sphinx, config) -> None:
    # sphinx-mathjax-offline sets mathjax_path in its setup(); this runs after it.
    config.mathjax_path = STARTUP
    settings = dict(config.mathjax3_config or {})
    settings["loader"] = {**settings.get("loader", {}), "load": COMPONENTS}
    config.mathjax3_config = settings


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", load_components)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
