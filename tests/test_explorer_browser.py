"""The book's interactive figures (optlab.explorer) in headless Chromium, offline.

The built site is served from localhost to a Chromium that cannot resolve any other host name,
and whose every request is logged. On each page that has explorers (momentum, schedules), every
figure must mount, and every control, moved as a reader moves it (arrow keys on a slider, a
choice in a drop-down list), must change what the figure draws and what its readout and value
display say. The page asks no other host for anything and logs no console error; the text is
at least MIN_TEXT_PX CSS pixels wide and high, in a wide window and in a phone's (where the
panels stack); the explorers' bytes stay within EXPLORER_BUDGET_BYTES per page. A page of two
figures shows that the drawing code defines itself once and each figure moves alone, and a
page whose sliders are disconnected shows that the check catches a figure that does not move.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from browser_support import chromium, missing_browser, serve
from bs4 import BeautifulSoup

from optlab import explorer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"book/momentum": 1, "book/schedules": 1}  # the pages with explorers, and how many
# The explorers of one page, their data and their drawing code, in the page's HTML: a quarter
# of the 0.5 MB a chapter page may weigh once the shared assets are cached.
EXPLORER_BUDGET_BYTES = 128 * 1024
MIN_TEXT_PX = 9.0
WIDE, PHONE = (1280, 900), (390, 844)


def offline_chromium(profile: Path):
    """Headless Chromium that resolves no host name but localhost's, logging every request."""
    return chromium(
        profile,
        flags=("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",),
        log_requests=True,
    )


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """One offline Chromium for the module."""
    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)
    with offline_chromium(tmp_path_factory.mktemp("explorer-profile")) as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(built_site, driver):
    """The browser, and the built site's base URL."""
    with serve(built_site) as base:
        yield driver, base


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (the performance log's requests)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def open_page(driver, url: str) -> None:
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => requestAnimationFrame(() => done(null)));"
    )


# What a figure shows: its drawing (every path and marker), its readout, its value displays,
# its controls (with their labels) and its panels' accessible names, places and smallest text.
_STATE = """
const root = document.querySelectorAll("div.optlab-explorer")[arguments[0]];
const svgs = [...root.querySelectorAll("svg")];
const textSizes = svgs.flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
});
const htmlText = [...root.querySelectorAll("label, output, option, select, p")]
  .map(el => parseFloat(getComputedStyle(el).fontSize));
return {
  mounted: root.dataset.mounted === "true",
  drawing: svgs.map(svg => [...svg.querySelectorAll("path, circle, polygon")].map(
      el => el.getAttribute("d") || el.getAttribute("cx") + "," + el.getAttribute("cy")
            + (el.getAttribute("points") || "")).join("|")),
  readout: root.querySelector(".optlab-explorer-readout")
      ? root.querySelector(".optlab-explorer-readout").textContent : null,
  outputs: [...root.querySelectorAll("output")].map(o => o.textContent),
  controls: [...root.querySelectorAll("input, select")].map(c => ({
      id: c.id, tag: c.tagName.toLowerCase(), type: c.type || null, value: c.value,
      max: c.max === undefined ? null : c.max, options: c.options ? c.options.length : null,
      label: (document.querySelector(`label[for="${c.id}"]`) || {}).textContent || ""})),
  roles: svgs.map(svg => svg.getAttribute("role")),
  names: svgs.map(svg => svg.getAttribute("aria-label") || ""),
  boxes: svgs.map(svg => svg.getBoundingClientRect()).map(r => [r.left, r.top, r.width]),
  smallestText: Math.min(...textSizes, ...htmlText),
  fallback: root.querySelector(".optlab-explorer-fallback") !== null,
};
"""


def figure_state(driver, index: int) -> dict:
    return driver.execute_script(_STATE, index)


