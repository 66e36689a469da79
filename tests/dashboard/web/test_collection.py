"""Real data in pieces: partial uploads from scoped editors merge into the demo,
provenance per county, completeness of the round, restore, templates and review
(an app with its own database, on SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import io
import json

import openpyxl
import pandas as pd
import pytest

from dashboard import uploads
from tests.dashboard.conftest import sign_in, upload

P = "2026-H1"  # the demo's latest period
PASSWORD = "correct horse battery"
MEASURES = ["children", "left_behind", "migrant", "risk_hardship", "risk_disability",
            "risk_unguarded", "risk_street", "risk_psych"]  # fmt: skip
HEAD = "区划代码,儿童总数,留守儿童,流动儿童,困境儿童,残疾儿童,监护缺失儿童,流浪乞讨儿童,心理行为问题儿童"


def _client(app, name):
    client = app.server.test_client()
    assert sign_in(client, name, PASSWORD).status_code == 303
    return client, client.get("/api/v1/session").json["csrf_token"]


def _csv(rows: dict[str, list[int]]) -> str:
    return HEAD + "\n" + "".join(f"{c},{','.join(map(str, v))}\n" for c, v in rows.items())


def _data(client, period=P) -> pd.DataFrame:
    r = client.get(f"/api/v1/data.csv?period={period}")
    assert r.status_code == 200
    return pd.read_csv(io.BytesIO(r.data), dtype={"code": str}, encoding="utf-8-sig").set_index(
        "code"
    )


@pytest.fixture(scope="module")
def editors(rw_app):
    users = rw_app.server.extensions["atlas_users"]
    for name, region in (("guiyang", "520100"), ("liupanshui", "520200"), ("zunyi", "520300")):
        users.add(name, "editor", PASSWORD, region=region)
    users.add("boss", "admin", PASSWORD)
    return rw_app


def test_three_prefectures_partial_uploads_then_restore(editors):
    """The issue's "done when": three prefectures of Guizhou upload pieces; every other
    county unchanged, theirs as uploaded, source=reported for exactly those, the
    province's completeness right; restoring the first version gives back the demo."""
    app = editors
    atlas = app.atlas
    anon = app.server.test_client()
    before = _data(anon)
    csv_before = anon.get(f"/api/v1/data.csv?period={P}").data
    assert set(before["source"].dropna()) == {"synthetic"}  # TW/HK/MO: no data, blank source
    pieces = {
        "guiyang": {"520102": [9000, 300, 2000, 10, 5, 3, 0, 2],
                    "520103": [8000, 200, 1800, 8, 4, 2, 0, 1]},
        "liupanshui": {"520201": [12000, 900, 500, 20, 9, 6, 1, 4]},
        "zunyi": {"520302": [15000, 1100, 700, 25, 11, 7, 0, 5],
                  "520303": [14000, 1000, 650, 22, 10, 6, 0, 3],
                  "520304": [20000, 1500, 900, 30, 12, 9, 1, 6]},
    }  # fmt: skip
    versions = []
    for name, rows in pieces.items():
        client, token = _client(app, name)
        # the preview first: what the commit would change
        r = upload(client, token, _csv(rows), f"{name}.csv", period=P, dry_run="1")
        assert r.status_code == 200, r.json
        assert (r.json["mode"], r.json["counties_updated"], r.json["counties_added"],
                r.json["counties_unreported"]) == ("merge", len(rows), 0, 0)  # fmt: skip
        r = upload(client, token, _csv(rows), f"{name}.csv", period=P)
        assert r.status_code == 200 and r.json["dataset_version"], r.json
        versions.append(r.json["dataset_version"])
    assert versions == [2, 3, 4]
    after = _data(anon)
    uploaded = [c for rows in pieces.values() for c in rows]
    others = after.index.difference(uploaded)
    pd.testing.assert_frame_equal(
        after.loc[others, MEASURES], before.loc[others, MEASURES], check_dtype=False
    )
    for rows in pieces.values():
        for code, values in rows.items():
            assert after.loc[code, MEASURES].astype(int).tolist() == values
    assert sorted(after.index[after["source"] == "reported"]) == sorted(uploaded)
    assert after.loc["520302", "source_version"] == 4
    assert set(after.loc[others, "source"].dropna()) == {"synthetic"}
    meta = anon.get("/api/v1/meta").json
    assert meta["provenance"][P]["children"] == {
        "reported": 6, "mixed": 0, "synthetic": 2848 - 6, "no_data": 0}  # fmt: skip
    # completeness of the province: 88 counties expected, the six reported
    comp = anon.get(f"/api/v1/completeness?period={P}&region=520000").json
    assert (comp["expected"], comp["reported"], comp["missing_count"]) == (88, 6, 82)
    missing = {m["code"] for m in comp["missing"]}
    assert not missing & set(uploaded) and {"name_zh", "name_en"} <= set(comp["missing"][0])
    assert all("by" not in r for r in comp["reports"])  # who reported: signed-in users only
    boss, boss_token = _client(app, "boss")
    comp = boss.get(f"/api/v1/completeness?period={P}&region=520000").json
    assert {r["by"] for r in comp["reports"]} == {"guiyang", "liupanshui", "zunyi"}
    nation = anon.get(f"/api/v1/completeness?period={P}").json
    gz = next(p for p in nation["provinces"] if p["code"] == "520000")
    assert (nation["expected"], gz["reported"], gz["missing"]) == (2848, 6, 82)
    # the reporting-status map mode: reported / missing, no data for Taiwan
    r = anon.get(f"/api/v1/data.csv?period={P}&analysis=reporting")
    status = pd.read_csv(io.BytesIO(r.data), dtype={"code": str}, encoding="utf-8-sig")
    status = status.set_index("code")["reporting_status"]
    assert sorted(status[status == "reported"].index) == sorted(uploaded)
    assert pd.isna(status.get("710000", status[status.index.str.startswith("71")].iloc[0]))
    # briefings, analyses, the page's notice and the county panel say what is a mix
    from dashboard.sheets.briefing import source_line
    from geodata.analysis import AnalysisParams

    line, synthetic = source_line(atlas, P, "en")
    assert synthetic and "6 counties reported, 2,842 synthetic" in line, line
    summary = atlas.mode_summary(AnalysisParams(method="reporting"), P, "zh")
    assert "6 个县为上报数据" in summary, summary
    assert atlas.provenance_note(P, "zh").startswith("本时期 6 个县为上报数据")
    profile = atlas.county_profile("520302", P, "en")
    assert (profile["source"], profile["source_version"], profile["facilities_source"]) == (
        "reported", 4, "synthetic")  # fmt: skip
    assert profile["synthetic"]  # its facilities still are
    # a scoped editor cannot restore a version whose change lies outside their region
    zunyi, ztoken = _client(app, "zunyi")
    r = zunyi.post(f"/api/v1/datasets/children/{P}/1/activate",
                   headers={"X-CSRF-Token": ztoken})  # fmt: skip
    assert r.status_code == 403 and "outside your region 520300" in r.json["error"]
    # the admin restores the first version: the demo exactly
    r = boss.post(f"/api/v1/datasets/children/{P}/1/activate",
                  headers={"X-CSRF-Token": boss_token})  # fmt: skip
    assert r.status_code == 200, r.json
    assert anon.get(f"/api/v1/data.csv?period={P}").data == csv_before
    diff = boss.get(f"/api/v1/datasets/children/{P}/compare?old=1&new=4").json["changes"]
    assert {c["code"] for c in diff} == set(uploaded)
    boss.post(f"/api/v1/datasets/children/{P}/4/activate", headers={"X-CSRF-Token": boss_token})
    assert atlas.store.provenance_counts("children", P)["reported"] == 6


