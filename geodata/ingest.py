"""Import planners' own tables: read, map columns, validate row by row, commit a version.

The pipeline is pure (no dash, no flask) and has three steps, each usable alone:

1. :func:`read_table` reads CSV (UTF-8, UTF-8 with BOM, GBK, GB18030, UTF-16) or XLSX
   into a :class:`RawTable` of *strings*, finds the header row below any title rows and
   keeps spreadsheet row numbers.  Zip bombs, corrupt workbooks, legacy ``.xls``, empty
   and oversized files are refused with a one-line :class:`ImportFileError`.
2. :func:`detect_columns` maps headers (Chinese or English) to fields; the user can
   override any field.
3. :func:`validate` sorts **every** data row into exactly one of imported, skipped or
   rejected, with a reason for each skipped or rejected row, and builds the clean frame
   for :class:`geodata.store.Store`.

:func:`import_file` runs all three, keeps the raw file (named by its SHA-256) and commits
a new dataset version, unless ``dry_run``.  The rules are documented in
``docs/import.md``.

Examples
--------
>>> raw = read_table("区划代码,县区,留守儿童\\n110101,东城区,12\\n合计,,12\\n".encode(), "a.csv")
>>> raw.encoding, raw.header_row, raw.headers
('utf-8', 1, ['区划代码', '县区', '留守儿童'])
>>> rep = validate(raw, None, "children", "2025-H1")
>>> rep.rows_total, rep.rows_imported, rep.rows_skipped, rep.rows_rejected
(2, 1, 1, 0)
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata import chinacrs
from geodata.indicators import FACILITY_COUNTS, MEASURES, RISK_COLUMNS
from geodata.periods import normalize_period

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from geodata.codes import Registry
    from geodata.store import Store

# --------------------------------------------------------------------------- limits

MAX_BYTES = 60 * 2**20
"""Largest accepted upload (bytes)."""
ZIP_MAX_UNCOMPRESSED = 200 * 2**20
"""Largest total uncompressed size of an XLSX's members."""
ZIP_MAX_RATIO = 100
"""Largest compression ratio of one XLSX member bigger than :data:`ZIP_RATIO_MIN_SIZE`."""
ZIP_RATIO_MIN_SIZE = 2**20
ZIP_MAX_MEMBERS = 10_000
MAX_COLUMNS = 256
"""Most columns a table may have (a county table has a few dozen); checked on the first
pass, before any per-column work, so a line of 30,000 commas costs milliseconds."""
MAX_CELL_CHARS = 32_767
"""Longest cell, in characters: Excel's own limit, so no real spreadsheet exceeds it."""
MAX_TEXT_CHARS = 24 * 2**20
"""Most characters a file may decode to, summed over its cells as read.  An XLSX cell
that points at a shared string counts that string again (openpyxl and every later step
copy it per cell), so 2,000 cells pointing at one 0.9 MB string are refused at once.
With :data:`MAX_BYTES` this bounds the importer's peak memory (docs/import.md)."""
MAX_ROWS = 200_000
"""Most rows a file may have: a national list of children's homes (over 80,000) fits
with room; a county table has about 2,900."""
PROBLEM_QUOTE_CHARS = 200
"""Longest quote of a cell (and of a header) in a report's problem list."""
MAX_CELLS = 3_000_000
"""Most cells (rows x columns, as padded) a file may hold."""
HEADER_SCAN_ROWS = 30
"""Rows searched for the header (title rows above it are common)."""
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)
"""lon/lat box holding China including the South China Sea islands."""
NEAREST_COUNTY_DEG = 0.05
"""A point outside every county polygon but this close (degrees, ~5 km) to one is placed
in it with a warning (coastline, simplified borders); farther away it is rejected."""

KINDS = ("children", "facilities")
SEVERITIES = ("rejected", "skipped", "warning")


class ImportFileError(ValueError):
    """The file cannot be read (or the columns cannot be used) at all; one-line message."""

    MAX_LEN = 400

    def __init__(self, message: object = "") -> None:
        # One line, always: messages quote headers and cells, which may hold line breaks;
        # and short, since a quoted header may be a megabyte long.
        text = " ".join(str(message).split())
        if len(text) > self.MAX_LEN:
            text = text[: self.MAX_LEN - 1] + "…"
        super().__init__(text)


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters (with …), for quoting cells in messages."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def headers_text(headers: Iterable[str], limit: int = 20) -> str:
    """The non-blank headers, each clipped, at most `limit` of them, for a message."""
    shown = [clip(h) for h in headers if h]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" … (+{more})" if more > 0 else "")


