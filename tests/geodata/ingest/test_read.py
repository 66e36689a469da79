"""geodata.ingest.read: read_table, row numbers, the header row below title rows, empty
and oversized files."""

from __future__ import annotations

import pytest

from geodata.ingest import ImportFileError, read_table, validate
from tests.geodata.ingest.helpers import check, csv_bytes, good_rows, rules, run


def test_quoted_thousands_and_multiline_cells_keep_row_numbers(registry):
    text = (
        '区划代码,县区,留守儿童,备注\n110101,东城区,"1,234","two\nlines"\n\n110102,西城区,１２,\n'
    )
    rep = run(text.encode(), registry)
    assert list(rep.outcomes.index) == [2, 3, 4]
    assert rep.outcomes.to_dict() == {2: "imported", 3: "skipped", 4: "imported"}
    assert rep.data["left_behind"].tolist() == [1234.0, 12.0]


def test_title_rows_above_header_and_period_from_title(registry):
    data = csv_bytes(good_rows(), title="2025年上半年留守儿童统计表\n填报单位：北京市民政局")
    raw = read_table(data, "t.csv")
    assert raw.header_row == 3
    assert raw.title == ["2025年上半年留守儿童统计表", "填报单位：北京市民政局"]
    rep = check(validate(raw, None, "children", None, registry))
    assert rep.period == "2025-H1"
    assert rep.rows_total == 3 and list(rep.outcomes.index) == [4, 5, 6]
    # an explicit period that disagrees with the title is kept, with a file-level warning
    rep2 = check(validate(raw, None, "children", "2025-H2", registry))
    assert rep2.period == "2025-H2"
    assert (None, "title_period") in rules(rep2, "warning")


def test_legacy_xls_refused():
    with pytest.raises(ImportFileError, match="legacy .xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "t.xls")


@pytest.mark.parametrize(
    "data", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n", b",,,\n,,\n"]
)
def test_empty_files(data):
    with pytest.raises(ImportFileError, match="empty"):
        read_table(data, "e.csv")


def test_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 1000)
    with pytest.raises(ImportFileError, match="over the 0 MB limit"):
        read_table(path, max_bytes=100)
    with pytest.raises(ImportFileError, match="over the"):
        read_table(b"a,b\n" * 1000, "x.csv", max_bytes=100)
