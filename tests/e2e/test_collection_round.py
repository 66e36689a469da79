"""A collection round in the browser: a prefecture editor takes the template, uploads a
partial file, sees the change preview, commits; the national map stays complete with
the reported counties marked; the reporting-status map mode (a server of its own, so
the shared demo server keeps its all-synthetic data)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_data_dir
from tests.e2e.conftest import shot, start_server
from tests.e2e.test_analysis_modes import run_mode
from tests.e2e.test_map_page import wait_for_map

pytestmark = pytest.mark.e2e

EDITOR = ("guiyang-editor", "guiyang editor password")
P = "2026-H1"
CSV = (
    "贵阳市2026年上半年农村留守儿童统计表\n"
    "区划代码,县区,儿童总数,留守儿童,流动儿童,困境儿童,残疾儿童,监护缺失儿童,流浪儿童,心理行为问题儿童\n"
    "520102,南明区,91000,1300,21000,90,40,20,1,30\n"
    "520103,云岩区,88000,1200,25000,80,35,18,0,25\n"
).encode("gb18030")


def _cli(data, *args, stdin=None):
    env = {**os.environ, "ATLAS_DATA_DIR": str(data)}
    r = subprocess.run([sys.executable, str(ROOT / "app.py"), *args], input=stdin, env=env,
                       cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def round_server(tmp_path_factory, layers):
    data = make_data_dir(tmp_path_factory.mktemp("e2e-round"), layers)
    _cli(data, "prepare")
    _cli(data, "user", "add", EDITOR[0], "--role", "editor", "--region", "520100",
         "--password-stdin", stdin=EDITOR[1] + "\n")  # fmt: skip
    _cli(data, "round", "open", P, "--deadline", "2099-07-31")
    url, stop = start_server(data, "server-round.log")
    yield url
    stop()


def test_scoped_editor_previews_commits_and_the_map_stays_complete(page, round_server, tmp_path):
    url = round_server
    page.goto(f"{url}/login?next=/upload")
    page.locator("#login-name").fill(EDITOR[0])
    page.locator("#login-password").fill(EDITOR[1])
    page.locator("#login-submit").click()
    page.wait_for_url("**/upload**")
    page.locator("#upload-file").wait_for(timeout=30_000)
    # the round: period, days left, how many of the region's counties reported
    line = page.locator("#round-line").inner_text()
    assert P in line and "0 / 10" in line and "还剩" in line, line
    # the template link is the editor's region's workbook
    link = page.locator("#upload-template-link")
    assert "region=520100" in link.get_attribute("href")
    with page.expect_download() as dl:
        link.click()
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert wb.sheetnames[0] == "填报表" and wb["填报表"].max_row - 2 == 10
    # the proposed period is never later than the latest with data
    assert page.locator("#upload-period").input_value() == P
    page.locator("#upload-file input[type=file]").set_input_files(
        {"name": "guiyang.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.locator("#upload-mapping .mapping-row").first.wait_for(timeout=30_000)
    page.locator("#upload-validate").click()
    page.locator("#change-preview").wait_for(timeout=60_000)
    preview = page.locator("#change-preview").inner_text()
    assert "更新 2 个县" in preview and "新增 0 个县" in preview, preview
    shot(page, "round-preview")
    page.locator("#upload-commit").click()
    page.wait_for_function(
        "document.querySelector('#report-message') && "
        "document.querySelector('#report-message').innerText.includes('第 2 版')",
        timeout=60_000,
    )
    assert "已提交" in page.locator("#change-preview").inner_text()
    shot(page, "round-committed")
    # the national map: every county still has data, the two reported ones say so
    page.goto(f"{url}/?period={P}")
    wait_for_map(page)
    page.wait_for_function(
        "document.querySelector('#synthetic-notice').innerText.includes('2 个县为上报数据')",
        timeout=30_000,
    )
    fig = page.evaluate(
        "(() => { const d = document.querySelector('#map .js-plotly-plot').data[0];"
        " return {z: Array.from(d.z), text: Array.from(d.text), loc: Array.from(d.locations)}; })()"
    )
    no_data = sum(1 for z in fig["z"] if z is None or z < 0)
    assert no_data <= 30, no_data  # Taiwan, Hong Kong and Macao only
    hover = dict(zip(fig["loc"], fig["text"], strict=False))
    assert "上报数据" in hover["520102"] and "合成演示数据" in hover["520111"]
    assert page.external_requests == []
    shot(page, "round-national-map")


def test_reporting_status_mode(page, round_server):
    page.goto(f"{round_server}/?period={P}&region=520000")
    wait_for_map(page)
    status = run_mode(page, "reporting")
    assert "完成" in status, status
    ticks = page.evaluate(
        "Array.from(document.querySelector('#map .js-plotly-plot').data[0].colorbar.ticktext)"
    )
    assert any(t.startswith("已上报") and "(2)" in t for t in ticks), ticks
    assert any(t.startswith("未上报") for t in ticks), ticks
    rows = page.locator("#analysis-table .ag-row")
    rows.first.wait_for(timeout=30_000)
    assert rows.count() >= 5 and "520102" not in page.locator("#analysis-table").inner_text()
    shot(page, "mode-reporting")
