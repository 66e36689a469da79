"""Coverage ratios, a gap score and the bivariate need-by-coverage classes.

The planner's question: *where are there many left-behind children and few services?*
Per county this module computes

* ``facilities`` = ``children_homes + activity_centres``;
* ``facilities_per_1000`` and ``directors_per_1000``: facilities and child directors per
  1,000 left-behind children (NaN when the county reports no left-behind children);
* ``children_per_facility``: left-behind children per facility (NaN when the county has
  no facility; ``no_facility`` flags those);
* ``need_pct`` and ``coverage_pct``: mid-rank percentiles (``(below + ties / 2) / n``, in
  [0, 1]) of need (left-behind children, a count) and coverage (facilities per 1,000);
* ``gap_score = need_pct * (1 - coverage_pct)``.

Why this gap score.  It is high only when *both* conditions hold: many children (need
near the top) *and* little service per child (coverage near the bottom).  A county at the
90th need percentile and the 10th coverage percentile scores 0.9 x 0.9 = 0.81; one with
huge need but average coverage scores about 0.5; a tiny county with no facility at all
scores low because its need is low.  Percentiles make the score robust to the very
skewed counts (a few counties hold tens of thousands of children) and to exploding
ratios with small denominators, are bounded in [0, 1], and are read the same in every
period.  A z-score difference would be dominated by those outliers and could rank a
county first on need alone.  The score is *relative*: it orders counties within the
analysed set, it is not a measure of absolute adequacy.

Counties without left-behind children have no coverage ratio; their gap score is 0 (no
need) and they are left out of the coverage percentiles.  Counties with a missing count
get NaN throughout.

The bivariate classes cut both percentiles into tertiles (upper bounds 1/3, 2/3, 1, as
mapclassify ``UserDefined`` would: ties stay together) and label a county ``"c-n"``: ``c`` its
coverage tertile (1 low .. 3 high), ``n`` its need tertile (1 low .. 3 high).  **"1-3" is
the priority cell: low coverage, high need.**  The palette is Joshua Stevens's 3x3
pink-blue (purple-blue) scheme: coverage runs grey to teal-blue, need runs grey to pink,
so "1-3" is the saturated pink and well-served high-need counties ("3-3") are dark blue.

Examples
--------
Need percentiles of 5000, 200, 3000, 0 children are 7/8, 3/8, 5/8, 1/8; coverage
percentiles of 0.2, 10 and 3 per 1,000 are 1/6, 5/6, 1/2 (county ``d`` has no need):

>>> df = pd.DataFrame({"left_behind": [5000, 200, 3000, 0],
...                    "children_homes": [1, 2, 6, 1], "activity_centres": [0, 0, 3, 0],
...                    "child_directors": [10, 4, 30, 2]}, index=["a", "b", "c", "d"])
>>> cov = coverage_table(df)
>>> cov["facilities_per_1000"].round(2).tolist()
[0.2, 10.0, 3.0, nan]
>>> cov["gap_score"].round(3).tolist()
[0.729, 0.062, 0.312, 0.0]
>>> cov["bivariate"].tolist()
['1-3', '3-2', '2-2', None]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "BIVARIATE_PRIORITY",
    "bivariate_classes",
    "coverage_table",
    "mid_percentile",
    "priority_table",
    "run",
]

BIVARIATE_PRIORITY = "1-3"
"""The cell to highlight: lowest coverage tertile, highest need tertile."""


def mid_percentile(values: pd.Series) -> pd.Series:
    """Mid-rank percentile in [0, 1]: share of values below plus half the ties.

    NaN stays NaN and is not counted.

    Examples
    --------
    >>> mid_percentile(pd.Series([0, 0, 5, 10, np.nan])).tolist()
    [0.25, 0.25, 0.625, 0.875, nan]
    """
    v = pd.to_numeric(values, errors="coerce").astype(float)
    n = int(v.notna().sum())
    if n == 0:
        return v * np.nan
    return (v.rank(method="average") - 0.5) / n


#: Upper bounds of the tertiles of a percentile in [0, 1].
TERTILE_BOUNDS = np.array([1 / 3, 2 / 3, 1.0])


def _tertile(pct: pd.Series) -> pd.Series:
    """1, 2 or 3: the tertile whose half-open interval ``(lower, upper]`` holds the value.

    The same classes as ``mapclassify.UserDefined(pct, bins=TERTILE_BOUNDS).yb + 1`` (a
    test checks they agree), without importing mapclassify: it compiles numba kernels on
    import, seconds that the first briefing of a process waited for.
    """
    out = pd.Series(np.nan, index=pct.index)
    ok = pct.notna()
    if ok.any():
        out[ok] = np.searchsorted(TERTILE_BOUNDS, pct[ok].to_numpy(float), side="left") + 1
    return out


def bivariate_classes(need_pct: pd.Series, coverage_pct: pd.Series) -> pd.Series:
    """``"c-n"`` labels from need and coverage percentiles (None if either is NaN).

    Examples
    --------
    >>> bivariate_classes(pd.Series([0.9, 0.1]), pd.Series([0.1, np.nan])).tolist()
    ['1-3', None]
    """
    n = _tertile(need_pct)
    c = _tertile(coverage_pct)
    ok = n.notna() & c.notna()
    lab = pd.Series([None] * len(n), index=n.index, dtype=object)
    lab[ok] = [f"{int(a)}-{int(b)}" for a, b in zip(c[ok], n[ok], strict=True)]
    return lab


def coverage_table(
    data: pd.DataFrame,
    *,
    need_col: str = "left_behind",
    per: float = 1000.0,
) -> pd.DataFrame:
    """Coverage ratios, gap score and bivariate class per county.

    Parameters
    ----------
    data : pandas.DataFrame
        Indexed by code with ``left_behind`` (or ``need_col``), ``children_homes``,
        ``activity_centres`` and ``child_directors`` (missing facility columns are
        treated as unknown, i.e. NaN).
    need_col : str, default "left_behind"
        The count that measures need.
    per : float, default 1000
        Denominator unit for the ratios.

    Returns
    -------
    pandas.DataFrame
        ``need, facilities, child_directors, facilities_per_1000,
        directors_per_1000, children_per_facility, no_facility, need_pct,
        coverage_pct, gap_score, bivariate``.
    """

    def col(name: str) -> pd.Series:
        if name in data.columns:
            return pd.to_numeric(data[name], errors="coerce").astype(float)
        return pd.Series(np.nan, index=data.index)

    need = col(need_col)
    fac = col("children_homes") + col("activity_centres")
    directors = col("child_directors")
    has_need = need > 0
    out = pd.DataFrame(index=data.index.astype(str))
    out.index.name = "code"
    out["need"] = need.to_numpy()
    out["facilities"] = fac.to_numpy()
    out["child_directors"] = directors.to_numpy()
    out["facilities_per_1000"] = np.where(has_need, fac / need.where(has_need) * per, np.nan)
    out["directors_per_1000"] = np.where(has_need, directors / need.where(has_need) * per, np.nan)
    out["children_per_facility"] = np.where(fac > 0, need / fac.where(fac > 0), np.nan)
    out["no_facility"] = (fac == 0).to_numpy()
    out["need_pct"] = mid_percentile(out["need"]).to_numpy()
    out["coverage_pct"] = mid_percentile(out["facilities_per_1000"]).to_numpy()
    gap = out["need_pct"] * (1 - out["coverage_pct"])
    gap[(out["need"] == 0) & out["facilities"].notna()] = 0.0
    out["gap_score"] = gap
    out["bivariate"] = bivariate_classes(out["need_pct"], out["coverage_pct"])
    out.attrs.update(
        method="coverage",
        need=need_col,
        per=per,
        gap="need_pct * (1 - coverage_pct), mid-rank percentiles",
    )
    return out


def priority_table(
    coverage: pd.DataFrame,
    *,
    names: pd.Series | pd.DataFrame | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Counties ranked by gap score (highest first), for the priority list.

    Parameters
    ----------
    coverage : pandas.DataFrame
        From :func:`coverage_table`.
    names : pandas.Series or DataFrame, optional
        ``name_zh`` (Series) or columns such as ``name_zh, prefecture_zh,
        province_zh`` (DataFrame) by code, joined in front.
    top : int, optional
        Keep the first ``top`` rows.

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = highest gap) plus the coverage columns; ties broken by need
        (larger first) then code; rows with a NaN gap score are dropped.
    """
    t = coverage[coverage["gap_score"].notna()].copy()
    t["_code"] = t.index
    t = t.sort_values(["gap_score", "need", "_code"], ascending=[False, False, True])
    t = t.drop(columns="_code")
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    if names is not None:
        nm = names.to_frame() if isinstance(names, pd.Series) else names
        nm = nm.copy()
        nm.index = nm.index.astype(str)
        t = nm.reindex(t.index).join(t)
        t = t[["rank", *[c for c in t.columns if c != "rank"]]]
    return t.head(top) if top is not None else t


def run(params, inputs) -> pd.DataFrame:
    """Registry runner: coverage ratios, gap score and bivariate class (``coverage``)."""
    return coverage_table(inputs.table)