class TextBudget:
    """Counts what a file decodes to and refuses it past the limits, while reading.

    Reading stops at the first cell or row past a limit, so memory never grows beyond
    the bound however the file is built (repeated shared strings, very wide rows).

    Examples
    --------
    >>> b = TextBudget(max_chars=10)
    >>> b.row(["abc", "de"], 1)
    ['abc', 'de']
    >>> b.row(["x" * 6], 2)
    Traceback (most recent call last):
    ...
    geodata.ingest.ImportFileError: refused: the file decodes to more than 10 characters of text (limit 10); row 2
    """

    def __init__(
        self,
        max_chars: int | None = None,
        max_cell: int | None = None,
        max_columns: int | None = None,
        max_cells: int | None = None,
        max_rows: int | None = None,
    ) -> None:
        # The module's limits are read when a file is read, not when this is defined.
        self.max_chars = max_chars or MAX_TEXT_CHARS
        self.max_cell = max_cell or MAX_CELL_CHARS
        self.max_columns = max_columns or MAX_COLUMNS
        self.max_cells = max_cells or MAX_CELLS
        self.max_rows = max_rows or MAX_ROWS + HEADER_SCAN_ROWS
        self.chars = self.cells = self.width = self.rows = 0

    def row(self, cells: list[str], rownum: int) -> list[str]:
        """Account for one row (trailing blank cells dropped) and return it."""
        while cells and cells[-1] == "":
            cells.pop()
        n = len(cells)
        if n:  # blank (formatted but empty) spreadsheet rows are not counted
            self.rows += 1
            if self.rows > self.max_rows:
                raise ImportFileError(
                    f"refused: the file has more than {self.max_rows - HEADER_SCAN_ROWS:,} "
                    "rows; split it by province"
                )
        if n > self.max_columns:
            raise ImportFileError(
                f"refused: row {rownum} has {n:,} columns (limit {self.max_columns}); "
                "a county table has a few dozen"
            )
        self.width = max(self.width, n)
        self.cells += n
        if self.cells > self.max_cells:
            raise ImportFileError(
                f"refused: the file has more than {self.max_cells:,} cells; row {rownum}"
            )
        for j, c in enumerate(cells):
            length = len(c)
            if length > self.max_cell:
                raise ImportFileError(
                    f"refused: the cell in row {rownum}, column {j + 1} holds {length:,} "
                    f"characters (limit {self.max_cell:,}, as in Excel)"
                )
            self.chars += length
        if self.chars > self.max_chars:
            raise ImportFileError(
                f"refused: the file decodes to more than {self.max_chars:,} characters "
                f"of text (limit {self.max_chars:,}); row {rownum}"
            )
        return cells


class MappingError(ImportFileError):
    """A required column is missing from the mapping."""


# --------------------------------------------------------------------------- raw table


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


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"cannot decode the UTF-16 file: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        raise ImportFileError("not a CSV or XLSX file (binary content)")
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("gbk", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "cannot decode the CSV: it is neither UTF-8 nor GBK/GB18030 (save it as UTF-8 CSV)"
    )


_DELIMITERS = (",", "\t", ";", "|")


def _sniff_delimiter(text: str) -> str:
    """Delimiter giving the most rows of the same width (>1) in the first 50 lines.

    The full-width comma ``，`` is tried only when no ASCII delimiter splits anything,
    because Chinese text cells often contain it.
    """
    lines = [ln for ln in text[:65536].splitlines()[:50] if ln.strip()]

    def score(d: str) -> tuple[int, int]:
        widths = [len(r) for r in csv.reader(lines, delimiter=d) if len(r) > 1]
        if not widths:
            return (0, 0)
        width, freq = Counter(widths).most_common(1)[0]
        return (freq, width)

    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        s = score(d)
        if s > best_score:
            best, best_score = d, s
    if best_score == (0, 0) and score("，") > (0, 0):
        return "，"
    return best


