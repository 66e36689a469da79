"""Spatial access: two-step floating catchment (2SFCA) and nearest-facility distance.

Facility counts per county (:mod:`geodata.analysis.coverage`) ignore that children cross county
lines and that a facility just over the border serves the neighbours too.  2SFCA (Luo
and Wang 2003) measures *how much service is within reach of each county's children,
shared among everyone else who can reach it*:

1. For each facility *j*, its supply-to-demand ratio
   ``R_j = S_j / sum_{k: d_kj <= d0} P_k``: capacity ``S_j`` (default 1) over all
   left-behind children ``P_k`` in counties whose centre is within the catchment radius
   ``d0`` of the facility.
2. For each county *i*, access ``A_i = sum_{j: d_ij <= d0} R_j``: the sum of the ratios of
   the facilities within ``d0``.

``access_per_1000 = 1000 * A_i`` reads "facility capacity within reach per 1,000
left-behind children"; summed over counties weighted by children it returns the total
capacity that has any demand in reach (a useful check).

**Distance** is great-circle (haversine on a sphere of radius 6,371.0088 km, the IUGG
mean radius), not projected distance: it is exact enough (< 0.5 %) at these scales and
needs no projection.  Candidate pairs are found with a KD-tree on 3-D unit vectors
(chord length ``2 sin(d / 2R)`` is monotone in great-circle distance), then distances
of the candidate pairs are computed with a vectorised haversine and filtered, so the
cost grows with the number of pairs within reach, not with counties x facilities.

**Demand points** are county centres (``cx, cy``: representative points, guaranteed
inside the county; pass population-weighted centres if you have them).  Treating a
county as a point is the main caveat: with a radius smaller than a county's size, a
facility in the county may not reach its own centre.  Radii of 30 km or more suit
county-level data.

Examples
--------
Two facilities and three counties on the equator, worked by hand in the tests: with
0.1 degree = 11.12 km spacing and a 15 km radius, facility F1 at A reaches A and B
(100 + 50 children), F2 at C reaches B and C (50 + 150).

>>> counties = pd.DataFrame({"cx": [0.0, 0.1, 0.2], "cy": [0.0, 0.0, 0.0]},
...                         index=["A", "B", "C"])
>>> children = pd.Series([100, 50, 150], index=["A", "B", "C"])
>>> fac = pd.DataFrame({"lon": [0.0, 0.2], "lat": [0.0, 0.0]})
>>> res = two_step_fca(counties, children, fac, radius_km=15)
>>> res["access_per_1000"].round(3).tolist()  # 1000/150, 1000/150 + 1000/200, 1000/200
[6.667, 11.667, 5.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

__all__ = [
    "EARTH_RADIUS_KM",
    "haversine_km",
    "nearest_facility_km",
    "pairs_within",
    "two_step_fca",
    "unit_vectors",
]

EARTH_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius."""


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km between lon/lat points (degrees), vectorised.

    Examples
    --------
    >>> round(float(haversine_km(116.397, 39.908, 121.4737, 31.2304)), 0)  # Beijing-Shanghai
    1068.0
    """
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(lon, lat) -> np.ndarray:
    """3-D unit vectors (n, 3) for lon/lat in degrees."""
    lon = np.radians(np.asarray(lon, dtype=float))
    lat = np.radians(np.asarray(lat, dtype=float))
    c = np.cos(lat)
    return np.column_stack([c * np.cos(lon), c * np.sin(lon), np.sin(lat)])


def _chord(radius_km: float) -> float:
    return 2.0 * np.sin(min(radius_km / EARTH_RADIUS_KM, np.pi) / 2.0)


def pairs_within(
    a_lon, a_lat, b_lon, b_lat, radius_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (i in a, j in b) within ``radius_km`` great-circle distance.

    Returns ``(i, j, d_km)`` arrays sorted by ``i`` then ``j``.

    Examples
    --------
    >>> i, j, d = pairs_within([0, 1], [0, 0], [0.05, 3], [0, 0], 10)
    >>> i.tolist(), j.tolist(), d.round(2).tolist()
    ([0], [0], [5.56])
    """
    a = unit_vectors(a_lon, a_lat)
    b = unit_vectors(b_lon, b_lat)
    if len(a) == 0 or len(b) == 0 or radius_km < 0:
        e = np.array([], dtype=np.int64)
        return e, e, np.array([], dtype=float)
    ta, tb = cKDTree(a), cKDTree(b)
    # Query a slightly larger chord; the haversine filter below is exact.
    sdm = ta.sparse_distance_matrix(
        tb, _chord(radius_km) * (1 + 1e-9) + 1e-12, output_type="ndarray"
    )
    i = sdm["i"].astype(np.int64)  # co-located points (distance 0) are included
    j = sdm["j"].astype(np.int64)
    lon_a, lat_a = np.asarray(a_lon, dtype=float), np.asarray(a_lat, dtype=float)
    lon_b, lat_b = np.asarray(b_lon, dtype=float), np.asarray(b_lat, dtype=float)
    d = haversine_km(lon_a[i], lat_a[i], lon_b[j], lat_b[j])
    keep = d <= radius_km
    i, j, d = i[keep], j[keep], d[keep]
    order = np.lexsort((j, i))
    return i[order], j[order], d[order]


