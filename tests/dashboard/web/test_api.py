"""The HTTP API through a real Flask test client on a real app with demo data."""

from __future__ import annotations

import csv
import gzip
import io
import json

from dashboard.presenters import map as map_views


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["periods"] == ["2025-H2", "2026-H1"]


def test_meta_lists_periods_indicators_and_synthetic(client):
    m = client.get("/api/v1/meta").get_json()
    assert m["periods"] == ["2025-H2", "2026-H1"] and m["latest_period"] == "2026-H1"
    assert m["synthetic"] == {"2025-H2": True, "2026-H1": True}
    ind = {i["id"]: i for i in m["indicators"]}
    assert {"left_behind", "migrant", "children"} <= set(ind)
    lb = ind["left_behind"]
    assert lb["name_zh"] and lb["name_en"] and lb["unit_zh"] and lb["definition_en"]


def _csv(resp):
    text = resp.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_data_csv_latest_and_by_period(client):
    r = client.get("/api/v1/data.csv")
    assert r.status_code == 200 and r.headers["X-Atlas-Synthetic"] == "true"
    rows = _csv(r)
    assert len(rows) == 2875
    assert {row["period"] for row in rows} == {"2026-H1"}
    # every row with a value is synthetic and says so; rows without any value (Taiwan,
    # Hong Kong, Macao) have nothing synthetic and no source
    with_data = [row for row in rows if row["source"] or row["facilities_source"]]
    assert len(with_data) == 2848
    assert {(row["synthetic"], row["source"]) for row in with_data} == {("True", "synthetic")}
    assert {row["synthetic"] for row in rows if row not in with_data} == {"False"}
    assert {row["source_version"] for row in with_data} == {"1"}
    first = rows[0]
    for col in (
        "code",
        "name_zh",
        "name_en",
        "prefecture_zh",
        "province_zh",
        "kind",
        "children",
        "left_behind",
        "migrant",
        "risk_hardship",
        "children_homes",
    ):
        assert col in first
    bj = next(row for row in rows if row["code"] == "110101")
    assert bj["name_zh"] == "东城区" and bj["province_zh"] == "北京市"
    assert bj["children"].isdigit()  # whole numbers, not "123.0"
    older = _csv(client.get("/api/v1/data.csv?period=2025-H2"))
    assert {row["period"] for row in older} == {"2025-H2"}
    total = sum(int(row["left_behind"]) for row in older if row["left_behind"])
    assert 4_700_000 < total < 4_850_000  # calibrated to MCA 2021 (4.77 M)


def test_data_csv_bad_period(client):
    assert client.get("/api/v1/data.csv?period=2031-H1").status_code == 404
    r = client.get("/api/v1/data.csv?period=nonsense")
    assert r.status_code == 400 and "nonsense" in r.get_json()["error"]


def test_counties_geojson_served_gzipped(client, layers):
    r = client.get("/api/v1/counties.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    doc = json.loads(gzip.decompress(r.data))
    assert len(doc["features"]) == 2875 and doc["features"][0]["id"] == "110101"
    plain = client.get("/api/v1/counties.geojson", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert len(json.loads(plain.data)["features"]) == 2875


def test_geometry_asset_immutable(client, dash_app):
    url = map_views.geo_url(dash_app.atlas, "counties")
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    assert client.get("/geo/000000000000/counties.geojson").status_code == 404
    assert client.get(url.replace("counties", "secrets")).status_code == 404


def test_responses_compressed(client):
    r = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers.get("Content-Encoding") in ("gzip", "br")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_static_files_carry_no_document_policy(client, dash_app):
    """A script or the map's geometry is not a document: CSP and framing headers on
    each of the 20 static files before the first paint cost 9 KB of a slow link. They
    stay on the page, the layout, callbacks and the API."""
    from dashboard.presenters import map as map_views

    spec = map_views.topology_spec(dash_app.atlas)
    for path in ("/assets/atlas.css", "/assets/atlas.js", spec["url"]):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in r.headers, path
        assert "X-Frame-Options" not in r.headers, path
    for path in ("/", "/help", "/_dash-layout", "/api/v1/meta", "/healthz"):
        r = client.get(path)
        assert "frame-ancestors 'self'" in r.headers["Content-Security-Policy"], path
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN", path
