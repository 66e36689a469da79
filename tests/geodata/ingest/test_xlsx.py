"""geodata.ingest.xlsx: XLSX cells, sheets, formulas, corrupt workbooks and zip bombs."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from geodata.ingest import ImportFileError, limits, read_table, validate
from tests.geodata.ingest.helpers import P, check, good_rows, rules, run, xlsx_bytes


def test_xlsx_numbers_strings_title_and_sheet(registry, tmp_path):
    rows = [
        ["2025年上半年农村留守儿童情况统计表"],
        [],
        ["序号", "统计用区划代码", "县区", "儿童数", "农村留守儿童数"],
        [1, 110101, "东城区", 1000, 100],  # int code
        [2, 110102.0, "西城区", 2000.0, 200],  # float code, float count
        [3, "110105001000", "朝阳区", "3,000", "300"],  # 12-digit string
        [4, "156110106", "丰台区", 4000, 12.5],  # 156 + 6; fractional count
        [None, None, None, None, None],
        ["合计", None, None, 10000, 612.5],
    ]
    data = xlsx_bytes({"说明": [], "数据": rows, "其他": [["x"]]}, tmp_path / "t.xlsx")
    raw = read_table(data, "t.xlsx")
    assert raw.format == "xlsx" and raw.sheet == "数据" and raw.sheets == ["说明", "数据", "其他"]
    assert raw.header_row == 3 and raw.encoding is None
    rep = check(validate(raw, None, "children", None, registry))
    assert rep.period == P and rep.sheet == "数据"
    assert rep.data["code"].tolist() == ["110101", "110102", "110105"]
    assert rep.data["children"].tolist() == [1000.0, 2000.0, 3000.0]
    assert rules(rep) == [(7, "not_whole"), (8, "blank_row"), (9, "subtotal_row")]
    # a named sheet
    assert read_table(data, "t.xlsx", sheet="其他").headers == ["x"]
    with pytest.raises(ImportFileError, match="no sheet named"):
        read_table(data, "t.xlsx", sheet="missing")


def test_xlsx_dates_and_merged_province_cells(registry, tmp_path):
    import datetime as dt

    rows = [
        ["省份", "县区", "留守儿童", "统计时间"],
        ["北京市", "东城区", 5, dt.datetime(2025, 6, 30)],
        [None, "西城区", 6, dt.date(2025, 3, 31)],  # merged province cell: read as empty
        [None, "海淀区", 7, dt.datetime(2025, 12, 31)],
    ]
    path = tmp_path / "d.xlsx"
    xlsx_bytes({"s": rows}, path)
    raw = read_table(path)
    assert raw.body[3].tolist() == ["2025-06-30", "2025-03-31", "2025-12-31"]
    rep = check(validate(raw, None, "children", P, registry))
    assert rep.data["code"].tolist() == ["110101", "110102"]
    assert rules(rep) == [(4, "other_period")]


def _patch_xlsx(path, old: bytes, new: bytes) -> bytes:
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                assert old in data
                data = data.replace(old, new)
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_formula_cells(registry, tmp_path):
    rows = [
        ["区划代码", "县区", "儿童总数", "留守儿童"],
        ["110101", "东城区", 1000, "=40+2"],  # cached value written below
        ["110102", "西城区", 1000, "=SUM(1,2)"],  # no cached value
        ["110105", "朝阳区", 1000, 7],
        ["110106", "丰台区", "=A2", 7],  # unmapped? no: children is mapped -> rejected
    ]
    path = tmp_path / "f.xlsx"
    xlsx_bytes({"s": rows}, path)
    data = _patch_xlsx(path, b"<f>40+2</f><v />", b"<f>40+2</f><v>42</v>")
    raw = read_table(data, "f.xlsx")
    assert raw.formula_cells == {(3, 3): "=SUM(1,2)", (5, 2): "=A2"}
    rep = check(validate(raw, None, "children", P, registry))
    assert rep.data.set_index("code")["left_behind"].to_dict() == {"110101": 42.0, "110105": 7.0}
    assert rules(rep, "rejected") == [(3, "formula_uncached"), (5, "formula_uncached")]
    prob = next(p for p in rep.problems if p["row"] == 3)
    assert prob["column"] == "留守儿童" and "=SUM(1,2)" in prob["reason"]


def test_formula_in_unmapped_column_is_ignored(registry, tmp_path):
    rows = [["区划代码", "留守儿童", "备注"], ["110101", 5, "=1+1"]]
    data = xlsx_bytes({"s": rows}, tmp_path / "f.xlsx")
    rep = run(data, registry, filename="f.xlsx")
    assert rep.rows_imported == 1 and rep.problems == []


def test_corrupt_xlsx(tmp_path):
    good = xlsx_bytes({"s": good_rows()}, tmp_path / "g.xlsx")
    with pytest.raises(ImportFileError, match="corrupt XLSX") as e:
        read_table(good[: len(good) // 2], "t.xlsx")
    assert "\n" not in str(e.value)
    with pytest.raises(ImportFileError, match="corrupt XLSX"):
        read_table(b"this is not a workbook at all", "t.xlsx")
    # a zip that is not a workbook
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="no xl/workbook.xml"):
        read_table(buf.getvalue(), "t.xlsx")
    # a workbook whose XML is garbage
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("xl/workbook.xml", "<<<not xml")
    with pytest.raises(ImportFileError, match="corrupt XLSX"):
        read_table(buf.getvalue(), "t.xlsx")


def _bomb(member_size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\0" * 2**20
            for _ in range(member_size // 2**20):
                fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_disguised_as_xlsx_is_refused_before_parsing(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("openpyxl must not be called on a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    small = _bomb(8 * 2**20)  # 8 MB of zeros: ratio ~1000:1
    assert len(small) < 100_000
    with pytest.raises(ImportFileError, match="compressed .*:1.*zip bomb"):
        read_table(small, "report.xlsx")
    big = _bomb(210 * 2**20)  # over the uncompressed total
    with pytest.raises(ImportFileError, match="expand to 210 MB.*zip bomb"):
        read_table(big, "report.xlsx")


def test_zip_member_count_limit(monkeypatch):
    monkeypatch.setattr(limits, "ZIP_MAX_MEMBERS", 5)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(6):
            z.writestr(f"xl/m{i}.xml", "x")
    with pytest.raises(ImportFileError, match="6 zip members"):
        read_table(buf.getvalue(), "t.xlsx")


def test_empty_xlsx(tmp_path):
    data = xlsx_bytes({"a": [], "b": []}, tmp_path / "e.xlsx")
    with pytest.raises(ImportFileError, match="empty"):
        read_table(data, "e.xlsx")
