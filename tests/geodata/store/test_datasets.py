import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from geodata.indicators import FACILITY_COUNTS, MEASURES
from geodata.store import Store, sqlite_url

# ``store`` (tests/geodata/conftest.py) runs each test on SQLite and on PostgreSQL.


def children_df(n=3, scale=1):
    codes = [f"{110101 + i:06d}" for i in range(n)]
    data = {"code": codes}
    for j, m in enumerate(MEASURES):
        data[m] = [(i + 1) * (100 - 10 * j) * scale for i in range(n)]
    return pd.DataFrame(data)


def counts_df(n=3):
    return pd.DataFrame(
        {
            "code": [f"{110101 + i:06d}" for i in range(n)],
            **{c: [i + k for i in range(n)] for k, c in enumerate(FACILITY_COUNTS)},
        }
    )


def points_df():
    return pd.DataFrame(
        {
            "facility_id": ["h1", "a1"],
            "name": ["儿童之家1", "活动中心1"],
            "kind": ["children_home", "activity_centre"],
            "code": ["110101", "110102"],
            "lon": [116.4, 116.5],
            "lat": [39.9, 39.8],
        }
    )


def test_path_accepted_as_sqlite_file(tmp_path):
    s = Store(tmp_path / "x.sqlite")
    assert s.url == sqlite_url(tmp_path / "x.sqlite")
    s.create_all()
    assert (tmp_path / "x.sqlite").exists()
    s.dispose()


def test_create_all_idempotent(store):
    store.create_all()
    store.create_all()
    assert set(sa.inspect(store.engine).get_table_names()) == {
        "datasets",
        "county_values",
        "facility_points",
        "raw_uploads",
        "programmes",
        "rounds",
        "submissions",
    }


def test_children_round_trip(store):
    v = store.add_children(
        "2025-H2", children_df(), source="test", synthetic=True, created_by="me", note="n"
    )
    assert v == 1
    out = store.children("2025-H2")
    assert list(out.columns) == ["period", "code", *MEASURES, "synthetic"]
    assert out["code"].tolist() == ["110101", "110102", "110103"]
    assert out["children"].tolist() == [100.0, 200.0, 300.0]
    assert out["period"].eq("2025-H2").all() and out["synthetic"].all()
    versions = store.versions("children", "2025-H2")
    assert versions.loc[0, "row_count"] == 3 and versions.loc[0, "created_by"] == "me"
    assert bool(versions.loc[0, "active"]) and versions.loc[0, "note"] == "n"


def test_missing_values_and_columns_become_nan(store):
    df = pd.DataFrame(
        {"code": ["110101", "110102"], "children": [10, np.nan], "left_behind": [1, None]}
    )
    store.add_children("2025-H2", df, source="t", synthetic=False)
    out = store.children()
    assert np.isnan(out.loc[1, "children"]) and np.isnan(out.loc[1, "left_behind"])
    assert out["migrant"].isna().all()
    assert out["children"].dtype == "float64"
    assert not out["synthetic"].any()


def test_latest_period_default_and_periods_sorted(store):
    store.add_children("2026-H1", children_df(), source="t", synthetic=True)
    store.add_children("2025-H2", children_df(), source="t", synthetic=True)
    store.add_facilities("2025-H1", counts_df(), source="t", synthetic=True)
    assert store.periods() == ["2025-H2", "2026-H1"]
    assert store.periods("facilities") == ["2025-H1"]
    assert store.children()["period"].iloc[0] == "2026-H1"
    with pytest.raises(ValueError, match="kind"):
        store.periods("schools")


def test_empty_store_returns_empty_frames(store):
    assert store.children().empty
    assert list(store.children().columns) == ["period", "code", *MEASURES, "synthetic"]
    counts, points = store.facilities()
    assert counts.empty and points.empty
    assert list(points.columns) == ["facility_id", "name", "kind", "code", "lon", "lat"]
    assert store.periods() == []
    assert store.is_synthetic("2025-H2") is False


