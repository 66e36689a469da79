import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import box

from geodata import demo
from geodata.indicators import FACILITY_COUNTS, MEASURES, RISK_COLUMNS

from .conftest import make_grid_counties


@pytest.fixture(scope="module")
def data(grid_counties):
    return demo.generate(grid_counties, seed=7)


@pytest.fixture(scope="module")
def first(data):
    k = data.children[data.children["period"] == "2025-H2"].copy()
    k["prov"] = k["code"].str[:2]
    return k


def morans_i(values: np.ndarray, lon: np.ndarray, lat: np.ndarray, k: int = 6) -> float:
    """Moran's I with row-standardised k-nearest-neighbour weights."""
    xy = np.column_stack([lon * np.cos(np.radians(lat)), lat])
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    z = values - values.mean()
    return float((z * z[idx[:, 1:]].mean(axis=1)).sum() / (z * z).sum())


def test_shapes_and_columns(data, grid_counties):
    assert list(data.children.columns) == ["period", "code", *MEASURES, "synthetic"]
    assert list(data.facility_counts.columns) == ["period", "code", *FACILITY_COUNTS]
    assert list(data.facility_points.columns) == [
        "period",
        "facility_id",
        "name",
        "kind",
        "code",
        "lon",
        "lat",
    ]
    assert data.periods == ["2025-H2", "2026-H1"]
    mainland = grid_counties[~grid_counties["code"].str[:2].isin(["71", "81", "82"])]
    assert len(mainland) == 186 and len(data.children) == 2 * 186
    assert data.children["synthetic"].all()
    assert data.facility_points["name"].str.endswith("（示例）").all()


def test_no_rows_for_taiwan_hong_kong_macau(data):
    for frame in (data.children, data.facility_counts, data.facility_points):
        assert not frame["code"].str[:2].isin(["71", "81", "82"]).any()


def test_deterministic_for_a_seed(grid_counties, data):
    again = demo.generate(grid_counties, seed=7)
    pd.testing.assert_frame_equal(again.children, data.children)
    pd.testing.assert_frame_equal(again.facility_counts, data.facility_counts)
    pd.testing.assert_frame_equal(again.facility_points, data.facility_points)
    # row order of the input does not matter
    shuffled = demo.generate(grid_counties.sample(frac=1, random_state=1), seed=7)
    pd.testing.assert_frame_equal(shuffled.children, data.children)
    other = demo.generate(grid_counties, seed=8)
    assert not other.children["left_behind"].equals(data.children["left_behind"])


def test_invariants(data):
    k = data.children
    for col in MEASURES:
        assert k[col].dtype == np.int64
        assert (k[col] >= 0).all()
    assert (k["children"] > 0).all()
    assert (k["left_behind"] + k["migrant"] <= k["children"]).all()
    pool = k["left_behind"] + k["migrant"]
    for col in RISK_COLUMNS:
        assert (k[col] <= pool).all()
    assert (k[list(RISK_COLUMNS)].sum(axis=1) <= pool).all()
    f = data.facility_counts
    for col in FACILITY_COUNTS:
        assert f[col].dtype == np.int64
        assert (f[col] >= 0).all()
    assert (f["child_supervisors"] >= 1).all() and (f["child_directors"] >= 1).all()


def test_national_calibration(data):
    t = data.totals().loc["2025-H2"]
    assert t["children"] == demo.CHILDREN_UNDER16 == 250_000_000
    assert t["left_behind"] == demo.LEFT_BEHIND_MCA_2021 == 4_770_000
    assert t["migrant"] == pytest.approx(demo.MIGRANT_UNDER16, rel=0.01)
    assert demo.MIGRANT_UNDER16 == 35_800_000
    assert t["child_directors"] == 667_000
    assert t["child_supervisors"] == 55_000
    pool = t["left_behind"] + t["migrant"]
    for col, rate in demo.RISK_RATES.items():
        assert t[col] / pool == pytest.approx(rate, rel=0.25)
    assert 15_000 <= t["children_homes"] <= 22_000  # about one per three townships


