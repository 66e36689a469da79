"""geodata.ingest.text: CSV encodings (UTF-8, BOM, GBK, GB18030, UTF-16) and delimiters."""

from __future__ import annotations

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
