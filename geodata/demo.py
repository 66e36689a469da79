"""Seeded synthetic demo data: plausible, calibrated, and never to be shown as statistics.

No county-level counts of left-behind or migrant children are published, so the atlas
ships with a *synthetic* dataset that lets every map, chart and workflow be tried out.
It is calibrated to published national and provincial figures (``docs/demo-data.md``
lists each with its year, definition and source) so that its orders of magnitude and
broad geography are right, while every county value is invented. Everything it returns
carries ``synthetic=True`` and facility names end in "（示例）".

The model, in brief (details and every assumption in ``docs/demo-data.md``):

1. *Children under 16* (250 M nationally, an assumption derived from the 2020 census)
   are split across provinces by approximate 2020 census population x 0-14 share,
   then across counties by a size weight (county type, area) times a smooth latent field.
2. *Left-behind children* (MCA 2016 definition, 4.77 M in 2021) are split across
   provinces by shares following the MCA 2018 ranking and the 2016 east/centre/west
   split, then across counties by children x rurality (rural counties >> urban
   districts) x a smooth "sending-area" field.
3. *Migrant children* (2024 plan definition, under 16, across county lines; no total
   is published: 35.8 M is an assumption scaled from the census 71.09 M) go to
   destination provinces and, within them, to urban districts.
4. *Risk groups* are binomial draws, small fractions of left-behind + migrant children.
5. *Facilities*: supervisors about one per township (55,000), directors about one per
   village or community (667,000), children's homes about one per three townships,
   activity centres more common where left-behind rates are high; homes and centres
   also get points inside their county polygon.
6. Later periods drift: children -1.5 %, left-behind -4 %, migrants +2 % per half-year
   on average, with spatially smooth variation; facilities only grow.

The smooth latent fields are white noise at county centroids smoothed with a Gaussian
kernel over the k nearest neighbours, so that neighbouring counties look alike (as
real data do) instead of a salt-and-pepper map.

Hong Kong (81), Macau (82) and Taiwan (71) get **no rows**: the MCA lists cover the 31
mainland provinces only, so they appear on the map as "no data".

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> codes = ["510101", "510121", "510181", "440101"]
>>> g = gpd.GeoDataFrame(
...     {"code": codes, "province_code": ["51", "51", "51", "44"],
...      "kind": ["district", "county", "city", "district"]},
...     geometry=[box(i, 30, i + 1, 31) for i in range(4)], crs="EPSG:4326",
... ).set_index("code", drop=False)
>>> demo = generate(g, periods=("2025-H2",), seed=1)
>>> bool((demo.children["left_behind"] <= demo.children["children"]).all())
True
>>> generate(g, seed=1).children.equals(generate(g, seed=1).children)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geodata.indicators import FACILITY_COUNTS, MEASURES, RISK_COLUMNS
from geodata.periods import sort_periods

if TYPE_CHECKING:
    from geodata.store import Store

DEFAULT_SEED = 20251123
DEFAULT_PERIODS = ("2025-H2", "2026-H1")

# --- calibration (see docs/demo-data.md for sources and years) ----------------------
CHILDREN_0_17_2020 = 298_000_000  # NBS/UNICEF/UNFPA 2023, census 2020, aged 0-17
UNDER16_SHARE_OF_0_17 = 16 / 18  # assumption: equal single-year cohorts -> 264.9 M in 2020
CHILDREN_UNDER16 = 250_000_000  # assumption for 2025: 264.9 M rounded down for smaller cohorts
LEFT_BEHIND_MCA_2021 = 4_770_000  # MCA 2021, rural left-behind (MCA 2016 definition)
MIGRANT_0_17_2020 = 71_090_000  # census 2020, 0-17, outside township of registration
MIGRANT_CROSS_COUNTY_SHARE = 0.6  # assumption: share of census migrant children across county lines
MIGRANT_UNDER16 = round(
    MIGRANT_0_17_2020 * CHILDREN_UNDER16 / CHILDREN_0_17_2020 * MIGRANT_CROSS_COUNTY_SHARE, -5
)  # = 35.8 M: an assumption, no total is published for the 2024 definition
CHILD_DIRECTORS_2020 = 667_000  # end 2020, one per village or community
CHILD_SUPERVISORS_2020 = 55_000  # end 2020, one per township or street office
MIGRANT_CONTRAST = 0.7  # assumption: 2010 provincial contrasts compressed (rates ** 0.7), as
# the national rate roughly doubled (35.81 M of 278.9 M children in 2010, 71.09 M of 298 M in 2020)
TOWNSHIPS_PER_HOME = 3.0  # assumption: "one children's home per few townships"

# Risk groups: per-child probabilities among left-behind + migrant children (assumption;
# "lack of guardianship" echoes the MCA 2016 survey's 4 % of left-behind with no carer).
RISK_RATES: dict[str, float] = {
    "risk_hardship": 0.050,
    "risk_disability": 0.012,
    "risk_unguarded": 0.025,
    "risk_street": 0.0008,
    "risk_psych": 0.020,
}

# Per-half-year drift of later periods (assumption; the MCA series falls steadily:
# 9.02 M 2016 -> 6.97 M 2018 -> 4.77 M 2021, about -8 % a half-year on average).
DRIFT = {"children": -0.015, "left_behind": -0.04, "migrant": 0.02}

# Province: (name, 2020 census population in millions, 2020 census 0-14 share %,
# share of national rural left-behind %, relative migrant-child rate).
# Population and 0-14 share: approximate 2020 census figures, used only as weights.
# Left-behind shares: MCA 2018 ranking (Sichuan 765,000 = 10.98 % of 6.97 M first, then
# Anhui, Hunan, Henan, Jiangxi, Hubei, Guizhou; the seven 69.5 %) with the remaining
# 30.5 % split so that east/centre/west = 9.65/51.33/39.02 % (MCA 2016).
# Migrant rates: relative pattern of 2010 (Shanghai ~4 in 10, Beijing and Zhejiang ~3 in
# 10, Guangdong the largest count), rescaled to the national total.
PROVINCES: dict[str, tuple[str, float, float, float, float]] = {
    "11": ("北京", 21.89, 11.84, 0.05, 0.30),
    "12": ("天津", 13.87, 13.47, 0.10, 0.22),
    "13": ("河北", 74.61, 20.22, 1.50, 0.05),
    "14": ("山西", 34.92, 16.35, 0.80, 0.07),
    "15": ("内蒙古", 24.05, 14.04, 0.80, 0.10),
    "21": ("辽宁", 42.59, 11.12, 0.35, 0.08),
    "22": ("吉林", 24.07, 11.71, 0.43, 0.06),
    "23": ("黑龙江", 31.85, 10.32, 0.40, 0.06),
    "31": ("上海", 24.87, 9.80, 0.05, 0.40),
    "32": ("江苏", 84.75, 15.21, 1.20, 0.15),
    "33": ("浙江", 64.57, 13.45, 0.80, 0.30),
    "34": ("安徽", 61.03, 19.24, 10.60, 0.04),
    "35": ("福建", 41.54, 19.32, 1.00, 0.16),
    "36": ("江西", 45.19, 21.96, 9.60, 0.04),
    "37": ("山东", 101.53, 18.78, 1.40, 0.06),
    "41": ("河南", 99.37, 23.14, 10.00, 0.04),
    "42": ("湖北", 57.75, 16.31, 9.20, 0.06),
    "43": ("湖南", 66.45, 19.52, 10.30, 0.04),
    "44": ("广东", 126.01, 18.85, 2.80, 0.20),
    "45": ("广西", 50.13, 23.63, 4.00, 0.05),
    "46": ("海南", 10.08, 19.97, 0.40, 0.08),
    "50": ("重庆", 32.05, 15.91, 3.30, 0.07),
    "51": ("四川", 83.67, 16.10, 10.98, 0.05),
    "52": ("贵州", 38.56, 23.97, 8.80, 0.05),
    "53": ("云南", 47.21, 19.57, 3.20, 0.06),
    "54": ("西藏", 3.65, 24.53, 0.30, 0.06),
    "61": ("陕西", 39.53, 17.33, 2.20, 0.07),
    "62": ("甘肃", 25.02, 19.40, 2.60, 0.04),
    "63": ("青海", 5.92, 20.81, 0.30, 0.08),
    "64": ("宁夏", 7.20, 20.38, 0.64, 0.09),
    "65": ("新疆", 25.85, 22.46, 1.90, 0.10),
}
REGIONS: dict[str, tuple[str, ...]] = {
    "east": ("11", "12", "13", "21", "31", "32", "33", "35", "37", "44", "46"),
    "centre": ("14", "22", "23", "34", "36", "41", "42", "43"),
    "west": ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"),
}
"""The three economic belts used by the MCA 2016 east/centre/west shares."""

NO_DATA_PROVINCES = ("71", "81", "82")
"""Taiwan, Hong Kong, Macau: outside the mainland MCA lists; no demo rows."""

# County-type multipliers (assumptions): size, rurality (left-behind), urban pull (migrants).
_SIZE = {"district": 1.2, "county": 0.8, "city": 1.3, "other": 1.0}
_RURAL = {"district": 0.12, "county": 1.0, "city": 0.6, "other": 0.5}
_URBAN = {"district": 2.5, "county": 0.6, "city": 1.5, "other": 1.5}
_VILLAGES_PER_TOWNSHIP = {"district": 6.0, "county": 16.0, "city": 13.0, "other": 10.0}
_LB_CAP = 0.25  # at most a quarter of a county's children left-behind (Guangyuan: 22 %)
_MIGRANT_CAP = 0.6  # at most 60 % of a county's children migrants
_PROVINCE_MIGRANT_CAP = 0.5


@dataclass
class DemoData:
    """Synthetic demo tables (all counts are integers).

    Attributes
    ----------
    children : DataFrame
        ``period, code, <measures>, synthetic`` (``synthetic`` is always True).
    facility_counts : DataFrame
        ``period, code, children_homes, activity_centres, child_directors,
        child_supervisors``.
    facility_points : DataFrame
        ``period, facility_id, name, kind, code, lon, lat``: one point per children's
        home and activity centre per period. Facility ids are stable across periods and
        each period's points are a superset of the previous period's (facilities only
        open), so points match ``facility_counts`` exactly.
    seed : int
    targets : dict
        The calibration targets used (national totals of the first period).
    """

    children: pd.DataFrame
    facility_counts: pd.DataFrame
    facility_points: pd.DataFrame
    seed: int
    targets: dict[str, float] = field(default_factory=dict)

    @property
    def periods(self) -> list[str]:
        return sort_periods(self.children["period"].unique())

    def totals(self) -> pd.DataFrame:
        """National totals per period (index period; measures and facility counts)."""
        kids = self.children.groupby("period")[list(MEASURES)].sum()
        fac = self.facility_counts.groupby("period")[list(FACILITY_COUNTS)].sum()
        return kids.join(fac)


# --- helpers -----------------------------------------------------------------------


def apportion(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Split an integer `total` in proportion to `weights`, never exceeding `caps`.

    Largest-remainder rounding, so the parts sum exactly to `total` (or to the sum of
    the caps if that is smaller). Capped parts are fixed and the rest re-split.

    Examples
    --------
    >>> apportion(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    >>> apportion(10, np.array([1.0, 1.0, 8.0]), caps=np.array([9, 9, 5])).tolist()
    [3, 2, 5]
    """
    w = np.clip(np.nan_to_num(np.asarray(weights, dtype=float)), 0.0, None)
    n = len(w)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    cap = np.full(n, np.inf) if caps is None else np.floor(np.asarray(caps, dtype=float))
    cap = np.clip(cap, 0.0, None)
    if w.sum() <= 0:
        w = (cap > 0).astype(float)
    w = np.where(cap > 0, w, 0.0)
    total = int(min(total, cap[w > 0].sum())) if (w > 0).any() else 0
    alloc = np.zeros(n)
    fixed = w <= 0
    for _ in range(n + 1):
        free = ~fixed
        remaining = total - alloc[fixed].sum()
        share = np.zeros(n)
        share[free] = remaining * w[free] / w[free].sum()
        over = free & (share > cap)
        if not over.any():
            alloc[free] = share[free]
            break
        alloc[over] = cap[over]
        fixed |= over
        if fixed.all():
            break
    base = np.floor(alloc + 1e-9)
    short = int(round(total - base.sum()))
    if short > 0:
        room = base + 1 <= cap
        frac = np.where(room, alloc - base, -np.inf)
        order = np.argsort(-frac, kind="stable")[:short]
        base[order] += 1
    return base.astype(np.int64)


