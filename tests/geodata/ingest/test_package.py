"""geodata.ingest as a package: the public names stay importable from it, and it stays pure."""

from __future__ import annotations

import subprocess
import sys

from geodata import ingest
from tests.conftest import ROOT

# Every public name of the single-module geodata/ingest.py it replaced, and the private
# helper dashboard/uploads.py calls.
PUBLIC = (
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
    "_fields_for",
)


def test_public_names_are_re_exported():
    missing = [n for n in PUBLIC if not hasattr(ingest, n)]
    assert not missing, missing
    assert callable(ingest.validate) and callable(ingest.read_table)
    assert set(ingest.__all__) == {n for n in PUBLIC if not n.startswith("_")}


def test_importing_the_package_loads_no_web_framework():
    code = (
        "import sys, geodata.ingest; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dash', 'flask', 'werkzeug'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
