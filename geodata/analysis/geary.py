"""Similarity clusters: Local Geary's c, the worked example of ``docs/contributing.md``.

Local Moran's I asks whether a county and its neighbours are high (or low) *together*;
Local Geary's c asks whether a county is *like* its neighbours at all: ``c_i = sum_j
w_ij (z_i - z_j)^2`` with ``z`` the standardised values and ``w`` row-standardised queen
weights (islands joined, :mod:`geodata.analysis.weights`). A small ``c_i`` means the
county resembles its neighbours (positive spatial association), a large one that it
differs from them (negative association). Significance is by conditional permutation
(esda ``Geary_Local``), as for LISA.

Classes follow GeoDa's Local Geary cluster map (Anselin 2019): among significant
counties with positive association, **HH** (the county and its neighbours' average
above the mean), **LL** (both below), **other** (positive association of mixed
levels); **negative** for significant negative association; **ns** otherwise.

Randomness: esda draws permutations from ``seed``; the global NumPy generator is
restored afterwards (:mod:`geodata.analysis._pysal`). Same seed, same classes.

Examples
--------
A 7 x 7 grid with a block of high values in one corner: the block's inner county is
like its neighbours (HH); a county far from it is not significant.

>>> import geopandas as gpd
>>> import numpy as np
>>> import pandas as pd
>>> from shapely.geometry import box
>>> from geodata.analysis.weights import build_weights
>>> ids = [f"{r}{c}" for r in range(7) for c in range(7)]
>>> g = gpd.GeoDataFrame(geometry=[box(100 + c * .1, 30 + r * .1, 100.1 + c * .1,
...     30.1 + r * .1) for r in range(7) for c in range(7)], index=ids, crs="EPSG:4326")
>>> y = pd.Series(np.random.default_rng(0).normal(10, 1, 49), index=ids)
>>> y[[f"{r}{c}" for r in range(3) for c in range(3)]] += 10
>>> res = local_geary(y, build_weights(g), permutations=999, seed=1)
>>> res.loc["11", "geary_cluster"], res.loc["55", "geary_cluster"]
('HH', 'ns')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.analysis._pysal import quiet_seeded, significance_threshold
from geodata.analysis.weights import CountyWeights, weights_for_values

__all__ = ["CLASSES", "local_geary", "run"]

CLASSES = ("HH", "LL", "other", "negative", "ns")
"""Class codes in legend order."""


def local_geary(
    values: pd.Series,
    weights: CountyWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    fdr: bool = False,
) -> pd.DataFrame:
    """Local Geary's c of one indicator, with its pseudo p-value and class.

    Parameters
    ----------
    values : pandas.Series
        Indicator by county code; NaN rows are left out (weights subset, new islands
        re-joined) and come back with NaN statistics and no class.
    weights : CountyWeights
        From :func:`geodata.analysis.weights.build_weights`.
    permutations : int, default 999
        Conditional permutations (``0``: statistics only, every county ``ns``).
    seed : int, default 0
        Seed of the permutation draws.
    alpha : float, default 0.05
        Significance level; with ``fdr`` the Benjamini-Hochberg cut-off instead.

    Returns
    -------
    pandas.DataFrame
        Indexed by the codes of ``weights``: ``geary_c``, ``geary_p`` and
        ``geary_cluster`` (one of :data:`CLASSES`, None without data).
    """
    import esda

    out = pd.DataFrame(
        {"geary_c": np.nan, "geary_p": np.nan, "geary_cluster": None}, index=weights.ids
    )
    sub, y = weights_for_values(weights, pd.to_numeric(values, errors="coerce"))
    x = y.to_numpy(dtype=float)
    ids = sub.ids
    if len(x) < 3 or np.ptp(x) == 0:  # constant values or too few units: nothing to test
        out.loc[ids, "geary_cluster"] = "ns"
        return out
    with quiet_seeded():
        lg = esda.Geary_Local(
            connectivity=sub.w, labels=False, permutations=permutations, seed=seed
        ).fit(x)
    c = np.asarray(lg.localG, dtype=float)
    p = np.asarray(getattr(lg, "p_sim", np.full(len(x), np.nan)), dtype=float)
    z = (x - x.mean()) / x.std()
    lag = sub.w.sparse @ z
    significant = np.isfinite(p) & (p <= significance_threshold(p, alpha, fdr))
    positive = c < c.mean()
    classes = np.full(len(x), "ns", dtype=object)
    classes[significant & ~positive] = "negative"
    classes[significant & positive] = "other"
    classes[significant & positive & (z > 0) & (lag > 0)] = "HH"
    classes[significant & positive & (z < 0) & (lag < 0)] = "LL"
    out.loc[ids, "geary_c"] = c
    out.loc[ids, "geary_p"] = p
    out.loc[ids, "geary_cluster"] = classes
    out.attrs.update(method="local_geary", permutations=permutations, seed=seed, alpha=alpha)
    return out


def run(params, inputs) -> pd.DataFrame:
    """Registry runner: Local Geary's c of the indicator (``geary``)."""
    cw, v = weights_for_values(inputs.weights, inputs.need_values(params.method))
    return local_geary(
        v, cw, permutations=params.permutations, seed=params.seed, alpha=params.alpha,
        fdr=params.fdr,
    )  # fmt: skip
