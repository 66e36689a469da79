"""The national map as a person meets it: every county drawn, labelled synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

COUNT_JS = """() => Array.from(document.querySelectorAll('#map g.trace.choropleth')).map(
  g => Array.from(g.querySelectorAll('path.choroplethlocation'))
        .filter(p => (p.getAttribute('d') || '').length > 0).length)"""


DRAWN_JS = """() => Array.from(document.querySelectorAll('#map g.trace.choropleth')).map(
  g => Array.from(g.querySelectorAll('path.choroplethlocation'))
        .filter(p => (p.getAttribute('d') || '').length > 0 && p.__data__)
        .map(p => p.__data__.loc))"""


def choose(page, dropdown_id: str, value: str) -> None:
    """Pick an option of a Dash 4 dropdown as a user does: open it, click the option."""
    page.locator(f"#{dropdown_id}").click()
    page.locator(f'.dash-dropdown-option:has(input[value="{value}"])').first.click()


def wait_for_map(page, minimum: int = 2800) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('#map path.choroplethlocation').length > {minimum}",
        timeout=60_000,
    )


def wait_for_charts(page) -> None:
    """The linked charts have their data (they fill once the map has painted)."""
    page.wait_for_function(
        "(document.querySelector('#need-coverage .js-plotly-plot').data || []).length > 0",
        timeout=30_000,
    )


def test_map_draws_every_county_with_synthetic_notice(page, live_server, dash_app):
    page.goto(live_server + "/")
    wait_for_map(page)
    counts = page.evaluate(COUNT_JS)
    main, provinces, inset = counts
    drawn = page.evaluate(DRAWN_JS)
    # Every county of the layer is drawn: on the national frame or in the inset.
    assert len(set(drawn[0]) | set(drawn[2])) == 2875
    assert main == len(drawn[0]) == 2873
    assert {"460301", "460302"} <= set(drawn[2])  # 西沙区, 南沙区 in the inset
    assert provinces == 34
    notice = page.locator("#synthetic-notice")
    assert notice.is_visible() and "合成演示数据" in notice.inner_text()
    assert page.locator("text=南海诸岛").count() >= 1
    assert page.external_requests == []  # nothing leaves the machine
    shot(page, "national-zh")


def test_hover_shows_names_and_synthetic_label(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    # Point at the middle of a county drawn on the main map (the largest of the first
    # hundred, so the pointer lands inside it) and wait for its label.
    box = page.evaluate(
        """() => {
            const paths = [...document.querySelectorAll('#map path.choroplethlocation')];
            const boxes = paths.slice(0, 100).map(p => p.getBoundingClientRect())
                .filter(b => b.width > 0 && b.height > 0);
            boxes.sort((a, b) => b.width * b.height - a.width * a.height);
            const b = boxes[0];
            return {x: b.x + b.width / 2, y: b.y + b.height / 2};
        }"""
    )
    page.mouse.move(box["x"], box["y"])
    page.locator(".hoverlayer .hovertext").first.wait_for(timeout=10_000)
    text = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "合成演示数据" in text
    assert "省" in text or "市" in text or "自治区" in text


def test_indicator_switch_in_browser(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    before = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').data[0].z.slice(0, 50)"
    )
    choose(page, "indicator", "migrant")
    page.wait_for_function("window.location.search.includes('indicator=migrant')", timeout=20_000)
    page.wait_for_function(
        "(b) => JSON.stringify(document.querySelector('#map .js-plotly-plot').data[0].z"
        ".slice(0, 50)) !== b",
        arg=json.dumps(before, separators=(",", ":")),  # as JSON.stringify writes it
        timeout=20_000,
    )
    after = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').data[0].z.slice(0, 50)"
    )
    assert before != after
    assert page.locator("#map path.choroplethlocation").count() > 2800
    shot(page, "national-migrant")


def test_drill_into_a_province_and_back(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    box = page.locator("#map .main-svg").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.50, box["y"] + box["height"] * 0.62)
    page.wait_for_function("location.search.includes('region=')", timeout=20_000)
    # The zoom arrives with the map's patch, alongside other callbacks: wait for it.
    page.wait_for_function(
        "(() => { const r = document.querySelector('#map .js-plotly-plot').layout.geo"
        ".lonaxis.range; return r[1] - r[0] < 30; })()",
        timeout=20_000,
    )
    crumbs = page.inner_text("#breadcrumb")
    assert "全国" in crumbs and ("省" in crumbs or "自治区" in crumbs or "市" in crumbs)
    ranges = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').layout.geo.lonaxis.range"
    )
    assert ranges[1] - ranges[0] < 30  # framed on one province, not the nation
    shot(page, "drill-province")
    url = page.evaluate("location.href")
    page.locator("#breadcrumb button").first.click()
    page.wait_for_function("!location.search.includes('region=')", timeout=20_000)
    page.wait_for_function(
        "(() => { const r = document.querySelector('#map .js-plotly-plot').layout.geo"
        ".lonaxis.range; return r[1] - r[0] > 50; })()",
        timeout=20_000,
    )
    ranges = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').layout.geo.lonaxis.range"
    )
    assert ranges[1] - ranges[0] > 50
    # The URL of the province view restores it exactly.
    page.goto(url)
    wait_for_map(page)
    assert page.inner_text("#breadcrumb") == crumbs


def test_table_csv_download_is_labelled_synthetic(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    with page.expect_download(timeout=20_000) as dl:
        page.locator("#table-csv").click()
    download = dl.value
    assert "SYNTHETIC" in download.suggested_filename
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("合成演示数据")
    assert len(text.splitlines()) >= 11  # the label, the header and the rows shown


def test_lasso_on_scatter_highlights_map_and_strip(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    # The charts fill once the map has painted (they used to delay it).
    wait_for_charts(page)
    area = page.locator("#need-coverage .nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.1)
    page.mouse.down()
    for fx, fy in [(0.95, 0.1), (0.95, 0.95), (0.6, 0.95), (0.6, 0.1)]:
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, steps=5)
    page.mouse.up()
    # Both highlights read in one evaluation (the selection used to clear itself about
    # a second later; tests/e2e/test_linked_selection.py holds that it stays).
    n_map, n_strip = page.wait_for_function(
        """() => {
          const sel = (id) => (document.querySelector(id + ' .js-plotly-plot').data[0]
                               .selectedpoints || []).length;
          const m = sel('#map'), s = sel('#distribution');
          return m > 0 && s > 0 ? [m, s] : null;
        }""",
        timeout=30_000,
    ).json_value()
    assert n_map > 10 and abs(n_map - n_strip) <= 2  # the same counties on both views
    shot(page, "linked-selection")


def test_language_switch_keeps_the_view(page, live_server):
    page.goto(live_server + "/?indicator=migrant&region=510000")
    wait_for_map(page, minimum=2800)
    assert page.inner_text("#page-title") == "儿童关爱地图"
    page.locator("#lang-other").click()
    page.wait_for_function("location.search.includes('lang=en')", timeout=20_000)
    wait_for_map(page, minimum=2800)
    page.wait_for_function(
        "document.getElementById('page-title').innerText === \"Children's Care Atlas\"",
        timeout=20_000,
    )
    assert "SYNTHETIC DEMO DATA" in page.inner_text("#synthetic-notice")
    assert "indicator=migrant" in page.evaluate("location.search")
    assert "region=510000" in page.evaluate("location.search")
    assert "China" in page.inner_text("#breadcrumb")
    shot(page, "english-province")


def test_grid_arrives_after_the_map_and_a_failed_bundle_is_reported(page, live_server):
    """The grid's bundle loads only after the map has painted; if it cannot be loaded,
    the table says so (the charts still fill) instead of showing a broken grid."""
    page.route("**/dash_ag_grid/**", lambda route: route.abort())
    page.goto(live_server + "/?lang=en")
    wait_for_map(page)
    page.wait_for_selector("text=The table could not be loaded", timeout=30_000)
    assert page.locator("#table-csv").is_disabled()
    assert page.locator("#analysis-table").count() == 0
    wait_for_charts(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_toolbar_speaks_the_page_language(page, live_server, lang):
    """The toolbar's tooltips come from plotly.js's zh-CN locale on the Chinese page
    (registered in the Atlas's bundle), and no button offers to upload the chart."""
    page.goto(f"{live_server}/?lang={lang}")
    wait_for_map(page)
    titles = page.evaluate(
        "[...document.querySelectorAll('#map .modebar-btn')].map(b => b.getAttribute('data-title'))"
    )
    assert titles and not any("Share" in t or "分享" in t for t in titles)
    latin = [t for t in titles if any("a" <= c.lower() <= "z" for c in t.replace("PNG", ""))]
    if lang == "zh":
        assert latin == [], latin
        assert "重置" in titles
    else:
        assert len(latin) == len(titles) and "Reset" in titles


@pytest.mark.parametrize("old_browser", [False, True])
def test_polyfill_only_where_the_browser_needs_it(page, live_server, old_browser):
    """Dash's 97 KB polyfill (29 KB on the wire before the map) is loaded only by a
    browser that lacks what it adds; every browser gets the generator runtime Dash's
    bundles call, and the page works either way."""
    if old_browser:  # a browser from before Array.prototype.flat (Chrome < 69)
        page.add_init_script("delete Array.prototype.flat;")
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(live_server + "/?lang=en")
    wait_for_map(page)
    assert any("regenerator-runtime" in u for u in requested)
    assert any("/deps/polyfill@" in u for u in requested) is old_browser
    assert page.evaluate("typeof regeneratorRuntime") == "object"
    # Lazy parts of Dash (the dropdowns' and the graph's chunks, which call the runtime)
    # work: the linked charts fill after the paint.
    wait_for_charts(page)
