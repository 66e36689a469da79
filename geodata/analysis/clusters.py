"""Spatial clusters: Local Moran's I (LISA), its Empirical Bayes rate version, global I.

A planner looking at a choropleth sees dark counties and light counties; the question a
cluster map answers is *which of those patterns are more than chance*: is this a
**High-High** cluster (a high-value county among high-value neighbours, e.g. a belt of
counties with many left-behind children), a **Low-Low** cluster, or a spatial outlier
(**High-Low**: a high county among low neighbours; **Low-High**: the reverse)?

Local Moran's I for county *i* is ``I_i = (n - 1) z_i sum_j w_ij z_j / sum_k z_k^2``
with ``z`` the standardised values and ``w`` row-standardised queen weights with islands
joined (:mod:`geodata.analysis.weights`).  Significance is by conditional permutation (esda): the
value of *i* is held fixed and its neighbours are drawn at random from the other
counties ``permutations`` times; the pseudo p-value is ``(M + 1) / (R + 1)`` where *M*
counts the draws at least as extreme as the observed ``I_i`` *in the direction of the
observed value* (the "folded" one-sided rule of GeoDa and esda).  A county is labelled
with its Moran-scatterplot quadrant when ``p <= alpha`` (default 0.05) and ``"ns"``
otherwise.  With ``fdr=True`` the cut-off becomes the Benjamini-Hochberg false discovery
rate bound (:func:`esda.fdr`).

Rates of small populations (the share of children left behind in a county with a few
hundred children) are noisy: the most extreme rates belong to the smallest counties.
:func:`local_moran_rate` applies the Empirical Bayes standardisation of Assunção and
Reis (1999) (esda ``Moran_Local_Rate``), which shrinks unstable rates toward the mean in
proportion to their variance before computing the same statistic.

Randomness: esda draws permutations with ``numpy.random.seed(seed)``; the global
generator is restored afterwards (:mod:`geodata.analysis._pysal`).  Same seed, same labels.

Examples
--------
A 7 x 7 grid with a planted 3 x 3 block of high values in one corner: the block comes
out High-High.

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
>>> res = local_moran(y, build_weights(g), permutations=999, seed=1)
>>> res.loc["11", "lisa_cluster"], res.loc["55", "lisa_cluster"]
('HH', 'ns')
"""

from __future__ import annotations

from dataclasses import dataclass

import esda
import numpy as np
import pandas as pd

from geodata.analysis._pysal import quiet_seeded, significance_threshold
from geodata.analysis.weights import CountyWeights, weights_for_values

__all__ = [
    "CLUSTER_LABELS",
    "CLUSTER_ORDER",
    "MoranSummary",
    "cluster_labels",
    "global_moran",
    "global_moran_rate",
    "local_moran",
    "local_moran_rate",
    "run",
    "run_rate",
]

