"""The registry: the crosswalk to the boundary layer, bulk resolution, name search."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geodata.boundaries import source
from geodata.codes import load_registry

# --------------------------------------------------------------------------- crosswalk


@pytest.mark.parametrize(
    ("code", "layer"),
    [
        ("610305", "610322"),  # 凤翔区: newer than the layer
        ("410381", "410307"),  # 偃师市: older than the layer
        ("450181", "450127"),  # 横州市: newer
        ("431181", "431121"),  # 祁阳市: missing from the table, name fallback
        ("350427", "350405"),  # 沙县 -> 沙县区
        ("110103", "110101"),  # 崇文区 merged into 东城区 (2010)
        ("632121", "630203"),  # chain: 632121 -> 630221 (2013) -> 630203 (2015)
        ("341422", "340281"),  # chain: 无为县 341422 -> 340225 -> 无为市 340281
        ("522423", "520581"),  # chain ending in a name match: 黔西县 -> 520522 -> 黔西市
        ("460302", "460301"),  # official 西沙区 code; the layer files 西沙区 as 460301
        ("460303", "460302"),  # official 南沙区 code
    ],
)
def test_remapped(reg, code, layer):
    r = reg.resolve(code)
    assert (r.layer_code, r.status) == (layer, "remapped"), r
    assert r.note


def test_sha_county_both_codes_land_on_one_polygon(reg):
    assert reg.resolve("350427").layer_code == reg.resolve("350405").layer_code == "350405"
    assert reg.resolve("350405").status == "exact"


def test_chain_note_shows_every_step(reg):
    note = reg.resolve("632121").note
    assert "630221" in note and "630203" in note and "2013" in note and "2015" in note
    row = reg.crosswalk.set_index("from_code").loc["632121"]
    assert row["hops"] == 2 and row["source"] == "table"


def test_remapped_accepts_raw_forms(reg):
    r = reg.resolve(610305000000.0)
    assert (r.layer_code, r.status) == ("610322", "remapped")
    assert r.note.startswith("read as 610305")


def test_every_layer_code_is_exact(reg):
    layer = list(source.counties().index)
    conflicts = set(reg.conflicts)
    assert conflicts == {"460302"}  # the only code the official list gives another unit
    for code in layer:
        r = reg.resolve(code)
        if code in conflicts:
            assert r.status == "remapped" and r.layer_code != code
        else:
            assert (r.layer_code, r.status) == (code, "exact"), r


def test_every_official_code_is_placed_or_reported(reg):
    out = reg.resolve_many(reg.official.index)
    assert set(out["status"]) <= {"exact", "remapped", "no_polygon"}
    assert out.loc[out.status != "no_polygon", "layer_code"].isin(reg.counties.index).all()


def test_no_polygon_new_county(reg):
    for code in ("653228", "653229"):
        r = reg.resolve(code)
        assert r.status == "no_polygon" and r.layer_code is None
        assert "和田地区" in r.note and "not in the boundary layer" in r.note
    assert {"653228", "653229"} <= set(reg.no_polygon["code"])


def test_merge_without_namesake_is_not_assigned(reg):
    r = reg.resolve("500157")  # 两江新区 (2025) merges the layer's 江北区 and 渝北区
    assert r.status == "no_polygon" and r.layer_code is None
    assert r.candidates == ("500105", "500112")


def test_abolished_without_successor_is_reported(reg):
    r = reg.resolve("370802")  # 济宁 市中区, abolished 2013, no successor in the table
    assert r.status == "no_polygon" and "2013" in r.note
    # A wrong cross-prefecture successor in the table is not followed.
    r = reg.resolve("130103")
    assert r.layer_code is None and "another prefecture" in r.note


def test_unknown(reg):
    for value in ("999999", "119999", "abc"):
        r = reg.resolve(value)
        assert (r.layer_code, r.status) == (None, "unknown")
        assert r.note


def test_crosswalk_table(reg):
    cw = reg.crosswalk
    assert list(cw.columns[:6]) == ["from_code", "from_name", "to_layer_code", "to_name",
                                    "year", "event_type"]  # fmt: skip
    assert cw["from_code"].is_unique
    assert cw["to_layer_code"].isin(reg.counties.index).all()
    assert not cw["from_code"].isin(reg.counties.index.difference(list(reg.conflicts))).any()
    assert set(cw["source"]) == {"table", "name_match"}
    assert set(cw["direction"]) == {"forward", "backward", "name"}
    by = cw.set_index("from_code")
    assert by.at["410381", "direction"] == "forward"
    assert by.at["610305", "direction"] == "backward"
    assert by.at["431181", "source"] == "name_match"
    assert len(cw) > 300  # every county-level change since 2010, not a few pairs


def test_summary_is_json(reg):
    s = reg.summary()
    json.dumps(s, ensure_ascii=False)
    assert s["layer_units"] == 2875
    assert s["remapped_pairs"] == len(reg.crosswalk)
    assert {"653228", "653229"} <= {d["code"] for d in s["no_polygon"]}
    assert (
        s["official_exact"] + sum(reg.resolve(c).status != "exact" for c in reg.official.index)
        == s["official_units"]
    )


# --------------------------------------------------------------------------- bulk


def test_resolve_many_upload_of_3000(reg):
    layer = [c for c in reg.counties.index if c not in reg.conflicts][:2500]
    values: list = layer + ["610305", 410381.0, "１１０１０１", None, float("nan"), "999999",
                            "653228", "110101001000", "", "abc"] * 50  # fmt: skip
    out = reg.resolve_many(values)
    assert len(out) == len(values) == 3000
    assert list(out.columns) == ["input", "code", "layer_code", "status", "note"]
    assert (out["layer_code"].iloc[:2500].to_numpy() == np.array(layer)).all()
    tail = out.iloc[2500:2510]
    assert tail["layer_code"].tolist() == ["610322", "410307", "110101", None, None, None, None,
                                           "110101", None, None]  # fmt: skip
    assert tail["status"].tolist() == ["remapped", "remapped", "exact", "unknown", "unknown",
                                       "unknown", "no_polygon", "exact", "unknown", "unknown"]  # fmt: skip
    assert out["input"].iloc[2501] == 410381.0


def test_resolve_many_series_and_empty(reg):
    s = pd.Series(["110101", 610305], index=[10, 20])
    out = reg.resolve_many(s)
    assert out["layer_code"].tolist() == ["110101", "610322"]
    assert len(reg.resolve_many([])) == 0


# --------------------------------------------------------------------------- names


def test_counties_table(reg):
    c = reg.counties
    assert len(c) == 2875 and c.index.is_unique
    for col in ["name_zh", "name_en", "prefecture_code", "prefecture_zh", "province_code",
                "province_zh", "kind"]:  # fmt: skip
        assert col in c.columns
    assert set(c["kind"]) <= {"district", "county", "city", "other"}
    assert c.at["110101", "name_en"] == "Dongcheng District"
    assert c.at["131028", "name_en"] == "Dachang Hui Autonomous County"
    assert c.at["211321", "name_en"] == "Chaoyang County"
    assert c.at["140109", "name_en"] == "Wanbailin District"
    assert c.at["810001", "name_en"] == "Central and Western District"
    assert c["name_en"].str.len().gt(0).all()


def test_find_by_name_ambiguous(reg):
    assert reg.find_by_name("朝阳区") == ["110105", "220104"]
    assert reg.find_by_name("朝阳区", province="北京") == ["110105"]
    assert reg.find_by_name("朝阳区", province="北京市") == ["110105"]
    assert reg.find_by_name("朝阳区", province="110000") == ["110105"]
    assert reg.find_by_name("朝阳区", province="吉林省") == ["220104"]
    assert reg.find_by_name("朝阳县") == ["211321"]
    assert reg.find_by_name("朝阳", province="辽宁") == ["211321"]
    assert reg.find_by_name("铁西区", prefecture="沈阳") == ["210106"]
    assert reg.find_by_name("铁西区", prefecture="鞍山市") == ["210303"]
    assert reg.find_by_name("铁西区", province="吉林") == ["220302"]


def test_find_by_name_history_and_pinyin(reg):
    assert reg.find_by_name("凤翔县") == ["610322"]
    assert reg.find_by_name("崇文区") == ["110101"]
    assert reg.find_by_name("祁阳县") == ["431121"]  # stem
    assert reg.find_by_name("横县") == ["450127"]
    assert reg.find_by_name("大厂县") == ["131028"]
    assert reg.find_by_name("Dongcheng") == ["110101"]
    assert reg.find_by_name("chaoyang qu", province="北京") == ["110105"]
    assert reg.find_by_name("Chaoyang District", province="吉林") == ["220104"]
    assert reg.find_by_name("和康县") == []  # no polygon
    assert reg.find_by_name("不存在县") == []


def test_search(reg):
    assert reg.search("东城")[0] == "110101"
    assert reg.search("dongcheng")[0] == "110101"
    assert reg.search("dcq")[0] == "110101"
    assert reg.search("610305")[0] == "610322"
    assert reg.search("凤翔县")[0] == "610322"
    assert all(c.startswith("1101") for c in reg.search("1101", limit=5))
    assert len(reg.search("1101", limit=5)) == 5
    assert set(reg.search("朝阳", limit=3)) == {"110105", "211321", "220104"}
    assert reg.search("") == [] and reg.search("东城", limit=0) == []


def test_registry_is_cached():
    assert load_registry() is load_registry()
