"""geodata.store.commits / merge / provenance: merge and replace versions, serialised
commits, provenance per county, comparing versions (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from geodata.store import db as store_db
from geodata.store.merge import apply, apply_points

P = "2026-H1"
CODES = [f"5201{i:02d}" for i in range(1, 11)] + [f"5202{i:02d}" for i in range(1, 6)]


def demo(store):
    """Fifteen synthetic counties: children, left-behind, migrant and a risk group."""
    n = len(CODES)
    df = pd.DataFrame(
        {"code": CODES, "children": np.arange(n) * 100.0 + 1000,
         "left_behind": np.arange(n) + 50.0, "migrant": np.arange(n) + 20.0,
         "risk_hardship": np.arange(n) + 1.0}
    )  # fmt: skip
    store.add_children(P, df, source="demo", synthetic=True)
    return df.set_index("code")


def test_merge_updates_only_listed_counties_and_measures(store):
    before = demo(store)
    up = pd.DataFrame({"code": ["520101", "520102"], "left_behind": [7.0, 8.0]})
    plan = store.plan("children", P, up)
    assert plan.change.counts() == {"counties_updated": 2, "counties_added": 0,
                                    "counties_unchanged": 0, "counties_unreported": 0}  # fmt: skip
    assert store.versions("children", P)["version"].tolist() == [1]  # a plan writes nothing
    done = store.commit("children", P, up, source="upload: a.csv", created_by="zhang")
    assert done.version == 2 and done.base_version == 1
    after = store.children(P).set_index("code")
    assert after.loc["520101", "left_behind"] == 7 and after.loc["520102", "left_behind"] == 8
    # every other measure of those counties, and every other county, as it was
    cols = ["children", "left_behind", "migrant", "risk_hardship"]
    assert after.loc["520101", "risk_hardship"] == before.loc["520101", "risk_hardship"]
    others = [c for c in CODES if c not in ("520101", "520102")]
    pd.testing.assert_frame_equal(after.loc[others, cols], before.loc[others, cols])
    prov = store.provenance("children", P).set_index("code")
    assert prov.loc["520101", "source"] == "mixed" and prov.loc["520103", "source"] == "synthetic"
    assert prov.loc["520101", "source_version"] == 2 and prov.loc["520103", "source_version"] == 1
    assert prov.loc["520101", "reported_by"] == "zhang"
    assert store.provenance_counts("children", P) == {
        "reported": 0, "mixed": 2, "synthetic": 13, "no_data": 0}  # fmt: skip
    diff = store.compare("children", P, 1, 2)
    assert diff.to_dict("records") == [
        {"code": "520101", "column": "left_behind", "old": 50.0, "new": 7.0},
        {"code": "520102", "column": "left_behind", "old": 51.0, "new": 8.0},
    ]
    # restoring the first version gives back the demo exactly
    store.activate("children", P, 1)
    pd.testing.assert_frame_equal(store.children(P), store.children(P, version=1))
    assert store.provenance_counts("children", P)["synthetic"] == len(CODES)


def test_replace_clears_the_scope_only(store):
    demo(store)
    scope = [c for c in CODES if c.startswith("5201")]
    up = pd.DataFrame({"code": ["520101"], "children": [5.0], "left_behind": [1.0],
                       "migrant": [1.0], "risk_hardship": [0.0]})  # fmt: skip
    done = store.commit("children", P, up, mode="replace", scope="520100", scope_codes=scope,
                        source="upload: b.csv")  # fmt: skip
    assert done.change.unreported == scope[1:] and done.change.updated == ["520101"]
    got = store.children(P).set_index("code")
    assert got.loc[scope[1:], "children"].isna().all()
    assert got.loc["520201", "children"] == 1000 + 10 * 100
    counts = store.provenance_counts("children", P)
    assert counts == {"reported": 1, "mixed": 0, "synthetic": 5, "no_data": 9}
    assert store.active_row_counts()[P] == 6  # counties with data
    with pytest.raises(ValueError, match="outside the scope"):
        store.commit("children", P, pd.DataFrame({"code": ["520201"], "children": [1.0]}),
                     mode="replace", scope="520100", scope_codes=scope, source="x")  # fmt: skip


def test_blank_cell_keeps_value_in_merge(store):
    demo(store)
    up = pd.DataFrame({"code": ["520101", "520102"], "children": [np.nan, 9.0]})
    change = store.commit("children", P, up, source="x").change
    got = store.children(P).set_index("code")
    assert got.loc["520101", "children"] == 1000 and got.loc["520102", "children"] == 9
    assert change.unchanged == ["520101"] and change.updated == ["520102"]


def test_concurrent_commits_both_land(store):
    """Two editors commit to one period at the same moment: both changes survive."""
    demo(store)
    barrier = threading.Barrier(2)
    errors = []

    def editor(code, value):
        try:
            barrier.wait(5)
            store.commit("children", P, pd.DataFrame({"code": [code], "left_behind": [value]}),
                         source=f"upload: {code}.csv")  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=a) for a in (("520101", 1), ("520201", 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    got = store.children(P).set_index("code")
    assert got.loc["520101", "left_behind"] == 1 and got.loc["520201", "left_behind"] == 2
    v = store.versions("children", P)
    assert v["version"].tolist() == [1, 2, 3] and v["active"].tolist() == [False, False, True]
    assert sorted(v["base_version"].dropna().astype(int).tolist()) == [1, 2]


def test_failed_commit_leaves_previous_version_active(store, monkeypatch):
    demo(store)

    def broken(conn, table, rows):
        raise sa.exc.OperationalError("INSERT", {}, Exception("connection lost"))

    monkeypatch.setattr(store_db, "bulk_insert", broken)
    with pytest.raises(sa.exc.OperationalError):
        store.commit("children", P, pd.DataFrame({"code": ["520101"], "children": [1.0]}),
                     source="x", raw_upload=dict(filename="f.csv", sha256="0" * 64,
                                                 stored_path="/tmp/f.csv", size=1))  # fmt: skip
    monkeypatch.undo()
    v = store.versions("children", P)
    assert v["version"].tolist() == [1] and bool(v["active"].iloc[0])
    assert store.raw_uploads().empty


def test_facility_points_merge_and_counts(store):
    counts = pd.DataFrame({"code": ["520101", "520102"], "children_homes": [1.0, 1.0],
                           "activity_centres": [0.0, 0.0]})  # fmt: skip
    points = pd.DataFrame({"facility_id": ["a", "b"], "name": ["A", "B"],
                           "kind": ["children_home", "children_home"],
                           "code": ["520101", "520102"], "lon": [106.6, 106.7],
                           "lat": [26.5, 26.6]})  # fmt: skip
    store.add_facilities(P, counts, points, source="demo", synthetic=True)
    new = pd.DataFrame({"facility_id": ["b", "c"], "name": ["B2", "C"],
                        "kind": ["activity_centre", "activity_centre"],
                        "code": ["520103", "520102"], "lon": [106.8, 106.7],
                        "lat": [26.7, 26.6]})  # fmt: skip
    done = store.commit("facilities", P, pd.DataFrame({"code": []}), new, source="upload: p.csv")
    got, pts = store.facilities(P)
    assert sorted(pts["facility_id"]) == ["a", "b", "c"]
    assert pts.set_index("facility_id").loc["b", "name"] == "B2"
    by = got.set_index("code")
    assert by.loc["520101", "children_homes"] == 1  # untouched
    assert by.loc["520102", ["children_homes", "activity_centres"]].tolist() == [0, 1]
    assert by.loc["520103", ["children_homes", "activity_centres"]].tolist() == [0, 1]
    assert sorted(done.change.added) == ["520103"]


def test_apply_and_apply_points_are_pure():
    base = pd.DataFrame({"a": [1.0], "reported": [0], "source_id": [1.0]},
                        index=pd.Index(["110101"], name="code"))  # fmt: skip
    snap, ch = apply(base, pd.DataFrame({"code": ["110101"], "a": [1.0]}), ("a",), new_id=2)
    assert ch.unchanged == ["110101"] and snap.loc["110101", "reported"] == 1
    assert base.loc["110101", "reported"] == 0  # the base is not modified
    pts = pd.DataFrame({"facility_id": ["x"], "name": ["X"], "kind": ["children_home"],
                        "code": ["110101"], "lon": [116.4], "lat": [39.9]})  # fmt: skip
    merged, touched = apply_points(pts, pts.iloc[:0], mode="replace", scope_codes=["110101"])
    assert merged.empty and touched == ["110101"]


def test_old_database_gains_new_columns(tmp_path):
    """A database made before provenance: create_all adds the new columns."""
    from geodata.store import Store

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        conn.execute(sa.text("CREATE TABLE county_values (dataset_id INTEGER, code VARCHAR(6))"))
    eng.dispose()
    s = Store(url)
    s.create_all()
    cols = {c["name"] for c in sa.inspect(s.engine).get_columns("county_values")}
    assert {"reported", "source_id", "children"} <= cols
    s.dispose()
