"""Analysis map modes in the browser: background run, progress, legend, table."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import shot
from tests.e2e.test_map_page import choose, wait_for_map

pytestmark = pytest.mark.e2e


def run_mode(page, mode: str) -> str:
    # Not cleared by hand (React keeps writing to the text node it made, so a cleared
    # line stayed blank): the new result is a new line, or the map's legend says so.
    before = page.inner_text("#analysis-result")
    label = json.dumps(_label(mode))
    for _attempt in range(3):  # a click can land before the menu opens on a loaded machine
        choose(page, "map-mode", mode)
        try:
            page.wait_for_function(
                f"document.querySelector('#map-mode').innerText.includes({label})", timeout=5000
            )
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    try:
        page.wait_for_function(
            """([before, title]) => {
                const text = document.getElementById('analysis-result').innerText;
                const legend = document.querySelector('#map .js-plotly-plot')
                    .data[0].colorbar.title.text || '';
                return /完成|无法/.test(text) && (text !== before || legend.includes(title));
            }""",
            arg=[before, _title(mode)],
            timeout=120_000,
        )
    except PlaywrightTimeout:
        shot(page, f"mode-{mode}-timeout")
        raise AssertionError(
            f"no result: status {page.inner_text('#analysis-status')!r}, mode "
            f"{page.inner_text('#map-mode')!r}"
        ) from None
    if "完成" in page.inner_text("#analysis-result"):
        # The result line and the map patch arrive in one response; wait until the
        # map's legend shows the mode's title rather than for a fixed time.
        page.wait_for_function(
            "(t) => (document.querySelector('#map .js-plotly-plot').data[0].colorbar.title.text"
            " || '').includes(t)",
            arg=_title(mode),
            timeout=20_000,
        )
    return page.inner_text("#analysis-result")


def _label(mode: str) -> str:
    from dashboard.methods import mode_name

    return mode_name(mode, "zh")


def _title(mode: str) -> str:
    from dashboard.i18n import t

    return t(f"title.{mode}", "zh").split("（")[0]


def test_cluster_and_bivariate_modes(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    status = run_mode(page, "lisa")
    assert "完成" in status
    assert page.locator("#map path.choroplethlocation").count() > 2800
    assert page.locator("#map text", has_text="高-高聚集").count() >= 1
    assert page.locator("#analysis-table .ag-row").count() >= 5
    shot(page, "mode-lisa")
    status = run_mode(page, "coverage")
    assert page.locator("#bivariate-legend .bv-cell").count() == 9
    shot(page, "mode-coverage")


def test_siting_mode_draws_sites(page, live_server):
    page.goto(live_server + "/")
    wait_for_map(page)
    status = run_mode(page, "mclp")
    assert "新增覆盖" in status
    n = page.evaluate("document.querySelector('#map .js-plotly-plot').data[4].lon.length")
    assert n > 0
    shot(page, "mode-mclp")
