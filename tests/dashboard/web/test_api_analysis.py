"""Analysis through the API, the CLI and the service cache (real layer, demo data)."""

from __future__ import annotations

import csv
import io

import pytest

from geodata import analysis
from geodata.analysis import AnalysisParams


def _rows(resp):
    assert resp.status_code == 200, resp.data[:300]
    return list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))


def test_lisa_columns(client):
    rows = _rows(
        client.get(
            "/api/v1/data.csv?period=2026-H1&indicator=left_behind"
            "&analysis=lisa&permutations=199&seed=7"
        )
    )
    assert len(rows) == 2875
    assert {"lisa_i", "lisa_p", "lisa_cluster", "synthetic"} <= set(rows[0])
    clusters = {r["lisa_cluster"] for r in rows}
    assert clusters <= {"HH", "LL", "HL", "LH", "ns", ""}
    assert {"HH", "LL", "ns"} <= clusters  # the demo data are spatially clustered
    ps = [float(r["lisa_p"]) for r in rows if r["lisa_p"]]
    assert min(ps) >= 1 / 200 and max(ps) <= 1


def test_same_seed_same_answer_other_seed_differs(client):
    url = "/api/v1/data.csv?analysis=lisa&permutations=99&seed={}"
    a = [r["lisa_p"] for r in _rows(client.get(url.format(1)))]
    b = [r["lisa_p"] for r in _rows(client.get(url.format(1)))]
    c = [r["lisa_p"] for r in _rows(client.get(url.format(2)))]
    assert a == b and a != c


def test_gistar_bins(client):
    rows = _rows(client.get("/api/v1/data.csv?analysis=gistar&permutations=199&indicator=migrant"))
    bins = {int(float(r["gi_bin"])) for r in rows if r["gi_bin"]}
    assert bins <= set(range(-3, 4)) and 3 in bins and -3 in bins
    assert {"gi_z", "gi_p"} <= set(rows[0])


def test_coverage_columns(client):
    rows = _rows(client.get("/api/v1/data.csv?analysis=coverage"))
    for col in (
        "facilities_per_1000",
        "directors_per_1000",
        "children_per_facility",
        "gap_score",
        "bivariate",
    ):
        assert col in rows[0]
    labels = {r["bivariate"] for r in rows if r["bivariate"]}
    assert labels <= {f"{c}-{n}" for c in (1, 2, 3) for n in (1, 2, 3)}


@pytest.mark.parametrize(
    "query,fragment",
    [
        ("analysis=magic", "unknown method"),
        ("analysis=lisa&permutations=lots", "permutations"),
        ("analysis=lisa&indicator=nope", "nope"),
        ("analysis=mclp&k=0", "k must"),
        ("analysis=lisa_rate&indicator=children", "rate"),
    ],
)
def test_bad_parameters_are_400(client, query, fragment):
    r = client.get("/api/v1/data.csv?" + query)
    assert r.status_code == 400 and fragment in r.get_json()["error"]


def test_repeated_requests_hit_the_cache(dash_app, monkeypatch):
    atlas = dash_app.atlas
    calls = []
    real = analysis.run

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(analysis, "run", counting)
    params = AnalysisParams(method="gistar", permutations=99, seed=11)
    first = atlas.analysis(params, "2025-H2")
    second = atlas.analysis(params, "2025-H2")
    assert len(calls) == 1 and first.equals(second)


def test_mclp_and_2sfca_through_the_service(dash_app):
    atlas = dash_app.atlas
    res = atlas.analysis(AnalysisParams(method="mclp", k=5, radius_km=10), "2026-H1")
    s = res.attrs["summary"]
    assert s["sites"] <= 5 and s["share_after"] >= s["share_before"]
    assert s["newly_covered"] > 0 and s["status"] in ("optimal", "feasible")
    assert int(res["site_order"].notna().sum()) == s["sites"]
    acc = atlas.analysis(AnalysisParams(method="2sfca", radius_km=10), "2026-H1")
    assert acc["access_per_1000"].notna().sum() > 2500
    assert (acc["nearest_facility_km"].dropna() >= 0).all()