def test_provincial_left_behind_pattern(first):
    lb = first.groupby("prov")["left_behind"].sum().sort_values(ascending=False)
    assert lb.index[:7].tolist() == ["51", "34", "43", "41", "36", "42", "52"]
    assert lb.loc["51"] == pytest.approx(0.1098 * 4_770_000, rel=0.001)
    assert lb.iloc[:7].sum() / lb.sum() == pytest.approx(0.695, abs=0.002)
    share = {r: lb.loc[list(codes)].sum() / lb.sum() for r, codes in demo.REGIONS.items()}
    assert share["east"] == pytest.approx(0.0965, abs=0.002)
    assert share["centre"] == pytest.approx(0.5133, abs=0.002)
    assert share["west"] == pytest.approx(0.3902, abs=0.002)


def test_rural_higher_left_behind_urban_higher_migrant(first, grid_counties):
    kind = first["code"].map(grid_counties["kind"])
    lb_rate = first["left_behind"] / first["children"]
    mig_rate = first["migrant"] / first["children"]
    assert lb_rate[kind == "county"].median() > 3 * lb_rate[kind == "district"].median()
    assert mig_rate[kind == "district"].median() > 2 * mig_rate[kind == "county"].median()


def test_migrants_in_destination_provinces(first):
    by = first.groupby("prov")[["migrant", "children"]].sum()
    assert by["migrant"].idxmax() == "44"  # Guangdong
    assert set(by["migrant"].nlargest(3).index) >= {"44", "33"}
    share = by["migrant"] / by["children"]
    assert set(share.nlargest(3).index) <= {"31", "11", "33", "12"}
    assert share.loc["31"] > 2 * share.loc["51"]


def dense_grid(province: str = "51", n: int = 15) -> gpd.GeoDataFrame:
    """n x n half-degree cells, all rural counties of one province: only the field varies."""
    cells = [
        box(100 + i / 2, 28 + j / 2, 100.5 + i / 2, 28.5 + j / 2)
        for j in range(n)
        for i in range(n)
    ]
    codes = [f"{province}{k // 90 + 1:02d}{k % 90 + 21:02d}" for k in range(n * n)]
    g = gpd.GeoDataFrame({"code": codes, "kind": "county"}, geometry=cells, crs="EPSG:4326")
    return g.set_index("code", drop=False)


def test_spatial_autocorrelation_positive():
    g = dense_grid()
    d = demo.generate(g, periods=("2025-H2",), seed=3)
    k = d.children.set_index("code")
    rep = shapely.point_on_surface(g.loc[k.index].geometry.to_numpy())
    lon, lat = shapely.get_x(rep), shapely.get_y(rep)
    for num, den in (("left_behind", "children"), ("migrant", "children"), ("children", None)):
        values = (k[num] / k[den]).to_numpy() if den else np.log(k[num].to_numpy())
        assert morans_i(values, lon, lat) > 0.3, num


def test_smooth_field_is_smooth_and_seeded():
    rng = np.random.default_rng(0)
    lon, lat = np.meshgrid(np.linspace(100, 110, 30), np.linspace(25, 35, 30))
    lon, lat = lon.ravel(), lat.ravel()
    xy = np.column_stack([lon * 100, lat * 110])
    f = demo.smooth_field(xy, rng)
    assert f.mean() == pytest.approx(0, abs=1e-9) and f.std() == pytest.approx(1)
    assert morans_i(f, lon, lat) > 0.7
    white = np.random.default_rng(0).standard_normal(len(f))
    assert abs(morans_i(white, lon, lat)) < 0.1
    np.testing.assert_array_equal(f, demo.smooth_field(xy, np.random.default_rng(0)))


def test_second_period_drift(data):
    t = data.totals()
    ratio = t.loc["2026-H1"] / t.loc["2025-H2"]
    assert 0.94 < ratio["left_behind"] < 0.98
    assert 1.005 < ratio["migrant"] < 1.04
    assert 0.97 < ratio["children"] < 1.0
    for col in ("children_homes", "activity_centres", "child_supervisors"):
        a = data.facility_counts[data.facility_counts["period"] == "2025-H2"][col].to_numpy()
        b = data.facility_counts[data.facility_counts["period"] == "2026-H1"][col].to_numpy()
        assert (b >= a).all()


