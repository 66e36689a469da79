"""Regions: the nation, a province, a prefecture or a county, named by a six-digit code.

One home for "which counties does this region hold", used by editors' regions (rows
outside are refused), a replace upload's declared scope, completeness of a collection
round and the upload templates. The nation is ``100000`` (as in the page's URLs);
Taiwan, Hong Kong and Macao are on the map but have no county counts, so they are never
*expected* to report.

The county table is the boundary layer (``counties_full`` or ``counties_web``): indexed
by layer code, with ``province_code`` and ``prefecture_code`` columns. Without it, codes
are matched by their prefix (the GB/T 2260 structure), which is right for all but the
few county-level units that report to a province directly.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"province_code": ["520000", "520000", "110000"],
...                   "prefecture_code": ["520100", "520200", "110100"]},
...                  index=["520102", "520201", "110101"])
>>> level("520000"), level("520100"), level("520102"), level(None)
('province', 'prefecture', 'county', 'nation')
>>> list(codes_in(t, "520000")), contains(t, "520100", "520201")
(['520102', '520201'], False)
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

NATION = "100000"
#: Provinces on the map that have no county counts (Taiwan, Hong Kong, Macao).
NO_COUNTS_PROVINCES: frozenset[str] = frozenset({"710000", "810000", "820000"})
_NATION_WORDS = {"", "100000", "000000", "nation", "china", "cn", "全国"}


def normalise(code: str | None) -> str:
    """A region code as stored: ``100000`` for the nation; ``ValueError`` if malformed."""
    text = str(code or "").strip().lower()
    if text in _NATION_WORDS:
        return NATION
    if not (len(text) == 6 and text.isdigit()):
        raise ValueError(f"not a region code: {code!r} (six digits, e.g. 520000, or 100000)")
    return text


def level(code: str | None) -> str:
    """``nation``, ``province``, ``prefecture`` or ``county`` (by the code's shape)."""
    code = normalise(code)
    if code == NATION:
        return "nation"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def codes_in(counties: pd.DataFrame | None, region: str | None, universe: Iterable[str] = ()):
    """Layer codes of the counties in `region` (a ``pd.Index``), in table order.

    Without a county table, the codes of `universe` are matched by prefix.
    """
    region = normalise(region)
    if counties is None:
        codes = pd.Index([str(c) for c in universe])
        return codes if region == NATION else codes[[contains(None, region, c) for c in codes]]
    if region == NATION:
        return counties.index
    lv = level(region)
    if lv == "county":
        return counties.index[counties.index == region]
    column = "province_code" if lv == "province" else "prefecture_code"
    return counties.index[counties[column].astype(str) == region]


def expected(counties: pd.DataFrame, region: str | None) -> pd.Index:
    """Counties of `region` expected to report: all but Taiwan, Hong Kong and Macao."""
    codes = codes_in(counties, region)
    return codes[~counties.loc[codes, "province_code"].isin(NO_COUNTS_PROVINCES)]


def contains(counties: pd.DataFrame | None, region: str | None, code: str) -> bool:
    """Whether county `code` lies in `region`."""
    region = normalise(region)
    code = str(code)
    if region == NATION:
        return True
    if counties is not None and code in counties.index:
        row = counties.loc[code]
        return region in (code, str(row["province_code"]), str(row["prefecture_code"]))
    lv = level(region)
    prefix = {"province": 2, "prefecture": 4, "county": 6}[lv]
    return code[:prefix] == region[:prefix]


def check(counties: pd.DataFrame | None, region: str | None) -> str:
    """A normalised region code that the county table knows; ``ValueError`` otherwise."""
    region = normalise(region)
    if region != NATION and counties is not None and not len(codes_in(counties, region)):
        raise ValueError(f"no counties in region {region}")
    return region
