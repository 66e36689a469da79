"""geodata.ingest.commit: import_file commits versions and keeps the raw file, or writes
nothing."""

from __future__ import annotations

import pytest

from geodata.ingest import ImportFileError, import_file
from tests.geodata.ingest.helpers import HEAD, P, check, csv_bytes, good_rows, rules, run


def test_header_only_file(registry, tmp_path, store):
    rep = run(csv_bytes([HEAD]), registry)
    assert rep.rows_total == 0 and rep.rows_imported == 0
    assert rules(rep) == [(None, "no_rows")]
    assert rep.data.empty
    # trailing blank rows are not data rows
    rep = run(csv_bytes([HEAD, [], ["", "", ""]]), registry)
    assert rep.rows_total == 0
    path = tmp_path / "h.csv"
    path.write_bytes(csv_bytes([HEAD]))
    rep = import_file(store, registry, path, kind="children", period=P, raw_dir=tmp_path / "raw")
    check(rep)
    assert rep.dataset_version is None and not (tmp_path / "raw").exists()
    assert store.raw_uploads().empty


def test_import_file_commits_versions_and_keeps_raw(registry, store, tmp_path):
    raw_dir = tmp_path / "uploads"
    path = tmp_path / "2025上半年.csv"
    path.write_bytes(csv_bytes(good_rows(), "gbk"))
    rep = import_file(store, registry, path, kind="children", period=P, raw_dir=raw_dir,
                      created_by="planner")  # fmt: skip
    check(rep)
    assert rep.dataset_version == 1 and rep.committed
    stored = raw_dir / f"{rep.sha256}.csv"
    assert stored.read_bytes() == path.read_bytes()
    ups = store.raw_uploads()
    assert ups[["filename", "sha256", "created_by"]].iloc[0].tolist() == [
        path.name,
        rep.sha256,
        "planner",
    ]
    got = store.children(P)
    assert sorted(got["code"]) == ["110101", "110102", "410307"]
    # a second upload for the period merges: new version, other counties kept
    path2 = tmp_path / "fix.csv"
    path2.write_bytes(csv_bytes([HEAD, ["110101", "东城区", "1500", "150", "50"]]))
    rep2 = import_file(store, registry, path2, kind="children", period=P, raw_dir=raw_dir)
    assert rep2.dataset_version == 2 and rep2.mode == "merge" and rep2.base_version == 1
    assert rep2.changes["updated"] == ["110101"] and not rep2.changes["added"]
    got = store.children(P).set_index("code")
    assert sorted(got.index) == ["110101", "110102", "410307"]
    assert got.loc["110101", "left_behind"] == 150 and got.loc["110102", "left_behind"] == 200
    store.activate("children", P, 1)
    assert store.children(P).set_index("code").loc["110101", "left_behind"] == 100


def test_replace_scope_and_region(registry, store, tmp_path, grid_counties):
    """Replace makes the scope's missing counties not reported; rows outside the
    uploader's region or the declared scope are rejected with a reason."""
    raw_dir = tmp_path / "raw"
    kw = dict(kind="children", period=P, raw_dir=raw_dir, counties=grid_counties)
    rows = [HEAD] + [[c, "", "100", "10", "5"] for c in ("110101", "110102", "120101", "120102")]
    rep = import_file(store, registry, csv_bytes(rows), filename="a.csv", **kw)
    check(rep)
    assert rep.changes["added"] == ["110101", "110102", "120101", "120102"]
    # an editor of 110000 sends a Beijing row and a Tianjin row: Tianjin is refused
    two = [HEAD, ["110101", "", "200", "20", "5"], ["120101", "", "1", "1", "1"]]
    rep = import_file(store, registry, csv_bytes(two), filename="b.csv", region="110000",
                      dry_run=True, **kw)  # fmt: skip
    check(rep)
    assert rules(rep, "rejected") == [(3, "outside_region")]
    assert "outside your region (110000)" in rep.problems[0]["reason"]
    assert rep.changes == {"updated": ["110101"], "added": [], "unchanged": [], "unreported": []}
    # replace for Beijing: 110102 becomes not reported, Tianjin untouched
    rep = import_file(store, registry, csv_bytes(two), filename="c.csv", mode="replace",
                      scope="110000", **kw)  # fmt: skip
    check(rep)
    assert rules(rep, "rejected") == [(3, "outside_scope")]
    assert rep.to_json()["counties_unreported"] == 1
    assert rep.changes["unreported"] == ["110102"]
    got = store.children(P).set_index("code")
    assert got.loc[["110102"], "children"].isna().all()
    assert got.loc["120101", "children"] == 100 and got.loc["110101", "children"] == 200
    with pytest.raises(ValueError, match="needs the scope"):
        import_file(store, registry, csv_bytes(two), filename="c.csv", mode="replace", **kw)
    with pytest.raises(ValueError, match="not inside your region"):
        import_file(store, registry, csv_bytes(two), filename="c.csv", mode="replace",
                    scope="120000", region="110000", **kw)  # fmt: skip