def _read_csv_grid(text: str, delimiter: str) -> pd.DataFrame:
    """All records as a string frame indexed 1..n (record = spreadsheet row)."""
    budget = TextBudget()
    ncols, i = 0, 0
    try:
        for i, rec in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            # Unlike a spreadsheet row, a CSV record's trailing empty fields are real
            # columns to the parser, so the width is checked before trimming.
            if len(rec) > MAX_COLUMNS:
                raise ImportFileError(
                    f"refused: row {i} has {len(rec):,} columns (limit {MAX_COLUMNS}); "
                    "a county table has a few dozen"
                )
            ncols = max(ncols, len(rec))
            budget.row(rec, i)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"refused: a cell in row {i + 1} holds more than {MAX_CELL_CHARS:,} "
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
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ImportFileError(
            f"refused XLSX: {len(infos)} zip members (limit {ZIP_MAX_MEMBERS}); not a normal workbook"
        )
    total = sum(i.file_size for i in infos)
    if total > ZIP_MAX_UNCOMPRESSED:
        raise ImportFileError(
            f"refused XLSX: it would expand to {total / 2**20:,.0f} MB "
            f"(limit {ZIP_MAX_UNCOMPRESSED // 2**20} MB); possible zip bomb"
        )
    for i in infos:
        if i.file_size > ZIP_RATIO_MIN_SIZE:
            ratio = i.file_size / max(i.compress_size, 1)
            if ratio > ZIP_MAX_RATIO:
                raise ImportFileError(
                    f"refused XLSX: member {i.filename} is compressed {ratio:,.0f}:1 "
                    f"(limit {ZIP_MAX_RATIO}:1); possible zip bomb"
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
    max_bytes: int = MAX_BYTES,
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
    head = grid.iloc[:HEADER_SCAN_ROWS]
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


# --------------------------------------------------------------------------- columns

_UNIT_PARENS = re.compile(
    r"[(（\[【]\s*(?:单位\s*[:：]?\s*)?(?:人|个|名|所|处|家|户|万人|人数|个数|数量|number|count|persons?|"
    r"wgs-?84|gcj-?02|bd-?09|度|°)?\s*[)）\]】]",
    re.IGNORECASE,
)
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff]")


def header_key(text: str) -> str:
    """Normalised header: NFKC, lower case, unit brackets and punctuation removed.

    Examples
    --------
    >>> header_key("县（市、区）"), header_key("留守儿童（人）"), header_key("Left-behind children")
    ('县市区', '留守儿童', 'leftbehindchildren')
    """
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = _UNIT_PARENS.sub("", s)
    s = _KEEP.sub("", s)
    for prefix in ("其中", "含"):
        if s.startswith(prefix) and len(s) > len(prefix) + 1:
            s = s[len(prefix) :]
    return s