CLUSTER_LABELS: dict[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
"""esda quadrant code -> label (esda's default, non-GeoDa numbering)."""

CLUSTER_ORDER: list[str] = ["HH", "LL", "HL", "LH", "ns"]
"""Legend order."""

COLUMNS = ["lisa_i", "lisa_p", "lisa_q", "lisa_cluster", "lisa_z", "lisa_lag"]


@dataclass(frozen=True)
class MoranSummary:
    """Global Moran's I with normal and permutation inference.

    ``p_sim`` is esda's one-sided pseudo p-value (folded in the direction of the
    observed I); ``p_norm`` the two-sided normal-approximation p-value.
    """

    i: float
    expected_i: float
    z_norm: float
    p_norm: float
    z_sim: float
    p_sim: float
    n: int
    permutations: int
    seed: int


def cluster_labels(q: np.ndarray, p: np.ndarray, threshold: float) -> np.ndarray:
    """Quadrant labels for significant units, ``"ns"`` for the others.

    Examples
    --------
    >>> cluster_labels(np.array([1, 3, 2, 4]), np.array([.01, .2, .04, .05]), .05).tolist()
    ['HH', 'ns', 'LH', 'HL']
    """
    q = np.asarray(q)
    p = np.asarray(p, dtype=float)
    out = np.full(q.shape, "ns", dtype=object)
    sig = np.isfinite(p) & (p <= threshold)
    for code, label in CLUSTER_LABELS.items():
        out[sig & (q == code)] = label
    return out


def _empty(ids: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(index=pd.Index(ids, name="code"))
    df["lisa_i"] = np.nan
    df["lisa_p"] = np.nan
    df["lisa_q"] = 0
    df["lisa_cluster"] = None
    df["lisa_z"] = np.nan
    df["lisa_lag"] = np.nan
    return df


def _finish(
    weights: CountyWeights,
    sub: CountyWeights,
    lm,
    *,
    alpha: float,
    fdr: bool,
    meta: dict,
) -> pd.DataFrame:
    out = _empty(weights.ids)
    ids = sub.ids
    if lm is None:  # degenerate input: constant values or fewer than 3 units
        out.loc[ids, "lisa_cluster"] = "ns"
        threshold = float(alpha)
    else:
        # permutations=0: statistics only, no inference (p NaN, every unit "ns").
        p = np.asarray(getattr(lm, "p_sim", np.full(len(ids), np.nan)), dtype=float)
        threshold = significance_threshold(p, alpha, fdr)
        out.loc[ids, "lisa_i"] = lm.Is
        out.loc[ids, "lisa_p"] = p
        out.loc[ids, "lisa_q"] = np.asarray(lm.q, dtype=int)
        out.loc[ids, "lisa_cluster"] = cluster_labels(lm.q, p, threshold)
        out.loc[ids, "lisa_z"] = lm.z
        out.loc[ids, "lisa_lag"] = sub.w.sparse @ lm.z
    out["lisa_q"] = out["lisa_q"].astype(int)
    out.attrs.update(
        meta,
        alpha=float(alpha),
        fdr=bool(fdr),
        threshold=threshold,
        n=len(ids),
        islands=[(j.island, j.neighbour) for j in sub.joins],
    )
    return out


def local_moran(
    values: pd.Series,
    weights: CountyWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    fdr: bool = False,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Local Moran's I cluster map of one indicator.

    Parameters
    ----------
    values : pandas.Series
        Indicator by county code.  NaN rows are left out of the analysis (the
        weights are subset and new islands re-joined) and come back with NaN
        statistics and ``lisa_cluster = None``.
    weights : CountyWeights
        From :func:`geodata.analysis.weights.build_weights` (or a region subset).
    permutations : int, default 999
        Conditional permutations; the smallest attainable pseudo p-value is
        ``1 / (permutations + 1)``.  ``0`` computes the statistics only (``lisa_p``
        NaN, every county ``"ns"``).
    seed : int, default 0
        Seed for the permutation draws.
    alpha : float, default 0.05
        Significance level for labelling a county.
    fdr : bool, default False
        Use the Benjamini-Hochberg false discovery rate cut-off instead of ``alpha``.
    n_jobs : int, default 1
        Passed to esda; parallel permutation pays off only with numba installed.

    Returns
    -------
    pandas.DataFrame
        Indexed by the codes of ``weights``: ``lisa_i`` (local I), ``lisa_p``
        (pseudo p-value), ``lisa_q`` (quadrant 1 HH, 2 LH, 3 LL, 4 HL; 0 no data),
        ``lisa_cluster`` (``HH, LL, HL, LH, ns``; None without data), ``lisa_z``
        (standardised value) and ``lisa_lag`` (its spatial lag) for a Moran
        scatterplot.  ``attrs`` records the parameters, the p cut-off used and the
        island joins.
    """
    sub, y = weights_for_values(weights, pd.to_numeric(values, errors="coerce"))
    yv = y.to_numpy(dtype=float)
    lm = None
    if len(yv) >= 3 and np.ptp(yv) > 0:
        with quiet_seeded():
            lm = esda.Moran_Local(
                yv,
                sub.w,
                transformation="r",
                permutations=permutations,
                seed=seed,
                n_jobs=n_jobs,
                keep_simulations=True,
            )
    meta = {"method": "local_moran", "permutations": permutations, "seed": seed}
    return _finish(weights, sub, lm, alpha=alpha, fdr=fdr, meta=meta)


def _rate_inputs(events: pd.Series, base: pd.Series) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "e": pd.to_numeric(events, errors="coerce"),
            "b": pd.to_numeric(base, errors="coerce"),
        }
    )
    df.index = df.index.astype(str)
    if (df["e"] < 0).any():
        raise ValueError("rate LISA: negative event counts")
    bad = (df["b"] <= 0) | (df["e"] > df["b"])
    return df.mask(bad)


def local_moran_rate(
    events: pd.Series,
    base: pd.Series,
    weights: CountyWeights,
    *,
    adjusted: bool = True,
    permutations: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    fdr: bool = False,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Empirical Bayes rate LISA for ``events / base`` (e.g. left-behind / children).

    Parameters
    ----------
    events, base : pandas.Series
        Counts by code.  Rows with a missing value, ``base <= 0`` or ``events >
        base`` are left out (NaN statistics).
    adjusted : bool, default True
        Apply the Assunção-Reis Empirical Bayes standardisation (esda's default);
        ``False`` analyses raw rates.
    permutations, seed, alpha, fdr, n_jobs
        As in :func:`local_moran`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`local_moran`; ``lisa_z`` is the standardised
        (EB-adjusted) rate.

    Notes
    -----
    The EB standardisation divides each rate's deviation from the pooled rate by an
    estimate of its standard error, ``sqrt(a + b_hat / base_i)``, so a rate based on
    few children is pulled toward the mean; a quadrant is then read on the adjusted
    values.
    """
    df = _rate_inputs(events, base)
    sub, d = weights_for_values(weights, df)
    lm = None
    if len(d) >= 3:
        e = d["e"].to_numpy(dtype=float)
        b = d["b"].to_numpy(dtype=float)
        rates = e / b
        if np.ptp(rates) > 0:
            with quiet_seeded():
                lm = esda.Moran_Local_Rate(
                    e,
                    b,
                    sub.w,
                    adjusted=adjusted,
                    transformation="r",
                    permutations=permutations,
                    seed=seed,
                    n_jobs=n_jobs,
                    keep_simulations=True,
                )
    meta = {
        "method": "local_moran_rate",
        "adjusted": adjusted,
        "permutations": permutations,
        "seed": seed,
    }
    return _finish(weights, sub, lm, alpha=alpha, fdr=fdr, meta=meta)


def _summary(mi, n: int, permutations: int, seed: int) -> MoranSummary:
    return MoranSummary(
        i=float(mi.I),
        expected_i=float(mi.EI),
        z_norm=float(mi.z_norm),
        p_norm=float(mi.p_norm),
        z_sim=float(getattr(mi, "z_sim", np.nan)),
        p_sim=float(getattr(mi, "p_sim", np.nan)),
        n=n,
        permutations=permutations,
        seed=seed,
    )


def global_moran(
    values: pd.Series,
    weights: CountyWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
) -> MoranSummary:
    """Global Moran's I: is the indicator spatially clustered overall?

    ``I > E[I] = -1/(n-1)`` means similar values sit next to each other; ``I <
    E[I]`` means a checkerboard.  Missing values are dropped as in
    :func:`local_moran`.

    Examples
    --------
    Vertical stripes (alternate columns high and low) are strongly negatively
    autocorrelated under queen weights: six of an inner county's eight neighbours
    differ from it.  (A checkerboard is only weakly negative under queen weights,
    because the four diagonal neighbours share the colour; use ``rook=True``.)

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from geodata.analysis.weights import build_weights
    >>> ids = [f"{r}{c}" for r in range(6) for c in range(6)]
    >>> g = gpd.GeoDataFrame(geometry=[box(c, r, c + 1, r + 1) for r in range(6)
    ...     for c in range(6)], index=ids, crs="EPSG:4326")
    >>> y = pd.Series([c % 2 for r in range(6) for c in range(6)], index=ids)
    >>> s = global_moran(y, build_weights(g), seed=0)
    >>> round(s.i, 3), s.p_sim
    (-0.437, 0.001)
    """
    sub, y = weights_for_values(weights, pd.to_numeric(values, errors="coerce"))
    with quiet_seeded(seed):
        mi = esda.Moran(y.to_numpy(dtype=float), sub.w, permutations=permutations)
    return _summary(mi, sub.n, permutations, seed)


def global_moran_rate(
    events: pd.Series,
    base: pd.Series,
    weights: CountyWeights,
    *,
    adjusted: bool = True,
    permutations: int = 999,
    seed: int = 0,
) -> MoranSummary:
    """Global Moran's I of Empirical Bayes standardised rates (esda ``Moran_Rate``)."""
    sub, d = weights_for_values(weights, _rate_inputs(events, base))
    with quiet_seeded(seed):
        mi = esda.Moran_Rate(
            d["e"].to_numpy(dtype=float),
            d["b"].to_numpy(dtype=float),
            sub.w,
            adjusted=adjusted,
            permutations=permutations,
        )
    return _summary(mi, sub.n, permutations, seed)


def run(params, inputs) -> pd.DataFrame:
    """Registry runner: Local Moran's I of the indicator (``lisa``)."""
    cw, v = weights_for_values(inputs.weights, inputs.need_values(params.method))
    return local_moran(
        v, cw, permutations=params.permutations, seed=params.seed, alpha=params.alpha,
        fdr=params.fdr,
    )  # fmt: skip


def run_rate(params, inputs) -> pd.DataFrame:
    """Registry runner: Empirical Bayes rate LISA of a rate indicator (``lisa_rate``)."""
    from geodata.analysis.methods import RATE_INPUTS

    if params.indicator not in RATE_INPUTS:
        raise ValueError(f"the rate LISA needs a rate indicator: {', '.join(RATE_INPUTS)}")
    event, base = RATE_INPUTS[params.indicator]
    pair = inputs.table[[event, base]].astype(float)
    pair = pair[(pair[base] > 0) & pair[event].notna()]
    cw, pair = weights_for_values(inputs.weights, pair)
    return local_moran_rate(
        pair[event], pair[base], cw, permutations=params.permutations, seed=params.seed,
        alpha=params.alpha, fdr=params.fdr,
    )  # fmt: skip
