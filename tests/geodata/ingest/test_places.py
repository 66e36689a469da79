"""geodata.ingest.places: counties from codes in every form, remapped codes, names with
their province context."""

from __future__ import annotations

from tests.geodata.ingest.helpers import csv_bytes, rules, run, xlsx_bytes


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


def test_every_official_english_province_name_is_read():
    """The importer reads every province name geodata.codes writes in English."""
    from geodata.codes import PROVINCE_EN
    from geodata.ingest.places import PROVINCE_FROM_ENGLISH, _province_context

    assert len(PROVINCE_FROM_ENGLISH) >= len(PROVINCE_EN)
    for code, english in PROVINCE_EN.items():
        assert _province_context(english) != english, (code, english)
        assert _province_context(f"{english} Province") == _province_context(english)
