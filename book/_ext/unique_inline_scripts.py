"""Each of a page's scripts once.

Sphinx 7.4 lists an inline script added with ``app.add_js_file(None, body=...)`` after
the builder started twice: once as added (file name None) and once when it re-reads the
registry before writing (file name ''), which it does not see as the same script.
sphinx-thebe's ``const THEBE_JS_URL = ...`` is one, and its second copy is a SyntaxError
in the browser's console on every page. This drops the repeats, keeping the first.
"""

from __future__ import annotations


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (
            getattr(script, "filename", script) or "",
            getattr(script, "priority", None),
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