def two_step_fca(
    counties: pd.DataFrame,
    demand: pd.Series,
    facilities: pd.DataFrame,
    *,
    radius_km: float = 50.0,
    capacity_col: str = "capacity",
    per: float = 1000.0,
) -> pd.DataFrame:
    """Two-step floating catchment access of each county to facilities.

    Parameters
    ----------
    counties : pandas.DataFrame
        Indexed by code with demand-point lon/lat in ``cx, cy``.
    demand : pandas.Series
        Left-behind children by code (missing -> 0: no demand).
    facilities : pandas.DataFrame
        One row per facility with ``lon, lat`` (WGS-84) and optionally a capacity
        column (default 1 each); rows without coordinates are ignored.
    radius_km : float, default 50
        Catchment radius (great-circle km), the same in both steps.
    capacity_col : str, default "capacity"
    per : float, default 1000

    Returns
    -------
    pandas.DataFrame
        Indexed by code: ``access_per_1000`` (capacity within reach per ``per``
        children, shared with everyone else in reach), ``facilities_in_reach``
        (count within ``radius_km``) and ``demand`` (the children used).  ``attrs``
        carries the radius and the number of facilities with no demand in
        reach (``unreached_facilities``).
    """
    cx = counties["cx"].to_numpy(dtype=float)
    cy = counties["cy"].to_numpy(dtype=float)
    codes = pd.Index(counties.index.astype(str), name="code")
    d = demand.copy()
    d.index = d.index.astype(str)
    p = pd.to_numeric(d.reindex(codes), errors="coerce").fillna(0.0).clip(lower=0.0)
    p = p.to_numpy(dtype=float)
    fac = facilities.dropna(subset=["lon", "lat"])
    s = (
        pd.to_numeric(fac[capacity_col], errors="coerce").fillna(1.0).to_numpy(dtype=float)
        if capacity_col in fac.columns
        else np.ones(len(fac))
    )
    i, j, _ = pairs_within(
        cx, cy, fac["lon"].to_numpy(float), fac["lat"].to_numpy(float), radius_km
    )
    n, m = len(cx), len(fac)
    demand_reach = np.bincount(j, weights=p[i], minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(demand_reach > 0, s / demand_reach, 0.0)
    access = np.bincount(i, weights=r[j], minlength=n)
    out = pd.DataFrame(index=codes)
    out["access_per_1000"] = access * per
    out["facilities_in_reach"] = np.bincount(i, minlength=n).astype(int)
    out["demand"] = p
    out.attrs.update(
        method="2sfca",
        radius_km=float(radius_km),
        distance="great-circle (haversine, R = 6371.0088 km)",
        per=per,
        facilities=m,
        unreached_facilities=int((demand_reach <= 0).sum()),
    )
    return out


def nearest_facility_km(counties: pd.DataFrame, facilities: pd.DataFrame) -> pd.Series:
    """Great-circle distance (km) from each county centre (``cx, cy``) to the nearest facility.

    NaN for every county when there is no facility.

    Examples
    --------
    >>> c = pd.DataFrame({"cx": [0.0, 1.0], "cy": [0.0, 0.0]}, index=["A", "B"])
    >>> nearest_facility_km(c, pd.DataFrame({"lon": [0.1], "lat": [0.0]})).round(2).tolist()
    [11.12, 100.08]
    """
    idx = pd.Index(counties.index.astype(str), name="code")
    fac = facilities.dropna(subset=["lon", "lat"])
    if len(fac) == 0:
        return pd.Series(np.nan, index=idx, name="nearest_km")
    flon = fac["lon"].to_numpy(dtype=float)
    flat = fac["lat"].to_numpy(dtype=float)
    cx = counties["cx"].to_numpy(dtype=float)
    cy = counties["cy"].to_numpy(dtype=float)
    _, k = cKDTree(unit_vectors(flon, flat)).query(unit_vectors(cx, cy), k=1)
    return pd.Series(haversine_km(cx, cy, flon[k], flat[k]), index=idx, name="nearest_km")


def run(params, inputs) -> pd.DataFrame:
    """Registry runner: 2SFCA access and the nearest facility (``2sfca``).

    Counties without a count of left-behind children (Taiwan, Hong Kong, Macao, or a
    county not reported) get no access value: no children to serve is not zero access.
    """
    table = inputs.table
    pts = inputs.need_points(params.method)
    out = two_step_fca(table, table["left_behind"], pts, radius_km=params.radius_km)
    out["nearest_facility_km"] = nearest_facility_km(table, pts)
    no_data = pd.to_numeric(table["left_behind"], errors="coerce").isna()
    out.loc[out.index.isin(table.index[no_data])] = np.nan
    return out