def move_control(driver, index: int, control: dict) -> None:
    """Move one control as a reader does: an arrow key on a slider (left at its right end), a
    new choice in a drop-down list."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    root = driver.find_elements(By.CSS_SELECTOR, "div.optlab-explorer")[index]
    element = root.find_element(By.ID, control["id"])
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    if control["tag"] == "select":
        menu = Select(element)
        menu.select_by_index((int(control["value"]) + 1) % control["options"])
    else:
        element.send_keys(
            Keys.ARROW_LEFT if control["value"] == control["max"] else Keys.ARROW_RIGHT
        )


def figure_problems(driver, index: int) -> list[str]:
    """What is wrong with figure ``index`` of the open page: not mounted, controls without a
    label or value display, panels without a role or name, text too small, or a control that
    changes nothing it should (the drawing, the value shown, the panels' names)."""
    name = f"explorer {index + 1}"
    before = figure_state(driver, index)
    if not before["mounted"] or before["fallback"]:
        return [f"{name}: its script did not mount it"]
    problems = []
    for control in before["controls"]:
        if not control["label"].strip():
            problems.append(f"{name}: control {control['id']} has no label")
    sliders = [c for c in before["controls"] if c["type"] == "range"]
    if len(before["outputs"]) != len(sliders):
        problems.append(
            f"{name}: {len(sliders)} sliders but {len(before['outputs'])} value displays"
        )
    if set(before["roles"]) != {"img"} or not all(before["names"]):
        problems.append(f"{name}: a panel without role=img or an aria-label: {before['roles']}")
    if before["smallestText"] < MIN_TEXT_PX:
        problems.append(f"{name}: text as small as {before['smallestText']:.1f} px")
    for control in before["controls"]:
        old = figure_state(driver, index)
        move_control(driver, index, control)
        new = figure_state(driver, index)
        moved = f"{name}: moving {control['label']!r}"
        if new["controls"] == old["controls"]:
            problems.append(f"{moved} did not change its value")
            continue
        if new["drawing"] == old["drawing"]:
            problems.append(f"{moved} changed no line or marker of any panel")
        if control["type"] == "range" and new["outputs"] == old["outputs"]:
            problems.append(f"{moved} left its value display at {old['outputs']}")
        if new["names"] == old["names"]:
            problems.append(f"{moved} left the panels' aria-labels as they were")
        if new["readout"] == old["readout"] and before["readout"] is not None:
            problems.append(f"{moved} left the readout at {old['readout']!r}")
    return problems


@pytest.fixture(scope="module")
def visits(browser) -> dict[str, dict]:
    """Each page with explorers, opened wide and then phone-wide: its figures' problems, states,
    requests and console errors."""
    driver, base = browser
    found = {}
    for page in PAGES:
        requested_urls(driver), console_errors(driver)  # whatever came before is not this page's
        driver.set_window_size(*WIDE)
        open_page(driver, f"{base}{page}.html")
        count = driver.execute_script(
            "return document.querySelectorAll('div.optlab-explorer').length"
        )
        problems = [p for index in range(count) for p in figure_problems(driver, index)]
        wide = [figure_state(driver, index) for index in range(count)]
        driver.set_window_size(*PHONE)
        open_page(driver, f"{base}{page}.html")
        phone = [figure_state(driver, index) for index in range(count)]
        found[page] = {
            "count": count,
            "problems": problems,
            "wide": wide,
            "phone": phone,
            "requests": requested_urls(driver),
            "console": console_errors(driver),
        }
    driver.set_window_size(*WIDE)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_does_every_control_of_every_explorer_move_its_figure(visits, page):
    visit = visits[page]
    assert visit["count"] == PAGES[page], f"{page}: {visit['count']} explorers"
    assert visit["problems"] == []


@pytest.mark.parametrize("page", PAGES)
def test_does_a_page_with_explorers_ask_no_other_host_and_log_no_error(visits, browser, page):
    _, base = browser
    visit = visits[page]
    hosts = {
        urlsplit(url).netloc
        for url in visit["requests"]
        if urlsplit(url).scheme in ("http", "https")
    }
    assert hosts == {urlsplit(base).netloc}, f"{page} asked other hosts: {hosts}"
    assert visit["console"] == []


@pytest.mark.parametrize("page", PAGES)
def test_is_the_text_readable_and_do_the_panels_stack_on_a_phone(visits, page):
    for wide, phone in zip(visits[page]["wide"], visits[page]["phone"]):
        assert min(wide["smallestText"], phone["smallestText"]) >= MIN_TEXT_PX
        lefts = {round(left) for left, _, _ in phone["boxes"]}
        tops = [top for _, top, _ in phone["boxes"]]
        assert len(lefts) == 1 and tops == sorted(tops) and len(set(tops)) == len(tops), (
            f"{page}: on a phone the panels should be one above the other: {phone['boxes']}"
        )
        assert all(width <= PHONE[0] for _, _, width in phone["boxes"])
        assert len({round(top) for _, top, _ in wide["boxes"]}) < len(wide["boxes"]), (
            "in a wide window some panels should stand side by side"
        )


@pytest.mark.parametrize("page", PAGES)
def test_do_the_explorers_stay_within_their_byte_budget(built_site, page):
    html = (built_site / f"{page}.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    figures = soup.select("div.optlab-explorer")
    assert len(figures) == PAGES[page]
    code = explorer.script()
    assert html.count(code) == len(figures), "the drawing code, once per figure"
    size = sum(len(str(figure).encode()) for figure in figures) + len(figures) * len(code.encode())
    assert size <= EXPLORER_BUDGET_BYTES, f"{page}: the explorers weigh {size} bytes"


# --- the checks themselves, on pages made here ---------------------------------------------------


def made_figure(scale: float, script_change=None) -> str:
    """A small explorer, as HTML; ``script_change`` rewrites its drawing code."""
    lrs = [0.1, 0.2, 0.3]
    figure = explorer.Explorer(
        controls=[
            explorer.Slider("lr", "learning rate", lrs),
            explorer.Choice("k", "kind", ["a", "b"]),
        ],
        panels=[
            explorer.LinePanel(
                "loss",
                [
                    explorer.Series(
                        "run",
                        y={
                            (lr, k): scale * np.geomspace(1, lr, 30) * (2 if k == "b" else 1)
                            for lr in lrs
                            for k in "ab"
                        },
                    )
                ],
                log_y=True,
            )
        ],
        readout=explorer.Readout("{v}", {(lr, k): {"v": f"{lr} {k}"} for lr in lrs for k in "ab"}),
    )
    html = figure._repr_html_()
    return script_change(html) if script_change else html


def made_page(body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        f"</head><body>{body}</body></html>"
    )


def test_does_a_page_of_two_explorers_define_the_code_once_and_move_each_alone(driver, tmp_path):
    (tmp_path / "two.html").write_text(
        made_page(made_figure(1.0) + "<p>between</p>" + made_figure(3.0))
    )
    with serve(tmp_path) as base:
        console_errors(driver)
        open_page(driver, f"{base}two.html")
        styles = driver.execute_script(
            "return [...document.querySelectorAll('style')]"
            ".filter(s => s.textContent.includes('.optlab-explorer')).length"
        )
        assert styles == 1, "the drawing code ran its definitions more than once"
        second_before = figure_state(driver, 1)
        assert figure_problems(driver, 0) == []
        assert figure_state(driver, 1) == second_before, "moving one figure moved the other"
        assert figure_problems(driver, 1) == []
        ids = driver.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)")
        assert len(ids) == len(set(ids)), "ids repeat on the page"
        assert console_errors(driver) == []


def test_would_the_check_catch_a_figure_whose_sliders_do_nothing(driver, tmp_path):

    def disconnect(html: str) -> str:
        broken = html.replace('input.addEventListener("input"', 'input.addEventListener("unheard"')
        assert broken != html
        return broken

    def unmount(html: str) -> str:
        broken = html.replace("window.optlabExplorer.mountAll", "(() => null)")
        assert broken != html
        return broken

    (tmp_path / "deaf.html").write_text(made_page(made_figure(1.0, disconnect)))
    (tmp_path / "dead.html").write_text(made_page(made_figure(1.0, unmount)))
    with serve(tmp_path) as base:
        open_page(driver, f"{base}deaf.html")
        problems = figure_problems(driver, 0)
        assert any("'learning rate' changed no line" in p for p in problems), problems
        assert any("left its value display" in p for p in problems), problems
        assert not any("'kind'" in p for p in problems), "the drop-down list still works"
        open_page(driver, f"{base}dead.html")
        assert figure_problems(driver, 0) == ["explorer 1: its script did not mount it"]


def test_does_a_figure_mount_when_a_notebook_runs_its_script_before_showing_it(driver, tmp_path):
    """Classic Jupyter (jQuery's .html()) runs an output's scripts while the output is not yet
    in the page; the figure must still mount once it is."""
    output = json.dumps(made_figure(1.0)).replace("</", "<\\/")  # a JS string in a <script>
    (tmp_path / "notebook.html").write_text(
        made_page(
            "<div id='cell'></div><script>\n"
            "const output = document.createElement('div');\n"
            f"output.innerHTML = {output};\n"
            "for (const script of output.querySelectorAll('script:not([type])')) {\n"
            "  (0, eval)(script.textContent);\n"
            "}\n"
            "document.getElementById('cell').appendChild(output);\n"
            "</script>"
        )
    )
    with serve(tmp_path) as base:
        console_errors(driver)
        open_page(driver, f"{base}notebook.html")
        assert figure_problems(driver, 0) == []
        assert console_errors(driver) == []
