"""One entry point for every analysis method, shared by the API, the CLI and the map.

Each method takes the joined county table of a period (one row per layer county) and
returns a DataFrame indexed by county code whose columns are the method's results;
:func:`categories` turns it into map classes with legend labels and colours.  The
spatial weights are expensive to build on the full-resolution layer (about 25 s), so
:func:`load_weights` keeps them on disk next to the layer cache.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

METHODS = ("lisa", "lisa_rate", "gistar", "coverage", "2sfca", "mclp", "cluster_change")
#: Rate indicators whose Empirical Bayes LISA uses (event column, base column).
RATE_INPUTS = {
    "left_behind_rate": ("left_behind", "children"),
    "migrant_rate": ("migrant", "children"),
}
WEIGHTS_FILE = "weights-queen-islands-joined.pkl"


@dataclass(frozen=True)
class AnalysisParams:
    """Parameters of a run; every field is part of the cache key."""

    method: str
    indicator: str = "left_behind"
    permutations: int = 999
    seed: int = 20251123
    alpha: float = 0.05
    fdr: bool = False
    radius_km: float = 10.0
    k: int = 20

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; use one of {', '.join(METHODS)}")
        if not 0 <= self.permutations <= 99_999:
            raise ValueError("permutations must be between 0 and 99999")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must be between 0 and 1")
        if not 0 < self.radius_km <= 2000:
            raise ValueError("radius_km must be in (0, 2000]")
        if not 1 <= self.k <= 500:
            raise ValueError("k must be between 1 and 500")

    def key(self) -> str:
        return ":".join(f"{k}={v}" for k, v in sorted(asdict(self).items()))


def load_weights(layers, directory: Path | None = None):
    """Queen weights (islands joined) for the full layer, built once and pickled.

    The pickle sits in the layer's cache directory, so a new layer gets new weights.
    """
    from geodata.weights import build_weights

    directory = Path(directory or layers.path)
    path = directory / WEIGHTS_FILE
    if path.is_file():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception as exc:  # corrupt or from an incompatible version: rebuild
            log.warning("weights cache %s unreadable (%s); rebuilding", path, exc)
    cw = build_weights(layers.counties_full)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(cw, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return cw


def run(
    params: AnalysisParams,
    table: pd.DataFrame,
    values: pd.Series | None = None,
    *,
    weights=None,
    facilities: pd.DataFrame | None = None,
    previous_values: pd.Series | None = None,
    candidates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run one method; returns a DataFrame indexed like ``table``.

    Parameters
    ----------
    params
        Method and parameters.
    table
        Joined county table (``cx, cy``, measures, facility counts) indexed by code.
    values
        The indicator's values (needed by ``lisa`` and ``gistar``).
    weights
        :class:`geodata.weights.CountyWeights` (needed by the spatial statistics).
    facilities
        Facility points ``lon, lat`` (needed by ``2sfca`` and ``mclp``).
    previous_values
        The indicator in the previous period (``cluster_change``: LISA clusters of both
        periods, same weights, permutations and seed, and the transition).
    candidates
        Candidate sites ``lon, lat`` indexed by an id for ``mclp`` (default: county
        centres).
    """
    m = params.method
    if m in ("lisa", "gistar", "lisa_rate", "cluster_change") and weights is None:
        raise ValueError(f"{m} needs spatial weights")
    if m == "lisa":
        from geodata.clusters import local_moran
        from geodata.weights import weights_for_values

        cw, v = weights_for_values(weights, _need(values, m))
        out = local_moran(
            v,
            cw,
            permutations=params.permutations,
            seed=params.seed,
            alpha=params.alpha,
            fdr=params.fdr,
        )
        cols = ["lisa_i", "lisa_p", "lisa_cluster"]
    elif m == "cluster_change":
        from geodata.change import cluster_transitions

        if previous_values is None:
            raise ValueError("cluster change needs a previous period with data")
        now = run(
            AnalysisParams(**{**asdict(params), "method": "lisa"}), table, values, weights=weights
        )
        before = run(
            AnalysisParams(**{**asdict(params), "method": "lisa"}),
            table,
            previous_values,
            weights=weights,
        )
        out = cluster_transitions(before["lisa_cluster"].dropna(), now["lisa_cluster"].dropna())
        out = out.rename(columns={"before": "lisa_cluster_before", "after": "lisa_cluster"})
        cols = ["lisa_cluster_before", "lisa_cluster", "transition"]
    elif m == "lisa_rate":
        from geodata.clusters import local_moran_rate
        from geodata.weights import weights_for_values

        if params.indicator not in RATE_INPUTS:
            raise ValueError(f"the rate LISA needs a rate indicator: {', '.join(RATE_INPUTS)}")
        event, base = RATE_INPUTS[params.indicator]
        pair = table[[event, base]].astype(float)
        pair = pair[(pair[base] > 0) & pair[event].notna()]
        cw, pair = weights_for_values(weights, pair)
        out = local_moran_rate(
            pair[event],
            pair[base],
            cw,
            permutations=params.permutations,
            seed=params.seed,
            alpha=params.alpha,
            fdr=params.fdr,
        )
        cols = ["lisa_i", "lisa_p", "lisa_cluster"]
    elif m == "gistar":
        from geodata.hotspots import getis_ord_star
        from geodata.weights import weights_for_values

        cw, v = weights_for_values(weights, _need(values, m))
        out = getis_ord_star(v, cw, permutations=params.permutations, seed=params.seed)
        cols = ["gi_z", "gi_p", "gi_bin"]
    elif m == "coverage":
        from geodata.coverage import coverage_table

        out = coverage_table(table)
        cols = list(out.columns)
    elif m == "2sfca":
        from geodata.access import nearest_facility_km, two_step_fca

        pts = _points(facilities, m)
        out = two_step_fca(table, table["left_behind"], pts, radius_km=params.radius_km)
        out["nearest_facility_km"] = nearest_facility_km(table, pts)
        cols = ["access_per_1000", "facilities_in_reach", "nearest_facility_km"]
    else:  # mclp
        from geodata.siting import maximal_covering

        res = maximal_covering(
            table,
            table["left_behind"],
            k=params.k,
            radius_km=params.radius_km,
            existing=_points(facilities, m),
            candidates=candidates,
        )
        d = res.demand
        out = pd.DataFrame(index=d.index)
        out["covered_before"] = d["covered_before"].astype(bool)
        out["covered_after"] = d["covered_after"].astype(bool)
        out["new_site"] = d["new_site"]
        sites = res.sites
        out["site_order"] = pd.Series(sites["order"].to_numpy(), index=sites.index.astype(str))
        cols = ["covered_before", "covered_after", "new_site", "site_order"]
        out.attrs["summary"] = {
            "k": res.k,
            "radius_km": res.radius_km,
            "status": res.status,
            "newly_covered": float(res.newly_covered),
            "total_demand": float(res.total_demand),
            "share_before": float(res.share_before),
            "share_after": float(res.share_after),
            "solve_seconds": float(res.solve_seconds),
            "sites": int(len(sites)),
        }
        out.attrs["sites"] = sites
    result = out.reindex(table.index)[cols]
    result.attrs.update(out.attrs)
    return result