def test_versions_activate_and_delete(store):
    assert store.add_children("2025-H2", children_df(scale=1), source="a", synthetic=True) == 1
    assert store.add_children("2025-H2", children_df(scale=2), source="b", synthetic=False) == 2
    assert store.children()["children"].iloc[0] == 200.0
    assert store.is_synthetic("2025-H2") is False
    v = store.versions("children", "2025-H2")
    assert v["version"].tolist() == [1, 2] and v["active"].tolist() == [False, True]
    assert store.children(version=1)["children"].iloc[0] == 100.0

    store.activate("children", "2025-H2", 1)
    assert store.children()["children"].iloc[0] == 100.0
    assert store.is_synthetic("2025-H2") is True
    with pytest.raises(LookupError):
        store.activate("children", "2025-H2", 9)
    with pytest.raises(LookupError):
        store.children("2025-H2", version=9)

    # deleting the active version re-activates the newest remaining one
    store.delete_version("children", "2025-H2", 1)
    v = store.versions("children", "2025-H2")
    assert v["version"].tolist() == [2] and v["active"].tolist() == [True]
    with pytest.raises(ValueError, match="only"):
        store.delete_version("children", "2025-H2", 2)
    store.delete_version("children", "2025-H2", 2, force=True)
    assert store.periods() == []
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM county_values")).scalar() == 0
    # numbering continues from what is left (none): starts again at 1
    assert store.add_children("2025-H2", children_df(), source="c", synthetic=True) == 1


def test_exactly_one_active(store):
    for _ in range(3):
        store.add_children("2025-H2", children_df(), source="t", synthetic=True)
    store.activate("children", "2025-H2", 2)
    assert store.versions("children", "2025-H2")["active"].sum() == 1


def test_facilities_round_trip(store):
    v = store.add_facilities("2025-H2", counts_df(), points_df(), source="t", synthetic=True)
    assert v == 1
    counts, points = store.facilities()
    assert list(counts.columns) == ["period", "code", *FACILITY_COUNTS, "synthetic"]
    assert counts["child_directors"].tolist() == [2.0, 3.0, 4.0]
    assert points.sort_values("facility_id")["kind"].tolist() == [
        "activity_centre",
        "children_home",
    ]
    assert points["lon"].dtype == "float64"
    # facilities and children versions are independent
    assert store.periods("children") == []
    store.add_facilities("2025-H2", counts_df(), None, source="t", synthetic=True)
    counts, points = store.facilities("2025-H2")
    assert points.empty and len(counts) == 3
    assert len(store.facilities("2025-H2", version=1)[1]) == 2


def test_facility_counts_are_the_counts_of_facilities(store):
    """``facility_counts`` answers what ``facilities`` does, without the points."""
    from pandas.testing import assert_frame_equal

    empty = store.facility_counts()
    assert empty.empty and list(empty.columns) == list(store.facilities()[0].columns)
    store.add_facilities("2025-H2", counts_df(), points_df(), source="t", synthetic=True)
    store.add_facilities("2025-H2", counts_df(), None, source="u", synthetic=False)
    for period, version in ((None, None), ("2025-H2", None), ("2025-H2", 1), ("2025-H2", 2)):
        assert_frame_equal(
            store.facility_counts(period, version), store.facilities(period, version)[0]
        )
    assert not store.facility_counts()["synthetic"].any()  # the active version: 2
    assert store.facility_counts(version=1)["synthetic"].all()
    with pytest.raises(LookupError):
        store.facility_counts("2025-H2", version=9)


def test_validation_errors_write_nothing(store):
    bad = children_df()
    bad.loc[2, "code"] = "110101"
    with pytest.raises(ValueError, match="more than once"):
        store.add_children("2025-H2", bad, source="t", synthetic=True)
    with pytest.raises(ValueError, match="2025H2"):
        store.add_children("2025H2", children_df(), source="t", synthetic=True)
    with pytest.raises(ValueError, match="six characters"):
        store.add_children(
            "2025-H2", pd.DataFrame({"code": ["1101"], "children": [1]}), source="t", synthetic=True
        )
    mixed = children_df().assign(period=["2025-H2", "2025-H2", "2026-H1"])
    with pytest.raises(ValueError, match="2026-H1"):
        store.add_children("2025-H2", mixed, source="t", synthetic=True)
    bad_points = points_df().assign(kind=["school", "children_home"])
    with pytest.raises(ValueError, match="school"):
        store.add_facilities("2025-H2", counts_df(), bad_points, source="t", synthetic=True)
    assert store.versions("children", "2025-H2").empty
    assert store.versions("facilities", "2025-H2").empty


def test_write_is_all_or_nothing(store):
    store.add_facilities("2025-H2", counts_df(), points_df(), source="t", synthetic=True)
    with pytest.raises(ValueError, match="lon"):
        store.add_facilities(
            "2025-H2",
            counts_df(),
            points_df().assign(lon=[116.4, None]),
            source="t",
            synthetic=True,
        )
    # a NOT NULL violation in the last insert rolls back the dataset row and the counts
    with pytest.raises(sa.exc.IntegrityError):
        store.add_facilities(
            "2025-H2", counts_df(), points_df().assign(name=["a", None]), source="t", synthetic=True
        )
    v = store.versions("facilities", "2025-H2")
    assert v["version"].tolist() == [1] and v["active"].tolist() == [True]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM county_values")).scalar() == 3
        assert conn.execute(sa.text("SELECT COUNT(*) FROM facility_points")).scalar() == 2


