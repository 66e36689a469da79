"""Parsing cell values: counts, coordinates, facility types, datums, and a period named in
the title rows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from geodata.ingest.columns import _KEEP, header_key
from geodata.periods import normalize_period

MAX_COUNT = 10_000_000
"""Largest count a county can report: the most populous county-level units have a few
million residents, so more children than this is a typing error (and a stored 1e308
broke every CSV for everyone). Applies to counts of children and of facilities."""


def _arrow(s: pd.Series):
    """The column as a pyarrow string array (regexes run in RE2, far faster than ``re``)."""
    import pyarrow as pa

    if isinstance(s.dtype, pd.StringDtype) or str(s.dtype) == "str":
        try:
            return pa.array(s.array)
        except (TypeError, pa.ArrowInvalid):
            pass
    return pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _re_contains(s: pd.Series, pattern: str, ignore_case: bool = True) -> np.ndarray:
    """Boolean mask: `pattern` (RE2 syntax) found in each cell (False for missing)."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(_arrow(s), pattern, ignore_case=ignore_case)
    return np.asarray(hit.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _re_replace(s: pd.Series, pattern: str, repl: str) -> pd.Series:
    import pyarrow.compute as pc

    out = pc.replace_substring_regex(_arrow(s), pattern, repl)
    return pd.Series(out.to_pandas(), dtype="str").fillna("")


def _nfkc(s: pd.Series) -> pd.Series:
    import pyarrow.compute as pc

    return pd.Series(pc.utf8_normalize(_arrow(s), "NFKC").to_pandas(), dtype="str").fillna("")


_PLACEHOLDERS = frozenset(["-", "--", "—", "——", "–", "/", "\\", "无", "n/a", "na", "null", "none"])
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"


def parse_counts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Counts from text: (float values with NaN for blank, error rule per cell or '').

    Accepted: ``1234``, ``1,234``, ``１２３４``, `` 12 ``, ``12.0``, ``1e3``.  Blank
    cells and placeholders (``-``, ``—``, ``/``, ``无``, ``N/A``) are missing values.
    Error rules: ``non_numeric`` (``abc``, ``1,23``), ``not_whole`` (``12.5``),
    ``negative`` (``-3``), ``too_large`` (above :data:`MAX_COUNT`: more children than
    a county could hold, e.g. ``1e308`` or a 300-digit number).

    Examples
    --------
    >>> v, e = parse_counts(pd.Series(["1,234", "１２", " 7 ", "3.0", "", "x", "2.5", "-1"]))
    >>> v.tolist()[:4], e.tolist()[5:]
    ([1234.0, 12.0, 7.0, 3.0], ['non_numeric', 'not_whole', 'negative'])
    >>> parse_counts(pd.Series(["10000001", "1e308", "9" * 300]))[1].tolist()
    ['too_large', 'too_large', 'too_large']
    """
    t = values.astype(str)
    if not t.str.isascii().all():
        t = _nfkc(t)
    if _re_contains(t, r"\s", False).any():
        t = _re_replace(t, "[\\s\u00a0\u3000]+", "")
    blank = (t.eq("") | t.str.lower().isin(_PLACEHOLDERS)).to_numpy()
    thousands = t.str.fullmatch(_THOUSANDS).fillna(False).to_numpy(dtype=bool)
    t = t.where(~thousands, t.str.replace(",", "", regex=False))
    plain = t.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?").fillna(False)
    nums = np.array(pd.to_numeric(t.where(plain, None), errors="coerce"), dtype=float)
    err = np.full(len(t), "", dtype=object)
    bad = ~blank & ~np.isfinite(nums)
    err[bad] = "non_numeric"
    ok = ~blank & ~bad
    frac = np.zeros(len(t), dtype=bool)
    frac[ok] = nums[ok] != np.floor(nums[ok])
    err[frac] = "not_whole"
    neg = np.zeros(len(t), dtype=bool)
    neg[ok] = nums[ok] < 0
    err[neg & ~frac] = "negative"
    huge = np.zeros(len(t), dtype=bool)
    huge[ok] = nums[ok] > MAX_COUNT
    err[huge & ~frac & ~neg] = "too_large"
    nums[blank | bad | frac | neg | huge] = np.nan
    return nums, err


def parse_coords(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Decimal degrees from text (``116.4``, ``116.4°``, ``１１６．４``): (values, is_bad)."""
    t = _re_replace(_nfkc(values.astype(str)), "[\\s°度]+", "")
    blank = t.eq("").to_numpy()
    ok = t.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)").fillna(False)
    nums = np.array(pd.to_numeric(t.where(ok, None), errors="coerce"), dtype=float)
    return nums, ~blank & ~np.isfinite(nums)


_TYPE_WORDS = {
    "children_home": ("儿童之家", "childrenhome", "childrenshome", "children_home"),
    "activity_centre": (
        "活动中心",
        "服务站",
        "activitycentre",
        "activitycenter",
        "activity_centre",
    ),
}
_DATUM_WORDS = {
    "wgs84": ("wgs84", "wgs", "gps", "epsg4326", "4326", "cgcs2000", "天地图"),
    "gcj02": ("gcj02", "gcj", "火星", "高德", "腾讯", "amap", "gaode", "tencent", "国测局"),
    "bd09": ("bd09", "bd", "百度", "baidu"),
}


def facility_kind(text: str) -> str | None:
    """``children_home`` / ``activity_centre`` from a type cell (or a name), else None."""
    k = header_key(text)
    if not k:
        return None
    for kind, words in _TYPE_WORDS.items():
        if any(header_key(w) in k for w in words):
            return kind
    return None


def datum_of(text: str) -> str | None:
    """``wgs84`` / ``gcj02`` / ``bd09`` from a datum cell or header hint, else None.

    Examples
    --------
    >>> datum_of("GCJ-02"), datum_of("百度坐标"), datum_of("经度（BD-09）"), datum_of("经度")
    ('gcj02', 'bd09', 'bd09', None)
    """
    k = _KEEP.sub("", unicodedata.normalize("NFKC", str(text)).lower())
    if not k:
        return None
    for datum, words in _DATUM_WORDS.items():
        if k in words:
            return datum
    for datum, words in _DATUM_WORDS.items():
        if any((len(w) > 3 or not w.isascii()) and w in k for w in words):
            return datum
    return None


_TITLE_PERIOD = re.compile(
    r"(\d{4}\s*年\s*(?:度)?\s*(?:第)?[上下前后一二12](?:个)?半年|\d{4}\s*[-_ ]?\s*[Hh][12]|"
    r"\d{4}\s*年\s*\d{1,2}\s*[-~至到—–]\s*\d{1,2}\s*月)"
)


def period_from_title(title: Iterable[str]) -> str | None:
    """A period mentioned in title rows (``2025年上半年留守儿童统计表`` -> ``2025-H1``)."""
    for line in title:
        for m in _TITLE_PERIOD.finditer(line):
            p = normalize_period(m.group(0))
            if p:
                return p
    return None
