"""geodata.ingest.checks (and places): facility points, their datum, type and county."""

from __future__ import annotations

import pytest

from geodata.boundaries import chinacrs
from geodata.ingest import MappingError, read_table, validate
from tests.geodata.ingest.helpers import P, csv_bytes, rules, run


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
    assert rep.layout == "points"
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
