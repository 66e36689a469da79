"""The upload page as an editor meets it: sign in, upload, map, validate, commit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import shot

pytestmark = pytest.mark.e2e

EDITOR = ("e2e-editor", "e2e editor password")
PERIOD = "2019-H2"
CSV = (
    "2019年下半年留守儿童统计表\n"
    "区划代码,县区,儿童总数,留守儿童,流动儿童\n"
    "110101,东城区,45000,40,27000\n"
    "110102,西城区,52000,35,20000\n"
    "合计,,97000,75,47000\n"
    "999999,不存在县,10,1,1\n"
).encode("gb18030")


@pytest.fixture(scope="module")
def editor(live_server, live_data_dir):
    """An editor account in the live server's data directory (made with the CLI)."""
    env = {**os.environ, "ATLAS_DATA_DIR": str(live_data_dir)}
    r = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "user", "add", EDITOR[0], "--role", "editor",
         "--password-stdin"],
        input=EDITOR[1] + "\n", env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0 or "exists" in r.stderr, r.stderr
    return EDITOR


def test_sign_in_upload_validate_commit(page, live_server, editor, tmp_path):
    page.goto(live_server + "/upload")
    link = page.locator("#upload-login-link")
    link.wait_for(timeout=30_000)
    link.click()
    page.locator("#login-name").fill(editor[0])
    page.locator("#login-password").fill("not the password")
    page.locator("#login-submit").click()
    assert "登录失败" in page.locator(".login-error").inner_text()
    page.locator("#login-name").fill(editor[0])
    page.locator("#login-password").fill(editor[1])
    page.locator("#login-submit").click()
    page.wait_for_url("**/upload**")
    page.locator("#upload-file").wait_for(timeout=30_000)
    assert editor[0] in page.locator(".user-box").inner_text()

    period = page.locator("#upload-period")
    period.fill(PERIOD)
    period.press("Enter")
    page.locator("#upload-file input[type=file]").set_input_files(
        {"name": "2019下半年.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.locator("#upload-mapping .mapping-row").first.wait_for(timeout=30_000)
    assert "gbk" in page.locator("#upload-status").inner_text().lower()
    shot(page, "upload-mapping")

    page.locator("#upload-validate").click()
    page.locator("#report-rows_total").wait_for(timeout=60_000)
    counts = {
        k: int(page.locator(f"#report-{k} .count-value").inner_text().replace(",", ""))
        for k in ("rows_total", "rows_imported", "rows_skipped", "rows_rejected")
    }
    assert counts == {"rows_total": 4, "rows_imported": 2, "rows_skipped": 1, "rows_rejected": 1}
    table = page.locator("#problems-table").inner_text()
    assert "999999" in table and "6" in table
    with page.expect_download() as dl:
        page.locator("#upload-download-problems").click()
    path = tmp_path / "problems.csv"
    dl.value.save_as(path)
    assert "999999" in path.read_text(encoding="utf-8-sig")
    shot(page, "upload-validated")

    page.locator("#upload-commit").click()
    page.wait_for_function(
        "document.querySelector('#report-message') && "
        "document.querySelector('#report-message').innerText.includes('第 1 版')",
        timeout=60_000,
    )
    page.wait_for_function(
        f"document.querySelector('#datasets-table').innerText.includes('{PERIOD}')",
        timeout=30_000,
    )
    shot(page, "upload-committed")
    # the explorer's data for the period are the uploaded ones, not synthetic
    r = page.request.get(f"{live_server}/api/v1/data.csv?period={PERIOD}")
    assert r.ok and r.headers["x-atlas-synthetic"] == "false"
    assert "110101" in r.text()
    assert page.external_requests == []


def _sign_in(page, live_server, who) -> str:
    page.goto(f"{live_server}/login?next=/upload")
    page.locator("#login-name").fill(who[0])
    page.locator("#login-password").fill(who[1])
    page.locator("#login-submit").click()
    page.wait_for_url("**/upload**")
    return page.request.get(f"{live_server}/api/v1/session").json()["csrf_token"]


def test_restore_and_delete_with_confirmation(page, live_server, editor):
    period = "2018-H1"
    token = _sign_in(page, live_server, editor)
    for left_behind in (40, 41):  # versions 1 and 2 through the API
        r = page.request.post(
            f"{live_server}/api/v1/uploads",
            multipart={
                "file": {
                    "name": "a.csv",
                    "mimeType": "text/csv",
                    "buffer": f"区划代码,儿童总数,留守儿童\n110101,45000,{left_behind}\n".encode(),
                },
                "kind": "children",
                "period": period,
            },
            headers={"X-CSRF-Token": token},
        )
        assert r.ok, r.text()
    page.goto(f"{live_server}/upload?lang=en")
    page.locator("#datasets-table").wait_for(timeout=30_000)
    restore = page.locator(f'button[id*="children|{period}|1"][id*="restore"]')
    restore.click()
    page.wait_for_function(
        "document.querySelector('#datasets-status').innerText.includes('Restored')",
        timeout=30_000,
    )
    csv = page.request.get(f"{live_server}/api/v1/data.csv?period={period}").text()
    assert "110101" in csv and ",40," in csv
    # delete asks first: dismissing keeps the version, accepting deletes it
    page.once("dialog", lambda d: d.dismiss())
    delete = page.locator(f'button[id*="children|{period}|2"][id*="delete"]')
    with page.expect_event("dialog", timeout=30_000) as asked:  # the question, when it comes
        delete.click()
    message = asked.value.message
    assert period in message and "cannot be undone" in message
    assert page.locator(f'button[id*="children|{period}|2"]').count() >= 1
    page.once("dialog", lambda d: d.accept())
    delete.click()
    page.wait_for_function(
        "document.querySelector('#datasets-status').innerText.includes('Deleted')",
        timeout=30_000,
    )
    assert page.locator(f'button[id*="children|{period}|2"]').count() == 0
    shot(page, "datasets-after-delete")
