"""Read the built site the way a reader's browser shows it: Debian's Chromium, headless, driven
by Selenium through Debian's ChromeDriver, the site served over http from a thread.

`read_page` opens one page, waits until it has settled (MathJax typeset, fonts and images
loaded), exercises every animation's controls, saves a screenshot, and returns what a test
needs to judge the page (`PageReport`). `search` types a query into the site's search box
and returns the pages it lists. tests/test_browser.py uses them on every page of _toc.yml.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_COMMAND = "apt-get install -y chromium chromium-driver"

# Headless, and nothing that reaches for the network on its own (updates, sync, QUIC probes).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
WINDOW = (1280, 900)
SETTLE_SECONDS = 30.0


def missing_browser() -> str | None:
    """Why the browser cannot be started (None if it can): which program is missing and how to
    install it."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return None
    return (
        f"{' and '.join(missing)} not found: the browser tests need Debian's Chromium and "
        "ChromeDriver. "
        f"Install them as root with `{INSTALL_COMMAND}` (`python3 dev.py test` does so by itself "
        "when it runs as root)."
    )


# --- serving the site and starting the browser ------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free localhost port from a thread; yield its base URL (ending
    in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium(profile: Path, flags: tuple[str, ...] = (), log_requests: bool = False):
    """A Selenium driver for headless Chromium with a fresh profile in ``profile``, keeping the
    browser's console (every level) for `console_errors`; with ``log_requests``, also its
    network log ("performance"). ``flags`` are more command-line flags."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        *flags,
    ]:
        options.add_argument(flag)
    logs = {"browser": "ALL"} | ({"performance": "ALL"} if log_requests else {})
    options.set_capability("goog:loggingPrefs", logs)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(SETTLE_SECONDS + 10)
        yield driver
    finally:
        driver.quit()


# --- one page ----------------------------------------------------------------------------


@dataclass
class PageReport:
    """What the browser showed on one page; each list is empty when that part of the page is
    fine."""

    page: str
    url: str
    settled: str | None  # why the page did not settle in time, if it did not
    math: int  # math elements (Sphinx's class "math")
    typeset: int  # MathJax's rendered formulas (mjx-container elements)
    unrendered_math: list[str]  # the TeX of math elements MathJax left alone
    math_errors: list[str]  # MathJax's error nodes (mjx-merror), with their message
    images: int  # <img> elements
    broken_images: list[str]  # images that did not load (naturalWidth 0)
    animations: int  # matplotlib JSHTML animation widgets
    animation_problems: list[str]
    links: list[str]  # every a[href], resolved to an absolute URL
    anchors: set[str]  # every id (and a[name]) in the page's DOM
    console: list[str] = field(default_factory=list)  # SEVERE console entries
    screenshot: Path | None = None


# Waits (asynchronously) until the page has settled: images asked to load at once (not lazily),
# MathJax (on pages that load it) has started and typeset, web fonts have loaded, every image
# has finished loading or failing. Calls back with null, or with what did not happen in time.
_SETTLE = """
const done = arguments[arguments.length - 1];
const deadline = Date.now() + arguments[0] * 1000;
for (const img of document.images) { if (img.loading === "lazy") img.loading = "eager"; }
const late = (what) => Date.now() > deadline ? what : null;
async function settle() {
  if (document.querySelector('script[src*="mathjax"]')) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
      if (late("MathJax never started")) return late("MathJax never started");
      await new Promise(r => setTimeout(r, 50));
    }
    try { await MathJax.startup.promise; } catch (e) { return "MathJax failed: " + e; }
  }
  await document.fonts.ready;
  while (![...document.images].every(img => img.complete)) {
    if (late("images still loading")) return late("images still loading");
    await new Promise(r => setTimeout(r, 50));
  }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return null;
}
settle().then(done, e => done("settling failed: " + e));
"""

_READ = """
const tex = el => (el.textContent || "").trim().slice(0, 80);
const describe = img => img.getAttribute("src") ? img.getAttribute("src").slice(0, 120)
    : "an <img> without src (" + (img.id || img.className || img.alt || "no id") + ")";
