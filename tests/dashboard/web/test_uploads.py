"""Upload API and dataset versions, on an app with its own database."""

from __future__ import annotations

import io

import pandas as pd

from tests.dashboard.conftest import VIEWER, signed_in, upload

MESSY = (
    "2025年上半年留守儿童统计表\n"
    "区划代码,县区,儿童总数,留守儿童,流动儿童\n"
    "110101,东城区,45000,40,27000\n"
    "156410381000,偃师市,80000,3100,2500\n"
    "合计,,125000,3140,29500\n"
    "999999,不存在县,10,1,1\n"
    "110102,西城区,abc,5,5\n"
    "\n"
    '"110105",朝阳区,"1,200,000",-3,1\n'
)
PERIOD = "2019-H1"  # not a demo period: the first upload is version 1


def _post(client, token, body: bytes, name="messy.csv", **fields):
    return upload(client, token, body, name, **{"period": PERIOD, **fields})


def _versions(atlas, period=PERIOD):
    return atlas.store.versions("children", period)


def test_signed_out_is_401_viewer_403_no_csrf_403(rw_app):
    anon = rw_app.server.test_client()
    r = _post(anon, None, MESSY.encode())
    assert r.status_code == 401 and r.json["error"]
    assert anon.get("/api/v1/datasets").status_code == 401
    viewer, vtoken = signed_in(rw_app, VIEWER)
    assert _post(viewer, vtoken, MESSY.encode()).status_code == 403
    assert viewer.get("/api/v1/datasets").status_code == 200  # viewers may look
    assert viewer.post(f"/api/v1/datasets/children/{PERIOD}/1/activate").status_code == 403
    editor, _ = signed_in(rw_app)
    r = _post(editor, None, MESSY.encode(), dry_run="1")
    assert r.status_code == 403 and "CSRF" in r.json["error"]
    assert _post(editor, "wrong-token", MESSY.encode(), dry_run="1").status_code == 403
    assert _versions(rw_app.atlas).empty


def test_dry_run_writes_nothing_and_counts_add_up(rw_app):
    atlas = rw_app.atlas
    client, token = signed_in(rw_app)
    stamp, uploads_before = atlas.store.stamp(), len(atlas.store.raw_uploads())
    r = _post(client, token, MESSY.encode("gb18030"), dry_run="true")
    assert r.status_code == 200, r.json
    rep = r.json
    assert rep["rows_total"] == rep["rows_imported"] + rep["rows_skipped"] + rep["rows_rejected"]
    assert (rep["rows_total"], rep["rows_imported"], rep["rows_skipped"]) == (7, 2, 2)
    assert rep["codes_remapped"] == {"410381": "410307"}
    assert {p["row"] for p in rep["problems"]} == {None, 5, 6, 7, 8, 9}  # None: file note
    assert all({"row", "column", "reason"} <= set(p) for p in rep["problems"])
    assert rep["dataset_version"] is None and rep["dry_run"] is True
    assert atlas.store.stamp() == stamp and len(atlas.store.raw_uploads()) == uploads_before
    assert _versions(atlas).empty


