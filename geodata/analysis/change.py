"""Change between two periods: value change maps and cluster transitions.

Two questions over time: *how much did an indicator change in each county* (absolute and
percent), and *did a county move into or out of a cluster or hot spot* between two
half-years?  Both work on plain Series indexed by code, such as two columns of
indicator values or two ``lisa_cluster`` / ``gi_bin`` columns from
:mod:`geodata.analysis.clusters` and :mod:`geodata.analysis.hotspots`.

Conventions:

* ``abs_change = after - before``; NaN when either period is missing.
* ``pct_change = 100 * (after - before) / before``; NaN when either is missing or when
  ``before == 0`` and ``after != 0`` (growth from zero has no percentage);
  ``0`` when both are 0.
* Transitions use a *background* label (``"ns"`` for LISA, ``0`` for Gi* bins): a
  county ``entered`` a cluster (background -> cluster), ``left`` one (cluster ->
  background), ``switched`` (one cluster type to another, e.g. ``HH -> HL``),
  ``stayed`` (same cluster), ``stable`` (background both times), or has ``no_data``.

Clusters from two periods are only comparable when both were computed with the same
weights, permutations, seed and significance rule; note that permutation p-values near
``alpha`` can flip between runs with different seeds, so a single ``entered`` or
``left`` near the threshold is weak evidence.

Examples
--------
>>> before = pd.Series({"a": 100.0, "b": 0.0, "c": 50.0, "d": None})
>>> after = pd.Series({"a": 80.0, "b": 0.0, "c": 75.0, "d": 10.0})
>>> value_change(before, after)["pct_change"].tolist()
[-20.0, 0.0, 50.0, nan]
>>> t = cluster_transitions(pd.Series({"a": "ns", "b": "HH", "c": "HH"}),
...                         pd.Series({"a": "HH", "b": "ns", "c": "HL"}))
>>> t["transition"].tolist(), t["label"].tolist()
(['entered', 'left', 'switched'], ['ns → HH', 'HH → ns', 'HH → HL'])
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

__all__ = ["TRANSITIONS", "cluster_transitions", "transition_matrix", "value_change"]

TRANSITIONS = ["entered", "left", "switched", "stayed", "stable", "no_data"]
"""Transition kinds, in legend order."""


def _align(before: pd.Series, after: pd.Series) -> tuple[pd.Series, pd.Series]:
    b = before.copy()
    a = after.copy()
    b.index = b.index.astype(str)
    a.index = a.index.astype(str)
    idx = b.index.union(a.index, sort=False)
    return b.reindex(idx), a.reindex(idx)


def value_change(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """Absolute and percent change per county between two periods.

    Parameters
    ----------
    before, after : pandas.Series
        Values by code; the result covers the union of both indexes.

    Returns
    -------
    pandas.DataFrame
        ``before, after, abs_change, pct_change`` indexed by code.
    """
    b, a = _align(before, after)
    b = pd.to_numeric(b, errors="coerce").astype(float)
    a = pd.to_numeric(a, errors="coerce").astype(float)
    diff = a - b
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(b != 0, 100.0 * diff / b.abs(), np.where(a == 0, 0.0, np.nan))
    pct = np.where(b.isna() | a.isna(), np.nan, pct)
    out = pd.DataFrame(
        {"before": b, "after": a, "abs_change": diff, "pct_change": pct}, index=b.index
    )
    out.index.name = "code"
    return out


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA


def cluster_transitions(
    before: pd.Series, after: pd.Series, *, background: Hashable = "ns"
) -> pd.DataFrame:
    """Whether each county moved into or out of a cluster between two periods.

    Parameters
    ----------
    before, after : pandas.Series
        Cluster labels by code (``lisa_cluster`` values, or ``gi_bin`` integers with
        ``background=0``).
    background : hashable, default "ns"
        The "not in a cluster" label.

    Returns
    -------
    pandas.DataFrame
        ``before, after, transition`` (one of :data:`TRANSITIONS`) and ``label``
        (``"ns → HH"``) indexed by code.

    Examples
    --------
    >>> t = cluster_transitions(pd.Series({"a": 0, "b": 2}), pd.Series({"a": 3, "b": 2}),
    ...                         background=0)
    >>> t["transition"].tolist()
    ['entered', 'stayed']
    """
    b, a = _align(before, after)
    kinds, labels = [], []
    for x, y in zip(b.tolist(), a.tolist(), strict=True):
        if _missing(x) or _missing(y):
            kinds.append("no_data")
            labels.append(None)
            continue
        labels.append(f"{x} → {y}")
        if x == y:
            kinds.append("stable" if x == background else "stayed")
        elif x == background:
            kinds.append("entered")
        elif y == background:
            kinds.append("left")
        else:
            kinds.append("switched")
    out = pd.DataFrame(
        {"before": b, "after": a, "transition": kinds, "label": labels}, index=b.index
    )
    out.index.name = "code"
    return out


def transition_matrix(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """Counts of counties by (before label, after label); missing labels as "no data".

    Examples
    --------
    >>> m = transition_matrix(pd.Series({"a": "ns", "b": "HH", "c": "HH"}),
    ...                       pd.Series({"a": "HH", "b": "HH", "c": "ns"}))
    >>> int(m.loc["HH", "HH"]), int(m.loc["ns", "HH"])
    (1, 1)
    """
    b, a = _align(before, after)
    b = b.astype(object).where(b.notna(), "no data")
    a = a.astype(object).where(a.notna(), "no data")
    return pd.crosstab(b.rename("before"), a.rename("after"))


def run(params, inputs) -> pd.DataFrame:
    """Registry runner: LISA clusters in both periods (same weights, permutations and
    seed) and each county's transition (``cluster_change``)."""
    from geodata.analysis import clusters
    from geodata.analysis.methods import Inputs

    lisa = params.with_method("lisa")
    now = clusters.run(lisa, inputs)
    before = clusters.run(lisa, Inputs(inputs.table, inputs.previous_values, inputs.weights))
    out = cluster_transitions(before["lisa_cluster"].dropna(), now["lisa_cluster"].dropna())
    return out.rename(columns={"before": "lisa_cluster_before", "after": "lisa_cluster"})
