"""Row checks for one kind of file: children's counts against each other, and facility
points (coordinates, datum, type, id)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata.boundaries import chinacrs
from geodata.indicators import RISK_COLUMNS
from geodata.ingest.cells import datum_of, facility_kind, parse_coords
from geodata.ingest.errors import ImportFileError
from geodata.ingest.rows import _bools, _objs, _Rows

if TYPE_CHECKING:  # pragma: no cover
    from geodata.ingest.columns import ColumnMapping


CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)
"""lon/lat box holding China including the South China Sea islands."""


def _children_checks(R: _Rows, values: dict[str, np.ndarray], mf: dict[str, int]) -> None:
    ch = values.get("children")
    for f, zh in (("left_behind", "left-behind"), ("migrant", "migrant")):
        v = values.get(f)
        if ch is None or v is None:
            continue
        with np.errstate(invalid="ignore"):
            bad = R.live & (v > ch)
        R.add(bad, "rejected", f"{f}_gt_children",
              lambda i, v=v, zh=zh: f"{zh} children ({v[i]:.0f}) more than children ({ch[i]:.0f})",
              mf[f])  # fmt: skip
    lb, mg = values.get("left_behind"), values.get("migrant")
    if lb is None and mg is None:
        return
    base = np.nansum(
        np.vstack([x for x in (lb, mg) if x is not None]), axis=0
    )  # NaN + x = x; all NaN -> 0
    known = np.zeros(R.n, dtype=bool)
    for x in (lb, mg):
        if x is not None:
            known |= ~np.isnan(x)
    for f in RISK_COLUMNS:
        v = values.get(f)
        if v is None:
            continue
        with np.errstate(invalid="ignore"):
            bad = R.live & known & (v > base)
        R.add(bad, "warning", "risk_gt_base",
              lambda i, v=v, f=f: f"{f} ({v[i]:.0f}) more than left-behind + migrant "
              f"({base[i]:.0f}); kept (the risk list may include other children)",
              mf[f])  # fmt: skip


def _point_checks(R: _Rows, cells, mf, mapping: ColumnMapping, datum: str) -> dict[str, Any]:
    n = R.n
    if "lonlat" in mf and not ({"lon", "lat"} <= set(mf)):
        both = cells("lonlat").str.normalize("NFKC")
        parts = both.str.split(r"[,;\s，；]+", n=1, expand=True, regex=True)
        lon_s = parts[0].fillna("") if 0 in parts else pd.Series([""] * n)
        lat_s = parts[1].fillna("") if 1 in parts else pd.Series([""] * n)
        lon_col = lat_col = mf["lonlat"]
    else:
        lon_s, lat_s = cells("lon"), cells("lat")
        lon_col, lat_col = mf["lon"], mf["lat"]
    lon, bad_lon = parse_coords(lon_s)
    lat, bad_lat = parse_coords(lat_s)
    lon_s, lat_s = lon_s.to_numpy(dtype=object), lat_s.to_numpy(dtype=object)
    R.add(R.live & bad_lon, "rejected", "non_numeric", lambda i: f"longitude {lon_s[i]!r} is not a number", lon_col, lon_s)  # fmt: skip
    R.add(R.live & bad_lat, "rejected", "non_numeric", lambda i: f"latitude {lat_s[i]!r} is not a number", lat_col, lat_s)  # fmt: skip
    missing = R.live & (np.isnan(lon) | np.isnan(lat))
    R.add(missing, "rejected", "missing_field", "missing required field: longitude or latitude", lon_col)  # fmt: skip
    # swapped columns: latitude in the longitude column and vice versa
    x0, y0, x1, y1 = CHINA_BBOX
    swapped = (
        R.live
        & (lon >= y0)
        & (lon <= y1)
        & (lat >= x0)
        & (lat <= x1)
        & ~((lon >= x0) & (lat <= y1))
    )
    if swapped.any():
        R.add(swapped, "warning", "swapped_lonlat", "longitude and latitude look swapped; swapped back", lon_col)  # fmt: skip
        lon2 = np.where(swapped, lat, lon)
        lat = np.where(swapped, lon, lat)
        lon = lon2
    # datum per row
    header_hint = datum_of(mapping.headers[lon_col]) if lon_col is not None else None
    default = header_hint or datum
    if datum_of(default) is None and default not in ("wgs84", "gcj02", "bd09"):
        raise ImportFileError(f"unknown datum {datum!r}: expected wgs84, gcj02 or bd09")
    default = datum_of(default) or default
    dat = np.full(n, default, dtype=object)
    dcol = cells("datum")
    if dcol is not None:
        dcol = dcol.to_numpy(dtype=object)
        parsed = _objs(datum_of(v) if v else default for v in dcol.tolist())
        bad = R.live & _bools(p is None for p in parsed)
        R.add(bad, "rejected", "bad_datum",
              lambda i: f"unknown coordinate system {dcol[i]!r} (expected WGS84, GCJ02 or BD09)",
              mf["datum"], dcol)  # fmt: skip
        dat = np.where(bad, default, parsed)
    wlon, wlat = lon.copy(), lat.copy()
    for d in ("gcj02", "bd09"):
        m = (dat == d) & np.isfinite(lon) & np.isfinite(lat)
        if m.any():
            wlon[m], wlat[m] = chinacrs.to_wgs84(lon[m], lat[m], d)
    outside = R.live & ~((wlon >= x0) & (wlon <= x1) & (wlat >= y0) & (wlat <= y1))
    R.add(outside, "rejected", "outside_china",
          lambda i: f"point ({lon[i]:.5f}, {lat[i]:.5f}) is outside China", lon_col)  # fmt: skip
    # names and kinds
    names = cells("name")
    name_arr = names.to_numpy(dtype=object) if names is not None else np.full(n, "", dtype=object)
    tcol = cells("type")
    tcol_a = None if tcol is None else tcol.to_numpy(dtype=object)
    if tcol is not None:
        kinds = _objs(facility_kind(v) for v in tcol.tolist())
        fallback = _objs(facility_kind(x) for x in name_arr)
        kinds = np.where(tcol.eq("").to_numpy(), fallback, kinds)
    else:
        kinds = _objs(facility_kind(x) for x in name_arr)
    badk = R.live & _bools(k is None for k in kinds)
    R.add(badk, "rejected", "bad_type",
          lambda i: "unknown facility type "
          + (repr(tcol_a[i]) if tcol_a is not None and tcol_a[i] else "(no type given)")
          + " (expected 儿童之家 or 活动中心/关爱服务站)",
          mf.get("type"), tcol_a)  # fmt: skip
    if names is not None:
        R.add(R.live & names.eq("").to_numpy(), "warning", "no_name", "facility has no name", mf["name"])  # fmt: skip
    # ids
    ids_s = cells("facility_id")
    if ids_s is not None:
        ids = ids_s.to_numpy(dtype=object)
        R.add(R.live & ids_s.eq("").to_numpy(), "rejected", "missing_field",
              "missing required field: facility id", mf["facility_id"])  # fmt: skip
        R.add(R.live & (ids_s.str.len() > 64).to_numpy(), "rejected", "bad_id",
              "facility id longer than 64 characters", mf["facility_id"], ids_s)  # fmt: skip
    else:
        ids = np.array(
            [
                "f" + hashlib.sha1(f"{nm}|{x:.6f}|{y:.6f}".encode()).hexdigest()[:15]
                for nm, x, y in zip(name_arr, wlon, wlat, strict=True)
            ],
            dtype=object,
        )
    return {"lon": wlon, "lat": wlat, "name": name_arr, "kind": kinds, "facility_id": ids,
            "lon_col": lon_col}  # fmt: skip
