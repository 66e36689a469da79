"""Regions: drill-down levels, frames and region-restricted classification."""

from __future__ import annotations

import pytest

from dashboard.presenters import map as map_views


def test_region_levels(dash_app):
    atlas = dash_app.atlas
    assert atlas.region_info(None)["level"] == "nation"
    sc = atlas.region_info("510000")
    assert sc["level"] == "province" and sc["name_zh"] == "四川省" and len(sc["codes"]) == 183
    lon0, lon1 = sc["lon"]
    assert 96 < lon0 < 98 and 108 < lon1 < 110
    cd = atlas.region_info("510100")
    assert cd["level"] == "prefecture" and cd["parents"] == [("510000", "四川省")]
    with pytest.raises(KeyError):
        atlas.region_info("999999")


def test_hainan_frame_leaves_the_islands_to_the_inset(dash_app):
    hn = dash_app.atlas.region_info("460000")
    assert hn["lat"][0] > 17  # not stretched down to the Nansha islands


def test_drill_steps(dash_app):
    atlas = dash_app.atlas
    assert atlas.drill(None, "510104") == "510000"
    assert atlas.drill("510000", "510104") == "510100"
    assert atlas.drill("510100", "510104") == "510100"
    assert atlas.drill("110000", "110101") == "110100"  # Beijing's one prefecture group
    assert atlas.drill(None, "not-a-code") is None


def test_region_breaks_and_totals(dash_app):
    atlas = dash_app.atlas
    nation = atlas.map_values("left_behind", "2026-H1")
    sc = atlas.map_values("left_behind", "2026-H1", region="510000")
    codes = atlas.layers.counties_web.index
    inside = codes.isin(atlas.region_info("510000")["codes"])
    z = list(sc.z)
    assert all(z[i] == -1 for i in range(len(z)) if not inside[i])  # outside: no colour
    assert sorted(set(z[i] for i in range(len(z)) if inside[i])) == [0, 1, 2, 3, 4]
    assert sc.tick_text != nation.tick_text
    assert sc.tick_text[0].endswith("(0)")  # no-data count is the region's own
    line = map_views.summary_text(atlas, "left_behind", "2026-H1", "zh", "510000")
    assert "183 / 183" in line


def test_region_in_url_restores_view(client):
    """A link to Sichuan opens on Sichuan: the region store, the breadcrumb and the
    map's frame all say so (the layout is built from the page's address)."""
    import json

    from dashboard import ids

    def layout(query: str) -> tuple[dict, str]:
        r = client.get("/_dash-layout", headers={"Referer": f"http://localhost/{query}"})
        assert r.status_code == 200
        text = r.get_data(as_text=True)
        found = {}

        def walk(node):
            if isinstance(node, dict):
                props = node.get("props", {})
                if props.get("id") in (ids.REGION, ids.MAP):
                    found[props["id"]] = props
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        tree = json.loads(text)
        walk(tree)
        return found, json.dumps(tree, ensure_ascii=False)

    sichuan, text = layout("?region=510000")
    assert sichuan[ids.REGION]["data"] == "510000"
    assert "四川省" in text
    lon = sichuan[ids.MAP]["figure"]["layout"]["geo"]["lonaxis"]["range"]
    assert 96 < lon[0] < 99 and 107 < lon[1] < 111
    nation, _ = layout("")
    assert nation[ids.REGION]["data"] in (None, "")
    assert nation[ids.MAP]["figure"]["layout"]["geo"]["lonaxis"]["range"] != lon


def test_layout_from_query_string(dash_app):
    from dashboard.pages.explorer.layout import view_state

    s = view_state(dash_app.atlas, "?indicator=migrant&period=2025-H2&region=510000&lang=en")
    assert {k: v for k, v in s.as_dict().items() if k not in {"briefing", "alpha"}} == {
        "mode": "values",
        "fdr": False,
        "perm": 999,
        "seed": 20251123,
        "radius": 10,
        "k": 20,
        "layers": (),
        "programme": None,
        "pfilter": False,
        "county": None,
        "region": "510000",
        "indicator": "migrant",
        "period": "2025-H2",
        "scheme": "quantiles",
        "palette": None,
        "pooled": False,
        "breaks": None,
        "lang": "en",
    }
    styled = view_state(dash_app.atlas, "?scheme=user&breaks=10,20&palette=Blues&pooled=1")
    assert (styled.scheme, styled.breaks, styled.palette, styled.pooled) == (
        "user",
        "10,20",
        "Blues",
        True,
    )
    bad = view_state(dash_app.atlas, "?indicator=x&period=1999-H1&region=12&lang=fr")
    assert bad.indicator == "left_behind" and bad.region is None and bad.lang == "zh"
