"""geodata.ingest.columns: header synonyms, exclusion rules, overrides, mapping errors."""

from __future__ import annotations

import pytest

from geodata.ingest import MappingError, detect_columns, read_table, validate
from tests.geodata.ingest.helpers import HEAD, P, check, csv_bytes, run


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
