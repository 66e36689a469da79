"""Class breaks for choropleth maps, with mapclassify.

Why a wrapper: maps need the class of every county *and* a legend (breaks, counts, no
data); breaks may be pooled across periods so two periods' maps compare; and missing
values must never fall into a class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SCHEMES = ("quantiles", "fisher_jenks", "equal_interval", "std_mean", "user")


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify`.

    ``classes`` holds a class index per value (``-1`` for missing); ``bins`` are the
    upper bounds of the classes; ``lower`` the lower bound of the first class.
    """

    scheme: str
    bins: tuple[float, ...]
    lower: float
    classes: np.ndarray
    counts: tuple[int, ...]

    @property
    def k(self) -> int:
        return len(self.bins)

    def intervals(self) -> list[tuple[float, float]]:
        """(low, high) of each class (none when no value had data).

        >>> classify([float("nan")] * 3).intervals()
        []
        """
        if not self.bins:
            return []
        lows = (self.lower, *self.bins[:-1])
        return list(zip(lows, self.bins, strict=True))


def classify(
    values: pd.Series | np.ndarray,
    scheme: str = "quantiles",
    k: int = 5,
    *,
    breaks: list[float] | None = None,
    pool: np.ndarray | None = None,
) -> Classification:
    """Classify values into at most `k` classes.

    Parameters
    ----------
    values
        One value per county; NaN means no data (class ``-1``).
    scheme
        One of :data:`SCHEMES`. ``user`` takes `breaks` (upper bounds).
    k
        Number of classes (fewer when there are fewer distinct values).
    pool
        Values to compute the breaks from (e.g. both periods together); defaults to
        `values`.

    Examples
    --------
    >>> c = classify([1, 2, 3, 4, float("nan")], "equal_interval", k=2)
    >>> c.classes.tolist(), c.counts
    ([0, 0, 1, 1, -1], (2, 2))
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; use one of {SCHEMES}")
    v = np.asarray(values, dtype=float)
    basis = np.asarray(v if pool is None else pool, dtype=float)
    basis = basis[np.isfinite(basis)]
    finite = np.isfinite(v)
    if basis.size == 0:
        return Classification(scheme, (), float("nan"), np.full(v.shape, -1), ())
    if scheme == "user":
        if not breaks:
            raise ValueError("user classification needs breaks")
        bins = np.unique(np.asarray(breaks, dtype=float))
        if bins[-1] < basis.max():
            bins = np.append(bins, basis.max())
    else:
        distinct = np.unique(basis)
        kk = max(1, min(k, distinct.size))
        bins = np.array([distinct[-1]]) if kk == 1 else _bins(scheme, basis, kk)
    classes = np.full(v.shape, -1, dtype=int)

    idx = np.searchsorted(bins, v[finite], side="left")
    classes[finite] = np.minimum(idx, len(bins) - 1)
    counts = tuple(int((classes == i).sum()) for i in range(len(bins)))
    return Classification(
        scheme, tuple(float(b) for b in bins), float(basis.min()), classes, counts
    )


def merge_indistinct(cls: Classification, decimals: int) -> Classification:
    """Merge classes whose upper bounds print the same at `decimals` places.

    Why: a legend rounds its bounds, and two classes that read "0.00" and "0.00"
    (e.g. the counties with no facility in reach and those with 0.004) are one class
    to a reader; the counties of the dropped bound join the class above.

    Examples
    --------
    >>> c = merge_indistinct(classify([0, 0, 0.004, 1, 2, 3], "quantiles", 5), 2)
    >>> c.bins, c.counts
    ((0.004, 1.0, 2.0, 3.0), (3, 1, 1, 1))
    """
    if len(cls.bins) < 2:
        return cls
    keep: list[int] = []  # index of the last bin of each printed value
    for i, b in enumerate(cls.bins):
        if keep and round(cls.bins[keep[-1]], decimals) == round(b, decimals):
            keep[-1] = i
        else:
            keep.append(i)
    if len(keep) == len(cls.bins):
        return cls
    new_index = np.searchsorted(np.asarray(keep), np.arange(len(cls.bins)), side="left")
    classes = np.where(cls.classes >= 0, new_index[np.maximum(cls.classes, 0)], -1)
    counts = tuple(int((classes == i).sum()) for i in range(len(keep)))
    bins = tuple(cls.bins[i] for i in keep)
    return Classification(cls.scheme, bins, cls.lower, classes, counts)


def _bins(scheme: str, basis: np.ndarray, k: int) -> np.ndarray:
    """Upper class bounds from mapclassify.

    Quantiles, the default map, are computed with numpy exactly as
    ``mapclassify.Quantiles`` does (``scoreatpercentile`` at ``100*i/k``, ties
    collapsed; a test checks the two agree), because importing mapclassify compiles
    its numba kernels eagerly (about 4 s) and the first page should not wait for that.
    """
    if scheme == "quantiles":
        pct = np.linspace(100.0 / k, 100.0, k)
        return np.unique(np.percentile(basis, pct))
    import mapclassify

    if scheme == "fisher_jenks":
        bins = mapclassify.FisherJenks(basis, k=k).bins
    elif scheme == "equal_interval":
        if not np.ptp(basis) / k > 0:
            # a range too small to divide (the width underflows to 0, e.g. 0 and 5e-324):
            # mapclassify would step by 0 and fail; one class holds every value
            return np.array([basis.max()])
        bins = mapclassify.EqualInterval(basis, k=k).bins
    else:
        bins = mapclassify.StdMean(basis).bins
    return np.unique(np.asarray(bins, dtype=float))


def parse_breaks(text: str | None) -> list[float] | None:
    """User-set class breaks from ``"100, 500，1000"`` (ASCII or full-width commas).

    Raises ``ValueError`` naming the part that is not a number.

    Examples
    --------
    >>> parse_breaks("1000, 100，5000"), parse_breaks("")
    ([100.0, 1000.0, 5000.0], None)
    """
    if not text or not str(text).strip():
        return None
    out = []
    for part in str(text).replace("，", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(float(part.replace(" ", "")))
        except ValueError:
            raise ValueError(f"break {part!r} is not a number") from None
    return sorted(set(out)) or None