def test_weights_join_every_island(dash_app):
    w = dash_app.atlas.weights
    assert min(len(v) for v in w.neighbours.values()) >= 1
    names = {j.island_name for j in w.joins}
    # The seven islands of the layer (docs/methods.md), each linked to its nearest county.
    assert {"长海县", "岱山县", "金门县", "南澳县", "西沙区", "南沙区", "台湾省"} <= names
    assert all(j.distance_km > 0 for j in w.joins)


def test_cluster_change_between_periods(client):
    rows = _rows(client.get("/api/v1/data.csv?analysis=cluster_change&permutations=99"))
    assert {"lisa_cluster_before", "lisa_cluster", "transition"} <= set(rows[0])
    kinds = {r["transition"] for r in rows if r["transition"]}
    assert kinds <= {"entered", "left", "switched", "stayed", "stable", "no_data"}
    assert {"stayed", "stable"} <= kinds
    r = client.get("/api/v1/data.csv?analysis=cluster_change&period=2025-H2")
    assert r.status_code == 400 and "before" in r.get_json()["error"]


def test_mclp_with_user_candidates(dash_app):
    import pandas as pd

    atlas = dash_app.atlas
    base = atlas.analysis(AnalysisParams(method="mclp", k=20, radius_km=10), "2026-H1")
    uncovered = base[~base["covered_before"].astype(bool)].index[:2]
    pts = atlas.layers.counties_full.loc[uncovered, ["cx", "cy"]]
    cand = pd.DataFrame(
        {"lon": pts["cx"].to_numpy(), "lat": pts["cy"].to_numpy()},
        index=[f"site-{c}" for c in uncovered],
    )
    res = atlas.analysis(
        AnalysisParams(method="mclp", k=2, radius_km=10), "2026-H1", candidates=cand
    )
    sites = res.attrs["sites"]
    assert set(sites.index) <= set(cand.index) and len(sites) >= 1
    assert res.attrs["summary"]["newly_covered"] > 0


def test_anonymous_analysis_requests_are_rate_limited(app_settings, layers, tmp_path):
    """A script asking for analyses with ever new seeds gets 429 past its budget, with
    a message and Retry-After; signed-in users and plain CSVs are not limited."""
    import dataclasses

    from dashboard.factory import create_app
    from tests.conftest import make_data_dir

    data = make_data_dir(tmp_path, layers)  # a cache of its own: counts start at zero
    app = create_app(dataclasses.replace(app_settings, data_dir=data, analysis_rate=3))
    client = app.server.test_client()
    codes = [
        client.get(f"/api/v1/data.csv?analysis=coverage&seed={s}").status_code for s in range(5)
    ]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    r = client.get("/api/v1/data.csv?analysis=coverage&seed=9")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "at most 3 a minute" in r.json["error"]
    assert client.get("/api/v1/data.csv").status_code == 200  # no analysis: no limit
    other = app.server.test_client()
    r = other.get("/api/v1/data.csv?analysis=coverage", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 200  # another client has its own budget


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("analysis=2sfca", ("access_per_1000", "facilities_in_reach", "nearest_facility_km")),
        ("analysis=mclp&k=3", ("covered_before", "covered_after", "coverage_class")),
    ],
)
def test_places_without_counts_have_no_access_or_coverage(client, query, columns):
    """Taiwan, Hong Kong and Macao have no counts: no access value, no 'not covered'
    (they read '0.00 access, nearest 231 km' and 'not covered' before)."""
    rows = _rows(client.get(f"/api/v1/data.csv?{query}"))
    without = [r for r in rows if r["province_code"] in ("710000", "810000", "820000")]
    assert len(without) > 10 and all(r["left_behind"] == "" for r in without)
    for row in without:
        assert all(row[c] == "" for c in columns), (row["code"], {c: row[c] for c in columns})
    counted = [r for r in rows if r["left_behind"] not in ("", None)]
    assert any(r[columns[0]] not in ("",) for r in counted)  # the others do have values