def _planar_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Local equirectangular kilometres; good enough for neighbour search and kernels."""
    return np.column_stack([lon * 111.32 * np.cos(np.radians(lat)), lat * 110.57])


def smooth_field(xy: np.ndarray, rng: np.random.Generator, k: int = 30) -> np.ndarray:
    """A spatially smooth standard-normal field at points `xy` (n x 2, km).

    White noise smoothed by a Gaussian kernel over the `k` nearest neighbours; the
    bandwidth is half the median distance to the k-th neighbour, so the field varies
    over a few counties whatever their size. Standardised to mean 0, sd 1.

    Examples
    --------
    >>> xy = np.column_stack([np.arange(50.0) * 10, np.zeros(50)])
    >>> f = smooth_field(xy, np.random.default_rng(0), k=8)
    >>> round(float(f.std()), 6), bool(np.corrcoef(f[:-1], f[1:])[0, 1] > 0.5)
    (1.0, True)
    """
    n = len(xy)
    z = rng.standard_normal(n)
    if n < 3:
        return z
    k = min(k, n)
    dist, idx = cKDTree(xy).query(xy, k=k)
    h = max(float(np.median(dist[:, -1])) / 2.0, 1e-9)
    w = np.exp(-0.5 * (dist / h) ** 2)
    f = (w * z[idx]).sum(axis=1) / np.sqrt((w**2).sum(axis=1))
    sd = f.std()
    return (f - f.mean()) / sd if sd > 0 else f - f.mean()


def sample_points_in_polygon(
    geom: shapely.Geometry, n: int, rng: np.random.Generator, max_rounds: int = 50
) -> np.ndarray:
    """`n` random points (n x 2 lon/lat) inside a polygon, by rejection on its bounds.

    Vectorised with ``shapely.contains_xy`` on the prepared geometry. If a degenerate
    geometry defeats sampling, the remaining points fall on its representative point.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> pts = sample_points_in_polygon(Point(0, 0).buffer(1), 100, np.random.default_rng(0))
    >>> pts.shape, bool((np.hypot(pts[:, 0], pts[:, 1]) < 1).all())
    ((100, 2), True)
    """
    if n <= 0:
        return np.zeros((0, 2))
    if geom is None or geom.is_empty:
        raise ValueError("cannot place points in an empty geometry")
    minx, miny, maxx, maxy = geom.bounds
    bbox_area = max((maxx - minx) * (maxy - miny), 1e-12)
    parts = shapely.get_parts(geom)
    if len(parts) > 1 and geom.area / bbox_area < 0.25:
        # Islands far apart make the overall bounds mostly empty: split by part area.
        areas = shapely.area(parts)
        counts = (
            rng.multinomial(n, areas / areas.sum())
            if areas.sum() > 0
            else np.eye(len(parts), dtype=int)[0] * n
        )
        return np.vstack(
            [
                sample_points_in_polygon(p, int(k), rng, max_rounds)
                for p, k in zip(parts, counts, strict=True)
                if k > 0
            ]
        )
    shapely.prepare(geom)
    fill = max(geom.area / bbox_area, 1e-3)
    found: list[np.ndarray] = []
    have = 0
    for _ in range(max_rounds):
        need = n - have
        if need <= 0:
            break
        batch = min(int(np.ceil(need / fill * 1.3)) + 8, 200_000)
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(geom, x, y)
        pts = np.column_stack([x[inside], y[inside]])[:need]
        found.append(pts)
        have += len(pts)
    out = np.vstack(found) if found else np.zeros((0, 2))
    if len(out) < n:
        rep = shapely.point_on_surface(geom)
        out = np.vstack([out, np.tile([rep.x, rep.y], (n - len(out), 1))])
    return out


def _prepare(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Mainland counties sorted by code, with area and representative point filled in."""
    if counties.crs is not None and not counties.crs.equals("EPSG:4326"):
        counties = counties.to_crs("EPSG:4326")
    g = counties.copy()
    if "code" not in g.columns:
        g["code"] = g.index.astype(str)
    g = g.reset_index(drop=True)
    g["code"] = g["code"].astype(str)
    g = g[~g["code"].str[:2].isin(NO_DATA_PROVINCES)]
    g = g[g["code"].str[:2].isin(PROVINCES)]
    g = g.sort_values("code").set_index("code", drop=False)
    g.index.name = None
    if "kind" not in g.columns:
        g["kind"] = "county"
    g["kind"] = g["kind"].where(g["kind"].isin(_SIZE), "other")
    if "area_km2" not in g.columns or g["area_km2"].isna().any():
        area = g.geometry.to_crs(
            "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m"
        ).area
        g["area_km2"] = g.get("area_km2", pd.Series(np.nan, index=g.index)).fillna(area / 1e6)
    if "cx" not in g.columns or "cy" not in g.columns or g[["cx", "cy"]].isna().any().any():
        rep = shapely.point_on_surface(g.geometry.values)
        g["cx"] = shapely.get_x(rep)
        g["cy"] = shapely.get_y(rep)
    return g