const math = [...document.querySelectorAll(".math")];
return {
  math: math.length,
  typeset: document.querySelectorAll("mjx-container").length,
  unrendered: math.filter(el => !el.querySelector("mjx-container")).map(tex),
  errors: [...document.querySelectorAll("mjx-merror")].map(
      el => (el.getAttribute("data-mjx-error") || el.textContent || "").trim().slice(0, 120)),
  images: document.images.length,
  // An animation's player for the other layout is hidden and loads nothing until shown.
  broken: [...document.images]
    .filter(img => !(img.closest("[class^=optlab-layout-]") && img.offsetParent === null))
    .filter(img => !(img.complete && img.naturalWidth > 0)).map(describe),
  animations: document.querySelectorAll("div.animation").length,
  links: [...document.querySelectorAll("a[href]")].map(a => a.href),
  anchors: [...document.querySelectorAll("[id]")].map(el => el.id).concat(
      [...document.querySelectorAll("a[name]")].map(a => a.name)),
};
"""

# For every animation: its Animation object (anim<id>, made by the widget's script), whether
# every frame image decodes to a picture, and how many distinct frames there are.
_ANIMATION_FRAMES = """
const done = arguments[arguments.length - 1];
Promise.all([...document.querySelectorAll("div.animation")].map(async (widget, index) => {
  const img = widget.querySelector("img");
  const id = img && img.id.startsWith("_anim_img") ? img.id.slice("_anim_img".length) : null;
  const anim = id === null ? undefined : window["anim" + id];
  if (!anim) return {index, id, started: false};
  // Frames the site loads on demand (book/_ext/lazy_animations.py) load as Play loads them.
  if (anim.load_all) anim.load_all();
  const decoded = await Promise.all(anim.frames.map(
      frame => frame.decode().then(() => frame.naturalWidth > 0, () => false)));
  return {index, id, started: true, frames: anim.frames.length,
          undecodable: decoded.map((ok, k) => ok ? null : k).filter(k => k !== null),
          distinct: new Set(anim.frames.map(frame => frame.src)).size,
          interval: anim.interval};
})).then(done, e => done([{error: String(e)}]));
"""

# The frame an animation is at, where its slider is, and whether its image shows that frame.
_SHOWN = """
const anim = window["anim" + arguments[0]];
const img = document.getElementById("_anim_img" + arguments[0]);
const slider = document.getElementById("_anim_slider" + arguments[0]);
return {frame: anim.current_frame, slider: Number(slider.value), last: anim.frames.length - 1,
        shows_it: img.src === anim.frames[anim.current_frame].src && img.naturalWidth > 0};