def _need(values: pd.Series | None, method: str) -> pd.Series:
    if values is None:
        raise ValueError(f"{method} needs indicator values")
    v = values.astype(float).replace([np.inf, -np.inf], np.nan).dropna()
    if len(v) < 10:
        raise ValueError(f"{method} needs values for at least 10 counties, got {len(v)}")
    return v


def _points(facilities: pd.DataFrame | None, method: str) -> pd.DataFrame:
    if facilities is None or facilities.empty:
        raise ValueError(f"{method} needs facility points (none in this period)")
    return facilities[["lon", "lat"]].astype(float).dropna()


@dataclass(frozen=True)
class Categories:
    """Map classes for a result: per-county class index (-1 no data) and legend."""

    classes: np.ndarray
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    title: str


CLUSTER_NAMES = {
    "zh": {
        "HH": "高-高聚集",
        "LL": "低-低聚集",
        "HL": "高-低异常",
        "LH": "低-高异常",
        "ns": "不显著",
    },
    "en": {
        "HH": "High-High cluster",
        "LL": "Low-Low cluster",
        "HL": "High-Low outlier",
        "LH": "Low-High outlier",
        "ns": "Not significant",
    },
}
GI_NAMES = {
    "zh": {
        3: "热点 99%",
        2: "热点 95%",
        1: "热点 90%",
        0: "不显著",
        -1: "冷点 90%",
        -2: "冷点 95%",
        -3: "冷点 99%",
    },
    "en": {
        3: "Hot spot 99%",
        2: "Hot spot 95%",
        1: "Hot spot 90%",
        0: "Not significant",
        -1: "Cold spot 90%",
        -2: "Cold spot 95%",
        -3: "Cold spot 99%",
    },
}


