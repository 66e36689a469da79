"""Faults: a database that is down at start or goes away mid-session.

The app starts anyway (no crash loop), says what is wrong on the page, in /healthz and
in one log line, writes nothing partial, and carries on when the database returns.
"""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import ids
from tests.conftest import make_data_dir
from tests.dashboard.test_map_callbacks import _update


def _layout_ids(client) -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props.get("id"), str):
                found.add(props["id"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(client.get("/_dash-layout").get_json())
    return found


def test_database_down_at_start_then_back(tmp_path, layers, caplog):
    from dashboard.factory import create_app
    from dashboard.settings import Settings

    data = make_data_dir(tmp_path / "data", layers)
    db_dir = tmp_path / "db-not-mounted-yet"
    url = f"sqlite:///{db_dir}/atlas.sqlite"  # SQLite cannot open a file in a missing dir
    with caplog.at_level(logging.ERROR):
        app = create_app(Settings.from_env(env={}, data_dir=data, database_url=url))
    errors = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(errors) == 1 and "unable to open database file" in errors[0].getMessage()
    client = app.server.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "error" in health.get_json()["database"]
    page = _layout_ids(client)
    assert ids.UNAVAILABLE in page and ids.MAP not in page
    # Requests within the retry interval do not hammer the database (no new log lines).
    caplog.clear()
    for _ in range(5):
        _layout_ids(client)
    assert not [r for r in caplog.records if "database unavailable" in r.getMessage()]
    # The database comes back: the next request finishes the set-up and serves the map.
    db_dir.mkdir()
    app.atlas.retry_seconds = 0
    page = _layout_ids(client)
    assert ids.MAP in page and ids.UNAVAILABLE not in page
    assert client.get("/healthz").status_code == 200


def test_database_lost_mid_session_shows_a_notice(dash_app, client, monkeypatch, caplog):
    atlas = dash_app.atlas
    assert ids.ERROR_BANNER in _layout_ids(client)

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("server closed"))

    monkeypatch.setattr(atlas, "map_values", down)
    with caplog.at_level(logging.ERROR):
        r = _update(client, "migrant")
    assert r.status_code in (200, 204)
    side = json.loads(r.data).get("sideUpdate", {}) if r.data else {}
    banner = side.get(ids.ERROR_BANNER, {})
    assert banner.get("hidden") is False and "database is unavailable" in banner["children"]
    assert any("database unavailable" in rec.getMessage() for rec in caplog.records)
    monkeypatch.undo()
    r = _update(client, "migrant")  # back: the map updates and the notice clears
    body = json.loads(r.data)
    assert body["sideUpdate"][ids.ERROR_BANNER] == {"hidden": True}
    assert ids.MAP in body["response"]


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    """A connection lost in the middle of an import: all of it or none of it."""
    from geodata.store import Store
    from geodata.store import db as store_db

    store = Store(tmp_path / "a.sqlite")
    store.create_all()
    counts = pd.DataFrame({"code": ["110101", "110102"], "children_homes": [1, 2]})
    points = pd.DataFrame(
        {
            "facility_id": ["a", "b"],
            "name": ["甲", "乙"],
            "kind": ["children_home", "children_home"],
            "code": ["110101", "110102"],
            "lon": [116.4, 116.37],
            "lat": [39.9, 39.91],
        }
    )
    real = store_db.bulk_insert
    calls = {"n": 0}

    def flaky(conn, table, rows):
        calls["n"] += 1
        if calls["n"] == 2:  # the counts went in; the connection drops before the points
            raise sa.exc.OperationalError("INSERT", {}, ConnectionResetError("reset"))
        return real(conn, table, rows)

    monkeypatch.setattr(store_db, "bulk_insert", flaky)
    with pytest.raises(sa.exc.OperationalError):
        store.add_facilities("2025-H2", counts, points, source="t", synthetic=False)
    monkeypatch.undo()
    assert store.versions("facilities", "2025-H2").empty
    with store.engine.connect() as conn:
        for table in ("datasets", "county_values", "facility_points"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0
    assert store.add_facilities("2025-H2", counts, points, source="t", synthetic=False) == 1


def test_cache_lost_mid_session_is_skipped(dash_app, client, monkeypatch, caplog):
    """A shared cache (Redis) that fails: requests compute without it and still answer."""
    atlas = dash_app.atlas

    class Broken:
        def get(self, key):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        set = get

    monkeypatch.setattr(atlas, "cache", Broken())
    with caplog.at_level(logging.WARNING):
        r = _update(client, "migrant_rate")
        r2 = _update(client, "left_behind_rate")
    assert r.status_code == 200 and r2.status_code == 200
    assert ids.MAP in json.loads(r2.data)["response"]
    warnings = [rec for rec in caplog.records if "cache unavailable" in rec.getMessage()]
    assert len(warnings) == 1  # one line per outage, not one per request
    monkeypatch.undo()
    with caplog.at_level(logging.WARNING):
        assert _update(client, "migrant").status_code == 200
    assert any("cache available again" in rec.getMessage() for rec in caplog.records)


def test_database_down_answers_503_not_a_bare_500(tmp_path, layers):
    """With the database gone, JSON endpoints answer 503 JSON with a retry hint, sign-in
    and uploads say nothing was saved: never Flask's bare HTML 500."""
    from dashboard.factory import create_app
    from dashboard.settings import Settings

    data = make_data_dir(tmp_path / "data", layers)
    url = f"sqlite:///{tmp_path}/missing-dir/atlas.sqlite"
    app = create_app(Settings.from_env(env={}, data_dir=data, database_url=url))
    client = app.server.test_client()
    for path in ("/api/v1/data.csv", "/api/v1/meta", "/api/v1/data.csv?analysis=lisa"):
        r = client.get(path)
        assert r.status_code == 503, (path, r.status_code, r.get_data()[:200])
        assert r.is_json and "try again" in r.json["error"] and r.headers["Retry-After"]
    token = client.get("/api/v1/session").json["csrf_token"]
    r = client.post("/login", data={"csrf_token": token, "name": "x", "password": "y" * 12})
    assert r.status_code == 503 and "未保存" in r.get_data(as_text=True)
    r = client.post("/login?lang=en", data={"csrf_token": token, "name": "x", "password": "y" * 12})
    assert r.status_code == 503 and "nothing was saved" in r.get_data(as_text=True)


def test_disk_full_during_a_commit_says_not_saved(rw_app, monkeypatch):
    """A full disk while the raw file is written: 503 'nothing was saved', no version."""
    import errno

    from geodata.ingest import commit
    from tests.dashboard.conftest import signed_in, upload

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(commit, "_write_once", full)
    client, token = signed_in(rw_app)
    before = rw_app.atlas.store.versions("children", "2016-H1")
    r = upload(client, token, "区划代码,留守儿童\n110101,4\n", "a.csv", period="2016-H1")
    assert r.status_code == 503 and "nothing was saved" in r.json["error"]
    assert len(rw_app.atlas.store.versions("children", "2016-H1")) == len(before)
