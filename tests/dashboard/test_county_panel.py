"""County search and the county panel."""

from __future__ import annotations

from dashboard.pages.explorer.county_panel import county_panel


def test_search_by_name_pinyin_and_code(dash_app):
    atlas = dash_app.atlas
    for query in ("万州", "wanzhou", "500101"):
        options = atlas.search_options(query, "zh")
        assert options and options[0]["value"] == "500101", query
        assert "万州区" in options[0]["label"] and query.lower() in options[0]["search"].lower()
    assert atlas.search_options("", "zh") == []
    assert atlas.region_of("500101") == "500000"  # a municipality: its own province frame
    assert atlas.region_of("510104") == "510100"


def test_profile_ranks_trend_and_facilities(dash_app):
    p = dash_app.atlas.county_profile("510104", "2026-H1", "zh")
    assert p["name_zh"] == "锦江区" and p["province_zh"] == "四川省" and p["synthetic"]
    rows = {r["id"]: r for r in p["rows"]}
    lb = rows["left_behind"]
    assert 1 <= lb["rank_province"] <= lb["n_province"] == 183
    assert 1 <= lb["rank_nation"] <= lb["n_nation"]
    assert [t["period"] for t in p["trend"]] == ["2025-H2", "2026-H1"]
    assert p["n_facilities"] >= len(p["facilities"])
    panel = county_panel(p, "zh")
    assert panel and "锦江区" in str(panel[0])


def test_panel_empty_without_selection():
    assert county_panel(None, "zh") == []
