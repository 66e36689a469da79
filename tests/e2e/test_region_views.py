"""What the map says follows the region shown (issue 16, items 4 and 8): legends count
the region's counties, the map names the region's places, the table's heading says
how many rows it lists, and a view opened from a link carries its result line."""

from __future__ import annotations

import re

import pytest

from dashboard.figures import TRACE
from tests.e2e.conftest import shot
from tests.e2e.test_map_page import wait_for_map

pytestmark = pytest.mark.e2e

LEGEND_JS = """() => {
  const d = document.querySelector('#map .js-plotly-plot').data[0];
  return d.colorbar.ticktext;
}"""
LABELS_JS = f"""() => document.querySelector('#map .js-plotly-plot').data[{TRACE["labels"]}].text"""


def _counts(ticks) -> int:
    return sum(int(re.search(r"\(([\d,]+)\)$", t)[1].replace(",", "")) for t in ticks)


def test_going_up_to_a_province_recounts_the_hot_spot_legend_and_renames_places(
    page, live_server, dash_app
):
    guizhou = len(dash_app.atlas.region_info("520000")["codes"])
    qdn = len(dash_app.atlas.region_info("522600")["codes"])
    page.goto(live_server + "/?mode=gistar&region=522600&perm=99")
    wait_for_map(page, 100)
    assert _counts(page.evaluate(LEGEND_JS)) == qdn  # a link opens counted for its region
    assert "凯里市" in page.evaluate(LABELS_JS)
    page.locator("#breadcrumb button", has_text="贵州省").click()
    page.wait_for_function(
        f"""() => {{
          const t = ({LEGEND_JS})();
          const n = t.reduce((s, x) => s + parseInt(x.match(/\\(([\\d,]+)\\)$/)[1].replace(/,/g, '')), 0);
          return n === {guizhou} && ({LABELS_JS})().includes('遵义市');
        }}""",
        timeout=60_000,
    )
    ticks = page.evaluate(LEGEND_JS)
    assert "热点" in " ".join(ticks) and _counts(ticks) == guizhou
    shot(page, "gistar-guizhou-labels")


def test_a_siting_link_opens_with_its_result_line(page, live_server):
    page.goto(live_server + "/?mode=mclp&lang=en")
    wait_for_map(page)
    line = page.inner_text("#analysis-result")
    assert "newly covers" in line.lower() and "sites" in line, line


def test_the_table_heading_says_how_many_rows_it_lists(page, live_server, dash_app):
    page.goto(live_server + "/?lang=en&programme=1&pfilter=1")
    wait_for_map(page, 30)
    n = len(dash_app.atlas.programme(1)["codes"])
    assert page.inner_text("#table-title") == f"County ranking ({n} counties)"
    page.locator("#programme-filter input[type=checkbox]").uncheck()
    page.wait_for_function(
        "document.getElementById('table-title').innerText === 'County ranking (top 50)'",
        timeout=60_000,
    )


def test_table_figures_have_thousands_separators_and_units(page, live_server):
    page.goto(live_server + "/?lang=zh")
    wait_for_map(page)
    page.wait_for_selector("#analysis-table .ag-row", timeout=60_000)
    cell = page.locator('#analysis-table .ag-row[row-index="0"] .ag-cell[col-id="value"]')
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", cell.inner_text().strip()), cell.inner_text()
    header = page.locator('#analysis-table .ag-header-cell[col-id="value"]').inner_text()
    assert "（人）" in header, header
    assert "每页行数" in page.inner_text("#analysis-table")  # the grid's own words in zh