def test_points_inside_their_polygons_and_match_counts(data, grid_counties):
    pts = data.facility_points
    geoms = grid_counties.loc[pts["code"], "geometry"].to_numpy()
    assert shapely.contains_xy(geoms, pts["lon"].to_numpy(), pts["lat"].to_numpy()).all()
    for period in data.periods:
        p = pts[pts["period"] == period]
        assert p["facility_id"].is_unique
        counts = data.facility_counts[data.facility_counts["period"] == period].set_index("code")
        n = (
            p.groupby(["code", "kind"])
            .size()
            .unstack(fill_value=0)
            .reindex(counts.index, fill_value=0)
        )
        assert (n["children_home"] == counts["children_homes"]).all()
        assert (n["activity_centre"] == counts["activity_centres"]).all()
    ids = [set(pts.loc[pts["period"] == p, "facility_id"]) for p in data.periods]
    assert ids[0] <= ids[1]


def test_subset_layer_gets_subset_totals():
    g = make_grid_counties(["51", "44"])
    d = demo.generate(g, periods=("2025-H2",), seed=1)
    t = d.totals().iloc[0]
    assert t["left_behind"] == round(0.1098 * 4_770_000) + round(0.028 * 4_770_000)
    assert t["children"] < 40_000_000


def test_minimal_input_columns():
    g = make_grid_counties(["34", "31"])[["code", "kind", "geometry"]]
    d = demo.generate(g, periods=("2025-H2",), seed=1)
    assert len(d.children) == 12 and d.children["children"].gt(0).all()
    assert d.facility_points["name"].str.startswith(("34", "31")).all()


def test_periods_sorted_and_required(grid_counties):
    d = demo.generate(grid_counties, periods=("2026-H1", "2025-H1", "2025-H2"), seed=1)
    assert d.periods == ["2025-H1", "2025-H2", "2026-H1"]
    with pytest.raises(ValueError):
        demo.generate(grid_counties, periods=(), seed=1)
    with pytest.raises(ValueError, match="2025H2"):
        demo.generate(grid_counties, periods=("2025H2",), seed=1)


def test_apportion():
    rng = np.random.default_rng(5)
    for _ in range(50):
        w = rng.random(20) * (rng.random(20) > 0.2)
        caps = rng.integers(0, 200, 20)
        total = int(rng.integers(0, 3000))
        out = demo.apportion(total, w, caps)
        assert out.dtype == np.int64 and (out >= 0).all() and (out <= caps).all()
        feasible = caps[w > 0].sum() if (w > 0).any() else 0
        assert out.sum() == min(total, feasible)
    assert demo.apportion(7, np.zeros(3)).sum() == 7
    assert demo.apportion(5, np.array([])).tolist() == []


def test_sample_points_in_polygon_handles_thin_shapes():
    from shapely.geometry import MultiPolygon, box

    geom = MultiPolygon([box(0, 0, 0.01, 0.01), box(10, 10, 10.01, 10.01)])
    pts = demo.sample_points_in_polygon(geom, 20, np.random.default_rng(0))
    assert pts.shape == (20, 2)
    assert shapely.contains_xy(geom, pts[:, 0], pts[:, 1]).all()
    assert 0 < (pts[:, 0] < 5).sum() < 20  # both islands used
    sliver = shapely.Polygon([(0, 0), (10, 10), (10, 10.0001)])
    pts = demo.sample_points_in_polygon(sliver, 5, np.random.default_rng(0), max_rounds=3)
    assert pts.shape == (5, 2) and shapely.intersects_xy(sliver, pts[:, 0], pts[:, 1]).all()


def test_write_to_store(store, data):
    """Demo data into an empty store, on SQLite and PostgreSQL (``store`` fixture)."""
    versions = demo.write_to_store(store, data, created_by="test")
    assert versions == {
        "children:2025-H2": 1,
        "facilities:2025-H2": 1,
        "children:2026-H1": 1,
        "facilities:2026-H1": 1,
        "programme": 1,
    }
    example = store.programme(1)
    assert example["synthetic"] and len(example["codes"]) == 40
    assert len({c[:2] for c in example["codes"]}) == 12
    assert store.periods() == ["2025-H2", "2026-H1"]
    assert store.is_synthetic("2026-H1")
    out = store.children("2025-H2")
    expected = data.children[data.children["period"] == "2025-H2"]
    assert out["left_behind"].sum() == expected["left_behind"].sum()
    counts, points = store.facilities("2026-H1")
    assert len(points) == (data.facility_points["period"] == "2026-H1").sum()
    assert "synthetic" in store.versions("children", "2025-H2").loc[0, "source"]