def test_outside_region_rows_rejected_and_replace_scope(editors):
    app = editors
    client, token = _client(app, "guiyang")
    rows = {"520111": [100, 10, 5, 1, 1, 1, 0, 0], "520201": [1, 1, 1, 1, 1, 1, 1, 1]}
    r = upload(client, token, _csv(rows), "g.csv", period=P, dry_run="1")
    rejected = [p for p in r.json["problems"] if p["severity"] == "rejected"]
    assert [(p["row"], p["rule"]) for p in rejected] == [(3, "outside_region")]
    assert "520201" in rejected[0]["reason"] and r.json["region"] == "520100"
    r = upload(client, token, _csv(rows), "g.csv", period=P, dry_run="1", mode="replace",
               scope="520000")  # fmt: skip
    assert r.status_code == 400 and "not inside your region" in r.json["error"]
    # replace of the prefecture (default scope: the editor's region)
    r = upload(client, token, _csv({"520111": rows["520111"]}), "g.csv", period=P,
               dry_run="1", mode="replace")  # fmt: skip
    assert r.json["scope"] == "520100" and r.json["counties_unreported"] == 9
    assert "520111" not in r.json["changes"]["unreported"]


def test_template_fills_and_imports_with_no_problem(editors):
    app = editors
    anon = app.server.test_client()
    r = anon.get(f"/api/v1/template.xlsx?region=520100&kind=children&period={P}")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["填报表", "填报说明"]
    ws = wb["填报表"]
    assert "2026年上半年" in ws["A1"].value and P in ws["A1"].value
    headers = [c.value for c in ws[2]]
    assert headers[:5] == ["区划代码", "省份", "地市", "县（市、区）", "时期"]
    assert "留守儿童（人）" in headers
    codes = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert len(codes) == 10 and all(c.startswith("5201") for c in codes)
    assert {ws.cell(r, 5).value for r in range(3, ws.max_row + 1)} == {P}
    rules = ws.data_validations.dataValidation
    assert rules and rules[0].type == "whole" and rules[0].formula1 == "0"
    for r_ in range(3, ws.max_row + 1):
        for c in range(6, ws.max_column + 1):
            ws.cell(r_, c).value = 10_000 + r_ if c == 6 else 100 + r_ + c  # children first
    buf = io.BytesIO()
    wb.save(buf)
    client, token = _client(app, "guiyang")
    r = upload(client, token, buf.getvalue(), "filled.xlsx", dry_run="1")
    assert r.status_code == 200, r.json
    rep = r.json
    assert rep["period"] == P and rep["problems"] == [], rep["problems"]
    assert rep["rows_imported"] == 10 and rep["rows_rejected"] == rep["rows_skipped"] == 0
    assert anon.get("/api/v1/template.xlsx?region=52&kind=children").status_code == 400
    assert anon.get("/api/v1/template.xlsx?region=520100&kind=x").status_code == 400
    facilities = anon.get("/api/v1/template.xlsx?region=520000&kind=facilities")
    ws = openpyxl.load_workbook(io.BytesIO(facilities.data))["填报表"]
    assert ws.max_row - 2 == 88 and "儿童之家数（个）" in [c.value for c in ws[2]]


