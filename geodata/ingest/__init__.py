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

Modules (everything public is re-exported here; import from ``geodata.ingest``):

- ``errors``: :class:`ImportFileError`, :class:`MappingError`, clipping quotes in messages.
- ``limits``: the size limits and :class:`TextBudget`, which enforces them while reading.
- ``text``: a CSV's bytes as text (encoding, BOM) and its delimiter.
- ``xlsx``: an XLSX as a grid of strings (:func:`check_zip` against zip bombs first).
- ``read``: :func:`read_table` and :class:`RawTable`; the CSV grid, the header row.
- ``columns``: header aliases, :func:`header_key`, :func:`detect_columns`.
- ``cells``: parsing counts, coordinates, facility types, datums, a period in a title.
- ``rows``: per-row bookkeeping (each row's outcome and its problems).
- ``places``: counties from codes and names; facility points placed in county polygons.
- ``checks``: children's counts against each other; facility point rows.
- ``validation``: :func:`validate`, every row imported, skipped or rejected.
- ``report``: :class:`ImportReport`, the problems CSV, :func:`csv_safe`.
- ``commit``: :func:`import_file`: read, validate, keep the raw file, commit a version.

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

from geodata.ingest.cells import (
    datum_of,
    facility_kind,
    parse_coords,
    parse_counts,
    period_from_title,
)
from geodata.ingest.checks import CHINA_BBOX
from geodata.ingest.columns import KINDS, ColumnMapping, detect_columns, header_key

# The upload page lists the fields a column can be mapped to (dashboard/uploads.py).
from geodata.ingest.columns import _fields_for as _fields_for
from geodata.ingest.commit import import_file
from geodata.ingest.errors import ImportFileError, MappingError, clip, headers_text
from geodata.ingest.limits import (
    HEADER_SCAN_ROWS,
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    PROBLEM_QUOTE_CHARS,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNCOMPRESSED,
    ZIP_RATIO_MIN_SIZE,
    TextBudget,
)
from geodata.ingest.places import NEAREST_COUNTY_DEG, PROVINCE_FROM_ENGLISH
from geodata.ingest.read import RawTable, read_table
from geodata.ingest.report import SEVERITIES, ImportReport, csv_safe, csv_safe_frame
from geodata.ingest.validation import validate
from geodata.ingest.xlsx import check_zip

__all__ = [
    "CHINA_BBOX",
    "HEADER_SCAN_ROWS",
    "KINDS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_TEXT_CHARS",
    "NEAREST_COUNTY_DEG",
    "PROBLEM_QUOTE_CHARS",
    "PROVINCE_FROM_ENGLISH",
    "SEVERITIES",
    "ZIP_MAX_MEMBERS",
    "ZIP_MAX_RATIO",
    "ZIP_MAX_UNCOMPRESSED",
    "ZIP_RATIO_MIN_SIZE",
    "ColumnMapping",
    "ImportFileError",
    "ImportReport",
    "MappingError",
    "RawTable",
    "TextBudget",
    "check_zip",
    "clip",
    "csv_safe",
    "csv_safe_frame",
    "datum_of",
    "detect_columns",
    "facility_kind",
    "header_key",
    "headers_text",
    "import_file",
    "parse_coords",
    "parse_counts",
    "period_from_title",
    "read_table",
    "validate",
]
