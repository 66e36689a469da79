"""Facility layer, programmes, the selected county and shareable state, in a browser."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_map_page import wait_for_map

pytestmark = pytest.mark.e2e

TRACE_JS = "(i) => (document.querySelector('#map .js-plotly-plot').data[i].lon || []).length"


def trace_len(page, name: str) -> int:
    from dashboard.figures import TRACE

    return page.evaluate(TRACE_JS, TRACE[name])


@pytest.fixture(scope="module")
def programme_id(live_server, live_data_dir) -> int:
    from geodata.store import Store

    store = Store(live_data_dir / "atlas.sqlite")
    try:
        return int(store.programmes()["id"].iloc[0])
    finally:
        store.dispose()


def test_facility_layer_toggles_and_follows_the_region(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    assert trace_len(page, "homes") == 0
    page.locator("#map-layers label", has_text="服务设施").click()
    page.wait_for_function(f"({TRACE_JS})(5) > 300", timeout=30_000)
    assert "layers=facilities" in page.evaluate("location.search")
    cells = trace_len(page, "homes")
    assert cells < 3000  # binned: readable, and cheap to draw
    assert "服务设施" in page.locator("#map .legend").first.text_content()
    shot(page, "facilities-national")
    # Drill into Sichuan by link: single facilities of both kinds.
    page.goto(live_server + "/?region=510000&layers=facilities")
    wait_for_map(page)
    page.wait_for_function(f"({TRACE_JS})(6) > 50", timeout=30_000)
    assert trace_len(page, "homes") > 200
    shot(page, "facilities-province")
    page.locator("#map-layers label", has_text="服务设施").click()
    page.wait_for_function(f"({TRACE_JS})(5) === 0", timeout=30_000)
    assert "layers" not in page.evaluate("location.search")


def test_programme_outline_filter_and_comparison(page, live_server, programme_id):
    page.goto(f"{live_server}/?programme={programme_id}&layers=programme")
    wait_for_map(page)
    assert trace_len(page, "programme") > 100
    compare = page.inner_text("#programme-compare")
    assert "40 个县" in compare and "12 个省" in compare and "合成演示数据" in compare
    page.locator("#programme-filter label").click()
    page.wait_for_function("location.search.includes('pfilter=1')", timeout=20_000)
    # The grid arrives once the map has painted (dashboard.deferred).
    page.wait_for_selector("#analysis-table .ag-row", timeout=30_000)
    page.wait_for_function(
        "document.querySelectorAll('#analysis-table .ag-center-cols-container .ag-row')"
        ".length <= 10",
        timeout=30_000,
    )
    page.wait_for_function(
        "document.querySelector('#analysis-table .ag-paging-row-summary-panel')"
        ".innerText.includes('/ 40')",  # the grid's paging in the page's language
        timeout=30_000,
    )
    summary = page.inner_text("#region-summary")
    assert "40 / 40" in summary
    shot(page, "programme-filter")


def test_pick_counties_for_a_new_programme(page, live_server):
    page.goto(live_server + "/?county=510722")
    wait_for_map(page)
    assert trace_len(page, "selected") > 10  # the chosen county is outlined
    page.locator("#programme-add-selected").click()
    page.wait_for_function(
        "document.getElementById('programme-draft').value.includes('510722')", timeout=20_000
    )
    page.locator("#programme-draft").fill("510722\n420102\n999999")
    page.locator("#programme-draft").blur()
    page.wait_for_function(
        "document.getElementById('programme-preview').innerText.includes('识别 2 个县')",
        timeout=20_000,
    )
    assert "999999" in page.inner_text("#programme-preview")
    page.wait_for_function(f"({TRACE_JS})(7) > 10", timeout=20_000)  # the draft outlined
    page.locator("#programme-name").fill("测试")
    page.locator("#programme-save").click()
    page.wait_for_function(
        "document.getElementById('programme-status').innerText.includes('登录')", timeout=20_000
    )
    shot(page, "programme-draft")


def test_a_shared_link_restores_mode_layers_and_programme(page, live_server, programme_id):
    query = (
        f"?indicator=left_behind_rate&period=2026-H1&scheme=quantiles&lang=zh&county=510722"
        f"&mode=gistar&perm=99&layers=facilities,programme&programme={programme_id}"
    )
    page.goto(live_server + "/" + query)
    wait_for_map(page)
    title = page.evaluate(
        "document.querySelector('#map .js-plotly-plot').data[0].colorbar.title.text"
    )
    assert "Gi*" in title
    assert page.input_value("#permutations") == "99"
    assert trace_len(page, "homes") > 300 and trace_len(page, "programme") > 100
    assert trace_len(page, "selected") > 10
    href = page.get_attribute("#lang-other", "href")
    for part in ("mode=gistar", "perm=99", "layers=facilities%2Cprogramme", "lang=en"):
        assert part in href, (part, href)
    shot(page, "shared-link-gistar")


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_layout_fits_common_screens(browser, live_server, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    page = ctx.new_page()
    try:
        page.goto(live_server + "/?layers=facilities")
        wait_for_map(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = page.locator("#map .main-svg").first.bounding_box()
        assert box["width"] > size[0] * 0.6 and box["height"] > size[1] * 0.6
        controls = page.locator(".atlas-controls").bounding_box()
        assert controls["x"] + controls["width"] <= box["x"]  # side by side, no overlap
        shot(page, f"layout-{size[0]}x{size[1]}")
    finally:
        ctx.close()