def test_review_submit_approve_and_return(editors, monkeypatch):
    app = editors
    atlas = app.atlas
    monkeypatch.setattr(atlas, "settings", dataclasses.replace(atlas.settings, review=True))
    client, token = _client(app, "zunyi")
    before = atlas.store.versions("children", P)["version"].max()
    rows = {"520322": [5000, 400, 100, 5, 2, 1, 0, 1]}
    r = upload(client, token, _csv(rows), "z.csv", period=P)
    assert r.status_code == 200 and r.json["submission_id"] and r.json["dataset_version"] is None
    assert atlas.store.versions("children", P)["version"].max() == before  # waits
    mine = client.get("/api/v1/submissions").json["submissions"]
    assert mine[0]["state"] == "submitted" and mine[0]["mine"] and not mine[0]["may_review"]
    sid = mine[0]["id"]
    # the submitter and an editor of another prefecture cannot approve it
    assert client.post(f"/api/v1/submissions/{sid}/approve",
                       headers={"X-CSRF-Token": token}).status_code == 403  # fmt: skip
    other, otoken = _client(app, "guiyang")
    assert other.post(f"/api/v1/submissions/{sid}/approve",
                      headers={"X-CSRF-Token": otoken}).status_code == 403  # fmt: skip
    boss, btoken = _client(app, "boss")
    r = boss.post(f"/api/v1/submissions/{sid}/approve", headers={"X-CSRF-Token": btoken})
    assert r.status_code == 200 and r.json["dataset_version"] == before + 1
    assert atlas.store.children(P).set_index("code").loc["520322", "left_behind"] == 400
    assert client.get("/api/v1/submissions").json["submissions"][0]["state"] == "approved"
    r = upload(client, token, _csv({"520322": [1] * 8}), "z2.csv", period=P)
    sid = r.json["submission_id"]
    r = boss.post(f"/api/v1/submissions/{sid}/return", data={"note": "数字有误"},
                  headers={"X-CSRF-Token": btoken})  # fmt: skip
    assert r.status_code == 200
    sub = client.get("/api/v1/submissions").json["submissions"][0]
    assert (sub["state"], sub["review_note"]) == ("returned", "数字有误")
    assert boss.post(f"/api/v1/submissions/{sid}/approve",
                     headers={"X-CSRF-Token": btoken}).status_code == 409  # fmt: skip
    assert atlas.store.children(P).set_index("code").loc["520322", "left_behind"] == 400
    # the upload page's buttons: the reviewer approves through the page's callback
    r = upload(client, token, _csv({"520322": [6000, 500, 100, 5, 2, 1, 0, 1]}), "z3.csv",
               period=P)  # fmt: skip
    sid = r.json["submission_id"]
    deps = boss.get("/_dash-dependencies").get_json()
    (dep,) = [d for d in deps if "submissions-list.children" in d["output"]]
    key = {"type": "submission-approve", "key": str(sid)}
    body = {
        "output": dep["output"],
        "outputs": [{"id": o.split("@")[0].rsplit(".", 1)[0],
                     "property": o.split("@")[0].rsplit(".", 1)[1]}
                    for o in dep["output"].strip(".").split("...")],
        "inputs": [[{"id": key, "property": "n_clicks", "value": 1}], []],
        "state": [[], [], {"id": "upload-csrf", "property": "data", "value": btoken},
                  {"id": "upload-lang", "property": "data", "value": "en"}],
        "changedPropIds": [json.dumps(key, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }  # fmt: skip
    r = boss.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.data[:300]
    status = r.get_json()["response"]["submissions-status"]["children"]
    assert f"Submission {sid} approved" in status, status
    assert atlas.store.children(P).set_index("code").loc["520322", "left_behind"] == 500
    users = app.server.extensions["atlas_users"]
    assert uploads.needs_review(atlas.settings, users.get("boss")) is False
    assert uploads.needs_review(atlas.settings, users.get("zunyi")) is True


def test_facility_labels_follow_each_county(editors):
    """A county whose facilities all come from an upload: its points lose the synthetic
    label; the demo's points elsewhere keep it."""
    from dashboard.presenters import overlays

    app = editors
    boss, token = _client(app, "boss")
    body = "名称,类型,区划代码,经度,纬度\n南明儿童之家,儿童之家,520102,106.71,26.57\n"
    r = upload(boss, token, body, "pts.csv", kind="facilities", period=P, mode="replace",
               scope="520102")  # fmt: skip
    assert r.status_code == 200 and r.json["dataset_version"], r.json
    layer = overlays.facility_layer(app.atlas, P, "520100", "en")
    texts = layer["children_home"]["text"] + layer["activity_centre"]["text"]
    mine = [x for x in texts if "南明儿童之家" in x]
    assert mine and "synthetic" not in mine[0].lower()
    others = [x for x in texts if "南明儿童之家" not in x]
    assert others and all("synthetic" in x.lower() for x in others)