# field -> (exact keys, contained keys); keys are already header_key()-normalised.
_COMMON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "code": (
        ("代码", "编码", "区划代码", "行政区划代码", "统计用区划代码", "区划编码", "行政代码",
         "行政区代码", "县区代码", "区县代码", "县级代码", "县代码", "行政区划编码", "code",
         "adcode", "countycode", "areacode", "regioncode", "divisioncode", "gbcode"),
        ("区划代码", "区划编码", "行政区划", "adcode", "代码", "编码", "code"),
    ),
    "county": (
        ("县区", "区县", "县市区", "县区市", "区县市", "县市", "县级单位", "县级行政区",
         "县级行政区划", "县区名称", "区县名称", "县名", "县", "行政区划名称", "区划名称",
         "行政区名称", "所在县区", "所属县区", "所在区县", "所属区县", "county", "district",
         "countyname", "countyzh", "namezh"),
        ("县区", "区县", "县市区", "所在县", "所属县", "countyname", "county"),
    ),
    "province": (
        ("省", "省份", "省名", "省级", "省区市", "省自治区直辖市", "所属省份", "所在省份",
         "省级单位", "province", "provincename", "provincezh"),
        ("省份", "province"),
    ),
    "prefecture": (
        ("市", "地市", "市州", "地级市", "市地州盟", "地州市", "市州盟", "地区", "所属地市",
         "所属市", "所在地市", "市级", "城市", "市名", "地市州", "prefecture", "city",
         "cityname", "prefecturename", "prefecturezh"),
        ("地市", "市州", "地级市", "prefecture"),
    ),
    "period": (
        ("期次", "时期", "统计期", "统计期次", "报告期", "统计时间", "统计周期", "期间",
         "时段", "period", "halfyear"),
        ("期次", "统计期", "报告期", "period"),
    ),
}  # fmt: skip
_CHILDREN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "children": (
        ("儿童总数", "儿童数", "儿童人数", "儿童", "儿童总人数", "未满16周岁儿童",
         "未满16周岁儿童数", "16周岁以下儿童", "不满16周岁儿童", "children", "totalchildren",
         "childrentotal", "numberofchildren", "childrenunder16", "under16"),
        ("儿童总数", "儿童总人数", "未满16周岁", "不满16周岁", "16周岁以下", "totalchildren",
         "childrenunder16"),
    ),
    "left_behind": (
        ("留守儿童", "农村留守儿童", "留守儿童数", "农村留守儿童数", "留守儿童人数",
         "农村留守儿童人数", "留守", "leftbehind", "leftbehindchildren", "ruralleftbehind"),
        ("留守儿童", "leftbehind", "留守"),
    ),
    "migrant": (
        ("流动儿童", "流动儿童数", "流动儿童人数", "流动", "migrant", "migrantchildren"),
        ("流动儿童", "migrant"),
    ),
    "risk_hardship": (
        ("困境儿童", "困境", "家庭困境", "困境家庭儿童", "家庭困难", "hardship", "riskhardship"),
        ("困境", "困难", "hardship"),
    ),
    "risk_disability": (
        ("残疾", "残疾儿童", "disability", "disabled", "riskdisability"),
        ("残疾", "disab"),
    ),
    "risk_unguarded": (
        ("监护缺失", "无人监护", "监护缺失儿童", "事实无人抚养", "事实无人抚养儿童",
         "无人抚养", "unguarded", "riskunguarded", "lackofguardianship"),
        ("监护", "无人抚养", "guardian", "unguarded"),
    ),
    "risk_street": (
        ("流浪", "流浪儿童", "流浪乞讨", "流浪乞讨儿童", "street", "streetchildren", "riskstreet"),
        ("流浪", "street"),
    ),
    "risk_psych": (
        ("心理", "心理行为", "心理行为问题", "心理或行为问题", "心理问题", "行为问题", "psych",
         "psychological", "riskpsych", "mentalhealth"),
        ("心理", "行为问题", "psych", "mental", "behavio"),
    ),
}  # fmt: skip
_POINTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "facility_id": (
        ("编号", "机构编号", "设施编号", "场所编号", "机构代码", "统一社会信用代码", "id",
         "facilityid"),
        ("编号", "facilityid"),
    ),
    "name": (
        ("机构名称", "名称", "场所名称", "设施名称", "站点名称", "阵地名称", "儿童之家名称",
         "活动中心名称", "机构", "场所", "name", "facilityname", "facility"),
        ("机构名称", "场所名称", "设施名称", "名称", "name"),
    ),
    "type": (
        ("类型", "机构类型", "场所类型", "设施类型", "类别", "type", "kind", "category",
         "facilitytype"),
        ("类型", "类别", "type"),
    ),
    "lon": (
        ("经度", "东经", "lon", "lng", "long", "longitude", "x"),
        ("经度", "longitude"),
    ),
    "lat": (
        ("纬度", "北纬", "lat", "latitude", "y"),
        ("纬度", "latitude"),
    ),
    "lonlat": (
        ("经纬度", "坐标", "位置坐标", "经纬度坐标", "coordinates", "lnglat", "lonlat", "location"),
        ("经纬度", "coordinates"),
    ),
    "datum": (
        ("坐标系", "坐标系统", "坐标系类型", "datum", "crs", "coordsystem", "coordinatesystem",
         "srs"),
        ("坐标系", "datum"),
    ),
}  # fmt: skip
_FACILITY_COUNTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "children_homes": (
        ("儿童之家", "儿童之家数", "儿童之家数量", "childrenhomes", "childrenshomes"),
        ("儿童之家", "childrenshome", "childrenhome"),
    ),
    "activity_centres": (
        ("活动中心", "活动中心数", "留守儿童活动中心", "留守儿童活动中心数", "关爱服务站",
         "儿童关爱服务站", "activitycentres", "activitycenters"),
        ("活动中心", "服务站", "activitycent"),
    ),
    "child_directors": (
        ("儿童主任", "儿童主任数", "儿童主任人数", "childdirectors"),
        ("儿童主任", "director"),
    ),
    "child_supervisors": (
        ("儿童督导员", "督导员", "儿童督导员数", "儿童督导员人数", "childsupervisors"),
        ("督导", "supervisor"),
    ),
}  # fmt: skip