def _by_province(
    province: np.ndarray, totals: dict[str, int], weights: np.ndarray, caps: np.ndarray
) -> np.ndarray:
    out = np.zeros(len(province), dtype=np.int64)
    for code, total in totals.items():
        mask = province == code
        if mask.any():
            out[mask] = apportion(total, weights[mask], caps[mask])
    return out


def _integer_targets(
    total: int, provinces: Sequence[str], weights: dict[str, float]
) -> dict[str, int]:
    """Split a national total across the provinces present, by `weights` of all 31."""
    all_codes = list(PROVINCES)
    parts = apportion(total, np.array([weights[c] for c in all_codes]))
    present = set(provinces)
    return {c: int(p) for c, p in zip(all_codes, parts, strict=True) if c in present}


# --- the generator -------------------------------------------------------------------


def generate(
    counties: gpd.GeoDataFrame,
    periods: Sequence[str] = DEFAULT_PERIODS,
    seed: int = DEFAULT_SEED,
) -> DemoData:
    """Generate the synthetic demo dataset for `counties` and `periods`.

    Parameters
    ----------
    counties : GeoDataFrame
        County layer in EPSG:4326 (``geodata.boundaries`` ``counties_full``): columns
        ``code, province_code, kind, area_km2, cx, cy, geometry``; ``name_zh`` is used
        for facility names if present. Missing ``area_km2``/``cx``/``cy`` are computed.
    periods : sequence of str
        Canonical half-year periods; the earliest is calibrated, later ones drift.
    seed : int
        Seed for ``numpy.random.default_rng``; same inputs and seed, same output.

    Returns
    -------
    DemoData
        Calibration targets apply to the 31 mainland provinces. A layer that lacks
        some provinces gets only those provinces' shares (totals are not re-scaled),
        so a subset of the country shows the subset's numbers.
    """
    periods = sort_periods(periods)
    if not periods:
        raise ValueError("generate() needs at least one period")
    rng = np.random.default_rng(seed)
    g = _prepare(counties)
    n = len(g)
    codes = g["code"].to_numpy()
    prov = np.array([c[:2] for c in codes])
    kind = g["kind"].to_numpy()
    area = g["area_km2"].to_numpy(dtype=float).clip(1.0, None)
    xy = _planar_km(g["cx"].to_numpy(dtype=float), g["cy"].to_numpy(dtype=float))

    # Latent smooth fields: size, sending (left-behind, risk), receiving (migrants), drift.
    f_size = smooth_field(xy, rng)
    f_send = smooth_field(xy, rng)
    f_recv = -0.5 * f_send + np.sqrt(0.75) * smooth_field(xy, rng)
    f_drift = smooth_field(xy, rng)
    noise = rng.standard_normal((n, 3))

    # 1. children under 16
    child_w = {c: p[1] * p[2] for c, p in PROVINCES.items()}
    child_t = _integer_targets(CHILDREN_UNDER16, prov, child_w)
    size = (
        np.array([_SIZE[k] for k in kind]) * area**0.25 * np.exp(0.45 * f_size + 0.25 * noise[:, 0])
    )
    children = _by_province(prov, child_t, size, np.full(n, np.inf))

    # 2. left-behind (MCA definition)
    lb_t = _integer_targets(LEFT_BEHIND_MCA_2021, prov, {c: p[3] for c, p in PROVINCES.items()})
    rural = np.array([_RURAL[k] for k in kind])
    lb_w = children * rural * np.exp(0.6 * f_send + 0.2 * noise[:, 1])
    left_behind = _by_province(prov, lb_t, lb_w, np.floor(_LB_CAP * children))

    # 3. migrants (2024 definition); provincial rates rescaled to the national total
    rel = {c: p[4] ** MIGRANT_CONTRAST for c, p in PROVINCES.items()}
    raw = {c: child_w[c] * rel[c] for c in PROVINCES}
    scale = MIGRANT_UNDER16 / sum(raw.values()) * sum(child_w.values()) / CHILDREN_UNDER16
    mig_w = {c: child_w[c] * min(rel[c] * scale, _PROVINCE_MIGRANT_CAP) for c in PROVINCES}
    mig_t = _integer_targets(MIGRANT_UNDER16, prov, mig_w)
    urban = np.array([_URBAN[k] for k in kind])
    mig_w_c = children * urban * np.exp(0.5 * f_recv + 0.2 * noise[:, 2])
    mig_cap = np.minimum(np.floor(_MIGRANT_CAP * children), children - left_behind)
    migrant = _by_province(prov, mig_t, mig_w_c, mig_cap)

    # 4. risk groups: per-child probabilities, higher in sending areas (mean preserved)
    risk_p = {
        col: np.clip(rate * np.exp(0.35 * f_send - 0.35**2 / 2), 0.0, 0.3)
        for col, rate in RISK_RATES.items()
    }

    # 5. facilities (first period)
    supervisors_w = children.astype(float) ** 0.6 * area**0.2
    supervisors = apportion(_share_of_mainland(CHILD_SUPERVISORS_2020, prov), supervisors_w)
    supervisors = np.maximum(supervisors, 1)
    villages_w = (
        supervisors * np.array([_VILLAGES_PER_TOWNSHIP[k] for k in kind]) * np.exp(0.2 * f_size)
    )
    directors = np.maximum(apportion(_share_of_mainland(CHILD_DIRECTORS_2020, prov), villages_w), 1)
    homes = rng.binomial(supervisors, 1.0 / TOWNSHIPS_PER_HOME)
    lb_rate = np.divide(left_behind, children, out=np.zeros(n), where=children > 0)
    centre_p = np.clip(0.02 + 8.0 * lb_rate, 0.02, 0.9)
    centres = rng.binomial(supervisors, centre_p)

    kids_rows, fac_rows = [], []
    state = {"children": children, "left_behind": left_behind, "migrant": migrant}
    fac = {
        "children_homes": homes,
        "activity_centres": centres,
        "child_directors": directors,
        "child_supervisors": supervisors,
    }
    for i, period in enumerate(periods):
        if i > 0:
            state = _drift(state, f_drift, rng)
            fac = _grow(fac, rng)
        pool = state["left_behind"] + state["migrant"]
        risks = {col: rng.binomial(pool, risk_p[col]) for col in RISK_COLUMNS}
        total_risk = sum(risks.values())
        over = total_risk > pool
        if over.any():  # keep the sum within the pool (never happens at these rates)
            factor = np.where(over, pool / np.maximum(total_risk, 1), 1.0)
            risks = {c: np.floor(v * factor).astype(np.int64) for c, v in risks.items()}
        kids_rows.append(
            pd.DataFrame({"period": period, "code": codes, **state, **risks, "synthetic": True})
        )
        fac_rows.append(pd.DataFrame({"period": period, "code": codes, **fac}))

    points = _points(g, periods, fac_rows, rng)
    kids = pd.concat(kids_rows, ignore_index=True)
    kids = kids[["period", "code", *MEASURES, "synthetic"]]
    for col in MEASURES:
        kids[col] = kids[col].astype(np.int64)
    counts = pd.concat(fac_rows, ignore_index=True)[["period", "code", *FACILITY_COUNTS]]
    for col in FACILITY_COUNTS:
        counts[col] = counts[col].astype(np.int64)
    targets = {
        "children": float(sum(child_t.values())),
        "left_behind": float(sum(lb_t.values())),
        "migrant": float(sum(mig_t.values())),
        "child_directors": float(_share_of_mainland(CHILD_DIRECTORS_2020, prov)),
        "child_supervisors": float(_share_of_mainland(CHILD_SUPERVISORS_2020, prov)),
    }
    return DemoData(kids, counts, points, seed=seed, targets=targets)


