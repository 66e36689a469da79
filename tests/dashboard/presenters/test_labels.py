"""Place names on the map (issue 16, item 8): the level below the region shown, in the
page's language, none overlapping, the same on the page and on the exported sheets."""

from __future__ import annotations

import re

import numpy as np
import pytest

from dashboard.figures import TRACE
from dashboard.presenters import labels as L
from dashboard.presenters import map as map_views
from dashboard.view import ViewState

CJK = re.compile(r"[\u3400-\u9fff]")


def _boxes(lab: L.Labels, atlas, region, size=L.PAGE_MAP_PX):
    info = atlas.region_info(region)
    if info["level"] == "nation":
        from dashboard.figures import MAIN_LAT, MAIN_LON

        frame = (MAIN_LON, MAIN_LAT, 105.0)
    else:
        frame = (tuple(info["lon"]), tuple(info["lat"]), round(sum(info["lon"]) / 2, 3))
    xy = L.to_pixels(np.array(lab.lon), np.array(lab.lat), *frame, size)
    return [
        (x - L.text_width(t, lab.size) / 2, y - lab.size * 0.65, x + L.text_width(t, lab.size) / 2,
         y + lab.size * 0.65)
        for (x, y), t in zip(xy, lab.text, strict=True)
    ]  # fmt: skip


def _overlaps(boxes) -> list:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[:i])
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


@pytest.mark.parametrize(
    ("region", "lang", "expect"),
    [
        (None, "zh", {"四川", "新疆", "内蒙古", "广西", "台湾"}),
        (None, "en", {"Sichuan", "Xinjiang", "Inner Mongolia", "Guangxi", "Taiwan"}),
        ("520000", "zh", {"遵义市", "黔东南州", "贵阳市"}),
        ("520000", "en", {"Zunyi", "Qiandongnan", "Guiyang"}),
        ("522600", "zh", {"凯里市", "黎平县"}),
        ("522600", "en", {"Kaili", "Liping"}),
        ("110000", "zh", {"延庆区", "密云区"}),  # a municipality names its districts
    ],
)
def test_the_map_names_the_level_below_in_the_page_language(dash_app, region, lang, expect):
    atlas = dash_app.atlas
    lab = L.map_labels(atlas, region, lang)
    assert expect <= set(lab.text), sorted(lab.text)
    if lang == "en":
        assert not [t for t in lab.text if CJK.search(t)]
    else:
        assert all(CJK.search(t) for t in lab.text)
    assert not _overlaps(_boxes(lab, atlas, region))
    # every name is of a unit one level down, at a point inside the region shown
    info = atlas.region_info(region)
    if info["level"] != "nation":
        assert len(lab.text) <= len(info["codes"])
        assert all(info["lon"][0] <= x <= info["lon"][1] for x in lab.lon)


def test_a_crowded_prefecture_leaves_names_out_rather_than_piling_them(dash_app):
    atlas = dash_app.atlas
    everything = L.children(atlas, "510100")  # Chengdu: 20 county units, small centre
    lab = L.map_labels(atlas, "510100", "zh")
    assert 8 <= len(lab.text) < len(everything)
    assert not _overlaps(_boxes(lab, atlas, "510100"))


def test_the_page_figure_and_a_region_change_carry_the_names(dash_app):
    from dash import Patch

    atlas = dash_app.atlas
    fig = map_views.view_figure(atlas, ViewState(lang="en", region="510000"))
    trace = fig["data"][TRACE["labels"]]
    assert trace["mode"] == "text" and "Chengdu" in trace["text"]
    patch = map_views.zoom_patch(atlas, Patch(), "520000", "zh")
    ops = {
        tuple(op["location"]): op["params"]["value"] for op in patch.to_plotly_json()["operations"]
    }
    assert "遵义市" in ops[("data", TRACE["labels"], "text")]


def test_label_points_lie_inside_their_units(layers):
    import shapely

    from geodata.boundaries import label_points

    prov = layers.provinces
    pts = label_points(prov.geometry.values)
    inside = shapely.contains_xy(prov.geometry.values, pts[:, 0], pts[:, 1])
    assert inside.all(), list(prov.index[~inside])


def test_every_unit_has_a_short_name_in_both_languages(layers):
    from geodata.codes import label_name

    for level, frame in (("province", layers.provinces), ("prefecture", layers.prefectures),
                         ("county", layers.counties_web)):  # fmt: skip
        for code, name in zip(frame.index, frame["name_zh"], strict=True):
            zh, en = label_name(code, name, level, "zh"), label_name(code, name, level, "en")
            assert zh and len(zh) <= len(name), (code, name, zh)
            assert en and not CJK.search(en), (code, name, en)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["page", "sheet"])
def test_the_national_map_names_every_province_and_municipality(dash_app, lang, where):
    """A neighbour's name never takes a municipality's place (Shanghai, Tianjin), nor a
    SAR's a province's (Guangdong): only Hong Kong or Macao may give way."""
    from dashboard.sheets.briefing import MAP_DOMAIN_Y, PAGE_H, PAGE_W
    from geodata.codes import label_name

    atlas = dash_app.atlas
    kw = {}
    if where == "sheet":
        kw = {"size_px": (0.70 * PAGE_W, (MAP_DOMAIN_Y[1] - MAP_DOMAIN_Y[0]) * PAGE_H),
              "obstacles": ()}  # fmt: skip
    lab = L.map_labels(atlas, None, lang, **kw)
    units = L._units(atlas)
    wanted = [
        label_name(c, units[lv][c][3], lv, lang)
        for c, lv in L.children(atlas, None)
        if c not in L.NATION_RANK or L.NATION_RANK[c] > 0
    ]
    assert len(wanted) == 32  # 31 provinces, municipalities and regions, and Taiwan
    assert sorted(set(wanted) - set(lab.text)) == []
    assert not _overlaps(_boxes(lab, atlas, None, kw.get("size_px", L.PAGE_MAP_PX)))


def test_labels_are_placed_once_per_region_language_and_size(dash_app, monkeypatch):
    """A value update must not place the names again (it cost 40 % of its CPU): the
    placing runs once per region, language and size, and callers get copies."""
    atlas = dash_app.atlas
    calls = []
    place = L._place_labels
    monkeypatch.setattr(L, "_PLACED", {})
    monkeypatch.setattr(L, "_place_labels", lambda *a, **k: calls.append(a[1:3]) or place(*a, **k))
    # (an app's start-up warm-up may place the national names meanwhile: not counted)
    first = L.map_labels(atlas, "520000", "zh")
    assert L.map_labels(atlas, "520000", "zh") is first
    assert [c for c in calls if c[0]] == [("520000", "zh")]
    assert L.map_labels(atlas, "520000", "en").text != first.text
    L.map_labels(atlas, "520000", "zh", size_px=(500, 300))
    assert [c for c in calls if c[0]] == [("520000", "zh"), ("520000", "en"), ("520000", "zh")]
    trace = first.as_trace()
    trace["text"].append("x")
    assert "x" not in L.map_labels(atlas, "520000", "zh").text
