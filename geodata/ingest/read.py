"""Reading a CSV or XLSX upload into a :class:`RawTable` of strings, with its header row
found below any title rows."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.ingest import limits
from geodata.ingest.columns import _best_field, _fields_for
from geodata.ingest.errors import ImportFileError
from geodata.ingest.limits import TextBudget
from geodata.ingest.text import _decode, _sniff_delimiter
from geodata.ingest.xlsx import _read_xlsx_grid


@dataclass
class RawTable:
    """A table read as strings.

    ``body`` holds the data rows below the header (trailing blank rows dropped), one
    column per position ``0..n-1``, indexed by the 1-based row number the user sees in
    the spreadsheet.  Title rows above the header are kept in ``title``.
    """

    filename: str
    format: str  # "csv" | "xlsx"
    headers: list[str]
    body: pd.DataFrame
    header_row: int  # 1-based; 0 when the file has no non-empty row
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    size: int = 0
    sha256: str = ""
    title: list[str] = field(default_factory=list)
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row number, column position) -> formula, for formula cells without a cached value."""
    data: bytes | None = field(default=None, repr=False)


def _read_csv_grid(text: str, delimiter: str) -> pd.DataFrame:
    """All records as a string frame indexed 1..n (record = spreadsheet row)."""
    budget = TextBudget()
    ncols, i = 0, 0
    try:
        for i, rec in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            # Unlike a spreadsheet row, a CSV record's trailing empty fields are real
            # columns to the parser, so the width is checked before trimming.
            if len(rec) > limits.MAX_COLUMNS:
                raise ImportFileError(
                    f"refused: row {i} has {len(rec):,} columns (limit {limits.MAX_COLUMNS}); "
                    "a county table has a few dozen"
                )
            ncols = max(ncols, len(rec))
            budget.row(rec, i)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"refused: a cell in row {i + 1} holds more than {limits.MAX_CELL_CHARS:,} "
                "characters (limit, as in Excel)"
            ) from None
        raise ImportFileError(f"cannot parse the CSV: {exc} (row {i + 1})") from None
    if ncols == 0:
        return pd.DataFrame()
    if len(delimiter.encode()) > 1:  # the C parser takes one-byte separators only (，)
        recs = [
            r + [""] * (ncols - len(r)) for r in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
        df = pd.DataFrame(recs, columns=list(range(ncols)), dtype=str)
        df.index = pd.RangeIndex(1, len(df) + 1)
        return df
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=list(range(ncols)),
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ImportFileError(f"cannot parse the CSV: {str(exc).splitlines()[0]}") from None
    df = df.fillna("")
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


def _load_bytes(path_or_bytes: str | Path | bytes, max_bytes: int) -> bytes:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        data = bytes(path_or_bytes)
    else:
        p = Path(path_or_bytes)
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise ImportFileError(f"cannot open {p}: {exc.strerror}") from None
        if size > max_bytes:
            raise ImportFileError(_too_big(size, max_bytes))
        data = p.read_bytes()
    if len(data) > max_bytes:
        raise ImportFileError(_too_big(len(data), max_bytes))
    return data


def _too_big(size: int, limit: int) -> str:
    return f"file is {size / 2**20:,.1f} MB, over the {limit / 2**20:,.0f} MB limit"


def read_table(
    path_or_bytes: str | Path | bytes,
    filename: str | None = None,
    *,
    sheet: str | None = None,
    kind: str | None = None,
    max_bytes: int = limits.MAX_BYTES,
) -> RawTable:
    """Read a CSV or XLSX upload into a :class:`RawTable` of strings.

    The format is decided by the content (zip -> XLSX), not trusted from the name;
    ``filename`` is only recorded (and needed when bytes are passed).  ``kind`` narrows
    the header detection to that kind's columns.

    Raises
    ------
    ImportFileError
        Empty, oversized, undecodable, corrupt, legacy ``.xls``, ``.ods`` or zip-bomb
        files, with a one-line message.
    """
    data = _load_bytes(path_or_bytes, max_bytes)
    if filename is None:
        if isinstance(path_or_bytes, bytes | bytearray | memoryview):
            filename = "upload"
        else:
            filename = Path(path_or_bytes).name
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8,):
        raise ImportFileError("the file is empty")
    ext = Path(filename).suffix.lower()
    sheet_name, sheets, formulas = None, [], {}
    encoding = delimiter = None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "legacy .xls or password-protected workbook: save it as .xlsx or CSV (UTF-8)"
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        fmt = "xlsx"
        grid, sheet_name, sheets, formulas = _read_xlsx_grid(data, sheet)
    elif ext in (".xlsx", ".xlsm"):
        raise ImportFileError("corrupt XLSX: the file is not a zip archive")
    elif ext == ".xls":
        raise ImportFileError("legacy .xls is not supported: save it as .xlsx or CSV (UTF-8)")
    else:
        fmt = "csv"
        text, encoding = _decode(data)
        if not text.strip():
            raise ImportFileError("the file is empty")
        delimiter = _sniff_delimiter(text)
        grid = _read_csv_grid(text, delimiter)
    headers, header_row, body, title = _split_header(grid, kind)
    if header_row == 0:
        raise ImportFileError("the file is empty (no non-blank cell)")
    return RawTable(
        filename=filename,
        format=fmt,
        headers=headers,
        body=body,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet_name,
        sheets=sheets,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        title=title,
        formula_cells=formulas,
        data=data,
    )


def _split_header(
    grid: pd.DataFrame, kind: str | None
) -> tuple[list[str], int, pd.DataFrame, list[str]]:
    """Find the header row; return headers, its row number, data rows and title lines."""
    if grid.empty:
        return [], 0, grid, []
    head = grid.iloc[: limits.HEADER_SCAN_ROWS]
    fields = _fields_for(kind)
    header_pos = None
    first_wide = first_any = None
    for pos, row in enumerate(head.itertuples(index=False, name=None)):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        first_any = pos if first_any is None else first_any
        if len(cells) >= 2 and first_wide is None:
            first_wide = pos
        hits = sum(1 for c in cells if _best_field(c, fields) is not None)
        if hits >= 2:
            header_pos = pos
            break
    if header_pos is None:
        header_pos = first_wide if first_wide is not None else first_any
    if header_pos is None:
        return [], 0, grid.iloc[0:0], []
    headers = [c.strip() for c in grid.iloc[header_pos].tolist()]
    title = [
        " ".join(c.strip() for c in r if c.strip())
        for r in grid.iloc[:header_pos].itertuples(index=False, name=None)
    ]
    body = grid.iloc[header_pos + 1 :]
    # Trailing blank rows (formatted but empty spreadsheet rows) are not data rows.
    filled = _nonblank(body)
    last = np.flatnonzero(filled.to_numpy())
    body = body.iloc[: last[-1] + 1] if len(last) else body.iloc[0:0]
    return headers, header_pos + 1, body, [t for t in title if t]


def _nonblank(df: pd.DataFrame) -> pd.Series:
    if df.shape[1] == 0:
        return pd.Series(False, index=df.index)
    out = pd.Series(False, index=df.index)
    for c in df.columns:
        out |= df[c].str.strip().ne("")
    return out
