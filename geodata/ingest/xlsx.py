"""An XLSX as a grid of strings: zip-bomb checks first, then openpyxl, then formulas
without a saved value."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from typing import Any

import pandas as pd

from geodata.ingest import limits
from geodata.ingest.errors import ImportFileError
from geodata.ingest.limits import TextBudget


def _cell_str(v: Any) -> str:
    """An XLSX cell value as the text the user sees (integral floats without ``.0``)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e16:
            return str(int(v))
        return f"{v:.15g}"  # Excel shows 15 significant digits
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open an XLSX's zip after checking its central directory; refuse bombs.

    Only the directory is read: total uncompressed size, member count and each big
    member's compression ratio.  Python's zipfile never inflates a member beyond its
    declared size (a lying header ends in a CRC error), so the declared sizes bound
    what parsing can allocate.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"corrupt XLSX: not a readable zip archive ({exc})") from None
    if len(infos) > limits.ZIP_MAX_MEMBERS:
        raise ImportFileError(
            f"refused XLSX: {len(infos)} zip members (limit {limits.ZIP_MAX_MEMBERS}); not a normal workbook"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.ZIP_MAX_UNCOMPRESSED:
        raise ImportFileError(
            f"refused XLSX: it would expand to {total / 2**20:,.0f} MB "
            f"(limit {limits.ZIP_MAX_UNCOMPRESSED // 2**20} MB); possible zip bomb"
        )
    for i in infos:
        if i.file_size > limits.ZIP_RATIO_MIN_SIZE:
            ratio = i.file_size / max(i.compress_size, 1)
            if ratio > limits.ZIP_MAX_RATIO:
                raise ImportFileError(
                    f"refused XLSX: member {i.filename} is compressed {ratio:,.0f}:1 "
                    f"(limit {limits.ZIP_MAX_RATIO}:1); possible zip bomb"
                )
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names:
        raise ImportFileError("OpenDocument spreadsheets (.ods) are not supported; save as XLSX")
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise ImportFileError("corrupt XLSX: the zip holds no xl/workbook.xml")
    if "xl/workbook.bin" in names:
        raise ImportFileError("binary workbooks (.xlsb) are not supported; save as XLSX")
    return zf


def _read_xlsx_grid(
    data: bytes, sheet: str | None
) -> tuple[pd.DataFrame, str, list[str], dict[tuple[int, int], str]]:
    import openpyxl

    zf = check_zip(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        raise ImportFileError(f"corrupt XLSX: {_one_line(exc)}") from None
    try:
        sheets = list(wb.sheetnames)
        if sheet is not None and sheet not in sheets:
            raise ImportFileError(f"no sheet named {sheet!r}; sheets: {', '.join(sheets)}")
        candidates = [sheet] if sheet is not None else sheets
        rows: list[list[str]] = []
        chosen = None
        for name in candidates:
            ws = wb[name]
            if not hasattr(ws, "iter_rows"):  # chartsheet
                continue
            ws.reset_dimensions()  # the stored dimension is often wrong; read every row
            budget = TextBudget()
            rows = [
                budget.row([_cell_str(v) for v in r], i)
                for i, r in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            if any(any(c.strip() for c in r) for r in rows):
                chosen = name
                break
        if chosen is None:
            chosen = candidates[0] if candidates else None
            rows = []
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"corrupt XLSX: {_one_line(exc)}") from None
    finally:
        wb.close()
    formulas = _uncached_formulas(data, zf, chosen, rows) if chosen else {}
    width = max((len(r) for r in rows), default=0)
    df = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=list(range(width)))
    df = df.astype(str) if width else df
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df, chosen, sheets, formulas


def _uncached_formulas(
    data: bytes, zf: zipfile.ZipFile, sheet: str, rows: list[list[str]]
) -> dict[tuple[int, int], str]:
    """Formula cells whose cached value is missing (files never opened in Excel/WPS).

    A second, formula-reading pass runs only if some worksheet XML holds a formula.
    """
    has_formula = False
    for info in zf.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    if b"<f>" in chunk or b"<f " in chunk or b":f>" in chunk:
                        has_formula = True
                        break
            if has_formula:
                break
    if not has_formula:
        return {}
    import openpyxl

    out: dict[tuple[int, int], str] = {}
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb[sheet]
        ws.reset_dimensions()
        budget = TextBudget()
        for i, r in enumerate(ws.iter_rows(values_only=True)):
            budget.row([v if isinstance(v, str) else "" for v in r], i + 1)
            for j, v in enumerate(r):
                if isinstance(v, str) and v.startswith("="):
                    cached = rows[i][j] if i < len(rows) and j < len(rows[i]) else ""
                    if cached == "":
                        out[(i + 1, j)] = v
    finally:
        wb.close()
    return out


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
