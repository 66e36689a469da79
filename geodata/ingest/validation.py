"""Validating a read table: every data row imported, skipped or rejected, with a reason.

The module is not called ``validate`` so that ``geodata.ingest.validate`` stays the
function.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata import regions
from geodata.indicators import FACILITY_COUNTS, MEASURES
from geodata.ingest.cells import _re_contains, parse_counts, period_from_title
from geodata.ingest.checks import _children_checks, _point_checks
from geodata.ingest.columns import KINDS, ColumnMapping, detect_columns
from geodata.ingest.errors import ImportFileError, MappingError, headers_text
from geodata.ingest.places import _label, _place_points, _resolve_counties
from geodata.ingest.read import RawTable
from geodata.ingest.report import ImportReport
from geodata.ingest.rows import _bools, _objs, _Rows
from geodata.periods import normalize_period

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from geodata.codes import Registry


_SUBTOTAL = (
    r"(?:合\s*计|总\s*计|小\s*计|累\s*计|(?:^|[省市州盟区县旗])全(?:省|市|区|县|州|盟|旗|国)$|"
    r"^(?:sub)?total\b|^grand\s*total|^sum$|^all$)"
)
"""Subtotal/total cells (RE2, case-insensitive).  ``全X`` only alone or after an
administrative suffix: 万全区 and 天全县 are counties, 郑州市全市 is a total."""
_NOTE = (
    r"^(?:注|备注|说明|填表|制表|审核|负责人|单位负责人|联系人|联系电话|数据来源|来源|报送|填报|"
    r"note|notes|source|remark)"
)


def _resolve_period(period: Any, raw: RawTable, cells: pd.Series | None) -> str:
    """The import period: given, else the period column, the title rows, the filename."""
    if period is not None and str(period).strip():
        p = normalize_period(period)
        if p is None:
            raise ImportFileError(f"bad period {period!r}: expected e.g. 2025-H1 or 2025年上半年")
        return p
    if cells is not None:
        found = {normalize_period(v) for v in cells.tolist() if str(v).strip()}
        found.discard(None)
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            raise ImportFileError(
                f"the period column holds several periods ({', '.join(sorted(found))}); "
                "import one period at a time"
            )
    p = period_from_title(raw.title) or period_from_title([raw.filename])
    if p:
        return p
    raise ImportFileError("no period given: pass one (e.g. 2025-H1) or add a period column")


def validate(
    raw: RawTable,
    mapping: ColumnMapping | Mapping[str, str | int | None] | None,
    kind: str,
    period: str | None,
    registry: Registry | None = None,
    *,
    datum: str = "wgs84",
    counties: gpd.GeoDataFrame | None = None,
    region: str | None = None,
    scope: str | None = None,
) -> ImportReport:
    """Sort every data row of `raw` into imported / skipped / rejected.

    Parameters
    ----------
    mapping
        A :class:`ColumnMapping`, a dict of overrides for :func:`detect_columns`, or
        None to detect the columns.
    period
        Any spelling :func:`geodata.periods.normalize_period` accepts; None takes it
        from the period column or the title rows.
    registry
        County registry (default :func:`geodata.codes.load_registry`).
    datum
        Datum of facility coordinates when the file has no datum column and the
        longitude header names none (``wgs84``, ``gcj02``, ``bd09``).
    counties
        County polygons (``geodata.boundaries`` ``counties_full``, indexed by layer
        code) for placing facility points without a code and flagging points outside
        their stated county; also what :mod:`geodata.regions` reads.
    region
        The uploader's region (an editor scoped to a province, prefecture or county):
        rows for counties outside it are rejected (``outside_region``).
    scope
        The scope a ``replace`` upload declares itself complete for: rows outside it
        are rejected (``outside_scope``).

    Raises
    ------
    MappingError
        When no column identifies the county, no value column is mapped, or the period
        is missing or malformed.
    """
    t0 = time.perf_counter()
    if kind not in KINDS:
        raise ValueError(f"invalid kind {kind!r}: expected one of {KINDS}")
    if registry is None:
        from geodata.codes import load_registry

        registry = load_registry()
    if mapping is None or not isinstance(mapping, ColumnMapping):
        mapping = detect_columns(raw.headers, kind, overrides=mapping)
    elif mapping.kind != kind:
        raise MappingError(f"the mapping is for {mapping.kind}, not {kind}")
    body = raw.body
    mf = mapping.fields
    mode = mapping.mode

    def cells(fld: str) -> pd.Series | None:
        pos = mf.get(fld)
        if pos is None or pos not in body.columns:
            return None if pos is None else pd.Series([""] * len(body), dtype=object)
        return body[pos].astype(str).str.strip().reset_index(drop=True)

    value_fields = [f for f in (MEASURES if kind == "children" else FACILITY_COUNTS) if f in mf]
    has_county = "code" in mf or "county" in mf
    if mode == "points":
        if not has_county and counties is None:
            raise MappingError(
                "facility points need a county code or name column, or the county polygons "
                "to place them; headers: " + headers_text(raw.headers)
            )
    else:
        if not has_county:
            raise MappingError(
                "no column for the county code or name (e.g. 区划代码, 县区); headers: "
                + headers_text(raw.headers)
            )
        if not value_fields:
            wanted = (
                "留守儿童, 流动儿童, 儿童总数" if kind == "children" else "儿童之家数, 经度/纬度"
            )
            raise MappingError(
                f"no value column recognised for {kind} (e.g. {wanted}); headers: "
                + headers_text(raw.headers)
            )
    period = _resolve_period(period, raw, cells("period"))

    R = _Rows(body.index.to_numpy(), mapping.headers)
    n = R.n
    grid = body.astype(str)

    # ---- skipped rows: blank, repeated header, subtotal, notes
    nonblank_counts = np.zeros(n, dtype=int)
    header_echo = np.zeros(n, dtype=int)
    for c in grid.columns:
        col = grid[c].str.strip()
        nonblank_counts += col.ne("").to_numpy()
        h = mapping.headers[c] if c < len(mapping.headers) else ""
        if h:
            header_echo += col.eq(h).to_numpy()
    blank = nonblank_counts == 0
    R.add(blank, "skipped", "blank_row", "blank row")
    echo = (
        R.live & (header_echo >= np.minimum(2, np.maximum(nonblank_counts, 1))) & (header_echo > 0)
    )
    R.add(echo, "skipped", "header_row", "repeated header row")

    first_cell = pd.Series([""] * n, dtype=object)
    for c in reversed(list(grid.columns)):  # first non-blank cell of each row
        col = grid[c].str.strip().reset_index(drop=True).astype(object)
        first_cell = col.where(col.ne(""), first_cell)
    id_fields = [f for f in ("code", "county", "province", "prefecture", "name") if f in mf]
    subtotal = np.zeros(n, dtype=bool)
    sub_text = np.full(n, "", dtype=object)
    for s in [cells(f) for f in id_fields] + [first_cell]:
        hit = _re_contains(s, _SUBTOTAL)
        sub_text = np.where(hit & ~subtotal, s.to_numpy(dtype=object), sub_text)
        subtotal |= hit
    R.add(
        R.live & subtotal,
        "skipped",
        "subtotal_row",
        lambda i: f"subtotal or total row ({sub_text[i]})",
    )
    note = R.live & (nonblank_counts == 1) & _re_contains(first_cell, _NOTE)
    first_a = first_cell.to_numpy(dtype=object)
    R.add(note, "skipped", "note_row", lambda i: f"note row ({first_a[i][:40]})")

    # ---- formula cells without cached values in mapped columns
    if raw.formula_cells:
        rowpos = {int(r): i for i, r in enumerate(R.rownums)}
        mapped_cols = set(mf.values())
        for (r, c), formula in sorted(raw.formula_cells.items()):
            i = rowpos.get(r)
            if i is None or c not in mapped_cols or not R.live[i]:
                continue
            R.add(
                [i],
                "rejected",
                "formula_uncached",
                f"formula {formula} has no saved value; open and save the file in Excel or "
                "WPS so its values are computed",
                column=c,
            )

    # ---- period column
    pcol = cells("period")
    if pcol is not None:
        uniq = {v: normalize_period(v) for v in pcol.unique().tolist() if v}
        per = _objs(uniq.get(v) if v else "" for v in pcol.tolist())
        bad = R.live & (pcol.ne("").to_numpy()) & _bools(p is None for p in per)
        pcol_a = pcol.to_numpy(dtype=object)
        R.add(bad, "rejected", "bad_period", lambda i: f"bad period {pcol_a[i]!r}",
              mf["period"], pcol)  # fmt: skip
        other = R.live & _bools(bool(p) and p != period for p in per)
        R.add(other, "rejected", "other_period",
              lambda i: f"period {per[i]} differs from the import period {period}",
              mf["period"], pcol)  # fmt: skip

    # ---- values
    values: dict[str, np.ndarray] = {}
    live = R.live  # report every bad count of a row, not only the first
    for f in value_fields if mode == "counts" else []:
        s = cells(f)
        v, err = parse_counts(s)
        values[f] = v
        s = s.to_numpy(dtype=object)
        for rule, why in (
            ("non_numeric", "non-numeric count {!r}"),
            ("not_whole", "count {!r} is not a whole number"),
            ("negative", "negative count {!r}"),
            ("too_large", "count {!r} is more than 10,000,000: more than a county could hold"),
        ):
            R.add(live & (err == rule), "rejected", rule,
                  lambda i, why=why, s=s: why.format(s[i]), mf[f], s)  # fmt: skip
    if mode == "counts":
        allnan = np.ones(n, dtype=bool)
        for v in values.values():
            allnan &= np.isnan(v)
        # A row rejected for a bad count has NaN there; only flag truly empty rows.
        R.add(R.live & allnan, "rejected", "missing_value",
              "missing required field: no count in any value column")  # fmt: skip
        if kind == "children":
            _children_checks(R, values, mf)

    # ---- points
    pts: dict[str, Any] = {}
    if mode == "points":
        pts = _point_checks(R, cells, mf, mapping, datum)

    # ---- county
    layer = np.full(n, None, dtype=object)
    codes_remapped: dict[str, str] = {}
    _resolve_counties(R, cells, mf, registry, layer, codes_remapped, mode)
    if mode == "points":
        _place_points(R, pts, layer, mf, registry, counties)

    # ---- counties outside the uploader's region or the declared scope
    key_col = mf.get("code", mf.get("county"))
    key_cells = cells("code") if "code" in mf else cells("county")
    for rule, area, what in (
        ("outside_region", region, "your region"),
        ("outside_scope", scope, "the scope declared complete"),
    ):
        if area is None or regions.normalise(area) == regions.NATION:
            continue
        area = regions.normalise(area)
        inside = set(regions.codes_in(counties, area, universe=[c for c in layer if c]))
        out = R.live & _bools(c is not None and c not in inside for c in layer)
        R.add(out, "rejected", rule,
              lambda i, what=what, area=area: (
                  f"county {_label(registry, layer[i])} is outside {what} ({area})"),
              key_col, key_cells)  # fmt: skip

    # ---- duplicates (among rows still acceptable: the first good row wins)
    dup_key = (
        pd.Series(layer, dtype=object)
        if mode == "counts"
        else pd.Series(pts.get("facility_id", np.full(n, None, dtype=object)), dtype=object)
    )
    live = R.live
    keyed_s = pd.Series(np.where(live, dup_key, None), dtype=object)
    mask = live & keyed_s.notna().to_numpy() & keyed_s.duplicated(keep="first").to_numpy()
    keyed = keyed_s.to_numpy(dtype=object)
    if mask.any():
        first_pos: dict[Any, int] = {}
        for i in np.flatnonzero(live & keyed_s.notna().to_numpy()).tolist():
            first_pos.setdefault(keyed[i], i)
        if mode == "counts":
            R.add(
                mask,
                "rejected",
                "duplicate",
                lambda i: (
                    f"duplicate county {_label(registry, keyed[i])} in {period}: first "
                    f"given in row {R.rownums[first_pos[keyed[i]]]}"
                ),
                mf.get("code", mf.get("county")),
                cells("code") if "code" in mf else cells("county"),
            )
        else:
            R.add(
                mask,
                "rejected",
                "duplicate",
                lambda i: (
                    f"duplicate facility {keyed[i]}: first given in row "
                    f"{R.rownums[first_pos[keyed[i]]]}"
                ),
                mf.get("facility_id"),
            )

    # ---- result
    ok = R.live
    if mode == "counts":
        data = pd.DataFrame({"code": pd.Series(layer[ok], dtype=object).astype(str)})
        for f in value_fields:
            data[f] = values[f][ok]
        points = None
    else:
        points = pd.DataFrame(
            {
                "facility_id": pd.Series(pts["facility_id"][ok], dtype=object).astype(str),
                "name": pd.Series(pts["name"][ok], dtype=object).astype(str),
                "kind": pd.Series(pts["kind"][ok], dtype=object).astype(str),
                "code": pd.Series(layer[ok], dtype=object).astype(str),
                "lon": pts["lon"][ok],
                "lat": pts["lat"][ok],
            }
        )
        counts = pd.crosstab(points["code"], points["kind"]) if len(points) else None
        codes_idx = [] if counts is None else counts.index.astype(str).tolist()
        data = pd.DataFrame({"code": pd.Series(codes_idx, dtype=object)})
        for kcol, fcol in (
            ("children_home", "children_homes"),
            ("activity_centre", "activity_centres"),
        ):
            has = counts is not None and kcol in counts.columns
            data[fcol] = counts[kcol].to_numpy(dtype=float) if has else np.zeros(len(data))
        unused = [f for f in FACILITY_COUNTS if f in mf]
        if unused:
            R.file_warning(
                "count_columns_ignored",
                "the file has coordinates, so facilities are counted from its points; count "
                f"columns ignored: {', '.join(mapping.header(f) for f in unused)}",
            )
    title_period = period_from_title(raw.title)
    if title_period and title_period != period:
        R.file_warning(
            "title_period",
            f"the title mentions {title_period} but the data are imported as {period}",
        )
    if n == 0:
        R.file_warning("no_rows", "the file has a header but no data rows")
    outcomes = pd.Series(
        np.array(["imported", "skipped", "rejected"], dtype=object)[R.state],
        index=pd.Index(R.rownums, name="row"),
        dtype=object,
    )
    R.problems.sort(key=lambda p: (p["row"] is not None, p["row"] or 0))
    return ImportReport(
        filename=raw.filename,
        kind=kind,
        period=period,
        format=raw.format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        header_row=raw.header_row,
        mapping=mapping.to_dict(),
        unmapped=list(mapping.unmapped),
        confidence=dict(mapping.confidence),
        layout=mode,
        rows_total=n,
        rows_imported=int((R.state == 0).sum()),
        rows_skipped=int((R.state == 1).sum()),
        rows_rejected=int((R.state == 2).sum()),
        problems=R.problems,
        codes_remapped=codes_remapped,
        data=data.reset_index(drop=True),
        points=points,
        outcomes=outcomes,
        sha256=raw.sha256,
        size=raw.size,
        seconds=time.perf_counter() - t0,
    )
