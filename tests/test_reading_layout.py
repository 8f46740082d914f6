"""Is every page whole at a laptop's width and a phone's (book/_ext/reading_layout.py)?

Every page of _toc.yml is opened in headless Chromium at 1280 and at 390 CSS pixels wide, and
measured: the page itself must not be wider than the window; no code block may hide the end
of a line (its text wider than its box without wrapping); a displayed equation wider than
the column must scroll within its own box, not be cut off or push the page wider; a table
wider than the column must sit in a box that scrolls. A page written with the same markup
but without the site's style sheet shows that the checks find each fault.
"""

from __future__ import annotations

import pytest
from book_support import toc_files
from browser_support import serve, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"laptop": 1280, "phone": 390}

# The problems of the open page's layout, each a sentence; none on a sound page.
_LAYOUT = """
const problems = [];
const width = document.documentElement.clientWidth;
const scrolls = el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
const inScroller = el => {
  for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return p;
  return null;
};
const text = el => (el.textContent || "").trim().split("\\n")[0].slice(0, 60);
if (document.documentElement.scrollWidth > width + 1) {
  const out = [...document.querySelectorAll("body *")].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !inScroller(el);
  });
  const last = out.filter(el => !out.some(other => other !== el && el.contains(other)));
  problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${width}px ` +
      `window: ${last.slice(0, 3).map(el => el.tagName.toLowerCase() + ' "' + text(el) + '"')
      .join(", ")}`);
}
for (const pre of document.querySelectorAll("pre")) {
  if (pre.clientWidth === 0) continue;  // folded away
  if (pre.scrollWidth > pre.clientWidth + 1 && getComputedStyle(pre).whiteSpace === "pre")
    problems.push(`a code block hides the end of its lines: "${text(pre)}"`);
}
for (const math of document.querySelectorAll("div.math")) {
  if (math.clientWidth === 0) continue;
  for (const box of [math, ...math.querySelectorAll("mjx-container")])
    if (box.scrollWidth > box.clientWidth + 1 && !scrolls(box)) {
      problems.push(`an equation is cut off: "${text(math)}"`);
      break;
    }
}
for (const table of document.querySelectorAll("table")) {
  if (table.clientWidth === 0) continue;
  const box = table.parentElement;
  if (table.getBoundingClientRect().width > box.clientWidth + 1 && !inScroller(table))
    problems.push(`a table is wider than its column and cannot scroll: "${text(table)}"`);
}
return problems;
"""


def layout_problems(driver, url: str) -> list[str]:
    driver.get(url)
    settle(driver)
    return driver.execute_script(_LAYOUT)


@pytest.fixture(scope="module")
def measured(browser) -> dict[str, dict[str, list[str]]]:
    """Each width's problems on each page."""
    driver, base = browser
    found = {}
    for name, width in WIDTHS.items():
        driver.set_window_size(width, 900)
        found[name] = {page: layout_problems(driver, f"{base}{page}.html") for page in toc_files()}
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_is_every_page_whole_at_this_width(measured, width):
    problems = [
        f"{page}: {problem}" for page, found in measured[width].items() for problem in found
    ]
    assert not problems, f"at {WIDTHS[width]} px:\n" + "\n".join(problems)


def test_would_the_checks_find_a_page_without_the_sites_style_sheet(browser, built_site, tmp_path):
    """The site's markup for a long code line, a long inline literal and a long displayed
    equation (typeset by the site's MathJax), with the site's style sheets, and without its own
    and with an equation box that does not scroll: there each fault is found; on the site's,
    none."""
    driver, _ = browser
    long_line = "x = " + " + ".join(f"weight_{k}" for k in range(30))
    body = (
        "<article class='bd-article'>"
        f"<div class='highlight'><pre>{long_line}</pre></div>"
        "<p><code class='docutils literal notranslate'><span class='pre'>"
        "optlab.exercises.exercise_functions(&quot;momentum&quot;,&quot;momentum_step&quot;)"
        "</span></code></p>"
        "<div class='math notranslate nohighlight'>\\[ w_{t+1} = w_t + v_{t+1} = "
        + " + ".join(f"\\rho^{{{k}}} g_{{t-{k}}}" for k in range(12))
        + " \\]</div></article>"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "_static").symlink_to(built_site / "_static", target_is_directory=True)
    mathjax = (
        "<script>window.MathJax = {loader: {load: ['input/tex', 'output/chtml']}, options: "
        "{processHtmlClass: 'math'}}</script><script defer src='_static/mathjax/startup.js'>"
        "</script>"
    )
    sheets = mathjax + "".join(
        f"<link rel='stylesheet' href='_static/{name}'>"
        for name in ("styles/pydata-sphinx-theme.css", "basic.css", "reading_layout.css")
    )
    # An equation in a box that does not scroll: the theme's layout, had it no overflow rule.
    unscrolled = "<style>div.math mjx-container { overflow: visible }</style>"
    bare = sheets.replace("reading_layout", "none") + unscrolled
    for name, head in [("styled", sheets), ("bare", bare)]:
        (site / f"{name}.html").write_text(
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"{head}</head><body>{body}</body></html>",
            encoding="utf-8",
        )
    driver.set_window_size(WIDTHS["phone"], 900)
    with serve(site) as base:
        styled = layout_problems(driver, f"{base}styled.html")
        bare = layout_problems(driver, f"{base}bare.html")
    assert styled == []
    assert any("code block hides" in problem for problem in bare), bare
    assert any("equation is cut off" in problem for problem in bare), bare
    assert any("the page is" in problem for problem in bare), bare