_CODEISH = ("代码", "编码", "code", "编号")
_RATIO = ("率", "比例", "比重", "占比", "百分", "rate", "percent", "share", "ratio")
_FACILITY_WORDS = ("活动中心", "之家", "主任", "督导", "服务站", "centre", "center", "home")
_RISK_WORDS = tuple(k for f in RISK_COLUMNS for k in _CHILDREN[f][1])
_ORG_WORDS = ("机构", "信用", "组织", "社会")


def _fields_for(kind: str | None) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    if kind == "children":
        extra = {"county": (_COMMON["county"][0] + ("名称", "单位", "name"), _COMMON["county"][1])}
        return {**_COMMON, **extra, **_CHILDREN}
    if kind == "facilities":
        return {**_COMMON, **_POINTS, **_FACILITY_COUNTS}
    return {**_COMMON, **_CHILDREN, **_POINTS, **_FACILITY_COUNTS}


def _eligible(fld: str, key: str) -> bool:
    """Exclusion rules that keep, e.g., a rate column off a count field."""
    counts = fld in MEASURES or fld in FACILITY_COUNTS
    if counts and any(w in key for w in _RATIO):
        return False
    if fld in ("children", "left_behind", "migrant") and (
        any(w in key for w in _FACILITY_WORDS) or any(w in key for w in _RISK_WORDS)
    ):
        return False
    if fld in MEASURES and any(w in key for w in _CODEISH):
        return False
    if fld == "code" and any(w in key for w in _ORG_WORDS):
        return False
    if fld not in ("code", "facility_id") and any(w in key for w in _CODEISH):
        return False
    return not (fld == "lonlat" and "坐标系" in key)


def _scores(header: str, fields: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]):
    """(score, field) pairs for one header: 1.0 exact, 0.5-0.9 contained."""
    key = header_key(header)
    if not key:
        return []
    out = []
    for fld, (exact, contained) in fields.items():
        if not _eligible(fld, key):
            continue
        if key in exact:
            out.append((1.0, fld))
            continue
        best = max((len(s) for s in contained if s in key), default=0)
        if best:
            out.append((round(0.5 + 0.4 * best / len(key), 3), fld))
    return out


def _best_field(header: str, fields) -> str | None:
    s = _scores(header, fields)
    return max(s)[1] if s else None


@dataclass
class ColumnMapping:
    """Which column (by position) holds each field.

    ``fields`` maps field names (``code``, ``county``, ``left_behind`` ...) to column
    positions; ``confidence`` is 1.0 for exact header matches, less for partial ones,
    and 1.0 for user overrides; ``unmapped`` lists non-empty headers no field took.
    """

    kind: str
    headers: list[str]
    fields: dict[str, int]
    confidence: dict[str, float]
    unmapped: list[str]
    overridden: list[str] = field(default_factory=list)

    def header(self, fld: str) -> str | None:
        pos = self.fields.get(fld)
        return None if pos is None else self.headers[pos]

    def to_dict(self) -> dict[str, str]:
        """field -> header text (what the UI shows and the report records)."""
        return {f: self.headers[p] for f, p in self.fields.items()}

    @property
    def mode(self) -> str:
        """``points`` for facility files with coordinates, else ``counts``."""
        if self.kind == "facilities" and (
            {"lon", "lat"} <= set(self.fields) or "lonlat" in self.fields
        ):
            return "points"
        return "counts"


