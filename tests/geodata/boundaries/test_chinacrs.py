"""China's datum conversions: GCJ-02 and BD-09 to WGS-84."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geodata.boundaries import chinacrs


def test_known_point_tiananmen():
    # WGS-84 116.397428, 39.90923 -> GCJ-02 about 116.40367, 39.91063 (published values).
    lon, lat = chinacrs.wgs_to_gcj(np.array([116.397428]), np.array([39.90923]))
    assert lon[0] == pytest.approx(116.40367, abs=2e-5)
    assert lat[0] == pytest.approx(39.91063, abs=2e-5)


def test_inverse_round_trip_sub_millimetre():
    rng = np.random.default_rng(7)
    lon = rng.uniform(75, 134, 1000)
    lat = rng.uniform(18, 53, 1000)
    g = chinacrs.wgs_to_gcj(lon, lat)
    w = chinacrs.gcj_to_wgs(*g)
    assert np.abs(w[0] - lon).max() < 1e-8 and np.abs(w[1] - lat).max() < 1e-8


def test_to_wgs84_dispatch_and_bd09():
    lon, lat = np.array([116.404]), np.array([39.915])
    same = chinacrs.to_wgs84(lon, lat, "wgs84")
    assert same[0][0] == lon[0]
    bd = chinacrs.to_wgs84(lon, lat, "bd09")
    gcj = chinacrs.to_wgs84(lon, lat, "gcj02")
    assert bd[0][0] != gcj[0][0]
    with pytest.raises(ValueError):
        chinacrs.to_wgs84(lon, lat, "utm50")


def test_geometry_conversion_moves_a_few_hundred_metres():
    poly = shapely.box(116.0, 39.0, 116.1, 39.1)
    out = chinacrs.geometry_gcj_to_wgs(np.array([poly], dtype=object))[0]
    shift = shapely.centroid(poly).distance(shapely.centroid(out)) * 111_000
    assert 100 < shift < 800
    assert out.is_valid