def test_unreadable_file_and_bad_parameters_are_400(rw_app):
    client, token = signed_in(rw_app)
    r = _post(client, token, b"PK\x03\x04 not a workbook", name="x.xlsx")
    assert r.status_code == 400 and "\n" not in r.json["error"]
    assert _post(client, token, b"").status_code == 400
    assert _post(client, token, MESSY.encode(), kind="people").status_code == 400
    assert _post(client, token, MESSY.encode(), period="2025-H3").status_code == 400
    r = _post(client, token, MESSY.encode(), mapping="{not json")
    assert r.status_code == 400 and "JSON" in r.json["error"]
    r = _post(client, token, MESSY.encode(), mapping='{"code": "no such column"}')
    assert r.status_code == 400
    r = client.post("/api/v1/uploads", data={"kind": "children"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 400 and "file" in r.json["error"]


def test_mapping_override(rw_app):
    client, token = signed_in(rw_app)
    body = "代码,名字,甲,乙\n110101,东城区,45000,40\n".encode()
    r = _post(client, token, body, dry_run="1")
    assert r.status_code == 400  # no value column recognised
    r = _post(client, token, body, dry_run="1", mapping='{"children": "甲", "left_behind": "乙"}')
    assert r.status_code == 200 and r.json["rows_imported"] == 1
    assert r.json["mapping"]["left_behind"] == "乙"


def test_too_large_is_413(rw_app):
    client, token = signed_in(rw_app)
    limit = rw_app.server.config["MAX_CONTENT_LENGTH"]
    rw_app.server.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        r = _post(client, token, MESSY.encode() * 40, dry_run="1")
    finally:
        rw_app.server.config["MAX_CONTENT_LENGTH"] = limit
    assert r.status_code == 413 and "MB" in r.json["error"]


def test_commit_versions_restore_delete_and_explorer_switch(rw_app):
    atlas = rw_app.atlas
    client, token = signed_in(rw_app)
    # commit twice: versions 1 and 2, the newest active
    r1 = _post(client, token, MESSY.encode())
    assert r1.status_code == 200 and r1.json["dataset_version"] == 1
    second = MESSY.replace("110101,东城区,45000,40", "110101,东城区,45000,77")
    r2 = _post(client, token, second.encode("utf-8-sig"))
    assert r2.json["dataset_version"] == 2
    v = _versions(atlas)
    assert v["version"].tolist() == [1, 2] and v["active"].tolist() == [False, True]
    assert v["created_by"].tolist() == ["zhang", "zhang"]
    assert len(atlas.store.raw_uploads()) >= 2

    # the explorer's data switch at once: uploaded values, not synthetic
    def csv():
        r = client.get(f"/api/v1/data.csv?period={PERIOD}")
        assert r.status_code == 200
        return r, pd.read_csv(io.BytesIO(r.data), dtype={"code": str}).set_index("code")

    resp, table = csv()
    assert resp.headers["X-Atlas-Synthetic"] == "false" and not table["synthetic"].any()
    assert table.loc["110101", "left_behind"] == 77 and table.loc["110101", "children"] == 45000
    assert PERIOD in client.get("/api/v1/meta").json["periods"]
    assert client.get("/api/v1/meta").json["synthetic"][PERIOD] is False

    # the datasets list
    listed = client.get("/api/v1/datasets").json["datasets"]
    mine = [d for d in listed if d["period"] == PERIOD and d["kind"] == "children"]
    assert [(d["version"], d["active"]) for d in mine] == [(2, True), (1, False)]
    assert all(d["synthetic"] is False and d["row_count"] == 2 for d in mine)
    assert any(d["synthetic"] for d in listed)  # the demo data are listed too

    # restore version 1
    url = f"/api/v1/datasets/children/{PERIOD}/1/activate"
    assert client.post(url).status_code == 403  # no CSRF token
    r = client.post(url, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json["active_version"] == 1
    assert _versions(atlas)["active"].tolist() == [True, False]
    assert csv()[1].loc["110101", "left_behind"] == 40
    missing = f"/api/v1/datasets/children/{PERIOD}/9/activate"
    assert client.post(missing, headers={"X-CSRF-Token": token}).status_code == 404

    # delete needs confirm=<period>
    url = f"/api/v1/datasets/children/{PERIOD}/1/delete"
    h = {"X-CSRF-Token": token}
    r = client.post(url, headers=h)
    assert r.status_code == 400 and f"confirm={PERIOD}" in r.json["error"]
    assert client.post(url, headers=h, data={"confirm": "2020-H1"}).status_code == 400
    assert len(_versions(atlas)) == 2
    r = client.post(url, headers=h, data={"confirm": PERIOD})
    assert r.status_code == 200
    v = _versions(atlas)
    assert v["version"].tolist() == [2] and v["active"].tolist() == [True]
    # the only version needs force as well
    url = f"/api/v1/datasets/children/{PERIOD}/2/delete"
    assert client.post(url, headers=h, json={"confirm": PERIOD}).status_code == 409
    assert client.post(url, headers=h, json={"confirm": PERIOD, "force": True}).status_code == 200
    assert _versions(atlas).empty
    assert PERIOD not in client.get("/api/v1/meta").json["periods"]


def test_facilities_points_upload(rw_app):
    client, token = signed_in(rw_app)
    body = (
        "机构名称,类型,区划代码,经度,纬度\n"
        "东城区儿童之家,儿童之家,110101,116.416,39.928\n"
        "海外点,儿童之家,110101,2.35,48.85\n"
    ).encode()
    r = _post(client, token, body, name="fac.csv", kind="facilities", dry_run="1")
    assert r.status_code == 200, r.json
    rep = r.json
    assert rep["layout"] == "points" and rep["rows_total"] == 2
    assert rep["rows_total"] == rep["rows_imported"] + rep["rows_skipped"] + rep["rows_rejected"]
    assert rep["rows_rejected"] >= 1  # the point in Paris


def test_upload_service_staging_is_per_user(rw_app, tmp_path):
    import pytest

    from dashboard import uploads

    settings = rw_app.settings
    token = uploads.stage(settings, "zhang", "a.csv", b"x,y\n1,2\n")
    assert uploads.staged(settings, token, "zhang") == ("a.csv", b"x,y\n1,2\n")
    with pytest.raises(LookupError):
        uploads.staged(settings, token, "li")
    with pytest.raises(LookupError):
        uploads.staged(settings, "../../etc", "zhang")
    uploads.discard(settings, token, "zhang")
    with pytest.raises(LookupError):
        uploads.staged(settings, token, "zhang")
    assert uploads.mapping_overrides(
        ["code", "county"], ["A", ""], {"code": "A", "county": "B"}
    ) == {"county": None}


def test_problem_reasons_are_explained_in_chinese():
    """Every rule the importer can report has a Chinese meaning in the report."""
    import re
    from pathlib import Path

    from dashboard.pages.upload.layout import RULES, reason_text

    package = Path(__file__).parents[3] / "geodata" / "ingest"
    assert package.is_dir(), package
    source = "\n".join(f.read_text(encoding="utf-8") for f in sorted(package.glob("*.py")))
    # Rules follow their severity in R.add(...) calls, or name a file-level warning.
    rules = set(re.findall(r'"(?:rejected|skipped|warning)",\s*"([a-z_]+)"', source))
    rules |= set(re.findall(r'file_warning\(\s*"([a-z_]+)"', source))
    rules |= {"non_numeric", "not_whole", "negative", "too_large"}  # parse_counts' rules
    rules -= {"rejected", "skipped", "rule"}  # severities and a variable, not rules
    assert len(rules) > 20
    assert not rules - set(RULES), rules - set(RULES)
    p = {"rule": "unknown_code", "reason": "unknown county code '999999'"}
    assert reason_text(p, "zh") == "代码无法识别：unknown county code '999999'"
    assert reason_text(p, "en") == "unknown county code '999999'"


def test_impossible_counts_are_rejected_and_stored_ones_never_break_readers(rw_app):
    """Counts up to 1e308 and 300-digit numbers are rejected with a rule; a value like
    that already in the database (an import before the rule) shows as no data."""
    client, token = signed_in(rw_app)
    body = (
        "区划代码,县区,留守儿童,儿童总数\n"
        "110101,东城区,1e308,45000\n"
        f"110102,西城区,{'9' * 300},52000\n"
        "110105,朝阳区,40,45000\n"
    ).encode()
    r = _post(client, token, body, name="huge.csv", period="2018-H2")
    assert r.status_code == 200, r.json
    rules = {(p["row"], p["rule"]) for p in r.json["problems"]}
    assert {(2, "too_large"), (3, "too_large")} <= rules and r.json["rows_imported"] == 1
    # A stored 1e308 (written past the importer) must not make the CSV answer 500.
    store = rw_app.atlas.store
    import pandas as pd

    data = pd.DataFrame(
        {"code": ["110101", "110102"], "left_behind": [1e308, 40.0], "children": [45000.0, 1.0]}
    )
    store.add_children("2018-H1", data, source="test", synthetic=False)
    r = client.get("/api/v1/data.csv?period=2018-H1")
    assert r.status_code == 200, r.get_data()[:300]
    row = next(x for x in r.get_data(as_text=True).splitlines() if x.startswith("2018-H1,110101"))
    assert "1e+308" not in row and "inf" not in row.lower()


def test_unknown_flag_values_are_refused_not_committed(rw_app):
    """dry_run=2 created a version before: only known yes/no words are read."""
    client, token = signed_in(rw_app)
    before = len(_versions(rw_app.atlas, "2017-H1"))
    for value in ("2", "maybe", "真"):
        r = _post(client, token, MESSY.encode(), period="2017-H1", dry_run=value)
        assert r.status_code == 400 and "dry_run" in r.json["error"], (value, r.json)
    assert len(_versions(rw_app.atlas, "2017-H1")) == before
    assert _post(client, token, MESSY.encode(), period="2017-H1", dry_run="yes").json["dry_run"]


def test_huge_version_numbers_are_404_not_500(rw_app):
    client, token = signed_in(rw_app)
    for version in (2**63, 2**63 + 1, 10**30, 0):
        for action in ("activate", "delete"):
            r = client.post(
                f"/api/v1/datasets/children/{PERIOD}/{version}/{action}",
                headers={"X-CSRF-Token": token},
                json={"confirm": PERIOD},
            )
            assert r.status_code == 404, (version, action, r.status_code)


def test_a_link_to_a_huge_programme_id_opens_the_page(rw_app):
    client = rw_app.server.test_client()
    for pid in ("99999999999999999999", str(2**63), "-1", "1e9", "abc"):
        r = client.get(
            "/_dash-layout", headers={"Referer": f"http://localhost/?programme={pid}&pfilter=1"}
        )
        assert r.status_code == 200, (pid, r.get_data(as_text=True)[-300:])
