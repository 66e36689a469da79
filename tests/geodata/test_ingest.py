"""Tests for geodata.ingest: formats, column detection, every skip/rejection rule, commit.

Every report built here goes through :func:`check`, which asserts the count invariant
``rows_total == rows_imported + rows_skipped + rows_rejected`` and that each skipped or
rejected row is named by a problem of that severity.  Fixture files are generated in
``tmp_path`` (nothing binary is committed).
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata import chinacrs, ingest
from geodata.codes import load_registry
from geodata.ingest import (
    ImportFileError,
    ImportReport,
    MappingError,
    detect_columns,
    import_file,
    read_table,
    validate,
)

P = "2025-H1"
HEAD = ["区划代码", "县（市、区）", "儿童总数", "留守儿童", "流动儿童"]


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def csv_bytes(rows, encoding="utf-8", delimiter=",", title=None) -> bytes:
    buf = io.StringIO()
    if title:
        buf.write(title + "\n")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]], path) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path.read_bytes()


def check(rep: ImportReport) -> ImportReport:
    """Count invariant, one outcome per row, and a named problem per skipped/rejected row."""
    assert rep.rows_total == rep.rows_imported + rep.rows_skipped + rep.rows_rejected
    assert len(rep.outcomes) == rep.rows_total
    counts = rep.outcomes.value_counts()
    assert counts.get("imported", 0) == rep.rows_imported
    assert counts.get("skipped", 0) == rep.rows_skipped
    assert counts.get("rejected", 0) == rep.rows_rejected
    for sev in ("skipped", "rejected"):
        named = {p["row"] for p in rep.problems if p["severity"] == sev}
        assert named == set(rep.outcomes.index[rep.outcomes == sev])
    for p in rep.problems:
        assert p["severity"] in ingest.SEVERITIES and p["reason"] and p["rule"]
    if rep.mode == "counts":
        assert len(rep.data) == rep.rows_imported
        assert rep.data["code"].str.len().eq(6).all()
    else:
        assert len(rep.points) == rep.rows_imported
    json.dumps(rep.to_json())
    return rep


def run(data: bytes, registry, kind="children", period=P, filename="t.csv", **kw):
    mapping = kw.pop("mapping", None)
    raw = read_table(data, filename)
    return check(validate(raw, mapping, kind, period, registry, **kw))


def rules(rep, severity=None):
    return [(p["row"], p["rule"]) for p in rep.problems if severity in (None, p["severity"])]


def good_rows():
    return [
        HEAD,
        ["110101", "东城区", "1000", "100", "50"],
        ["110102", "西城区", "2000", "200", "60"],
        ["410381", "偃师市", "3000", "300", "70"],
    ]


# --------------------------------------------------------------------------- formats


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


def test_quoted_thousands_and_multiline_cells_keep_row_numbers(registry):
    text = (
        '区划代码,县区,留守儿童,备注\n110101,东城区,"1,234","two\nlines"\n\n110102,西城区,１２,\n'
    )
    rep = run(text.encode(), registry)
    assert list(rep.outcomes.index) == [2, 3, 4]
    assert rep.outcomes.to_dict() == {2: "imported", 3: "skipped", 4: "imported"}
    assert rep.data["left_behind"].tolist() == [1234.0, 12.0]


def test_english_headers(registry):
    rows = [
        ["adcode", "county", "province", "Children", "Left-behind children", "Migrant children",
         "Disabled", "Street children"],
        ["110101", "Dongcheng", "Beijing", "1000", "100", "50", "3", "1"],
        ["", "Xicheng District", "Beijing", "900", "90", "40", "2", "0"],
    ]  # fmt: skip
    rep = run(csv_bytes(rows), registry)
    assert rep.mapping == {
        "code": "adcode",
        "county": "county",
        "province": "province",
        "children": "Children",
        "left_behind": "Left-behind children",
        "migrant": "Migrant children",
        "risk_disability": "Disabled",
        "risk_street": "Street children",
    }
    assert rep.data["code"].tolist() == ["110101", "110102"]


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


def test_messy_period_argument_and_bad_period(registry):
    raw = read_table(csv_bytes(good_rows()), "t.csv")
    assert validate(raw, None, "children", "2025年下半年", registry).period == "2025-H2"
    with pytest.raises(ImportFileError, match="bad period"):
        validate(raw, None, "children", "2025-06", registry)
    with pytest.raises(ImportFileError, match="no period"):
        validate(raw, None, "children", None, registry)


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


def test_legacy_xls_refused():
    with pytest.raises(ImportFileError, match="legacy .xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "t.xls")


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
    monkeypatch.setattr(ingest, "ZIP_MAX_MEMBERS", 5)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(6):
            z.writestr(f"xl/m{i}.xml", "x")
    with pytest.raises(ImportFileError, match="6 zip members"):
        read_table(buf.getvalue(), "t.xlsx")


@pytest.mark.parametrize(
    "data", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n", b",,,\n,,\n"]
)
def test_empty_files(data):
    with pytest.raises(ImportFileError, match="empty"):
        read_table(data, "e.csv")


def test_empty_xlsx(tmp_path):
    data = xlsx_bytes({"a": [], "b": []}, tmp_path / "e.xlsx")
    with pytest.raises(ImportFileError, match="empty"):
        read_table(data, "e.xlsx")


def test_header_only_file(registry, tmp_path, store):
    rep = run(csv_bytes([HEAD]), registry)
    assert rep.rows_total == 0 and rep.rows_imported == 0
    assert rules(rep) == [(None, "no_rows")]
    assert rep.data.empty
    # trailing blank rows are not data rows
    rep = run(csv_bytes([HEAD, [], ["", "", ""]]), registry)
    assert rep.rows_total == 0
    path = tmp_path / "h.csv"
    path.write_bytes(csv_bytes([HEAD]))
    rep = import_file(store, registry, path, kind="children", period=P, raw_dir=tmp_path / "raw")
    check(rep)
    assert rep.dataset_version is None and not (tmp_path / "raw").exists()
    assert store.raw_uploads().empty


def test_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 1000)
    with pytest.raises(ImportFileError, match="over the 0 MB limit"):
        read_table(path, max_bytes=100)
    with pytest.raises(ImportFileError, match="over the"):
        read_table(b"a,b\n" * 1000, "x.csv", max_bytes=100)


def test_binary_file_refused():
    with pytest.raises(ImportFileError, match="binary"):
        read_table(b"%PDF-1.4\x00\x01\x02", "x.csv")


# --------------------------------------------------------------------------- columns


def test_detect_columns_chinese_synonyms():
    m = detect_columns(
        ["序号", "省份", "地市", "县（市、区）", "行政区划代码", "未满16周岁儿童数（人）",
         "其中：农村留守儿童", "流动儿童人数", "困境儿童", "残疾儿童", "事实无人抚养儿童",
         "流浪乞讨儿童", "心理行为问题儿童", "留守儿童占比(%)", "期次"],
        "children",
    )  # fmt: skip
    assert m.to_dict() == {
        "code": "行政区划代码",
        "county": "县（市、区）",
        "province": "省份",
        "prefecture": "地市",
        "period": "期次",
        "children": "未满16周岁儿童数（人）",
        "left_behind": "其中：农村留守儿童",
        "migrant": "流动儿童人数",
        "risk_hardship": "困境儿童",
        "risk_disability": "残疾儿童",
        "risk_unguarded": "事实无人抚养儿童",
        "risk_street": "流浪乞讨儿童",
        "risk_psych": "心理行为问题儿童",
    }
    assert m.unmapped == ["序号", "留守儿童占比(%)"]  # a share is never a count


def test_detect_columns_partial_matches_and_risk_words():
    m = detect_columns(
        ["县区代码", "单位", "留守儿童中困境儿童", "监护缺失", "农村留守儿童人数合计"], "children"
    )
    assert m.to_dict() == {
        "code": "县区代码",
        "county": "单位",
        "left_behind": "农村留守儿童人数合计",
        "risk_hardship": "留守儿童中困境儿童",
        "risk_unguarded": "监护缺失",
    }
    assert m.confidence["code"] == 1.0 and m.confidence["left_behind"] < 1.0


def test_detect_columns_facilities():
    m = detect_columns(
        [
            "编号",
            "机构名称",
            "类型",
            "所在县区",
            "经度(GCJ02)",
            "纬度",
            "坐标系",
            "统一社会信用代码2",
        ],
        "facilities",
    )
    assert m.to_dict() == {
        "county": "所在县区",
        "facility_id": "编号",
        "name": "机构名称",
        "type": "类型",
        "lon": "经度(GCJ02)",
        "lat": "纬度",
        "datum": "坐标系",
    }
    assert m.mode == "points"
    c = detect_columns(
        ["区划代码", "县区", "儿童之家数", "留守儿童活动中心（个）", "儿童主任", "儿童督导员数"],
        "facilities",
    )
    assert c.mode == "counts"
    assert set(c.fields) == {"code", "county", "children_homes", "activity_centres",
                             "child_directors", "child_supervisors"}  # fmt: skip


def test_mapping_overrides(registry):
    rows = [["A", "B", "C"], ["110101", "5", "x"]]
    raw = read_table(csv_bytes(rows), "o.csv")
    with pytest.raises(MappingError, match="no column for the county"):
        validate(raw, None, "children", P, registry)
    rep = check(validate(raw, {"code": "A", "left_behind": 1}, "children", P, registry))
    assert rep.mapping == {"code": "A", "left_behind": "B"} and rep.rows_imported == 1
    with pytest.raises(MappingError, match="no column 'Z'"):
        validate(raw, {"code": "Z"}, "children", P, registry)
    with pytest.raises(MappingError, match="unknown field"):
        detect_columns(raw.headers, "children", {"bogus": "A"})
    # None unmaps a detected field
    m = detect_columns(HEAD, "children", {"migrant": None})
    assert "migrant" not in m.fields and "流动儿童" in m.unmapped


def test_no_value_column_is_a_mapping_error(registry):
    raw = read_table(csv_bytes([["区划代码", "县区", "备注"], ["110101", "东城区", "x"]]), "x.csv")
    with pytest.raises(MappingError, match="no value column"):
        validate(raw, None, "children", P, registry)


# --------------------------------------------------------------------------- codes


def test_codes_in_all_forms(registry, tmp_path):
    forms = [
        ("110101", "110101"),
        ("110102.0", "110102"),
        ("156110105", "110105"),
        ("110106001", "110106"),
        ("110107001000", "110107"),
        ("156110108001000", "110108"),
        ("１１０１０９", "110109"),
        (" 110111 ", "110111"),
        ("1.10112e5", "110112"),
    ]
    rows = [["代码", "留守儿童"]] + [[f, "1"] for f, _ in forms]
    rep = run(csv_bytes(rows), registry)
    assert rep.rows_imported == len(forms)
    assert rep.data["code"].tolist() == [c for _, c in forms]
    # numbers that lost formatting in XLSX: ints and floats
    data = xlsx_bytes({"s": [["代码", "留守儿童"], [110113, 1], [110114.0, 2], [110101001000, 3]]},
                      tmp_path / "c.xlsx")  # fmt: skip
    rep = run(data, registry, filename="c.xlsx")
    assert rep.data["code"].tolist() == ["110113", "110114", "110101"]


def test_changed_codes_remapped(registry):
    assert registry.resolve("410381").layer_code == "410307"
    rows = [["区划代码", "县区", "留守儿童"], ["410381", "偃师市", "5"], ["350427", "沙县", "6"]]
    rep = run(csv_bytes(rows), registry)
    assert rep.codes_remapped == {"410381": "410307", "350427": "350405"}
    assert rep.data["code"].tolist() == ["410307", "350405"]
    assert rep.problems == []  # the old name agrees with the old code


def test_unknown_code_and_no_polygon(registry):
    rows = [
        ["区划代码", "县区", "留守儿童"],
        ["110199", "", "1"],
        ["abc", "", "1"],
        ["653228", "和康县", "1"],  # created 2024, not in the boundary layer
        ["=cmd()", "", "1"],
        ["500157", "两江新区", "1"],  # spans two layer units
    ]
    rep = run(csv_bytes(rows), registry)
    assert rep.problems[-1]["rule"] == "no_polygon"
    assert "overlaps 500105 重庆市江北区, 500112 重庆市渝北区" in rep.problems.pop()["reason"]
    assert rules(rep) == [
        (2, "unknown_code"),
        (3, "unknown_code"),
        (4, "no_polygon"),
        (5, "unknown_code"),
    ]
    no_poly = rep.problems[2]["reason"]
    assert "653228" in no_poly and "和康县" in no_poly
    assert "not a county code: 'abc'" in rep.problems[1]["reason"]


def test_name_only_rows_with_province_context(registry):
    rows = [
        ["省", "市", "县区", "留守儿童"],
        ["北京市", "", "朝阳区", "1"],
        ["吉林省", "长春市", "朝阳区", "2"],
        ["", "", "南关区", "3"],  # merged province/prefecture cells: filled down
        ["广西", "桂林", "全州县", "4"],  # 全州县 is a county, not a 全州 total
        ["", "", "朝阳区", "5"],  # filled down: 广西桂林 has no 朝阳区
        ["", "", "", "6"],
    ]
    rep = run(csv_bytes(rows), registry)
    assert rep.data["code"].tolist() == ["110105", "220104", "220102", "450324"]
    assert rules(rep) == [(6, "name_not_found"), (7, "missing_field")]
    assert "(in 广西 桂林)" in rep.problems[0]["reason"]


def test_ambiguous_name_lists_candidates(registry):
    rep = run(csv_bytes([["县区", "留守儿童"], ["朝阳区", "1"]]), registry)
    (p,) = rep.problems
    assert p["rule"] == "name_ambiguous" and p["severity"] == "rejected"
    assert "110105 北京市朝阳区" in p["reason"] and "220104 吉林省长春市朝阳区" in p["reason"]


def test_name_code_mismatch_warns(registry):
    rep = run(csv_bytes([["代码", "县区", "留守儿童"], ["110101", "海淀区", "1"]]), registry)
    assert rep.rows_imported == 1
    assert rules(rep) == [(2, "name_code_mismatch")]


# --------------------------------------------------------------------------- rules


def test_every_skip_reason(registry):
    rows = [
        ["序号", *HEAD],
        ["1", "110101", "东城区", "100", "10", "5"],
        ["", "", "", "", "", ""],
        ["序号", *HEAD],
        ["", "", "合计", "100", "10", "5"],
        ["总计", "", "", "100", "10", "5"],
        ["", "", "海淀区小计", "100", "10", "5"],
        ["", "", "全市", "100", "10", "5"],
        ["", "410000", "河南省", "100", "10", "5"],
        ["", "", "Total", "1", "1", "1"],
        ["注：本表数据截至6月30日", "", "", "", "", ""],
        ["填表人：张三", "", "", "", "", ""],
    ]
    rep = run(csv_bytes(rows), registry)
    assert rep.rows_imported == 1 and rep.rows_rejected == 0 and rep.rows_skipped == 10
    assert rules(rep) == [
        (3, "blank_row"),
        (4, "header_row"),
        (5, "subtotal_row"),
        (6, "subtotal_row"),
        (7, "subtotal_row"),
        (8, "subtotal_row"),
        (9, "subtotal_row"),
        (10, "subtotal_row"),
        (11, "note_row"),
        (12, "note_row"),
    ]
    assert all(p["severity"] == "skipped" for p in rep.problems)


def test_every_children_rejection_reason(registry):
    rows = [
        [*HEAD, "困境儿童", "期次"],
        ["110101", "东城区", "100", "10", "5", "1", ""],  # ok
        ["110101", "东城区", "100", "10", "5", "1", ""],  # duplicate of row 2
        ["110102", "西城区", "100", "-3", "5", "", ""],  # negative
        ["110105", "朝阳区", "100", "abc", "5", "", ""],  # non-numeric
        ["110106", "丰台区", "100", "12.5", "5", "", ""],  # not whole
        ["110107", "石景山区", "100", "101", "5", "", ""],  # left-behind > children
        ["110108", "海淀区", "10", "1", "11", "", ""],  # migrant > children
        ["110109", "门头沟区", "", "", "", "", ""],  # no value at all
        ["", "", "100", "10", "5", "", ""],  # no county
        ["110111", "房山区", "100", "10", "5", "", "下半年"],  # bad period
        ["110112", "通州区", "100", "10", "5", "", "2024-H2"],  # other period
        ["110113", "顺义区", "100", "10", "5", "99", "2025-H1"],  # risk > base: warning
        ["110114", "昌平区", "1,000", "１２", " 7 ", "3.0", "2025年上半年"],  # messy but fine
    ]
    rep = run(csv_bytes(rows), registry)
    assert rules(rep) == [
        (3, "duplicate"),
        (4, "negative"),
        (5, "non_numeric"),
        (6, "not_whole"),
        (7, "left_behind_gt_children"),
        (8, "migrant_gt_children"),
        (9, "missing_value"),
        (10, "missing_field"),
        (11, "bad_period"),
        (12, "other_period"),
        (13, "risk_gt_base"),
    ]
    dup = rep.problems[0]
    assert "first given in row 2" in dup["reason"] and dup["column"] == "区划代码"
    assert rep.rows_imported == 3 and rep.rows_rejected == 10
    assert rep.data.set_index("code").loc["110114"].tolist() == [1000.0, 12.0, 7.0, 3.0]
    assert rep.problems[-1]["severity"] == "warning"


def test_duplicate_after_remap_and_first_good_row_wins(registry):
    rows = [
        ["代码", "留守儿童"],
        ["410307", "-1"],  # rejected: negative
        ["410381", "5"],  # old code of the same county: this is the first good row
        ["410307", "6"],  # duplicate of row 3
    ]
    rep = run(csv_bytes(rows), registry)
    assert rules(rep) == [(2, "negative"), (4, "duplicate")]
    assert "first given in row 3" in rep.problems[1]["reason"]
    assert rep.data.to_dict("records") == [{"code": "410307", "left_behind": 5.0}]


def test_parse_counts_accepts_and_rejects():
    v, e = ingest.parse_counts(
        pd.Series(["1,234", "１２３４", " 12 ", "12.0", "", "-", "—", "无", "abc", "12.5", "-3",
                   "1,23", "nan", "inf", "1e3", "1 234"])
    )  # fmt: skip
    assert v[:4].tolist() == [1234, 1234, 12, 12]
    assert np.isnan(v[4:8]).all() and list(e[4:8]) == [""] * 4
    assert list(e[8:14]) == ["non_numeric", "not_whole", "negative", "non_numeric",
                             "non_numeric", "non_numeric"]  # fmt: skip
    assert v[14] == 1000 and v[15] == 1234


# --------------------------------------------------------------------------- facilities


def test_facility_points(registry, grid_counties):
    glon, glat = chinacrs.wgs_to_gcj(80.5, 22.5)
    blon, blat = 80.6, 22.4  # a BD-09 point: converted, then placed
    wl, wt = chinacrs.to_wgs84(blon, blat, "bd09")
    rows = [
        ["机构名称", "类型", "区划代码", "经度", "纬度", "坐标系"],
        ["东城儿童之家", "儿童之家", "110101", "80.5", "22.5", "WGS84"],
        ["高德点", "儿童之家", "", f"{float(glon):.8f}", f"{float(glat):.8f}", "GCJ02"],
        ["百度点", "关爱服务站", "", str(blon), str(blat), "百度"],
        ["错位", "活动中心", "110102", "80.2", "22.2", ""],  # stated 110102, lies in 110101
        ["海外", "儿童之家", "", "-0.1", "51.5", ""],  # London
        ["坐标缺", "儿童之家", "110101", "", "22.5", ""],
        ["怪类型", "图书馆", "110101", "80.5", "22.5", ""],
        ["怪坐标", "儿童之家", "110101", "80.5", "22.5", "UTM"],
        ["文字", "儿童之家", "110101", "东经80度", "22.5", ""],
        ["颠倒", "儿童之家", "110101", "22.5", "80.5", ""],  # swapped
        ["东城儿童之家", "儿童之家", "110101", "80.5", "22.5", "WGS84"],  # duplicate of row 2
        ["海上", "儿童之家", "", "79.0", "21.0", ""],  # inside the box, far from any polygon
        ["岸边", "儿童之家", "", "80.5", "21.99", ""],  # 1 km south of 110101
    ]
    rep = run(csv_bytes(rows), registry, kind="facilities", counties=grid_counties)
    assert rep.mode == "points"
    assert rules(rep) == [
        (5, "outside_stated_county"),
        (6, "outside_china"),
        (7, "missing_field"),
        (8, "bad_type"),
        (9, "bad_datum"),
        (10, "non_numeric"),
        (11, "swapped_lonlat"),
        (12, "duplicate"),
        (13, "outside_china"),
        (14, "nearest_county"),
    ]
    pts = rep.points.set_index("name")
    assert pts.loc["高德点", ["lon", "lat"]].tolist() == pytest.approx([80.5, 22.5], abs=1e-6)
    assert pts.loc["高德点", "code"] == "110101"  # placed by point-in-polygon
    assert pts.loc["百度点", ["lon", "lat"]].tolist() == pytest.approx([float(wl), float(wt)])
    assert pts.loc["百度点", "kind"] == "activity_centre"
    assert pts.loc["错位", "code"] == "110102"  # kept under the stated county
    assert pts.loc["岸边", "code"] == "110101"
    counts = rep.data.set_index("code")
    assert counts.loc["110101"].tolist() == [4.0, 1.0]  # rows 2, 3, 11, 14; row 4
    assert counts.loc["110102"].tolist() == [0.0, 1.0]


def test_facility_points_without_polygons_need_a_county(registry):
    rows = [["名称", "类型", "经度", "纬度"], ["x", "儿童之家", "116.4", "39.9"]]
    raw = read_table(csv_bytes(rows), "p.csv")
    with pytest.raises(MappingError, match="county code or name"):
        validate(raw, None, "facilities", P, registry)
    rows = [["名称", "县区", "省", "经度", "纬度"], ["东城儿童之家", "东城区", "北京", "116.4", "39.9"],
            ["无县", "", "", "116.4", "39.9"]]  # fmt: skip
    rep = run(csv_bytes(rows), registry, kind="facilities")
    assert rep.points["code"].tolist() == ["110101"]
    assert rep.points["kind"].tolist() == ["children_home"]  # from the name
    assert rules(rep) == [(3, "bad_type")]  # the name names no type; first reason wins


def test_facility_datum_from_header_and_argument(registry):
    lon, lat = chinacrs.wgs_to_gcj(116.4, 39.9)
    rows = [
        ["名称", "类型", "代码", "经度（GCJ-02）", "纬度"],
        ["a", "儿童之家", "110101", float(lon), float(lat)],
    ]
    rep = run(csv_bytes(rows), registry, kind="facilities")
    assert rep.points[["lon", "lat"]].iloc[0].tolist() == pytest.approx([116.4, 39.9], abs=1e-6)
    rows[0][3] = "经度"
    rep = run(csv_bytes(rows), registry, kind="facilities", datum="gcj02")
    assert rep.points[["lon", "lat"]].iloc[0].tolist() == pytest.approx([116.4, 39.9], abs=1e-6)
    rep = run(csv_bytes(rows), registry, kind="facilities")  # default WGS-84: unchanged
    assert rep.points["lon"].iloc[0] == pytest.approx(float(lon))


def test_facility_lonlat_in_one_column(registry):
    rows = [["名称", "类型", "代码", "经纬度"], ["a", "儿童之家", "110101", "116.4, 39.9"]]
    rep = run(csv_bytes(rows), registry, kind="facilities")
    assert rep.points[["lon", "lat"]].iloc[0].tolist() == [116.4, 39.9]


def test_facility_counts_per_county(registry):
    rows = [
        ["区划代码", "县区", "儿童之家数", "活动中心数", "儿童主任数", "儿童督导员数"],
        ["110101", "东城区", "12", "3", "40", "5"],
        ["110102", "西城区", "-1", "3", "40", "5"],
        ["小计", "", "12", "3", "40", "5"],
    ]
    rep = run(csv_bytes(rows), registry, kind="facilities")
    assert rep.mode == "counts" and rep.points is None
    assert rep.data.to_dict("records") == [
        {"code": "110101", "children_homes": 12.0, "activity_centres": 3.0,
         "child_directors": 40.0, "child_supervisors": 5.0}
    ]  # fmt: skip
    assert rules(rep) == [(3, "negative"), (4, "subtotal_row")]


# --------------------------------------------------------------------------- report


def test_problems_csv_is_excel_friendly_and_formula_safe(registry):
    rows = [
        ["代码", "留守儿童"],
        ['=HYPERLINK("x")', "1"],
        ["+1", "1"],
        ["110101", "-5"],
        ["@x", "1"],
    ]
    rep = run(csv_bytes(rows), registry)
    out = rep.problems_csv()
    assert out.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(out.decode("utf-8-sig"))))
    assert table[0] == ["row", "column", "value", "severity", "rule", "reason"]
    values = [r[2] for r in table[1:]]
    assert values == ['\'=HYPERLINK("x")', "'+1", "'-5", "'@x"]
    for r in table[1:]:
        assert r[5][:1] not in "=+-@"


def test_to_json_carries_the_cli_fields(registry):
    rep = run(csv_bytes(good_rows() + [["110101", "x", "1", "1", "1"]]), registry)
    j = json.loads(json.dumps(rep.to_json()))
    for key in ("rows_total", "rows_imported", "rows_skipped", "rows_rejected", "problems",
                "codes_remapped", "dataset_version"):  # fmt: skip
        assert key in j
    assert j["codes_remapped"] == {"410381": "410307"}
    assert j["problems"][0].keys() >= {"row", "column", "reason", "severity"}
    assert j["dataset_version"] is None
    assert rep.to_json(max_problems=0)["problems"] == [] and j["problems_total"] == 1


def test_report_invariant_is_asserted():
    with pytest.raises(AssertionError, match="do not add up"):
        ImportReport(
            filename="x", kind="children", period=P, format="csv", encoding=None,
            delimiter=None, sheet=None, header_row=1, mapping={}, unmapped=[], confidence={},
            mode="counts", rows_total=3, rows_imported=1, rows_skipped=1, rows_rejected=0,
            problems=[], codes_remapped={}, data=pd.DataFrame(),
        )  # fmt: skip


# --------------------------------------------------------------------------- import_file


def test_import_file_commits_versions_and_keeps_raw(registry, store, tmp_path):
    raw_dir = tmp_path / "uploads"
    path = tmp_path / "2025上半年.csv"
    path.write_bytes(csv_bytes(good_rows(), "gbk"))
    rep = import_file(store, registry, path, kind="children", period=P, raw_dir=raw_dir,
                      created_by="planner")  # fmt: skip
    check(rep)
    assert rep.dataset_version == 1 and rep.committed
    stored = raw_dir / f"{rep.sha256}.csv"
    assert stored.read_bytes() == path.read_bytes()
    ups = store.raw_uploads()
    assert ups[["filename", "sha256", "created_by"]].iloc[0].tolist() == [
        path.name,
        rep.sha256,
        "planner",
    ]
    got = store.children(P)
    assert sorted(got["code"]) == ["110101", "110102", "410307"]
    # a second upload for the period: new version, the old one kept
    path2 = tmp_path / "fix.csv"
    path2.write_bytes(csv_bytes(good_rows()[:2]))
    rep2 = import_file(store, registry, path2, kind="children", period=P, raw_dir=raw_dir)
    assert rep2.dataset_version == 2
    assert sorted(store.children(P)["code"]) == ["110101"]
    store.activate("children", P, 1)
    assert len(store.children(P)) == 3


def test_import_file_from_bytes_and_facilities(registry, store, tmp_path, grid_counties):
    rows = [
        ["名称", "类型", "经度", "纬度"],
        ["a", "儿童之家", "80.5", "22.5"],
        ["b", "活动中心", "80.6", "22.4"],
    ]
    rep = import_file(store, registry, csv_bytes(rows), filename="pts.csv", kind="facilities",
                      period=P, raw_dir=tmp_path / "raw", counties=grid_counties)  # fmt: skip
    check(rep)
    assert rep.dataset_version == 1
    counts, pts = store.facilities(P)
    assert sorted(pts["name"]) == ["a", "b"] and set(pts["code"]) == {"110101"}
    assert counts[["code", "children_homes", "activity_centres"]].values.tolist() == [
        ["110101", 1.0, 1.0]
    ]
    assert not counts["synthetic"].any()


def test_dry_run_and_unreadable_write_nothing(registry, store, tmp_path):
    raw_dir = tmp_path / "raw"
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(good_rows()))
    rep = import_file(store, registry, path, kind="children", period=P, dry_run=True)
    check(rep)
    assert rep.rows_imported == 3 and rep.dataset_version is None and rep.dry_run
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(ImportFileError):
        import_file(store, registry, bad, kind="children", period=P, raw_dir=raw_dir)
    assert not raw_dir.exists()
    assert store.raw_uploads().empty and store.periods("children") == []
    with pytest.raises(ValueError, match="raw_dir is required"):
        import_file(store, registry, path, kind="children", period=P)


# --------------------------------------------------------------------------- property


_CELLS = st.one_of(
    st.sampled_from(
        [
            "110101",
            "110102",
            "410381",
            "653228",
            "110199",
            "156110105",
            "110106.0",
            "abc",
            "",
            " ",
            "合计",
            "小计",
            "全省",
            "注：说明",
            "东城区",
            "朝阳区",
            "1,234",
            "１２",
            "-1",
            "12.5",
            "0",
            "99999",
            "=1+1",
            "区划代码",
        ]
    ),  # fmt: skip
    st.integers(min_value=-5, max_value=10_000).map(str),
    st.text(alphabet="0123456789,.-abc合计省 ", max_size=6),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(_CELLS, min_size=5, max_size=5), max_size=25))
def test_random_messy_rows_keep_the_invariant(registry, rows):
    data = csv_bytes([HEAD, *rows], "utf-8")
    raw = read_table(data, "r.csv")
    rep = check(validate(raw, None, "children", P, registry))
    assert rep.data["code"].is_unique


# --------------------------------------------------------------------------- large


@pytest.mark.slow
def test_50mb_csv(registry, tmp_path):
    # layer codes that resolve to themselves (a few layer codes mean another unit today)
    codes = [c for c in registry.counties.index if registry.resolve(c).layer_code == c][:2800]
    # As many rows as the importer takes (MAX_ROWS), each with a long remark, so the
    # file is over 50 MB without passing the row limit.
    block = "".join(
        f"{c},{registry.counties.at[c, 'name_zh']},{1000 + i},{100 + i % 50},{20 + i % 7},"
        + "备注文字" * 22
        + "\n"
        for i, c in enumerate(codes)
    ).encode()
    head = "区划代码,县区,儿童总数,留守儿童,流动儿童,备注\n".encode()
    reps = 50 * 2**20 // len(block) + 1
    assert reps * len(codes) <= ingest.MAX_ROWS
    path = tmp_path / "big.csv"
    path.write_bytes(head + block * reps)
    assert path.stat().st_size > 50 * 2**20
    t0 = time.perf_counter()
    raw = read_table(path, max_bytes=80 * 2**20)
    t1 = time.perf_counter()
    rep = check(validate(raw, None, "children", P, registry))
    t2 = time.perf_counter()
    print(f"\n50 MB CSV: {rep.rows_total} rows, read {t1 - t0:.1f} s, validate {t2 - t1:.1f} s")
    assert rep.rows_imported == len(codes)
    assert rep.rows_rejected == rep.rows_total - len(codes)  # every repeat is a duplicate


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
