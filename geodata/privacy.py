"""Small-number protection: child counts below a threshold are shown as "<k".

Counts of one, two or three children in a county can identify them, so when the
threshold k is set (``ATLAS_SUPPRESS_BELOW``; 5 is the usual choice) every count of
children from 1 to k-1 is replaced by the label ``"<k"`` wherever it leaves the server:
map tooltips, legends, tables, the county panel, charts, exports and the API. Zero is
shown as zero (it identifies no one). Facility counts are not about children and are
never suppressed. Rates and shares are left as they are: they do not reveal a count
without the denominator, which is itself suppressed when small.

Examples
--------
>>> import pandas as pd
>>> s = pd.Series([0, 3, 4.4, 5, 120, None])
>>> suppress_series(s, 5).tolist()
[0.0, '<5', '<5', 5.0, 120.0, None]
>>> suppress_series(s, 0).equals(s)
True
>>> suppress_series(suppress_series(s, 5), 5).tolist()
[0.0, '<5', '<5', 5.0, 120.0, None]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.indicators import MEASURES

#: Indicators (and table columns) that count children.
CHILD_COUNTS: frozenset[str] = frozenset(
    [*MEASURES, "risk_total", "need", "left_behind_before", "newly_covered"]
)


def label(k: int) -> str:
    """The text shown instead of a small count."""
    return f"<{k}"


def small(values, k: int) -> np.ndarray:
    """Boolean mask of the counts to hide: 0 < value < k (after rounding to whole children)."""
    v = np.asarray(values, dtype=float)
    if k <= 0:
        return np.zeros(v.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        r = np.round(v)
        return (r > 0) & (r < k)


def is_child_count(name: str) -> bool:
    """Whether an indicator id or table column is a count of children."""
    return name in CHILD_COUNTS


def suppress_series(values: pd.Series, k: int) -> pd.Series:
    """The series with small counts replaced by ``"<k"`` (object dtype); unchanged if off."""
    if k <= 0:
        return values
    # Idempotent: labels already in the column read as NaN and stay as they are.
    mask = small(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan), k)
    if not mask.any():
        return values
    out = values.astype(object).where(values.notna(), None)
    out[mask] = label(k)
    return out


def suppress_frame(df: pd.DataFrame, k: int, columns=None) -> pd.DataFrame:
    """A copy of `df` with the child-count columns suppressed (all of them by default)."""
    if k <= 0:
        return df
    cols = [c for c in (columns or df.columns) if c in df.columns and is_child_count(c)]
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        out[c] = suppress_series(out[c], k)
    return out