def test_import_file_from_bytes_and_facilities(registry, store, tmp_path, grid_counties):
    rows = [
        ["名称", "类型", "经度", "纬度"],
        ["a", "儿童之家", "80.5", "22.5"],
        ["b", "活动中心", "80.6", "22.4"],
    ]
    rep = import_file(store, registry, csv_bytes(rows), filename="pts.csv", kind="facilities",
                      period=P, raw_dir=tmp_path / "raw", counties=grid_counties)  # fmt: skip
    check(rep)
    assert rep.dataset_version == 1
    counts, pts = store.facilities(P)
    assert sorted(pts["name"]) == ["a", "b"] and set(pts["code"]) == {"110101"}
    assert counts[["code", "children_homes", "activity_centres"]].values.tolist() == [
        ["110101", 1.0, 1.0]
    ]
    assert not counts["synthetic"].any()


def test_dry_run_and_unreadable_write_nothing(registry, store, tmp_path):
    raw_dir = tmp_path / "raw"
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(good_rows()))
    rep = import_file(store, registry, path, kind="children", period=P, dry_run=True)
    check(rep)
    assert rep.rows_imported == 3 and rep.dataset_version is None and rep.dry_run
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(ImportFileError):
        import_file(store, registry, bad, kind="children", period=P, raw_dir=raw_dir)
    assert not raw_dir.exists()
    assert store.raw_uploads().empty and store.periods("children") == []
    with pytest.raises(ValueError, match="raw_dir is required"):
        import_file(store, registry, path, kind="children", period=P)


def test_a_commit_killed_half_way_leaves_no_upload_record(registry, store, tmp_path, monkeypatch):
    """The raw file's record and the dataset are one transaction: a failure while the
    rows are written (a kill, a full disk) leaves neither, where it left a record that
    no dataset used (4 kills of 5 in the attack)."""
    from geodata.store import db as store_db

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    before = len(store.raw_uploads())
    monkeypatch.setattr(store_db, "bulk_insert", broken)
    with pytest.raises(OSError):
        import_file(store, registry, csv_bytes(good_rows()), filename="a.csv",
                    kind="children", period=P, raw_dir=tmp_path / "raw")  # fmt: skip
    monkeypatch.undo()
    assert len(store.raw_uploads()) == before
    assert store.versions("children", P).empty


def test_clean_uploads_removes_leftovers_only(registry, store, tmp_path):
    import os
    import time

    from geodata.ingest.commit import clean_uploads

    raw = tmp_path / "raw"
    rep = import_file(store, registry, csv_bytes(good_rows()), filename="a.csv",
                      kind="children", period=P, raw_dir=raw)  # fmt: skip
    # a record no dataset uses, as an interrupted commit of an older version left
    store.add_raw_upload(filename="lost.csv", sha256="cd" * 32, stored_path=raw / "lost.csv",
                         size=1)  # fmt: skip
    assert clean_uploads(store, raw, older_than_s=0)["records"] == 1
    kept = raw / os.path.basename(rep.stored_path)
    orphan = raw / ("ab" * 32 + ".csv")
    temp = raw / ".upload-x1y2"
    fresh_temp = raw / ".upload-now"
    for f in (orphan, temp, fresh_temp):
        f.write_bytes(b"x")
    old = time.time() - 7200
    for f in (kept, orphan, temp):
        os.utime(f, (old, old))
    out = clean_uploads(store, raw)
    assert out == {"temp_files": 1, "raw_files": 1, "records": 0}
    assert kept.exists() and fresh_temp.exists() and not orphan.exists() and not temp.exists()
    assert len(store.raw_uploads()) == 1  # the committed upload's record stays
