"""Exports say what they are doing and why they failed (issue 16, item 9)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_map_page import wait_for_map

pytestmark = pytest.mark.e2e


def _ready(page, minimum: int = 2800) -> None:
    """The map, then the export links' script (it comes just after the first paint)."""
    wait_for_map(page, minimum)
    page.wait_for_function("window.atlasExports === true", timeout=30_000)


def test_an_export_shows_progress_then_downloads(page, live_server):
    page.goto(live_server + "/?region=520000")
    _ready(page, 50)
    status = page.locator("#export-links .export-status")
    with page.expect_download(timeout=120_000) as download:
        page.locator("#export-links a.export-link", has_text="PDF 地图").click()
        page.wait_for_function(
            "document.querySelector('#export-links .export-status').innerText.includes('正在生成')",
            timeout=20_000,
        )
        shot(page, "export-busy")
    assert download.value.suggested_filename.endswith(".pdf")
    page.wait_for_function(
        "document.querySelector('#export-links .export-status').innerText.includes('已生成')",
        timeout=60_000,
    )
    assert "error" not in (status.get_attribute("class") or "")


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "无法导出"), ("en", "Cannot export")]
)  # fmt: skip
def test_a_failed_export_says_why_in_the_page_language(page, live_server, lang, words):
    page.goto(live_server + f"/?lang={lang}")
    _ready(page)
    link = page.locator("#export-links a.export-link").first
    # a link the server refuses (the classes cannot be made from these breaks)
    page.evaluate(
        f"""() => {{ const a = document.querySelector('#export-links a.export-link');
              a.href = a.href.split('?')[0] + '?scheme=user&breaks=abc&lang={lang}'; }}"""
    )
    link.click()
    status = page.locator("#export-links .export-status")
    page.wait_for_function(
        f"document.querySelector('#export-links .export-status').innerText.includes({words!r})",
        timeout=30_000,
    )
    assert status.get_attribute("role") == "alert"
    assert "error" in status.get_attribute("class")
    assert "breaks" in status.inner_text()
