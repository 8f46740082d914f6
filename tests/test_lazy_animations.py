"""Do the site's animations load their frames from files, and only when played
(book/_ext/lazy_animations.py)?"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from book_support import extension, toc_files
from browser_support import chromium, loaded_resources, missing_browser, serve
from PIL import Image
from sphinx.errors import ExtensionError

from optlab.plotting import EMBEDDED_FRAME, embedded_frame_bytes

lazy_animations = extension("lazy_animations")


def small_animation(frames: int = 4) -> str:
    """An animation as the pages make them, whose last two frames are the same picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from optlab.plotting import animation_html

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set(xlim=(0, 3), ylim=(0, 3))
    (line,) = ax.plot([], [], color="C0")
    return animation_html(
        fig, lambda k: line.set_data([0, min(k, 2) + 1], [0, 1]), frames, colors=["C0"]
    ).data


def picture(image: Path | bytes) -> tuple:
    """An image's size and pixels (frames are written as lossless WebP: the same pixels)."""
    opened = Image.open(image if isinstance(image, Path) else io.BytesIO(image))
    return opened.size, opened.convert("RGBA").tobytes()


def test_is_every_frame_written_to_a_file_with_its_picture_and_listed_in_order(tmp_path):
    html = small_animation()
    embedded = {
        int(frame["index"]): embedded_frame_bytes(frame) for frame in EMBEDDED_FRAME.finditer(html)
    }
    assert len(embedded) == 4
    lazy = lazy_animations.externalize(html, tmp_path, "../", tmp_path / "cache")
    assert "data:image" not in lazy
    listed = re.search(r"window\.optlabFrameURLs\[\"_anim_img\w+\"\] = (\[[^\]]*\])", lazy)
    urls = json.loads(listed.group(1))
    assert [url.startswith("../_images/animations/") for url in urls] == [True] * 4
    for k, url in enumerate(urls):
        assert url.endswith(".webp")
        assert picture(tmp_path / url.removeprefix("../")) == picture(embedded[k])
    # the same picture is one file
    assert urls[2] == urls[3] and len(set(urls)) == 3
    assert lazy.count("optlabLazy = true") == 1


def test_does_each_of_an_animations_two_layouts_list_its_own_frames(tmp_path, monkeypatch):
    """In the book's build an animation is two players, wide and phone
    (``optlab.figure_layouts``): each player's frames go to its own list, in its own order."""
    from optlab.figure_layouts import LAYOUTS_VARIABLE

    monkeypatch.setenv(LAYOUTS_VARIABLE, "wide,phone")
    html = small_animation()
    ids = re.findall(r'var img_id = "(_anim_img\w+)";', html)
    assert len(ids) == 2 and 'class="optlab-layout-phone"' in html
    frames = [embedded_frame_bytes(frame) for frame in EMBEDDED_FRAME.finditer(html)]
    lazy = lazy_animations.externalize(html, tmp_path, "", tmp_path / "cache")
    listed = dict(
        re.findall(r"window\.optlabFrameURLs\[\"(_anim_img\w+)\"\] = (\[[^\]]*\])", lazy)
    )
    assert sorted(listed) == sorted(ids)
    for player, img_id in enumerate(ids):
        urls = json.loads(listed[img_id])
        assert [picture(tmp_path / url) for url in urls] == [
            picture(frame) for frame in frames[4 * player : 4 * player + 4]
        ]
    assert lazy.count("optlabLazy = true") == 2  # the player is defined twice
    # Each player is made, after its timeout, with the definition of Animation patched before
    # it, not with a later player's (which a page defines again before patching it).
    for start in [lazy.index(f'var img_id = "{img_id}"') for img_id in ids]:
        timeout = lazy.index("setTimeout(function() {", start)
        assert lazy.rindex("var OptlabAnimation = Animation;", start, timeout) > start
        assert lazy.index("new OptlabAnimation(", timeout) < lazy.find("var img_id", timeout) % (
            len(lazy) + 1
        )


def test_does_a_player_of_another_form_stop_the_build(tmp_path):
    html = small_animation(2)
    with pytest.raises(ExtensionError, match="usual player script"):
        lazy_animations.externalize(
            html.replace("setTimeout", "requestAnimationFrame"), tmp_path, "", tmp_path / "cache"
        )


@pytest.mark.browser
@pytest.mark.slow
def test_does_a_page_load_one_frame_per_animation_until_the_reader_plays(built_site, tmp_path):
    """Opened at a laptop's width, a page loads the first frame of each animation's wide
    player and no other (its phone player is hidden, book/_ext/figure_layouts.py); played,
    all."""
    if missing_browser():
        pytest.fail(missing_browser(), pytrace=False)
    pages = {}
    for page in toc_files():
        html = (built_site / f"{page}.html").read_text(encoding="utf-8")
        pages[page] = html.count('class="animation"') - html.count('class="optlab-layout-phone"')
    page = max(pages, key=pages.get)
    assert pages[page] >= 1 and "data:image/png;base64" not in (
        built_site / f"{page}.html"
    ).read_text(encoding="utf-8")
    with serve(built_site) as base, chromium(tmp_path / "profile") as driver:
        driver.set_window_size(1280, 900)
        opened = loaded_resources(driver, f"{base}{page}.html")
        frames = [url for url in opened if "/_images/animations/" in url]
        assert len(frames) == pages[page], frames
        played = driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            const anims = Object.keys(window).filter(k => /^anim[0-9a-f]{32}$/.test(k))
                .map(k => window[k]).filter(a => a.shown());
            anims.forEach(a => { a.play_animation(); a.pause_animation(); });
            Promise.all(anims.flatMap(a => a.frames.map(f => f.decode().then(() => 1, () => 0))))
                .then(ok => done({decoded: ok.reduce((x, y) => x + y, 0), frames: ok.length}));
            """
        )
    assert played["frames"] > pages[page] and played["decoded"] == played["frames"]
