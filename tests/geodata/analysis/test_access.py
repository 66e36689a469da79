import numpy as np
import pandas as pd
import pytest

from geodata.analysis.access import (
    EARTH_RADIUS_KM,
    haversine_km,
    nearest_facility_km,
    pairs_within,
    two_step_fca,
)

DEG_KM = np.pi * EARTH_RADIUS_KM / 180  # one degree along the equator


def test_haversine_known_values():
    assert float(haversine_km(0, 0, 1, 0)) == pytest.approx(DEG_KM)
    assert float(haversine_km(0, 0, 0, 90)) == pytest.approx(90 * DEG_KM)
    assert float(haversine_km(10, 20, 10, 20)) == 0.0
    # Beijing to Shanghai, about 1,068 km on the sphere.
    assert float(haversine_km(116.397, 39.908, 121.4737, 31.2304)) == pytest.approx(1068, abs=2)


def test_two_facility_catchment_by_hand():
    # Counties A, B, C on the equator 0.1 deg (11.12 km) apart; radius 15 km.
    counties = pd.DataFrame({"cx": [0.0, 0.1, 0.2], "cy": [0.0, 0.0, 0.0]}, index=["A", "B", "C"])
    children = pd.Series({"A": 100, "B": 50, "C": 150})
    fac = pd.DataFrame({"lon": [0.0, 0.2], "lat": [0.0, 0.0], "capacity": [1, 2]})
    res = two_step_fca(counties, children, fac, radius_km=15)
    # Step 1: R1 = 1 / (100 + 50); R2 = 2 / (50 + 150).
    r1, r2 = 1 / 150, 2 / 200
    # Step 2: A reaches F1; B reaches both; C reaches F2.
    expected = np.array([r1, r1 + r2, r2]) * 1000
    np.testing.assert_allclose(res["access_per_1000"], expected)
    assert res["facilities_in_reach"].tolist() == [1, 2, 1]
    # Conservation: children-weighted access returns the total capacity in reach.
    assert (res["access_per_1000"] / 1000 * res["demand"]).sum() == pytest.approx(3.0)
    assert res.attrs["unreached_facilities"] == 0


def test_radius_and_unreached_facilities():
    counties = pd.DataFrame({"cx": [0.0, 0.1, 0.2], "cy": [0.0, 0.0, 0.0]}, index=["A", "B", "C"])
    children = pd.Series({"A": 100, "B": 50, "C": 150})
    fac = pd.DataFrame({"lon": [0.0, 5.0], "lat": [0.0, 0.0]})
    res = two_step_fca(counties, children, fac, radius_km=5)
    # Only A is within 5 km of F1; F2 reaches nobody.
    assert res["access_per_1000"].tolist() == pytest.approx([10.0, 0.0, 0.0])
    assert res.attrs["unreached_facilities"] == 1
    # Missing demand counts as zero.
    res2 = two_step_fca(counties, pd.Series({"A": 100}), fac, radius_km=15)
    assert res2["demand"].tolist() == [100, 0, 0]


def test_pairs_within_matches_brute_force():
    rng = np.random.default_rng(0)
    a = rng.uniform([100, 20], [110, 30], (300, 2))
    b = rng.uniform([100, 20], [110, 30], (400, 2))
    i, j, d = pairs_within(a[:, 0], a[:, 1], b[:, 0], b[:, 1], 40)
    full = haversine_km(a[:, None, 0], a[:, None, 1], b[None, :, 0], b[None, :, 1])
    bi, bj = np.nonzero(full <= 40)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == set(
        zip(bi.tolist(), bj.tolist(), strict=True)
    )
    np.testing.assert_allclose(d, full[i, j])


def test_nearest_facility_matches_brute_force():
    rng = np.random.default_rng(1)
    counties = pd.DataFrame(rng.uniform([75, 20], [130, 50], (200, 2)), columns=["cx", "cy"])
    counties.index = [f"{i:06d}" for i in range(200)]
    fac = pd.DataFrame(rng.uniform([75, 20], [130, 50], (500, 2)), columns=["lon", "lat"])
    got = nearest_facility_km(counties, fac)
    full = haversine_km(
        counties["cx"].to_numpy()[:, None],
        counties["cy"].to_numpy()[:, None],
        fac["lon"].to_numpy()[None, :],
        fac["lat"].to_numpy()[None, :],
    )
    np.testing.assert_allclose(got.to_numpy(), full.min(axis=1))
    assert nearest_facility_km(counties, fac.iloc[:0]).isna().all()


def test_full_size_inputs_run():
    """Full-size inputs go through (speed is measured in bench/bench_analysis.py)."""
    rng = np.random.default_rng(2)
    counties = pd.DataFrame(rng.uniform([75, 20], [130, 50], (2900, 2)), columns=["cx", "cy"])
    counties.index = [f"{i:06d}" for i in range(2900)]
    children = pd.Series(rng.integers(0, 20000, 2900), index=counties.index)
    fac = pd.DataFrame(rng.uniform([75, 20], [130, 50], (30000, 2)), columns=["lon", "lat"])
    out = two_step_fca(counties, children, fac, radius_km=50)
    near = nearest_facility_km(counties, fac)
    assert len(out) == 2900 and near.notna().all()
