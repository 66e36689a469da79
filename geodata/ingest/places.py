"""Which county a row is in: codes and names resolved through the registry, facility
points placed in the county polygons."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geodata.ingest.columns import _KEEP
from geodata.ingest.rows import _bools, _Rows

if TYPE_CHECKING:  # pragma: no cover
    from geodata.codes import Registry


NEAREST_COUNTY_DEG = 0.05
"""A point outside every county polygon but this close (degrees, ~5 km) to one is placed
in it with a warning (coastline, simplified borders); farther away it is rejected."""


_LABELS: dict[int, dict[str, str]] = {}


def _label(registry: Registry, code: str) -> str:
    """``110105 北京市朝阳区``: code with province, prefecture and name (cached)."""
    labels = _LABELS.get(id(registry))
    if labels is None:
        c = registry.counties
        labels = {
            code: f"{code} {pz}{fz if fz != pz else ''}{nz}"
            for code, pz, fz, nz in zip(
                c.index.tolist(),
                c["province_zh"].tolist(),
                c["prefecture_zh"].tolist(),
                c["name_zh"].tolist(),
                strict=True,
            )
        }
        _LABELS.clear()
        _LABELS[id(registry)] = labels
    return labels.get(code, str(code))


def _resolve_counties(
    R: _Rows, cells, mf, registry: Registry, layer: np.ndarray, remapped: dict, mode: str
) -> None:
    n = R.n
    code_s = cells("code")
    name_s = cells("county")
    prov_s = cells("province")
    pref_s = cells("prefecture")
    # Province and prefecture cells are often merged over a block of rows: fill down.
    prov_f = prov_s.replace("", None).ffill().fillna("") if prov_s is not None else None
    pref_f = pref_s.replace("", None).ffill().fillna("") if pref_s is not None else None
    if pref_f is not None and prov_s is not None:
        # a new province cell starts a new prefecture block: do not fill across it
        marked = pref_s.where(prov_s.eq("") | pref_s.ne(""), "\0")
        pref_f = marked.replace("", None).ffill().fillna("").replace("\0", "")
    code_a = None if code_s is None else code_s.to_numpy(dtype=object)
    name_a = None if name_s is None else name_s.to_numpy(dtype=object)
    prov_a = None if prov_f is None else prov_f.to_numpy(dtype=object)
    pref_a = None if pref_f is None else pref_f.to_numpy(dtype=object)
    needs_name = np.ones(n, dtype=bool)
    if code_s is not None:
        has = code_s.ne("").to_numpy()
        # resolve each distinct value once (a big file repeats few codes)
        idx, uniq = pd.factorize(code_s.where(code_s.ne(""), None).astype(object))
        res = registry.resolve_many(list(uniq) + [None]).iloc[idx]
        status = res["status"].to_numpy(dtype=object)
        lc = res["layer_code"].to_numpy(dtype=object)
        norm = res["code"].to_numpy(dtype=object)
        notes = res["note"].to_numpy(dtype=object)
        needs_name = ~has
        # aggregate rows: a province or prefecture code that is not a county itself
        agg = (
            R.live
            & has
            & _bools(bool(c) and c.endswith("00") for c in norm)
            & np.isin(status, ["unknown", "no_polygon"])
        )
        R.add(agg, "skipped", "subtotal_row",
              lambda i: f"aggregate row for province/prefecture code {norm[i]}", mf["code"], code_s)  # fmt: skip
        live = R.live & has
        ok = live & np.isin(status, ["exact", "remapped"])
        layer[ok] = lc[ok]
        for i in np.flatnonzero(live & (status == "remapped")).tolist():
            remapped[str(norm[i])] = str(lc[i])
        for code in sorted({str(norm[i]) for i in np.flatnonzero(live & (status == "remapped"))}):
            r = registry.resolve(code)
            if r.candidates:
                rows = live & (norm == code)
                R.add(rows, "warning", "code_split",
                      f"{code} now covers several units of the map "
                      f"({', '.join(r.candidates)}); its figures are placed on {r.layer_code}",
                      mf["code"], code_s)  # fmt: skip
        notcode = live & (status == "unknown") & _bools(c is None for c in norm)
        R.add(notcode, "rejected", "unknown_code",
              lambda i: f"not a county code: {code_a[i]!r}", mf["code"], code_s)  # fmt: skip
        unknown = live & (status == "unknown") & ~notcode
        R.add(unknown, "rejected", "unknown_code",
              lambda i: f"unknown code {norm[i]}: {notes[i]}", mf["code"], code_s)  # fmt: skip
        nopoly = live & (status == "no_polygon")
        overlaps = {}
        for code in {str(norm[i]) for i in np.flatnonzero(nopoly)}:
            cands = registry.resolve(code).candidates
            overlaps[code] = (
                f" (it overlaps {', '.join(_label(registry, c) for c in cands)})" if cands else ""
            )
        R.add(nopoly, "rejected", "no_polygon",
              lambda i: f"no_polygon: {notes[i]}{overlaps[str(norm[i])]}", mf["code"], code_s)  # fmt: skip
    if name_s is not None:
        lookups: dict[tuple[str, str, str], list[str]] = {}

        empty = [""] * n
        keys = list(
            zip(
                name_a.tolist(),
                prov_a.tolist() if prov_a is not None else empty,
                pref_a.tolist() if pref_a is not None else empty,
                strict=True,
            )
        )

        def find(i: int) -> list[str]:
            key = keys[i]
            hits = lookups.get(key)
            if hits is None:
                prov = _province_context(key[1])
                hits = lookups[key] = registry.find_by_name(key[0], prov or None, key[2] or None)
            return hits

        ctx = _context_text(prov_a, pref_a)
        # rows identified by name only
        rows = np.flatnonzero(R.live & needs_name & name_s.ne("").to_numpy())
        found = {i: find(i) for i in rows.tolist()}
        one = [i for i, h in found.items() if len(h) == 1]
        layer[one] = [found[i][0] for i in one]
        R.add([i for i, h in found.items() if not h], "rejected", "name_not_found",
              lambda i: f"county name {name_a[i]!r}{ctx(i)} not found", mf["county"], name_s)  # fmt: skip
        R.add([i for i, h in found.items() if len(h) > 1], "rejected", "name_ambiguous",
              lambda i: f"county name {name_a[i]!r}{ctx(i)} is ambiguous: "
              + "; ".join(_label(registry, c) for c in found[i])
              + " (add a province/prefecture column or the code)",
              mf["county"], name_s)  # fmt: skip
        # rows with both: check they agree
        both = np.flatnonzero(R.live & ~needs_name & name_s.ne("").to_numpy() & (layer != None))  # noqa: E711
        mism = [i for i in both.tolist() if (hits := find(i)) and layer[i] not in hits]
        R.add(mism, "warning", "name_code_mismatch",
              lambda i: f"name {name_a[i]!r} does not match code "
              f"({_label(registry, layer[i])}); "
              "the code is used", mf["county"], name_s)  # fmt: skip
    # no identification at all
    unident = R.live & (layer == None)  # noqa: E711
    if code_s is not None:
        unident &= code_s.eq("").to_numpy()
    if name_s is not None:
        unident &= name_s.eq("").to_numpy()
    if mode == "points":
        return  # points may still be placed by their coordinates
    R.add(unident, "rejected", "missing_field",
          "missing required field: county code or name", mf.get("code", mf.get("county")))  # fmt: skip


# English (pinyin) province names -> the Chinese short names registry lookups expect: the
# reverse of geodata.codes.PROVINCE_EN (code -> English), with the other spellings people
# write (Tibet/Xizang, Neimenggu, Macau); a test keeps the two in step.
PROVINCE_FROM_ENGLISH = {
    "beijing": "北京", "tianjin": "天津", "hebei": "河北", "shanxi": "山西",
    "innermongolia": "内蒙古", "neimenggu": "内蒙古", "liaoning": "辽宁", "jilin": "吉林",
    "heilongjiang": "黑龙江", "shanghai": "上海", "jiangsu": "江苏", "zhejiang": "浙江",
    "anhui": "安徽", "fujian": "福建", "jiangxi": "江西", "shandong": "山东", "henan": "河南",
    "hubei": "湖北", "hunan": "湖南", "guangdong": "广东", "guangxi": "广西", "hainan": "海南",
    "chongqing": "重庆", "sichuan": "四川", "guizhou": "贵州", "yunnan": "云南", "tibet": "西藏",
    "xizang": "西藏", "shaanxi": "陕西", "gansu": "甘肃", "qinghai": "青海", "ningxia": "宁夏",
    "xinjiang": "新疆", "taiwan": "台湾", "hongkong": "香港", "macau": "澳门", "macao": "澳门",
}  # fmt: skip
_PROVINCE_TAIL = re.compile(
    r"(province|municipality|autonomousregion|specialadministrativeregion|sar|"
    r"zhuangautonomousregion|huiautonomousregion|uygurautonomousregion|uyghurautonomousregion)$"
)


def _province_context(text: str) -> str:
    """A province cell as the registry understands it (English names translated)."""
    if not text or not text.isascii() or text.isdigit():
        return text
    key = _KEEP.sub("", text.lower())
    key = _PROVINCE_TAIL.sub("", key) or key
    return PROVINCE_FROM_ENGLISH.get(key, text)


def _context_text(prov_f, pref_f) -> Callable[[int], str]:
    def ctx(i: int) -> str:
        parts = [s[i] for s in (prov_f, pref_f) if s is not None and s[i]]
        return f" (in {' '.join(parts)})" if parts else ""

    return ctx


def _place_points(R: _Rows, pts: dict, layer: np.ndarray, mf, registry: Registry, counties) -> None:
    """Point-in-polygon: place unplaced points, flag points outside their stated county."""
    lon, lat = pts["lon"], pts["lat"]
    col = pts["lon_col"]
    live = R.live
    need = live & (layer == None)  # noqa: E711
    if counties is None:
        R.add(need, "rejected", "missing_field",
              "missing required field: county code or name (no county polygons given to "
              "place the point)", mf.get("code", mf.get("county")))  # fmt: skip
        return
    import shapely

    geoms = np.asarray(counties.geometry.values)
    codes = (
        counties["code"].astype(str).to_numpy()
        if "code" in counties.columns
        else counties.index.astype(str).to_numpy()
    )
    tree = shapely.STRtree(geoms)
    check = np.flatnonzero(live & np.isfinite(lon) & np.isfinite(lat))
    if len(check) == 0:
        return
    points = shapely.points(lon[check], lat[check])
    inp, tidx = tree.query(points, predicate="within")
    inside = np.full(len(check), -1)
    inside[inp[::-1]] = tidx[::-1]  # first containing polygon
    missing = np.flatnonzero(inside < 0)
    near = np.full(len(check), -1)
    dist = np.full(len(check), np.nan)
    if len(missing):
        (mi, ti), d = tree.query_nearest(
            points[missing], max_distance=NEAREST_COUNTY_DEG, return_distance=True
        )
        near[missing[mi[::-1]]] = ti[::-1]
        dist[missing[mi[::-1]]] = d[::-1]
    found = np.where(inside >= 0, inside, near)
    for k, i in enumerate(check.tolist()):
        where = codes[found[k]] if found[k] >= 0 else None
        if layer[i] is None:
            if where is None:
                R.add([i], "rejected", "outside_china",
                      f"point ({lon[i]:.5f}, {lat[i]:.5f}) is not inside any county polygon "
                      "(outside China or at sea)", col)  # fmt: skip
                continue
            layer[i] = where
            if inside[k] < 0:
                R.add([i], "warning", "nearest_county",
                      f"point is just outside the county polygons; placed in the nearest, "
                      f"{_label(registry, where)} ({dist[k] * 111:.1f} km)", col)  # fmt: skip
        elif where != layer[i]:
            lies = f"lies in {_label(registry, where)}" if where else "is in no county polygon"
            R.add([i], "warning", "outside_stated_county",
                  f"point ({lon[i]:.5f}, {lat[i]:.5f}) {lies}, not in its stated county "
                  f"{_label(registry, layer[i])}; imported under the stated county", col)  # fmt: skip