def test_raw_uploads(store):
    rid = store.add_raw_upload(
        filename="a.xlsx", sha256="0" * 64, stored_path="/tmp/a.xlsx", size=123, created_by="me"
    )
    v = store.add_children(
        "2025-H2", children_df(), source="upload a.xlsx", synthetic=False, raw_upload_id=rid
    )
    assert store.versions("children", "2025-H2").loc[0, "raw_upload_id"] == rid and v == 1
    uploads = store.raw_uploads()
    assert uploads.loc[0, "filename"] == "a.xlsx" and uploads.loc[0, "size"] == 123


def test_bulk_insert_3000_rows(store):
    """3,000 rows in one version (speed is measured in bench/bench_import.py)."""
    rng = np.random.default_rng(1)
    n = 3000
    df = pd.DataFrame(
        {
            "code": [f"{100000 + i:06d}" for i in range(n)],
            **{m: rng.integers(0, 10_000, n) for m in MEASURES},
        }
    )
    store.add_children("2025-H2", df, source="bench", synthetic=True)
    out = store.children()
    assert len(out) == n
    assert out.set_index("code").loc["100007", "left_behind"] == df.loc[7, "left_behind"]


def test_stamp_changes_with_active_set(store):
    s0 = store.stamp()
    store.add_children("2025-H2", children_df(), source="t", synthetic=True)
    s1 = store.stamp()
    store.add_children("2025-H2", children_df(), source="t", synthetic=True)
    s2 = store.stamp()
    store.activate("children", "2025-H2", 1)
    s3 = store.stamp()
    assert len({s0, s1, s2, s3}) == 4
    store.activate("children", "2025-H2", 1)
    assert store.stamp() == s3


def test_text_nan_nul_and_numpy_arguments(store):
    """What PostgreSQL treats differently from SQLite: NaN text, NUL, NumPy scalars."""
    pts = points_df().assign(name=["儿童之家\x00一", 7])
    store.add_facilities("2025-H2", counts_df(), pts, source="s\x00", synthetic=np.bool_(True))
    _, points = store.facilities("2025-H2")
    assert points.set_index("facility_id")["name"].to_dict() == {"a1": "7", "h1": "儿童之家一"}
    store.add_facilities("2025-H2", counts_df(), None, source="t", synthetic=False)
    v = store.versions("facilities", "2025-H2")
    assert v["source"].tolist() == ["s", "t"]
    store.activate("facilities", "2025-H2", v["version"].iloc[0])  # numpy.int64
    assert len(store.facilities("2025-H2", version=np.int64(1))[1]) == 2
    assert store.is_synthetic("2025-H2", "facilities") is True
    store.delete_version("facilities", "2025-H2", np.int64(2))
    assert store.versions("facilities", "2025-H2")["version"].tolist() == [1]


def test_concurrent_uploads_get_distinct_versions(store):
    """Writers are serialised: simultaneous uploads of one period number 1..n, one active."""
    n = 6
    barrier = threading.Barrier(n)

    def upload(i):
        barrier.wait()
        return store.add_children(
            "2025-H2", children_df(scale=i + 1), source=str(i), synthetic=False
        )

    with ThreadPoolExecutor(n) as pool:
        versions = list(pool.map(upload, range(n)))
    assert sorted(versions) == list(range(1, n + 1))
    v = store.versions("children", "2025-H2")
    assert v["active"].sum() == 1 and v.loc[v["active"], "version"].item() == n


def test_programmes_saved_listed_replaced_and_deleted(store):
    store.create_all()
    assert store.programmes().empty
    pid = store.save_programme("关爱项目", ["110101", "110102", "110101"], created_by="zhang")
    p = store.programme(pid)
    assert p["codes"] == ["110101", "110102"] and p["created_by"] == "zhang"
    # Saving under the same name replaces the set, keeping the id.
    assert store.save_programme("关爱项目", ["420102"], note="v2") == pid
    assert store.programme(pid)["codes"] == ["420102"]
    other = store.save_programme("Another", ["500101"], synthetic=True)
    listed = store.programmes()
    assert listed["name"].tolist() == ["Another", "关爱项目"]
    assert listed["n"].tolist() == [1, 1] and "codes" not in listed.columns
    for bad in ([], ["11010"], ["abcdef"], [110101]):
        with pytest.raises(ValueError):
            store.save_programme("bad", bad)
    assert store.delete_programme(other) and not store.delete_programme(other)
    assert store.programme(other) is None and store.programme(pid) is not None
