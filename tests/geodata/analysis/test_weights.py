import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from geodata.analysis.weights import (
    build_weights,
    join_islands,
    region_weights,
    subset_weights,
    weights_for_values,
)
from geodata.boundaries.chinacrs import EQUAL_AREA_CRS
from tests.geodata.analysis.fixtures import code, grid, sids2, sids2_gal


def test_queen_grid_cardinalities_and_row_standardised():
    cw = build_weights(grid(3))
    card = cw.w.cardinalities
    assert card[code(1, 1)] == 8  # centre: 4 edges + 4 corners
    assert card[code(0, 0)] == 3  # corner
    assert card[code(0, 1)] == 5  # edge
    assert cw.w.transform.upper() == "R"
    np.testing.assert_allclose(np.asarray(cw.w.sparse.sum(axis=1)).ravel(), 1.0)
    assert cw.joins == ()
    assert cw.ids == list(grid(3).index)


def test_rook_grid():
    cw = build_weights(grid(3), rook=True)
    assert cw.w.cardinalities[code(1, 1)] == 4
    assert cw.w.cardinalities[code(0, 0)] == 2


def _with_islands() -> gpd.GeoDataFrame:
    g = grid(3)
    extra = gpd.GeoDataFrame(
        {"code": ["900001", "900002"], "name_zh": ["近岛", "远岛"], "province_code": "110000"},
        # one island 0.2 deg east of the grid's right column, one far to the north-east
        geometry=[box(100.5, 30.1, 100.6, 30.2), box(102.0, 32.0, 102.1, 32.1)],
        index=["900001", "900002"],
        crs="EPSG:4326",
    )
    return pd.concat([g, extra])


def test_islands_joined_to_nearest_by_equal_area_centroid():
    g = _with_islands()
    cw = build_weights(g)
    assert min(cw.w.cardinalities.values()) >= 1
    joins = {j.island: j for j in cw.joins}
    assert set(joins) == {"900001", "900002"}
    # Near island: nearest cell is the middle of the right column (row 1, column 2).
    assert joins["900001"].neighbour == code(1, 2)
    assert joins["900001"].island_name == "近岛"
    # Far island: nearest is the top-right corner cell.
    assert joins["900002"].neighbour == code(2, 2)
    # Links are symmetric.
    assert "900001" in cw.neighbours[code(1, 2)]
    assert code(1, 2) in cw.neighbours["900001"]
    # The recorded distance is between centroids in the equal-area CRS.
    tr = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    proj = g.to_crs(EQUAL_AREA_CRS).centroid
    expected = proj.loc["900001"].distance(proj.loc[code(1, 2)]) / 1000
    assert joins["900001"].distance_km == pytest.approx(expected)
    x, _ = tr.transform(100.55, 30.15)
    assert abs(x - proj.loc["900001"].x) < 100  # sanity: centroid near the box centre
    frame = cw.joins_frame()
    assert list(frame.columns) == [
        "island",
        "island_name",
        "neighbour",
        "neighbour_name",
        "distance_km",
    ]
    assert len(frame) == 2


def test_islands_are_not_paired_with_each_other():
    # Two islands next to each other, far from the grid: each joins the grid.
    g = grid(2)
    isl = gpd.GeoDataFrame(
        geometry=[box(101.0, 30.0, 101.1, 30.1), box(101.2, 30.0, 101.3, 30.1)],
        index=["800001", "800002"],
        crs="EPSG:4326",
    )
    cw = build_weights(pd.concat([g, isl]))
    for j in cw.joins:
        assert j.neighbour in g.index


def test_join_islands_all_islands_fallback():
    c = pd.DataFrame({"x": [0.0, 10e3, 30e3], "y": [0.0, 0.0, 0.0]}, index=["a", "b", "c"])
    nb, joins = join_islands({"a": [], "b": [], "c": []}, c)
    # a joins b; b is then linked and skipped; c joins its nearest, b.
    assert nb == {"a": ["b"], "b": ["a", "c"], "c": ["b"]}
    assert [j.island for j in joins] == ["a", "c"]


def test_subset_rejoins_new_islands():
    g = grid(3)
    cw = build_weights(g)
    # Keep only the two left corners and the top-right corner: all three become islands.
    keep = [code(0, 0), code(2, 0), code(2, 2)]
    sub = subset_weights(cw, keep)
    assert sub.ids == keep
    assert min(sub.w.cardinalities.values()) >= 1
    assert {j.island for j in sub.joins} <= set(keep)
    np.testing.assert_allclose(np.asarray(sub.w.sparse.sum(axis=1)).ravel(), 1.0)
    # The original weights are untouched.
    assert cw.w.n == 9 and cw.joins == ()


def test_weights_for_values_drops_nan_and_rejoins():
    g = grid(3)
    cw = build_weights(g)
    values = pd.Series(np.arange(9.0), index=g.index)
    # Blank out everything around the corner (0, 0): it becomes an island.
    values[[code(0, 1), code(1, 0), code(1, 1)]] = np.nan
    sub, v = weights_for_values(cw, values)
    assert sub.n == 6
    assert list(v.index) == sub.ids
    assert not v.isna().any()
    assert code(0, 0) in {j.island for j in sub.joins}
    assert min(sub.w.cardinalities.values()) >= 1
    # Nothing dropped: same object back.
    same, _ = weights_for_values(cw, pd.Series(1.0, index=g.index))
    assert same is cw


def test_region_weights():
    g = grid(3)
    g.loc[[code(0, 0), code(0, 1)], "province_code"] = "120000"
    cw = build_weights(g)
    r = region_weights(cw, "120000")
    assert r.ids == [code(0, 0), code(0, 1)]
    assert r.neighbours[code(0, 0)] == [code(0, 1)]
    with pytest.raises(ValueError):
        region_weights(cw, "990000")


def test_matches_libpysal_reference_weights_on_sids2():
    # esda's own tests use sids2.gal (rook contiguity); our builder reproduces it exactly.
    gal = sids2_gal()
    cw = build_weights(sids2(), rook=True)
    assert cw.ids == [str(i) for i in gal.id_order]
    for k in gal.id_order:
        assert cw.neighbours[str(k)] == sorted(str(v) for v in gal.neighbors[k])