def detect_columns(
    headers: list[str],
    kind: str,
    overrides: Mapping[str, str | int | None] | None = None,
) -> ColumnMapping:
    """Map headers to fields for `kind` (``children`` or ``facilities``).

    Each header goes to at most one field and each field to at most one header, best
    scores first (exact matches, then the longest contained synonym).  `overrides`
    maps a field to a header text, a column position, or None (to unmap it).

    Examples
    --------
    >>> m = detect_columns(["序号", "区划代码", "县（市、区）", "农村留守儿童（人）"], "children")
    >>> m.to_dict(), m.unmapped
    ({'code': '区划代码', 'county': '县（市、区）', 'left_behind': '农村留守儿童（人）'}, ['序号'])
    """
    if kind not in KINDS:
        raise ValueError(f"invalid kind {kind!r}: expected one of {KINDS}")
    headers = [str(h).strip() for h in headers]
    fields = _fields_for(kind)
    cands = []
    for pos, h in enumerate(headers):
        for score, fld in _scores(h, fields):
            cands.append((-score, pos, list(fields).index(fld), fld))
    cands.sort()
    taken_f: dict[str, int] = {}
    conf: dict[str, float] = {}
    taken_h: set[int] = set()
    overridden: list[str] = []
    if overrides:
        for fld, target in overrides.items():
            if fld not in fields:
                raise MappingError(f"unknown field {fld!r} for {kind}; fields: {', '.join(fields)}")
            overridden.append(fld)
            if target is None or target == "":
                continue
            pos = _header_pos(headers, target)
            if pos in taken_h:
                raise MappingError(f"column {clip(headers[pos])!r} is mapped to two fields")
            taken_f[fld], conf[fld] = pos, 1.0
            taken_h.add(pos)
    for neg, pos, _, fld in cands:
        if fld in taken_f or fld in overridden or pos in taken_h:
            continue
        taken_f[fld], conf[fld] = pos, -neg
        taken_h.add(pos)
    order = list(fields)
    ordered = dict(sorted(taken_f.items(), key=lambda kv: order.index(kv[0])))
    unmapped = [h for p, h in enumerate(headers) if h and p not in taken_h]
    return ColumnMapping(
        kind, headers, ordered, {f: conf[f] for f in ordered}, unmapped, overridden
    )


def _header_pos(headers: list[str], target: str | int) -> int:
    if isinstance(target, int) and not isinstance(target, bool):
        if 0 <= target < len(headers):
            return target
        raise MappingError(f"column position {target} out of range (0-{len(headers) - 1})")
    t = str(target).strip()
    if t in headers:
        return headers.index(t)
    keys = [header_key(h) for h in headers]
    if header_key(t) and header_key(t) in keys:
        return keys.index(header_key(t))
    raise MappingError(f"no column {clip(t)!r}; headers: {headers_text(headers)}")


# --------------------------------------------------------------------------- report


@dataclass
class ImportReport:
    """Outcome of validating (and maybe committing) one upload.

    Invariant: ``rows_total == rows_imported + rows_skipped + rows_rejected``.
    ``problems`` holds one dict per finding: ``row`` (spreadsheet row number, None for
    file-level notes), ``column`` (header text or None), ``value``, ``rule`` (a stable
    machine name, see ``docs/import.md``), ``reason`` (English sentence) and
    ``severity`` (``rejected`` / ``skipped`` / ``warning``).  A warning never changes a
    row's outcome.
    """

    filename: str
    kind: str
    period: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    mapping: dict[str, str]
    unmapped: list[str]
    confidence: dict[str, float]
    mode: str
    rows_total: int
    rows_imported: int
    rows_skipped: int
    rows_rejected: int
    problems: list[dict[str, Any]]
    codes_remapped: dict[str, str]
    data: pd.DataFrame = field(repr=False)
    points: pd.DataFrame | None = field(default=None, repr=False)
    outcomes: pd.Series | None = field(default=None, repr=False)
    sha256: str = ""
    size: int = 0
    dry_run: bool = True
    dataset_version: int | None = None
    raw_upload_id: int | None = None
    stored_path: str | None = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Assert the count invariant (every row is imported, skipped or rejected)."""
        assert self.rows_total == self.rows_imported + self.rows_skipped + self.rows_rejected, (
            f"row counts do not add up: {self.rows_total} != {self.rows_imported} + "
            f"{self.rows_skipped} + {self.rows_rejected}"
        )

    @property
    def committed(self) -> bool:
        return self.dataset_version is not None

    def to_json(self, max_problems: int | None = None) -> dict[str, Any]:
        """Plain JSON-serialisable dict (no data frames); problems sorted by row."""
        probs = self.problems if max_problems is None else self.problems[:max_problems]
        return {
            "filename": self.filename,
            "kind": self.kind,
            "period": self.period,
            "mode": self.mode,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": dict(self.mapping),
            "unmapped": list(self.unmapped),
            "confidence": {k: float(v) for k, v in self.confidence.items()},
            "rows_total": int(self.rows_total),
            "rows_imported": int(self.rows_imported),
            "rows_skipped": int(self.rows_skipped),
            "rows_rejected": int(self.rows_rejected),
            "problems": [dict(p) for p in probs],
            "problems_total": len(self.problems),
            "codes_remapped": dict(self.codes_remapped),
            "sha256": self.sha256,
            "size": int(self.size),
            "dry_run": bool(self.dry_run),
            "dataset_version": self.dataset_version,
            "raw_upload_id": self.raw_upload_id,
            "seconds": round(float(self.seconds), 3),
        }

    def problems_frame(self) -> pd.DataFrame:
        cols = ["row", "column", "value", "severity", "rule", "reason"]
        return pd.DataFrame(self.problems, columns=cols)

    def problems_csv(self) -> bytes:
        """The problems as a CSV download: UTF-8 with BOM (Excel), formula-safe cells."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["row", "column", "value", "severity", "rule", "reason"])
        for p in self.problems:
            w.writerow(
                [
                    "" if p["row"] is None else p["row"],
                    csv_safe(p.get("column")),
                    csv_safe(p.get("value")),
                    p["severity"],
                    p["rule"],
                    csv_safe(p["reason"]),
                ]
            )
        return buf.getvalue().encode("utf-8-sig")