"""
PLAY_INTERVALS = 20  # how many frame intervals 'Play' may take to move past frame 1


def settle(driver) -> str | None:
    """Wait until the open page has settled (see _SETTLE); None, or what did not happen in
    time."""
    return driver.execute_async_script(_SETTLE, SETTLE_SECONDS)


def _click(driver, element) -> None:
    """Click as a reader would, after scrolling the element to the middle of the window (the
    theme's sticky header would otherwise cover what sits at the top)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def check_animations(driver) -> list[str]:
    """Every animation on the open page: its frames decode, there is more than one distinct
    frame, and its controls work (first, next, last and previous frame, the slider, play and
    pause each put it at the frame they should, its image shows that frame and the slider
    follows). Leaves each at its first frame. Returns the problems found."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    problems = []
    widgets = driver.find_elements(By.CSS_SELECTOR, "div.animation")
    for info, widget in zip(driver.execute_async_script(_ANIMATION_FRAMES), widgets):
        if "error" in info:
            problems.append(f"reading the animations' frames failed: {info['error']}")
            break
        if not widget.is_displayed():  # the other layout's player (figure_layouts)
            continue
        name = f"animation {info['index'] + 1} of {len(widgets)}"
        if not info["started"]:
            problems.append(
                f"{name}: its script never made the Animation object (anim{info['id']})"
            )
            continue
        if info["undecodable"]:
            problems.append(
                f"{name}: frames {info['undecodable'][:10]} of {info['frames']} "
                "do not decode as images"
            )
        if info["distinct"] < 2:
            problems.append(
                f"{name}: {info['frames']} frames but {info['distinct']} distinct ones: "
                "nothing moves"
            )
            continue
        shown = functools.partial(driver.execute_script, _SHOWN, info["id"])
        last = info["frames"] - 1

        def expect(action: str, wanted: int, shown=shown, name=name) -> None:
            state = shown()
            if (state["frame"], state["slider"], state["shows_it"]) != (wanted, wanted, True):
                problems.append(
                    f"{name}: after {action} it is at frame {state['frame']}, its slider at "
                    f"{state['slider']}, {'showing' if state['shows_it'] else 'not showing'} that "
                    f"frame; it should be at frame {wanted}"
                )

        def press(title: str, widget=widget) -> None:
            _click(driver, widget.find_element(By.CSS_SELECTOR, f'button[title="{title}"]'))

        for title, wanted in [
            ("First frame", 0),
            ("Next frame", 1),
            ("Last frame", last),
            ("Previous frame", last - 1),
            ("First frame", 0),
        ]:
            press(title)
            expect(f"'{title}'", wanted)
        slider = widget.find_element(By.CSS_SELECTOR, "input.anim-slider")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", slider)
        slider.send_keys(Keys.END)
        expect("moving the slider to its end", last)
        press("First frame")
        press("Play")
        moved = _wait_for(
            lambda shown=shown: shown()["frame"] > 1, PLAY_INTERVALS * info["interval"] / 1000 + 1
        )
        press("Pause")
        if not moved:
            problems.append(
                f"{name}: 'Play' did not move it past frame 1 in {PLAY_INTERVALS} frame intervals"
            )
        paused = shown()["frame"]
        expect("'Pause'", paused)
        time.sleep(3 * info["interval"] / 1000)
        if shown()["frame"] != paused:
            problems.append(f"{name}: it kept moving after 'Pause'")
        press("First frame")  # as a reader finds it, for the screenshot
    return problems


def console_errors(driver) -> list[str]:
    """The SEVERE entries of the browser's console since the last call (errors, failed loads)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, path: Path) -> Path:
    """A PNG of the whole page (beyond the window), written to ``path``."""
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def read_page(driver, url: str, page: str, screenshot_path: Path | None = None) -> PageReport:
    """Open ``url``, let it settle, read it, exercise its animations, then take its screenshot
    (the animations are back at their first frame) and collect its console errors."""
    console_errors(driver)  # whatever an earlier page left behind is that page's
    driver.get(url)
    settled = settle(driver)
    seen = driver.execute_script(_READ)
    animation_problems = check_animations(driver) if seen["animations"] else []
    driver.execute_script("window.scrollTo(0, 0);")
    shot = screenshot(driver, screenshot_path) if screenshot_path else None
    return PageReport(
        page=page,
        url=url,
        settled=settled,
        math=seen["math"],
        typeset=seen["typeset"],
        unrendered_math=seen["unrendered"],
        math_errors=seen["errors"],
        images=seen["images"],
        broken_images=seen["broken"],
        animations=seen["animations"],
        animation_problems=animation_problems,
        links=seen["links"],
        anchors=set(seen["anchors"]),
        console=console_errors(driver),
        screenshot=shot,
    )


# --- figures' text ------------------------------------------------------------------------

# Every image the reader sees in the article: its file's address, its shown and natural
# widths (natural 0 while it is loading), and the start of its alt text.
_SHOWN_IMAGES = """
return [...document.querySelectorAll("article img")]
  .filter(img => img.offsetParent !== null && img.getBoundingClientRect().width > 0)
  .map(img => ({id: img.id, src: img.currentSrc || img.src,
    shown: img.getBoundingClientRect().width,
    natural: img.complete ? img.naturalWidth : 0, alt: (img.alt || "").slice(0, 60)}));
"""


def shown_images(driver, url: str | None, seconds: float = 30) -> list[dict]:
    """The images the reader sees on the page at the window's width, once loaded (or after
    ``seconds``): ``id``, ``src``, ``shown`` and ``natural`` width (0: it did not load), and
    the start of the ``alt`` text."""
    if url is not None:  # None: the page already open
        driver.get(url)
        settle(driver)
    deadline = time.monotonic() + seconds
    while True:
        images = driver.execute_script(_SHOWN_IMAGES)
        if all(image["natural"] for image in images) or time.monotonic() > deadline:
            return images
        time.sleep(0.2)


def figure_text(image: dict, site: Path, base: str) -> dict:
    """What an image of ``shown_images`` says of itself (``optlab.figure_layouts.image_tags``:
    ``layout``, ``dpi``, ``smallest-font-pt``), with its ``file`` in ``site`` and ``text_px``,
    how high its smallest text is shown (None if it has no text or no tags)."""
    from optlab.figure_layouts import image_tags, text_px

    path = unquote(urlsplit(image["src"]).path)
    file = site / path.removeprefix(urlsplit(base).path)
    is_image = file.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp") and file.is_file()
    tags = image_tags(file) if is_image else {}
    size = None
    if "smallest-font-pt" in tags and image["natural"]:
        size = text_px(
            float(tags["smallest-font-pt"]), float(tags["dpi"]), image["shown"], image["natural"]
        )
    return {"file": file, "text_px": size, **tags}


# --- links -----------------------------------------------------------------------------


def broken_internal_links(report: PageReport, base: str, site: Path, anchors_of) -> list[str]:
    """The links of a page into the site that lead nowhere: to a file the site lacks, or to an
    #anchor its target page does not have. ``anchors_of(path)`` gives the ids of a page of the
    site (path relative to it). Links elsewhere (other hosts, mailto:, javascript:) are not
    judged."""
    origin = urlsplit(base)
    broken = []
    for link in sorted(set(report.links)):
        parts = urlsplit(link)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        path = unquote(parts.path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        target = site / path
        if not target.is_file():
            broken.append(f"{link} (no file {path} in the site)")
        elif (
            parts.fragment
            and path.endswith(".html")
            and unquote(parts.fragment) not in anchors_of(path)
        ):
            broken.append(f"{link} (no id {unquote(parts.fragment)!r} in {path})")
    return broken


def static_anchors(site: Path, path: str) -> set[str]:
    """The ids (and a[name]s) of a page of the site, from its HTML, for pages the browser did
    not open."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
    return {tag["id"] for tag in soup.find_all(id=True)} | {
        tag["name"] for tag in soup.find_all("a", attrs={"name": True})
    }


# --- search ------------------------------------------------------------------------------


def search(driver, base: str, query: str) -> list[str]:
    """Type ``query`` into the search box of the site's search page and press Enter, as a reader
    would; return the pages listed, best first (paths relative to the site, without .html)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(urljoin(base, "search.html"))
    box = driver.find_element(By.CSS_SELECTOR, ".bd-search-container form.bd-search input[name=q]")
    box.clear()
    box.send_keys(query, Keys.ENTER)
    WebDriverWait(driver, SETTLE_SECONDS).until(
        lambda d: d.execute_script(
            "const s = document.querySelector('#search-results .search-summary');"
            "return location.search.includes('q=') && s !== null "
            "&& !s.textContent.includes('Preparing')"
            " && s.textContent.trim() !== '';"
        )
    )
    hrefs = driver.execute_script(
        "return [...document.querySelectorAll('#search-results ul.search > li > a:first-of-type')]"
        ".map(a => a.href);"
    )
    pages = []
    for href in hrefs:
        page = unquote(urlsplit(href).path).lstrip("/").removesuffix(".html")
        if page not in pages:
            pages.append(page)
    return pages


# --- page weight -------------------------------------------------------------------------

# Every resource the open page loaded, with its size in bytes as it crossed the network (the
# test server sends no compression, so this is the size of the file): the page itself and
# each script, style sheet, font and image it loaded. Data URIs are part of the page.
_RESOURCES = """
const sizes = {};
for (const entry of performance.getEntriesByType("navigation"))
  sizes[entry.name.split("#")[0]] = entry.encodedBodySize;
for (const entry of performance.getEntriesByType("resource"))
  sizes[entry.name] = Math.max(sizes[entry.name] || 0, entry.encodedBodySize);
return sizes;
"""


MB = 1024 * 1024
SHARED_PAGE = "book/intro"  # the page a reader opens first: its assets are then cached
SHARED_ASSETS = "_static/"  # the folder of the files every page of the site shares


def loaded_resources(driver, url: str) -> dict[str, int]:
    """Open ``url`` with an empty cache, let it settle as a reader's page does (MathJax typeset,
    fonts and images loaded, lazy images too), and return the size of every resource it
    loaded, by URL."""
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get(url)
    # Room for every entry the page adds while it settles (the default keeps 250).
    driver.execute_script("performance.setResourceTimingBufferSize(100000);")
    settle(driver)
    return driver.execute_script(_RESOURCES)


@dataclass
class PageWeight:
    """What one page makes a reader download, by URL: from a cold cache (``cold``); what it
    adds once the shared page (the introduction) has been read, with what that loaded cached
    (``after_shared_page``); and the page's own weight, with every shared asset cached
    (``own``): what the introduction loaded and the site's ``_static/`` files (the theme,
    MathJax and the MathJax fonts a page's math needs, which every page shares by
    construction; the introduction has no math, so it loads none of those fonts). The page's
    own HTML always counts, also for the introduction itself."""

    page: str
    width: int
    cold: dict[str, int]
    after_shared_page: dict[str, int]
    own: dict[str, int]

    def largest(self, resources: dict[str, int], count: int = 4) -> str:
        """The ``count`` largest of ``resources``, by file name (a long one shortened), in MB."""

        def name(url: str) -> str:
            whole = urlsplit(url).path.rsplit("/", 1)[-1]
            return whole if len(whole) <= 32 else f"{whole[:12]}...{whole[-12:]}"

        ranked = sorted(resources.items(), key=lambda item: -item[1])[:count]
        return ", ".join(f"{name(url)} {size / MB:.2f}" for url, size in ranked)


def page_weights(driver, base: str, pages: list[str], width: int) -> list[PageWeight]:
    """Every page of ``pages`` opened at a window ``width`` px wide, each from a cold cache (see
    `loaded_resources`), and weighed as `PageWeight` says."""
    driver.set_window_size(width, WINDOW[1])
    shared = loaded_resources(driver, f"{base}{SHARED_PAGE}.html")
    static = urlsplit(urljoin(base, SHARED_ASSETS)).path
    weights = []
    for page in pages:
        address = f"{base}{page}.html"
        cold = loaded_resources(driver, address)
        itself = urlsplit(address).path
        after = {
            url: size
            for url, size in cold.items()
            if url not in shared or urlsplit(url).path == itself
        }
        own = {
            url: size for url, size in after.items() if not urlsplit(url).path.startswith(static)
        }
        weights.append(PageWeight(page, width, cold, after, own))
    return weights
