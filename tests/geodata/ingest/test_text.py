"""geodata.ingest.text: CSV encodings (UTF-8, BOM, GBK, GB18030, UTF-16) and delimiters."""

from __future__ import annotations

import codecs

import pytest

from geodata.ingest import ImportFileError, read_table
from tests.geodata.ingest.helpers import HEAD, csv_bytes, good_rows, run


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("utf-16", "utf-16")],
)
def test_csv_encodings(registry, encoding, expected):
    rep = run(csv_bytes(good_rows(), encoding), registry)
    assert rep.encoding == expected
    assert rep.rows_imported == 3
    assert rep.mapping["county"] == "县（市、区）"


def test_gb18030_only_character(registry):
    rows = [[*HEAD, "备注"]] + [r + ["䶮"] for r in good_rows()[1:]]
    data = csv_bytes(rows, "gb18030")
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")
    rep = run(data, registry)
    assert rep.encoding == "gb18030" and rep.rows_imported == 3
    assert rep.unmapped == ["备注"]


def test_undecodable_csv():
    with pytest.raises(ImportFileError, match="neither UTF-8 nor GBK"):
        read_table(b"a,b\n\xff\xfe\xff\x80\x80\xff,1\n" * 3 + b"\x81\x20", "x.csv")


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|", "，"])
def test_delimiters(registry, delimiter):
    rep = run(csv_bytes(good_rows(), delimiter=delimiter), registry)
    assert rep.delimiter == delimiter
    assert rep.rows_imported == 3


def test_binary_file_refused():
    with pytest.raises(ImportFileError, match="binary"):
        read_table(b"%PDF-1.4\x00\x01\x02", "x.csv")


HEADER = "区划代码,县区,留守儿童\n110101,东城区,40\n110102,西城区,50\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (HEADER.replace("\n", "\r").encode("gbk"), "gbk"),  # Excel "CSV (Macintosh)"
        (HEADER.replace("\n", "\r").encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF32_LE + HEADER.encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + HEADER.encode("utf-32-be"), "utf-32"),
        (HEADER.encode("utf-16-le"), "utf-16-le"),  # no byte-order mark
        (HEADER.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_other_line_endings_and_encodings_read_as_the_table(data, encoding):
    raw = read_table(data, "t.csv")
    assert raw.encoding == encoding
    assert raw.headers == ["区划代码", "县区", "留守儿童"] and len(raw.body) == 2


@pytest.mark.parametrize(
    ("text", "enc", "named"),
    [
        ("區劃代碼,縣區,留守兒童\n110101,東城區,40\n", "big5", "Big5"),
        ("地域コード,市区町村,子ども数\n110101,千代田区,40\n", "shift_jis", "Shift-JIS"),
    ],
)
def test_big5_and_shift_jis_are_refused_by_name(text, enc, named):
    with pytest.raises(ImportFileError) as err:
        read_table(text.encode(enc), "t.csv")
    assert named in str(err.value) and "UTF-8" in str(err.value)


def test_gbk_with_rare_place_names_is_still_gbk():
    text = "区划代码,县区,留守儿童\n341621,涡阳县,40\n341622,蒙城县,5\n341623,利辛县,6\n340321,怀远县,7\n"
    assert read_table(text.encode("gbk"), "t.csv").encoding == "gbk"


def test_cr_only_file_through_the_cli_is_not_a_traceback(tmp_path):
    """Excel's 'CSV (Macintosh)': a _csv.Error traceback in the CLI before."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    f = tmp_path / "mac.csv"
    f.write_bytes(HEADER.replace("\n", "\r").encode("gbk"))
    r = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "import", str(f), "--kind", "children",
         "--period", "2025-H1", "--dry-run", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={"PATH": "/usr/bin:/bin", "ATLAS_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    assert "Traceback" not in r.stderr, r.stderr[-800:]
    assert r.returncode == 0, r.stderr[-800:]
    import json

    report = json.loads(r.stdout)
    assert report["rows_total"] == 2 and report["rows_imported"] == 2
