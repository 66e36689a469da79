"""Hot and cold spots: Getis-Ord Gi* with confidence bins.

Where LISA (:mod:`geodata.analysis.clusters`) separates clusters from outliers, Gi* asks a
simpler question a planner can act on: *is this county at the centre of a
concentration of high (hot spot) or low (cold spot) values?*  Gi* for county *i* is the
share of the indicator total held by *i* and its neighbours,
``G*_i = sum_j w_ij y_j / sum_j y_j`` with ``w`` the row-standardised queen weights
*including* county *i* itself (the "star": the county counts in its own neighbourhood).
The values must be non-negative (counts, rates, ratios).

Inference is by conditional permutation (esda ``G_Local(star=True)``): county *i*'s
neighbours are drawn at random ``permutations`` times.  esda's ``p_sim`` is one-sided in
the direction of the observed value; the confidence bins use the **two-sided permutation
p-value** ``p = min(1, 2 * p_sim)``, signed by the direction of the observed statistic
relative to the permutation mean (``z_sim``), so they read like the bins of ArcGIS's
*Hot Spot Analysis*:

=====  =======================  =====================
bin    meaning                  two-sided p
=====  =======================  =====================
+3     hot spot, 99 % conf.     p <= 0.01
+2     hot spot, 95 % conf.     0.01 < p <= 0.05
+1     hot spot, 90 % conf.     0.05 < p <= 0.10
 0     not significant          p > 0.10
-1..-3 cold spots, same levels
=====  =======================  =====================

The permutation p-value is preferred over the normal z-score because county indicators
are skewed (a few very large counts), where the normal approximation overstates
significance.  ``gi_z`` is the permutation z-score ``(G*_i - mean) / sd`` of the
observed statistic against its permutation distribution, so its sign always agrees with
the bin.  With ``permutations=0`` the analytical z-score and its normal two-sided
p-value are used instead.
With 999 permutations the smallest two-sided p is 0.002, so all three levels are
reachable.  No multiple-testing correction is applied to the bins (see
:mod:`geodata.analysis.clusters` and ``docs/methods.md``).

Examples
--------
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
>>> res = getis_ord_star(y, build_weights(g), seed=1)
>>> int(res.loc["11", "gi_bin"]), int(res.loc["55", "gi_bin"]) <= 0
(3, True)
"""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd
from libpysal.weights import W

from geodata.analysis._pysal import quiet_seeded
from geodata.analysis.weights import CountyWeights, weights_for_values

__all__ = ["gi_bins", "getis_ord_star", "run"]

_LEVELS = ((0.01, 3), (0.05, 2), (0.10, 1))


def gi_bins(p_two_sided: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Confidence bins -3..3 from two-sided p-values and the sign of the deviation.

    Examples
    --------
    >>> gi_bins(np.array([.005, .03, .08, .5, .01]), np.array([1, -1, 1, 1, -1])).tolist()
    [3, -2, 1, 0, -3]
    """
    p = np.asarray(p_two_sided, dtype=float)
    sign = np.sign(np.asarray(direction, dtype=float))
    level = np.zeros(p.shape, dtype=int)
    for cut, lvl in reversed(_LEVELS):
        level[np.isfinite(p) & (p <= cut)] = lvl
    return (level * sign).astype(int)


def _binary_copy(cw: CountyWeights) -> W:
    # G_Local fills the diagonal and re-standardises; give it a fresh binary W so the
    # caller's (cached) weights are never modified.
    w = W(
        {k: list(v) for k, v in cw.neighbours.items()},
        id_order=cw.ids,
        silence_warnings=True,
    )
    w.transform = "B"  # tells esda to put 1 on the diagonal before row-standardising
    return w


def getis_ord_star(
    values: pd.Series,
    weights: CountyWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Getis-Ord Gi* hot spots of one non-negative indicator.

    Parameters
    ----------
    values : pandas.Series
        Non-negative indicator by code; NaN rows are left out (weights subset,
        islands re-joined) and returned with NaN statistics and ``gi_bin = 0``.
    weights : CountyWeights
        Queen weights from :func:`geodata.analysis.weights.build_weights`; Gi* adds each
        county to its own neighbourhood (self-weight 1 before row-standardising).
    permutations : int, default 999
    seed : int, default 0
    n_jobs : int, default 1

    Returns
    -------
    pandas.DataFrame
        Indexed by the codes of ``weights``: ``gi`` (the statistic), ``gi_z``
        (permutation z-score), ``gi_p`` (two-sided permutation p-value) and
        ``gi_bin`` (-3..3 as in the module table).  ``attrs`` holds the parameters.

    Raises
    ------
    ValueError
        If any value is negative.
    """
    y = pd.to_numeric(values, errors="coerce")
    if (y < 0).any():
        raise ValueError("Gi* needs non-negative values")
    sub, yy = weights_for_values(weights, y)
    out = pd.DataFrame(index=pd.Index(weights.ids, name="code"))
    out["gi"] = np.nan
    out["gi_z"] = np.nan
    out["gi_p"] = np.nan
    out["gi_bin"] = 0
    yv = yy.to_numpy(dtype=float)
    ids = sub.ids
    if len(yv) >= 3 and np.ptp(yv) > 0 and yv.sum() > 0:
        with quiet_seeded():
            g = esda.G_Local(
                yv,
                _binary_copy(sub),
                transform="R",
                permutations=permutations,
                star=True,
                keep_simulations=True,
                n_jobs=n_jobs,
                seed=seed,
            )
        if permutations:
            z = np.asarray(g.z_sim, dtype=float)
            p2 = np.minimum(1.0, 2.0 * np.asarray(g.p_sim, dtype=float))
        else:  # no permutations: analytical z and its two-sided normal p-value
            z = np.asarray(g.Zs, dtype=float)
            p2 = 2.0 * np.asarray(g.p_norm, dtype=float)
        out.loc[ids, "gi"] = g.Gs
        out.loc[ids, "gi_z"] = z
        out.loc[ids, "gi_p"] = p2
        out.loc[ids, "gi_bin"] = gi_bins(p2, z)
    elif len(yv):
        out.loc[ids, "gi_p"] = 1.0
    out["gi_bin"] = out["gi_bin"].astype(int)
    out.attrs.update(
        method="getis_ord_star",
        permutations=permutations,
        seed=seed,
        p="two-sided permutation (2 * esda p_sim)",
        n=len(ids),
        islands=[(j.island, j.neighbour) for j in sub.joins],
    )
    return out


def run(params, inputs) -> pd.DataFrame:
    """Registry runner: Getis-Ord Gi* of the indicator (``gistar``)."""
    cw, v = weights_for_values(inputs.weights, inputs.need_values(params.method))
    return getis_ord_star(v, cw, permutations=params.permutations, seed=params.seed)
