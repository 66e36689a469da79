"""Completeness of a collection round: which counties of a region have reported.

A county has reported in a period when any of its counts came from an upload
(:meth:`geodata.store.Store.provenance`: ``reported`` or ``mixed``); when, by whom and
in which version come from the same place. Expected are the region's counties on the
map except Taiwan, Hong Kong and Macao, which have no county counts.

Examples
--------
>>> import pandas as pd
>>> counties = pd.DataFrame(
...     {"name_zh": ["南明区", "云岩区", "钟山区"], "province_code": ["520000"] * 3,
...      "province_zh": ["贵州省"] * 3, "prefecture_code": ["520100", "520100", "520200"]},
...     index=["520102", "520103", "520201"])
>>> prov = pd.DataFrame({"code": ["520102", "520103"], "source": ["reported", "synthetic"],
...                      "source_version": [2, 1], "source_file": ["a.csv", None],
...                      "reported_by": ["zhang", None], "reported_at": [None, None]})
>>> out = summarise(counties, prov, "520000")
>>> out["expected"], out["reported"], [m["code"] for m in out["missing"]]
(3, 1, ['520103', '520201'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from geodata import regions


def summarise(
    counties: pd.DataFrame,
    provenance: pd.DataFrame,
    region: str | None = None,
    *,
    name_en: Callable[[str], str] | None = None,
    round_info: dict | None = None,
    today: dt.date | None = None,
) -> dict:
    """The completeness answer for one region (JSON-ready).

    Keys: ``region``, ``level``, ``expected``, ``reported``, ``missing_count``,
    ``share``, ``missing`` (``code, name_zh, name_en, province_code, prefecture_code``),
    ``reports`` (per reported county: ``code, version, by, at, file``), ``deadline``,
    ``days_left`` and, at national level, ``provinces`` (per province: ``code,
    name_zh, expected, reported, missing``).
    """
    from geodata.store.rounds import days_left

    region = regions.normalise(region)
    expected = regions.expected(counties, region)
    prov = provenance.set_index("code") if len(provenance) else provenance
    source = (
        prov["source"].reindex(expected).fillna("") if len(prov) else pd.Series("", index=expected)
    )
    done = source.isin(("reported", "mixed"))
    reported_codes = expected[done.to_numpy()]
    missing_codes = expected[~done.to_numpy()]
    en = name_en or (lambda code: "")
    table = counties.loc[expected]
    missing = [
        {
            "code": c,
            "name_zh": str(table.at[c, "name_zh"]),
            "name_en": en(c),
            "province_code": str(table.at[c, "province_code"]),
            "prefecture_code": str(table.at[c, "prefecture_code"]),
        }
        for c in missing_codes
    ]
    reports = []
    for c in reported_codes:
        row = prov.loc[c]
        at = row["reported_at"]
        reports.append(
            {
                "code": c,
                "version": None if pd.isna(row["source_version"]) else int(row["source_version"]),
                "by": None if pd.isna(row["reported_by"]) else str(row["reported_by"]),
                "at": at.isoformat() if hasattr(at, "isoformat") and not pd.isna(at) else None,
                "file": None if pd.isna(row["source_file"]) else str(row["source_file"]),
            }
        )
    deadline = (round_info or {}).get("deadline")
    out = {
        "region": region,
        "level": regions.level(region),
        "expected": int(len(expected)),
        "reported": int(len(reported_codes)),
        "missing_count": int(len(missing_codes)),
        "share": round(len(reported_codes) / len(expected), 4) if len(expected) else None,
        "missing": missing,
        "reports": reports,
        "deadline": deadline.isoformat() if deadline else None,
        "days_left": days_left(deadline, today),
    }
    if out["level"] == "nation":
        by = pd.DataFrame(
            {"province": table["province_code"].astype(str), "done": done.to_numpy()},
            index=expected,
        ).groupby("province")["done"]
        names = table.groupby(table["province_code"].astype(str))["province_zh"].first()
        out["provinces"] = [
            {
                "code": code,
                "name_zh": str(names.get(code, "")),
                "expected": int(n),
                "reported": int(k),
                "missing": int(n - k),
            }
            for code, n, k in zip(by.size().index, by.size(), by.sum(), strict=True)
        ]
    return out
