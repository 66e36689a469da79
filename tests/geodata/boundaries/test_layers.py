"""The real boundary layer: complete, valid, gap-free, small enough, cached."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import shapely

from geodata import boundaries
from geodata.boundaries import source


def test_every_source_county_is_present(layers):
    src = source.counties()
    assert len(layers.counties_full) == len(src) == 2875
    assert list(layers.counties_full.index) == list(src.index)
    assert list(layers.counties_web.index) == list(src.index)
    assert not shapely.is_empty(layers.counties_web.geometry.values).any()


def test_web_layer_valid_and_gap_free(layers):
    g = layers.counties_web.geometry.values
    assert int((~shapely.is_valid(g)).sum()) == 0
    # A valid coverage has no overlaps and neighbours share identical edges.
    assert shapely.coverage_is_valid(g)
    tree = shapely.STRtree(g)
    pairs = tree.query(g, predicate="overlaps")
    assert pairs.shape[1] == 0


def test_exterior_rings_clockwise(layers):
    polys = shapely.get_parts(layers.counties_web.geometry.values)
    rings = shapely.get_exterior_ring(polys)
    assert not shapely.is_ccw(rings).any()


def test_geojson_size_and_ids(layers):
    raw_gz = layers.geojson_path.read_bytes()
    assert len(raw_gz) <= 1_500_000
    doc = json.loads(gzip.decompress(raw_gz))
    ids = [f["id"] for f in doc["features"]]
    assert ids == list(layers.counties_web.index)
    assert all(len(i) == 6 and i.isdigit() for i in ids)


def test_full_layer_area_close_to_web(layers):
    full = layers.counties_full.to_crs(boundaries.chinacrs.EQUAL_AREA_CRS).area
    web = layers.counties_web.to_crs(boundaries.chinacrs.EQUAL_AREA_CRS).area
    rel = np.abs(web / full - 1)
    assert np.median(rel) < 0.01
    assert layers.counties_full["area_km2"].sum() == pytest.approx(9.6e6, rel=0.06)


def test_provinces_dissolved_from_counties(layers):
    assert len(layers.provinces) == 34
    web = layers.counties_web
    for code in ("510000", "440000", "650000"):
        union = shapely.coverage_union_all(web[web.province_code == code].geometry.values)
        prov = layers.provinces.loc[code].geometry
        assert abs(union.area - prov.area) < 1e-9
        # Borders lie exactly on county edges.
        assert shapely.hausdorff_distance(union.boundary, prov.boundary) < 1e-9
    assert layers.prefectures["code"].str.len().eq(6).all()
    assert layers.prefectures.geometry.is_valid.all()


def test_maritime_line_in_south_china_sea(layers):
    minx, miny, maxx, maxy = layers.maritime.total_bounds
    assert 105 < minx < maxx < 125 and 2 < miny < maxy < 26
    lons, _ = boundaries.maritime_lines(layers)
    assert lons.count(None) >= 9  # the dashes, each a separate line


def test_representative_points_inside(layers):
    full = layers.counties_full
    pts = shapely.points(full["cx"].to_numpy(), full["cy"].to_numpy())
    inside = shapely.contains(full.geometry.values, pts) | (
        shapely.distance(full.geometry.values, pts) < 1e-4
    )
    assert inside.all()


def test_cache_key_depends_on_params():
    a = boundaries.cache_key(boundaries.LayerParams())
    b = boundaries.cache_key(boundaries.LayerParams(tolerance=0.02))
    assert a != b and len(a) == 12


def test_corrupt_cache_is_rebuilt(layers, tmp_path, monkeypatch):
    params = boundaries.LayerParams()
    target = tmp_path / f"layers-{boundaries.cache_key(params)}"
    target.mkdir()
    (target / "meta.json").write_text("{not json")
    built = []

    def fake_build(p):
        built.append(p)
        return boundaries.Layers(
            counties_full=layers.counties_full.iloc[:3],
            counties_web=layers.counties_web.iloc[:3],
            prefectures=layers.prefectures.iloc[:1],
            provinces=layers.provinces.iloc[:1],
            maritime=layers.maritime,
            meta=dict(layers.meta),
        )

    monkeypatch.setattr(boundaries.layers, "build_layers", fake_build)
    out = boundaries.load_layers(tmp_path, params)
    assert built and len(out.counties_full) == 3
    again = boundaries.read_cache(target)  # the rebuilt cache reads back whole
    assert len(again.counties_web) == 3


def test_summary_reports_counts(layers):
    s = boundaries.summary(layers)
    assert s["counts"] == {
        "counties": 2875,
        "prefectures": len(layers.prefectures),
        "provinces": 34,
    }
    assert s["crs"] == "EPSG:4326" and s["invalid_web_geometries"] == 0
    assert s["vertices"]["counties_web"] < s["vertices"]["counties_full"]


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        # mtime=0: the payload is part of the test's id, which both xdist workers must agree on
        (
            "counties.geojson.gz",
            gzip.compress(b'{"type": "FeatureCollection", "features": []}', mtime=0),
        ),
        ("counties.geojson.gz", b"not gzip at all"),
        ("provinces.geojson.gz", gzip.compress(b"<html>garbage</html>", mtime=0)),
    ],
)
def test_damaged_geometry_files_are_not_served(layers, tmp_path, name, payload):
    """A garbage counties.geojson.gz was served as is; now the cache is refused (and so
    rebuilt by load_layers) when a geometry file is not what was built."""
    import os
    import shutil

    copy = tmp_path / layers.path.name
    shutil.copytree(layers.path.resolve(), copy, copy_function=os.link)  # hard links: fast
    (copy / name).unlink()  # a new file, never the shared original
    (copy / name).write_bytes(payload)
    with pytest.raises((ValueError, OSError, EOFError, gzip.BadGzipFile)):
        boundaries.read_cache(copy)
    assert boundaries.read_cache(layers.path).meta == layers.meta  # the original is whole