def _share_of_mainland(total: int, prov: np.ndarray) -> int:
    """A national service total, scaled to the share of children in the provinces present."""
    w = {c: p[1] * p[2] for c, p in PROVINCES.items()}
    present = set(prov.tolist())
    return int(round(total * sum(w[c] for c in present) / sum(w.values())))


def _drift(
    state: dict[str, np.ndarray], f_drift: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """One half-year of drift, spatially smooth, keeping every invariant."""
    n = len(f_drift)
    children = np.rint(
        state["children"]
        * np.exp(DRIFT["children"] + 0.005 * f_drift + 0.005 * rng.standard_normal(n))
    ).astype(np.int64)
    lb = np.rint(
        state["left_behind"]
        * np.exp(DRIFT["left_behind"] + 0.02 * f_drift + 0.02 * rng.standard_normal(n))
    ).astype(np.int64)
    lb = np.minimum(lb, np.floor(_LB_CAP * children).astype(np.int64))
    mig = np.rint(
        state["migrant"]
        * np.exp(DRIFT["migrant"] - 0.01 * f_drift + 0.015 * rng.standard_normal(n))
    ).astype(np.int64)
    mig = np.minimum(
        mig, np.minimum(np.floor(_MIGRANT_CAP * children).astype(np.int64), children - lb)
    )
    return {"children": children, "left_behind": lb, "migrant": mig}


def _grow(fac: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Facilities open (never close) between periods; people counts change a little."""
    sup = fac["child_supervisors"]
    return {
        "children_homes": fac["children_homes"] + rng.binomial(sup, 0.02),
        "activity_centres": fac["activity_centres"] + rng.binomial(sup, 0.015),
        "child_directors": np.maximum(
            np.rint(fac["child_directors"] * np.exp(0.004 + 0.01 * rng.standard_normal(len(sup)))),
            1,
        ).astype(np.int64),
        "child_supervisors": sup + rng.binomial(sup, 0.005),
    }


def _points(
    g: gpd.GeoDataFrame, periods: list[str], fac_rows: list[pd.DataFrame], rng: np.random.Generator
) -> pd.DataFrame:
    """Points for homes and centres; each period's set contains the previous one's."""
    last = fac_rows[-1]
    names = g["name_zh"].astype(str).to_numpy() if "name_zh" in g.columns else g["code"].to_numpy()
    geoms = g.geometry.to_numpy()
    codes = g["code"].to_numpy()
    rows = []
    for i, code in enumerate(codes):
        nh = int(last["children_homes"].iloc[i])
        na = int(last["activity_centres"].iloc[i])
        if nh + na == 0:
            continue
        xy = sample_points_in_polygon(geoms[i], nh + na, rng)
        for j in range(nh):
            rows.append(
                (code, "children_home", j + 1, f"{names[i]}儿童之家{j + 1}号（示例）", xy[j])
            )
        for j in range(na):
            rows.append(
                (
                    code,
                    "activity_centre",
                    j + 1,
                    f"{names[i]}留守儿童活动中心{j + 1}号（示例）",
                    xy[nh + j],
                )
            )
    base = pd.DataFrame(
        {
            "facility_id": [
                f"demo-{c}-{'h' if k == 'children_home' else 'a'}{j:03d}" for c, k, j, _, _ in rows
            ],
            "name": [r[3] for r in rows],
            "kind": [r[1] for r in rows],
            "code": [r[0] for r in rows],
            "lon": np.round([r[4][0] for r in rows], 6),
            "lat": np.round([r[4][1] for r in rows], 6),
            "_rank": [r[2] for r in rows],
        }
    )
    frames = []
    for period, fac in zip(periods, fac_rows, strict=True):
        limit_h = dict(zip(fac["code"], fac["children_homes"], strict=True))
        limit_a = dict(zip(fac["code"], fac["activity_centres"], strict=True))
        limit = np.where(
            base["kind"] == "children_home",
            base["code"].map(limit_h).to_numpy(),
            base["code"].map(limit_a).to_numpy(),
        )
        keep = base["_rank"].to_numpy() <= limit
        frames.append(base.loc[keep].drop(columns="_rank").assign(period=period))
    cols = ["period", "facility_id", "name", "kind", "code", "lon", "lat"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def write_to_store(
    store: Store, data: DemoData, *, created_by: str | None = None
) -> dict[str, int]:
    """Add every period of `data` to `store` as new synthetic versions.

    Returns ``{"<kind>:<period>": version}``. The source text names the generator and
    seed, so the origin of the numbers is never lost.
    """
    source = f"synthetic demo data (geodata.demo, seed {data.seed}); not statistics"
    note = "Synthetic: calibrated to published national figures; every county value is invented."
    out: dict[str, int] = {}
    for period in data.periods:
        kids = data.children[data.children["period"] == period].drop(columns="synthetic")
        out[f"children:{period}"] = store.add_children(
            period, kids, source=source, synthetic=True, created_by=created_by, note=note
        )
        counts = data.facility_counts[data.facility_counts["period"] == period]
        points = data.facility_points[data.facility_points["period"] == period]
        out[f"facilities:{period}"] = store.add_facilities(
            period, counts, points, source=source, synthetic=True, created_by=created_by, note=note
        )
    codes = demo_programme(data)
    out["programme"] = store.save_programme(
        DEMO_PROGRAMME_NAME,
        codes,
        synthetic=True,
        created_by=created_by,
        note="Synthetic example: 40 counties picked by the demo generator, not a real project.",
    )
    return out


DEMO_PROGRAMME_NAME = "示例项目：40 个目标县（合成）"


def demo_programme(data: DemoData, n: int = 40, provinces: int = 12) -> list[str]:
    """An example programme: `n` counties in the `provinces` provinces with the most
    left-behind children, drawn (seeded) among each province's highest-rate counties.

    Like a real care project, it targets high-need counties spread over many provinces,
    so the inside-versus-outside comparison has something to show.

    >>> import pandas as pd
    >>> kids = pd.DataFrame({"period": "2025-H2", "code": [f"{p}0{i}01" for p in
    ...     ("11", "12") for i in range(1, 4)], "children": 100, "left_behind": range(6)})
    >>> d = DemoData(kids, None, None, seed=1)
    >>> codes = demo_programme(d, n=4, provinces=2)
    >>> len(set(codes)), sorted({c[:2] for c in codes})
    (4, ['11', '12'])
    """
    rng = np.random.default_rng(data.seed + 40)
    kids = data.children[data.children["period"] == max(data.periods)].copy()
    kids["province"] = kids["code"].str[:2]
    kids["rate"] = kids["left_behind"] / kids["children"].where(kids["children"] > 0)
    top = kids.groupby("province")["left_behind"].sum().nlargest(provinces).index
    per = [n // len(top) + (1 if i < n % len(top) else 0) for i in range(len(top))]
    codes: list[str] = []
    for prov, k in zip(top, per, strict=True):
        pool = kids[kids["province"] == prov].nlargest(max(3 * k, k), "rate")["code"].tolist()
        codes.extend(rng.choice(pool, size=min(k, len(pool)), replace=False).tolist())
    return codes
