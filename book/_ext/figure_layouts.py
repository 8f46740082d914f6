"""Each figure of a page as one responsive image: drawn for a wide screen, stacked for a phone.

While the site is built, ``optlab.figure_layouts.LAYOUTS_VARIABLE`` is set, so the pages'
kernels (which inherit the build's environment) show every figure as one image drawn for a
wide screen that carries the same figure stacked for a phone (``optlab.figure_layouts``). Here
each such image becomes ``<picture>`` of two files: the browser fetches the phone's on windows
narrower than ``PHONE_BREAKPOINT_PX`` and the wide one elsewhere, never both. An animation's
two players are switched by the style sheet, and each loads its frames only when shown
(``lazy_animations``).
"""

from __future__ import annotations

import os
import posixpath
import urllib.parse
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from optlab.figure_layouts import (
    LAYOUTS_VARIABLE,
    PHONE_BREAKPOINT_PX,
    PHONE_MEDIA,
    detach_phone,
)

CSS_FILE = "figure_layouts.css"


class layouts_picture(nodes.General, nodes.Element):
    """A wide image and its phone layout: ``<picture>`` holding the phone's ``<source>``."""


class phone_source(nodes.image):
    """The phone layout's image, written as ``<source>`` (an image, so Sphinx copies it)."""


def output_file(app: Sphinx, image: nodes.image) -> Path | None:
    """The file of a cell output's image (MyST-NB addresses it from the source folder, with a
    leading slash), or None for any other image."""
    uri = image.get("uri", "")
    if not uri.startswith("/"):
        return None
    path = Path(app.srcdir, uri.lstrip("/"))
    return path if path.is_file() else None


def split_layouts(app: Sphinx, doctree: nodes.document) -> None:
    """Each output image that carries a phone layout becomes a picture of two files.

    Runs before Sphinx collects the page's images, so that both files are copied to the site.
    The files are written beside the output's (named after it), so a build that finds them
    already written gives the same result.
    """
    for image in list(doctree.findall(nodes.image)):
        path = output_file(app, image) if type(image) is nodes.image else None
        if path is None:
            continue
        wide, phone = detach_phone(path.read_bytes())
        if phone is None:
            continue
        uris = {}
        for layout, data in [("wide", wide), ("phone", phone)]:
            file = path.with_name(f"{path.stem}-{layout}{path.suffix}")
            if not file.exists() or file.read_bytes() != data:
                file.write_bytes(data)
            uris[layout] = "/" + file.relative_to(app.srcdir).as_posix()
        picture = layouts_picture()
        image.replace_self(picture)
        image["uri"] = uris["wide"]
        image.attributes.pop("candidates", None)
        picture += phone_source(uri=uris["phone"])
        picture += image


def visit_layouts_picture(self, node: layouts_picture) -> None:
    self.body.append("<picture>")


def depart_layouts_picture(self, node: layouts_picture) -> None:
    self.body.append("</picture>")


def visit_phone_source(self, node: phone_source) -> None:
    uri = node["uri"]
    if uri in self.builder.images:
        uri = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images[uri]))
    self.body.append(f'<source media="{PHONE_MEDIA}" srcset="{self.attval(uri)}">')
    raise nodes.SkipNode


def set_layouts_variable(app: Sphinx) -> None:
    # The kernels that execute the pages inherit the build's environment.
    os.environ[LAYOUTS_VARIABLE] = "wide,phone"


STYLE = f"""/* Written by book/_ext/figure_layouts.py from optlab.figure_layouts. */
@media {PHONE_MEDIA} {{ .optlab-layout-wide {{ display: none; }} }}
@media (min-width: {PHONE_BREAKPOINT_PX}px) {{ .optlab-layout-phone {{ display: none; }} }}
"""


def write_style(app: Sphinx) -> None:
    """The style sheet that shows one of an animation's two players, from the breakpoint."""
    if app.builder.format != "html":
        return
    folder = Path(app.doctreedir).parent / "figure_layouts_static"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CSS_FILE).write_text(STYLE, encoding="utf-8")
    app.config.html_static_path.append(str(folder))


def setup(app: Sphinx) -> dict:
    set_layouts_variable(app)
    app.add_css_file(CSS_FILE)
    app.connect("builder-inited", write_style)
    app.add_node(layouts_picture, html=(visit_layouts_picture, depart_layouts_picture))
    app.add_node(phone_source, html=(visit_phone_source, None))
    # Before Sphinx's image collector (priority 500) reads the page's images.
    app.connect("doctree-read", split_layouts, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
