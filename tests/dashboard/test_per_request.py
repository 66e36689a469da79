"""The store is read once per request for its stamp and periods (dashboard.atlas), and
again after a commit in the same request."""

from __future__ import annotations

from bench.bench_load import update_body


def test_a_value_update_reads_the_stamp_and_periods_once(dash_app, client, monkeypatch):
    store = dash_app.atlas.store
    period = dash_app.atlas.default_period()
    body = update_body("migrant", period, "quantiles")
    # Dash's first request in a process builds the layout once (not counted)
    client.post("/_dash-update-component", data=body, headers={"Content-Type": "application/json"})
    calls = {"stamp": 0, "periods": 0}
    for name in calls:
        real = getattr(store, name)

        def counting(*a, _real=real, _name=name, **k):
            calls[_name] += 1
            return _real(*a, **k)

        monkeypatch.setattr(store, name, counting)
    r = client.post(
        "/_dash-update-component", data=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 200 and b"map" in r.data
    assert calls == {"stamp": 1, "periods": 1}


def test_a_commit_in_the_request_makes_it_read_again(dash_app):
    atlas = dash_app.atlas
    with dash_app.server.test_request_context("/"):
        first = atlas.stamp()
        assert atlas.stamp() is first  # memoised for the request
        before = atlas.store.commit_count
        with atlas.store.engine.begin() as conn:  # any write through the store's engine
            conn.exec_driver_sql("select 1")
        assert atlas.store.commit_count == before + 1
        assert atlas.stamp() == first and atlas.stamp() is not first  # read again
    # outside a request every call reads the store
    assert atlas.stamp() == first
