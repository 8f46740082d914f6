"""Animation frames as files that load when the reader plays them, not inside the page.

A page's animations (``optlab.plotting.animation_html``: Matplotlib's ``to_jshtml`` player)
carry every frame inside the HTML as a base64 PNG or JPEG, and the player loads them all when
the page opens: most of the weight of the pages that have one (momentum.html held 1.86 MB of
frames). In a notebook that is what makes the animation work alone. On the site this
extension, for every animation of a page,

* writes each frame to ``_images/animations/<hash>.webp`` (named by its content, so a frame
  that repeats is one file; encoded as ``webp_images`` encodes figures, tags kept) and leaves
  an empty string in its place;
* lists the frames' addresses for the player (``window.optlabFrameURLs[<img id>]``);
* teaches Matplotlib's ``Animation`` player (once per definition of it on the page) to load
  a frame when it is shown, and every frame when the reader presses play, so that playing
  runs smoothly.

The first frame is shown, and so loaded, as the page opens (by the player the window shows);
the others only when asked for.
If Matplotlib's player no longer has the form this relies on, the build stops and says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from docutils import nodes
from light_images import CACHE
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from webp_images import cached_webp

from optlab.figure_layouts import PHONE_MEDIA
from optlab.plotting import EMBEDDED_FRAME, embedded_frame_bytes

FOLDER = Path("_images") / "animations"
IMG_ID = re.compile(r'var img_id = "(_anim_img[0-9a-f]+)";')
START = "    setTimeout(function() {"

# Installed on the player's prototype after each definition of it: set_frame loads the frame
# it shows, and playing (forwards or backwards) loads them all first. A player the window does
# not show (an animation's other layout, book/_ext/figure_layouts.py: by the same media query)
# loads its frame when the window comes to show it.
PLAYER_PATCH = """
    (function () {
      var P = Animation.prototype;
      if (P.optlabLazy) return;
      P.optlabLazy = true;
      var urls = function (anim) { return (window.optlabFrameURLs || {})[anim.img_id] || []; };
      // Which of an animation's two layouts the window shows follows from the media query of
      // the style sheet (figure_layouts), not from the page's layout, which may not be done.
      var phone = window.matchMedia(PHONE_MEDIA);
      P.shown = function () {
        var img = document.getElementById(this.img_id);
        var box = img && img.closest(".optlab-layout-wide, .optlab-layout-phone");
        return !box || box.classList.contains("optlab-layout-phone") === phone.matches;
      };
      P.load_frame = function (k) {
        var frame = this.frames[k], anim = this;
        if (!frame || frame.getAttribute("src") || !urls(this)[k]) return;
        if (!this.shown()) {  // the layout this window does not show: load once it does
          if (this.waiting) return;
          this.waiting = function () {
            if (!anim.shown()) return;
            phone.removeEventListener("change", anim.waiting);
            anim.waiting = null;
            anim.set_frame(anim.current_frame);
          };
          phone.addEventListener("change", this.waiting);
          return;
        }
        frame.src = urls(this)[k];
      };
      P.load_all = function () {
        for (var k = 0; k < this.frames.length; k++) this.load_frame(k);
      };
      var setFrame = P.set_frame, play = P.play_animation, reverse = P.reverse_animation;
      P.set_frame = function (frame) {
        this.load_frame(frame);
        return setFrame.call(this, frame);
      };
      P.play_animation = function () { this.load_all(); return play.apply(this, arguments); };
      P.reverse_animation = function () {
        this.load_all();
        return reverse.apply(this, arguments);
      };
    })();
"""


def externalize(html: str, outdir: Path, prefix: str, cache: Path) -> str:
    """The HTML of one or more animations with their frames written to files under ``outdir``,
    addressed from the page with ``prefix`` (the way from the page's folder to the site's root).
    Each player's script starts at its ``img_id`` and holds its frames and its start. Encoded
    frames are kept in ``cache``."""
    starts = [match.start() for match in IMG_ID.finditer(html)]
    if not starts:
        raise ExtensionError(
            "lazy_animations: an animation without Matplotlib's usual player script (img_id, "
            "embedded frames, setTimeout): see book/_ext/lazy_animations.py"
        )
    ends = [*starts[1:], len(html)]
    players = [_externalize_player(html[a:b], outdir, prefix, cache) for a, b in zip(starts, ends)]
    return html[: starts[0]] + "".join(players)


def _externalize_player(html: str, outdir: Path, prefix: str, cache: Path) -> str:
    img_id = IMG_ID.search(html)
    made = html.find("new Animation(", html.find(START))
    if img_id is None or START not in html or made < 0 or not EMBEDDED_FRAME.search(html):
        raise ExtensionError(
            "lazy_animations: an animation without Matplotlib's usual player script (img_id, "
            "embedded frames, setTimeout): see book/_ext/lazy_animations.py"
        )
    urls: dict[int, str] = {}
    folder = outdir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)

    def write(match: re.Match) -> str:
        data = embedded_frame_bytes(match)
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.webp"
        target = folder / name
        if not target.exists():
            target.write_bytes(cached_webp(data, cache))
        urls[int(match["index"])] = f"{prefix}{FOLDER.as_posix()}/{name}"
        return f'frames[{match["index"]}] = ""'

    html = EMBEDDED_FRAME.sub(write, html)
    listed = [urls[k] for k in range(len(urls))]
    addresses = (
        "    window.optlabFrameURLs = window.optlabFrameURLs || {};\n"
        f"    window.optlabFrameURLs[{json.dumps(img_id.group(1))}] = {json.dumps(listed)};\n"
    )
    patch = PLAYER_PATCH.replace("PHONE_MEDIA", json.dumps(PHONE_MEDIA))
    # The player is made after a timeout, when a later animation on the page may have defined
    # Animation again and not yet patched it: make it with the definition patched here.
    start = html.index(START)
    made = html.index("new Animation(", start)
    html = html[:made] + "new OptlabAnimation(" + html[made + len("new Animation(") :]
    own = "    var OptlabAnimation = Animation;\n"
    return html[:start] + addresses + patch + own + html[start:]


def lazy_frames(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    prefix = "../" * docname.count("/")
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split() or "_anim_img" not in raw.astext():
            continue
        html = externalize(raw.astext(), Path(app.outdir), prefix, Path(app.srcdir) / CACHE)
        raw.replace_self(nodes.raw("", html, format="html"))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", lazy_frames)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