def categories(params: AnalysisParams, result: pd.DataFrame, lang: str = "zh") -> Categories:
    """Classes, labels and colours to draw a result as a categorical map."""
    zh = lang == "zh"
    if params.method in ("lisa", "lisa_rate"):
        from geodata.clusters import CLUSTER_COLOURS, CLUSTER_ORDER

        order = CLUSTER_ORDER
        col = result["lisa_cluster"]
        classes = np.array(
            [order.index(v) if isinstance(v, str) and v in order else -1 for v in col]
        )
        names = CLUSTER_NAMES[lang]
        title = "局部莫兰指数聚类" if zh else "Local Moran's I clusters"
        return Categories(
            classes, tuple(names[o] for o in order), tuple(CLUSTER_COLOURS[o] for o in order), title
        )
    if params.method == "gistar":
        from geodata.hotspots import GI_BIN_COLOURS

        order = [3, 2, 1, 0, -1, -2, -3]
        classes = np.array(
            [order.index(int(v)) if v == v and v is not None else -1 for v in result["gi_bin"]]
        )
        return Categories(
            classes,
            tuple(GI_NAMES[lang][o] for o in order),
            tuple(GI_BIN_COLOURS[o] for o in order),
            "Getis-Ord Gi* 热点" if zh else "Getis-Ord Gi* hot spots",
        )
    if params.method == "coverage":
        from geodata.coverage import BIVARIATE_COLOURS, bivariate_legend

        order = list(BIVARIATE_COLOURS)
        classes = np.array(
            [
                order.index(v) if isinstance(v, str) and v in order else -1
                for v in result["bivariate"]
            ]
        )
        legend = bivariate_legend("zh" if zh else "en")
        labels = tuple(_bivariate_label(legend, o, zh) for o in order)
        return Categories(
            classes,
            labels,
            tuple(BIVARIATE_COLOURS[o] for o in order),
            "需求与服务覆盖（双变量）" if zh else "Need vs coverage (bivariate)",
        )
    if params.method == "cluster_change":
        order = ["entered", "left", "switched", "stayed", "stable"]
        names = {
            "zh": ("新进入聚类", "离开聚类", "聚类类型改变", "仍在聚类", "始终不显著"),
            "en": (
                "Entered a cluster",
                "Left a cluster",
                "Changed cluster type",
                "Stayed in cluster",
                "Never significant",
            ),
        }[lang if lang in ("zh", "en") else "en"]
        classes = np.array(
            [
                order.index(v) if isinstance(v, str) and v in order else -1
                for v in result["transition"]
            ]
        )
        return Categories(
            classes,
            names,
            ("#d7191c", "#2c7bb6", "#fdae61", "#f4a6a6", "#eeeeee"),
            "聚类变化（与上一期比较）" if zh else "Cluster change since the last period",
        )
    if params.method == "mclp":
        cov_b = result["covered_before"].fillna(False).astype(bool).to_numpy()
        cov_a = result["covered_after"].fillna(False).astype(bool).to_numpy()
        classes = np.where(cov_b, 0, np.where(cov_a, 1, 2))
        labels = (
            ("已被现有设施覆盖", "新选址新增覆盖", "仍未覆盖")
            if zh
            else ("Covered by existing", "Newly covered", "Still uncovered")
        )
        return Categories(
            classes,
            labels,
            ("#9ecae1", "#31a354", "#fdae6b"),
            "新设施选址（最大覆盖）" if zh else "Where to build next (MCLP)",
        )
    raise ValueError(f"{params.method} is drawn as values, not categories")


def _bivariate_label(legend: dict, key: str, zh: bool) -> str:
    for cell in legend["cells"]:
        if cell["label"] == key:
            return cell["text"]
    return key


def value_result(params: AnalysisParams, result: pd.DataFrame) -> pd.Series:
    """The column drawn as a continuous map for value-type methods (2SFCA)."""
    if params.method == "2sfca":
        return result["access_per_1000"].astype(float)
    raise ValueError(f"{params.method} is drawn as categories")