def csv_safe(value: Any) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula.

    Examples
    --------
    >>> csv_safe("=HYPERLINK(1)"), csv_safe("-5"), csv_safe("ok"), csv_safe(None)
    ("'=HYPERLINK(1)", "'-5", 'ok', '')
    """
    if value is None:
        return ""
    s = str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are :func:`csv_safe` (numbers and NaN left alone).

    For every CSV the Atlas writes from stored data: names and notes can come from
    uploads, and a spreadsheet opening the file must not run them as formulas.

    >>> csv_safe_frame(pd.DataFrame({"n": ["=1+1", "ok"], "v": [-5, 2]}))["n"].tolist()
    ["'=1+1", 'ok']
    """
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v: csv_safe(v) if isinstance(v, str) else v)
    return out


# --------------------------------------------------------------------------- values


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
    ``negative`` (``-3``).

    Examples
    --------
    >>> v, e = parse_counts(pd.Series(["1,234", "１２", " 7 ", "3.0", "", "x", "2.5", "-1"]))
    >>> v.tolist()[:4], e.tolist()[5:]
    ([1234.0, 12.0, 7.0, 3.0], ['non_numeric', 'not_whole', 'negative'])
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
    nums[blank | bad | frac | neg] = np.nan
    return nums, err


def parse_coords(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Decimal degrees from text (``116.4``, ``116.4°``, ``１１６．４``): (values, is_bad)."""
    t = _re_replace(_nfkc(values.astype(str)), "[\\s°度]+", "")
    blank = t.eq("").to_numpy()
    ok = t.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)").fillna(False)
    nums = np.array(pd.to_numeric(t.where(ok, None), errors="coerce"), dtype=float)
    return nums, ~blank & ~np.isfinite(nums)


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


# --------------------------------------------------------------------------- validate


def _bools(items: Iterable[Any]) -> np.ndarray:
    """A boolean array from an iterable (also when empty)."""
    return np.fromiter((bool(x) for x in items), dtype=bool)


def _objs(items: Iterable[Any]) -> np.ndarray:
    """An object array from an iterable, keeping None (pandas ``map`` would turn it to NaN)."""
    out = list(items)
    arr = np.empty(len(out), dtype=object)
    arr[:] = out
    return arr


class _Rows:
    """Per-row outcome bookkeeping for :func:`validate`."""

    def __init__(self, rownums: np.ndarray, headers: list[str]) -> None:
        self.rownums = rownums
        self.n = len(rownums)
        self.state = np.zeros(self.n, dtype=np.int8)  # 0 imported, 1 skipped, 2 rejected
        self.problems: list[dict[str, Any]] = []
        self.headers = headers

    @property
    def live(self) -> np.ndarray:
        return self.state == 0

    def add(
        self,
        positions: Iterable[int] | np.ndarray,
        severity: str,
        rule: str,
        reason: str | Callable[[int], str],
        column: int | None = None,
        values: pd.Series | np.ndarray | None = None,
    ) -> None:
        pos = np.asarray(positions)
        if pos.dtype == bool:
            pos = np.flatnonzero(pos)
        pos = pos.astype(np.intp, copy=False)
        if not len(pos):
            return
        # Quoted cells are clipped: a report row stays small whatever the cell holds.
        col = None if column is None else clip(self.headers[column], PROBLEM_QUOTE_CHARS)
        vals = None if values is None else np.asarray(values, dtype=object)
        for i in pos.tolist():
            v = None if vals is None else vals[i]
            self.problems.append(
                {
                    "row": int(self.rownums[i]),
                    "column": col,
                    "value": None if v is None or v == "" else clip(v, PROBLEM_QUOTE_CHARS),
                    "severity": severity,
                    "rule": rule,
                    "reason": clip(
                        reason(i) if callable(reason) else reason, 2 * PROBLEM_QUOTE_CHARS
                    ),
                }
            )
        if severity == "rejected":
            self.state[pos] = 2
        elif severity == "skipped":
            self.state[pos] = np.where(self.state[pos] == 2, 2, 1)

    def file_warning(self, rule: str, reason: str) -> None:
        self.problems.append(
            {"row": None, "column": None, "value": None, "severity": "warning", "rule": rule,
             "reason": reason}
        )  # fmt: skip


def _resolve_period(period: Any, raw: RawTable, cells: pd.Series | None) -> str:
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
    p = period_from_title(raw.title)
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
        their stated county.

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
        mode=mode,
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


# English (pinyin) province names -> the Chinese short names registry lookups expect.
PROVINCE_EN = {
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
    return PROVINCE_EN.get(key, text)


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


# --------------------------------------------------------------------------- import


def import_file(
    store: Store,
    registry: Registry | None,
    path: str | Path | bytes,
    *,
    kind: str,
    period: str | None,
    dry_run: bool = False,
    created_by: str | None = None,
    counties: gpd.GeoDataFrame | None = None,
    raw_dir: str | Path | None = None,
    filename: str | None = None,
    mapping: ColumnMapping | Mapping[str, str | int | None] | None = None,
    sheet: str | None = None,
    datum: str = "wgs84",
    max_bytes: int = MAX_BYTES,
    note: str = "",
) -> ImportReport:
    """Read, validate and (unless `dry_run`) commit an upload as a new dataset version.

    On commit the raw bytes are kept as ``<raw_dir>/<sha256><ext>`` and recorded with
    :meth:`Store.add_raw_upload`; the clean rows become the new active version of
    (`kind`, `period`) and ``report.dataset_version`` is set.  Nothing is written on a
    dry run, when the file cannot be read (:class:`ImportFileError` is raised) or when
    no row is importable (``dataset_version`` stays None).
    """
    t0 = time.perf_counter()
    if kind not in KINDS:
        raise ValueError(f"invalid kind {kind!r}: expected one of {KINDS}")
    if not dry_run and raw_dir is None:
        raise ValueError("raw_dir is required to keep the raw file (or pass dry_run=True)")
    raw = read_table(path, filename, sheet=sheet, kind=kind, max_bytes=max_bytes)
    report = validate(raw, mapping, kind, period, registry, datum=datum, counties=counties)
    report.dry_run = dry_run
    if dry_run or report.rows_imported == 0:
        report.seconds = time.perf_counter() - t0
        return report
    ext = Path(raw.filename).suffix.lower()
    ext = (
        ext
        if re.fullmatch(r"\.[a-z0-9]{1,5}", ext)
        else (".xlsx" if raw.format == "xlsx" else ".csv")
    )
    stored = Path(raw_dir) / f"{raw.sha256}{ext}"
    _write_once(stored, raw.data or b"")
    raw_id = store.add_raw_upload(
        filename=raw.filename,
        sha256=raw.sha256,
        stored_path=stored,
        size=raw.size,
        created_by=created_by,
    )
    summary = (
        f"{report.rows_imported} imported, {report.rows_skipped} skipped, "
        f"{report.rows_rejected} rejected of {report.rows_total} rows"
    )
    common = dict(
        source=f"upload: {raw.filename}",
        synthetic=False,
        created_by=created_by,
        raw_upload_id=raw_id,
        note=f"{note}; {summary}" if note else summary,
    )
    if kind == "children":
        version = store.add_children(report.period, report.data, **common)
    else:
        version = store.add_facilities(report.period, report.data, report.points, **common)
    report.dataset_version = int(version)
    report.raw_upload_id = raw_id
    report.stored_path = str(stored)
    report.seconds = time.perf_counter() - t0
    return report


def _write_once(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically unless an identical file is already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size == len(data):
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
