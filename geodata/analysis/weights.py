"""Spatial weights for county analyses: queen contiguity with islands joined.

Every local statistic in this package (Local Moran's I, Getis-Ord Gi*) asks "how does a
county compare with the counties around it?", so the first question is which counties
are *around* it.  We use **queen contiguity**: two counties are neighbours when their
full-resolution polygons share at least one boundary vertex (libpysal's
:class:`~libpysal.weights.Queen`).  Weights are then **row-standardised** so that each
county's spatial lag is the plain average of its neighbours.

Contiguity leaves *islands* with no neighbour at all; in the county layer there are
seven: 长海县, 岱山县, 金门县, 南澳县, 西沙区, 南沙区 and 台湾省.  An island has no
spatial lag, so a local statistic would silently treat it as "surrounded by the mean".
Instead each island is **joined by a symmetric link to its nearest non-island unit**,
measured between polygon centroids in the equal-area CRS
(:data:`geodata.boundaries.chinacrs.EQUAL_AREA_CRS`, metres).  Only non-islands are candidates so
that two islands (西沙区 and 南沙区, say) cannot pair up into a component of their own.
The joins are recorded (:attr:`CountyWeights.joins`) so the docs and the map can say
what was done.

Analyses often run on a subset: one province, or only the counties that have a value.
Dropping units can create new islands (a county whose only neighbours had no data), so
subsetting restarts from the raw contiguity and joins islands again within the subset.

Building contiguity from the full-resolution layer takes tens of seconds (four million
vertices); :func:`build_weights` is a plain function so callers can cache its result
(the :class:`CountyWeights` object pickles).

Examples
--------
A row of three squares and a detached fourth one: the detached square is an island and
is joined to its nearest unit, ``"c"``.

>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> gdf = gpd.GeoDataFrame(
...     {"name_zh": ["甲", "乙", "丙", "丁"]},
...     geometry=[box(100, 30, 100.1, 30.1), box(100.1, 30, 100.2, 30.1),
...               box(100.2, 30, 100.3, 30.1), box(100.5, 30, 100.6, 30.1)],
...     index=["a", "b", "c", "d"], crs="EPSG:4326")
>>> cw = build_weights(gdf)
>>> cw.neighbours["d"], cw.neighbours["c"]
(['c'], ['b', 'd'])
>>> [(j.island, j.neighbour) for j in cw.joins]
[('d', 'c')]
>>> cw.w.weights["c"]
[0.5, 0.5]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.weights import W
from scipy.spatial import cKDTree

from geodata.boundaries.chinacrs import EQUAL_AREA_CRS

__all__ = [
    "CountyWeights",
    "IslandJoin",
    "build_weights",
    "join_islands",
    "region_weights",
    "subset_weights",
    "weights_for_values",
]


@dataclass(frozen=True)
class IslandJoin:
    """One island joined to its nearest unit (a symmetric link)."""

    island: str
    island_name: str
    neighbour: str
    neighbour_name: str
    distance_km: float


@dataclass(frozen=True, eq=False)
class CountyWeights:
    """Row-standardised contiguity weights with islands joined.

    Attributes
    ----------
    w : libpysal.weights.W
        Row-standardised weights (``w.transform == "R"``), ids = county codes in the
        order of the source GeoDataFrame.  Islands are joined, so no id has zero
        neighbours unless the set has a single unit.
    neighbours : dict[str, list[str]]
        Final neighbour lists (contiguity plus island joins), codes sorted.
    contiguity : dict[str, list[str]]
        Raw queen contiguity before any island join; subsetting restarts from here.
    centroids : pandas.DataFrame
        ``x, y`` polygon centroids in metres in the equal-area CRS, indexed by code.
    names : pandas.Series
        ``name_zh`` by code (or the code itself when the layer has no names).
    regions : pandas.Series or None
        ``province_code`` by code when the layer has it, for :func:`region_weights`.
    joins : tuple of IslandJoin
        Islands found and what they were joined to.
    """

    w: W
    neighbours: dict[str, list[str]]
    contiguity: dict[str, list[str]] = field(repr=False)
    centroids: pd.DataFrame = field(repr=False)
    names: pd.Series = field(repr=False)
    regions: pd.Series | None = field(repr=False)
    joins: tuple[IslandJoin, ...]

    @property
    def ids(self) -> list[str]:
        """County codes in weights order."""
        return list(self.w.id_order)

    @property
    def n(self) -> int:
        """Number of units."""
        return self.w.n

    def joins_frame(self) -> pd.DataFrame:
        """The island joins as a table (one row per island), for docs and the UI."""
        cols = ["island", "island_name", "neighbour", "neighbour_name", "distance_km"]
        return pd.DataFrame([j.__dict__ for j in self.joins], columns=cols)


def _contiguity(gdf: gpd.GeoDataFrame, rook: bool = False) -> dict[str, list[str]]:
    from libpysal.weights import Queen, Rook

    cls = Rook if rook else Queen
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = cls.from_dataframe(gdf, use_index=True, silence_warnings=True)
    return {str(k): sorted(str(v) for v in q.neighbors.get(k, [])) for k in gdf.index}


def join_islands(
    contiguity: dict[str, list[str]],
    centroids: pd.DataFrame,
    names: pd.Series | None = None,
) -> tuple[dict[str, list[str]], tuple[IslandJoin, ...]]:
    """Join every unit without neighbours to its nearest non-island unit.

    Parameters
    ----------
    contiguity : dict
        Neighbour lists by code (may contain codes outside the keys; those are ignored).
    centroids : pandas.DataFrame
        ``x, y`` in metres (equal-area CRS) for at least the keys of ``contiguity``.
    names : pandas.Series, optional
        Display names by code for the join record.

    Returns
    -------
    neighbours : dict
        Neighbour lists with symmetric island links added, sorted.
    joins : tuple of IslandJoin
        One entry per island, in code order.

    Notes
    -----
    Candidates are the units that have at least one contiguous neighbour; only if there
    are none (every unit is an island) are all other units candidates.  Ties in
    distance go to the smaller code (KD-tree order over sorted codes).

    Examples
    --------
    >>> c = pd.DataFrame({"x": [0.0, 1000.0, 5000.0], "y": [0.0, 0.0, 0.0]},
    ...                  index=["a", "b", "z"])
    >>> nb, joins = join_islands({"a": ["b"], "b": ["a"], "z": []}, c)
    >>> nb["z"], nb["b"], round(joins[0].distance_km, 1)
    (['b'], ['a', 'z'], 4.0)
    """
    keys = list(contiguity)
    keyset = set(keys)
    nb = {k: sorted({v for v in contiguity[k] if v in keyset and v != k}) for k in keys}
    islands = sorted(k for k in keys if not nb[k])
    if not islands or len(keys) < 2:
        return nb, ()
    cands = sorted(k for k in keys if nb[k]) or sorted(keys)
    xy = centroids.loc[cands, ["x", "y"]].to_numpy(dtype=float)
    tree = cKDTree(xy)

    def name(code: str) -> str:
        return str(names.get(code, code)) if names is not None else code

    joins = []
    for isl in islands:
        if nb[isl]:  # already linked by an earlier join (only when all are islands)
            continue
        p = centroids.loc[isl, ["x", "y"]].to_numpy(dtype=float)
        dist, idx = tree.query(p, k=min(2, len(cands)))
        dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
        # When every unit is a candidate, skip the island itself.
        pick = next(i for i, j in enumerate(idx) if cands[j] != isl)
        other = cands[idx[pick]]
        nb[isl] = sorted(set(nb[isl]) | {other})
        nb[other] = sorted(set(nb[other]) | {isl})
        joins.append(IslandJoin(isl, name(isl), other, name(other), float(dist[pick]) / 1000))
    return nb, tuple(joins)


def _make(
    ids: list[str],
    contiguity: dict[str, list[str]],
    centroids: pd.DataFrame,
    names: pd.Series,
    regions: pd.Series | None,
) -> CountyWeights:
    nb, joins = join_islands({k: contiguity.get(k, []) for k in ids}, centroids, names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W({k: nb[k] for k in ids}, id_order=ids, silence_warnings=True)
        if w.n > 1 and min(w.cardinalities.values()) > 0:
            w.transform = "R"
    return CountyWeights(
        w=w,
        neighbours={k: nb[k] for k in ids},
        contiguity=contiguity,
        centroids=centroids,
        names=names,
        regions=regions,
        joins=joins,
    )


def build_weights(
    gdf: gpd.GeoDataFrame,
    *,
    name_col: str = "name_zh",
    region_col: str = "province_code",
    rook: bool = False,
) -> CountyWeights:
    """Queen contiguity from full-resolution polygons, islands joined, row-standardised.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        County polygons indexed by six-character code (EPSG:4326 or any CRS that
        can be projected).  Use the full-resolution layer: simplified geometry may
        lose or invent shared vertices.
    name_col, region_col : str
        Optional columns kept for the join record and for :func:`region_weights`.
    rook : bool, default False
        Rook contiguity (a shared edge, not just a point) instead of queen.  The
        atlas uses queen; rook exists for textbook checks such as the checkerboard.

    Returns
    -------
    CountyWeights

    Notes
    -----
    Contiguity is vertex-based (libpysal ``Queen.from_dataframe``): polygons that
    share a boundary point are neighbours.  Island joins use polygon centroids
    computed in :data:`~geodata.boundaries.chinacrs.EQUAL_AREA_CRS`, so distances are metres on
    an equal-area plane (under 1 % scale error across China).

    Examples
    --------
    A 2 x 2 block of squares: each touches the other three (two by an edge, one by a
    corner), so each row has three weights of 1/3.

    >>> from shapely.geometry import box
    >>> sq = [box(100 + i * .1, 30 + j * .1, 100.1 + i * .1, 30.1 + j * .1)
    ...       for j in range(2) for i in range(2)]
    >>> g = gpd.GeoDataFrame(geometry=sq, index=["a", "b", "c", "d"], crs="EPSG:4326")
    >>> cw = build_weights(g)
    >>> cw.w.weights["a"], cw.joins
    ([0.3333333333333333, 0.3333333333333333, 0.3333333333333333], ())
    """
    if gdf.index.has_duplicates:
        raise ValueError("build_weights: duplicate codes in the index")
    gdf = gdf.copy()
    gdf.index = gdf.index.astype(str)
    ids = list(gdf.index)
    crs = gdf.crs if gdf.crs is not None else "EPSG:4326"
    projected = gpd.GeoSeries(gdf.geometry.values, index=gdf.index, crs=crs).to_crs(EQUAL_AREA_CRS)
    cent = projected.centroid
    centroids = pd.DataFrame({"x": cent.x.to_numpy(), "y": cent.y.to_numpy()}, index=ids)
    names = gdf[name_col].astype(str) if name_col in gdf.columns else pd.Series(ids, index=ids)
    regions = gdf[region_col].astype(str) if region_col in gdf.columns else None
    contiguity = _contiguity(gdf[[gdf.geometry.name]], rook=rook)
    return _make(ids, contiguity, centroids, names, regions)


def subset_weights(cw: CountyWeights, codes: Iterable[str]) -> CountyWeights:
    """Weights restricted to ``codes`` (kept in weights order), islands re-joined.

    Units that lose all neighbours in the subset become islands and are joined to
    their nearest remaining non-island unit.  Codes not in ``cw`` are ignored.

    Examples
    --------
    >>> c = pd.DataFrame({"x": [0.0, 1e3, 2e3], "y": [0.0, 0.0, 0.0]}, index=list("abc"))
    >>> cw = _make(list("abc"), {"a": ["b"], "b": ["a", "c"], "c": ["b"]}, c,
    ...            pd.Series(list("abc"), index=list("abc")), None)
    >>> sub = subset_weights(cw, ["a", "c"])
    >>> sub.neighbours, [j.island for j in sub.joins]
    ({'a': ['c'], 'c': ['a']}, ['a'])
    """
    keep = set(map(str, codes))
    ids = [k for k in cw.ids if k in keep]
    return _make(ids, cw.contiguity, cw.centroids, cw.names, cw.regions)


def region_weights(cw: CountyWeights, province_code: str) -> CountyWeights:
    """Weights for the counties of one province (by ``province_code``)."""
    if cw.regions is None:
        raise ValueError("region_weights: the layer had no province_code column")
    codes = cw.regions.index[cw.regions == str(province_code)]
    if len(codes) == 0:
        raise ValueError(f"region_weights: no counties in province {province_code!r}")
    return subset_weights(cw, codes)


def weights_for_values(
    cw: CountyWeights, values: pd.Series | pd.DataFrame
) -> tuple[CountyWeights, pd.Series | pd.DataFrame]:
    """Align values to the weights, dropping missing rows and re-joining islands.

    Parameters
    ----------
    cw : CountyWeights
    values : pandas.Series or DataFrame
        Indexed by code.  Rows with a NaN (in any column) or not in ``cw`` are
        dropped; codes of ``cw`` without a row are dropped from the weights.

    Returns
    -------
    (CountyWeights, values)
        The weights for the complete rows and the values in weights order.  When
        nothing was dropped the original ``cw`` is returned unchanged.
    """
    v = values.copy()
    v.index = v.index.astype(str)
    ok = v.notna() if isinstance(v, pd.Series) else v.notna().all(axis=1)
    if isinstance(v, pd.Series):
        ok &= np.isfinite(pd.to_numeric(v, errors="coerce").astype(float))
    v = v[ok]
    v = v[~v.index.duplicated()]
    present = set(v.index)
    ids = [k for k in cw.ids if k in present]
    sub = cw if len(ids) == cw.n else subset_weights(cw, ids)
    return sub, v.loc[ids]
