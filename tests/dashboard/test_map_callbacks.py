"""Map callbacks through Dash's own endpoint: a change sends values, never geometry."""

from __future__ import annotations

import json

from dashboard import ids


def _layout_figure(client):
    layout = client.get("/_dash-layout").get_json()

    def find(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == ids.MAP:
                return node["props"]["figure"]
            for v in node.values():
                if (hit := find(v)) is not None:
                    return hit
        elif isinstance(node, list):
            for v in node:
                if (hit := find(v)) is not None:
                    return hit
        return None

    return find(layout)


def test_initial_figure_references_geometry_by_url(client):
    fig = _layout_figure(client)
    main, borders, inset, maritime, sites = fig["data"]
    assert sites["lon"] == [] and sites["type"] == "scattergeo"
    assert isinstance(main["geojson"], str) and main["geojson"].startswith("/geo/")
    assert isinstance(borders["geojson"], str)
    assert len(main["locations"]) + len(set(inset["locations"]) - set(main["locations"])) == 2875
    assert fig["layout"]["geo"]["projection"]["type"] == "conic equal area"
    assert fig["layout"]["geo"]["projection"]["parallels"] == [25, 47]


def _update(
    client,
    indicator,
    period="2026-H1",
    scheme="quantiles",
    lang="zh",
    palette="auto",
    pooled=(),
    breaks="",
):
    body = {
        "output": (
            f"..{ids.MAP}.figure...{ids.NOTICE}.hidden...{ids.DEFINITION}.children..."
            f"{ids.SUMMARY}.children...{ids.URL}.search...{ids.LANG_OTHER}.href.."
        ),
        "outputs": [
            {"id": ids.MAP, "property": "figure"},
            {"id": ids.NOTICE, "property": "hidden"},
            {"id": ids.DEFINITION, "property": "children"},
            {"id": ids.SUMMARY, "property": "children"},
            {"id": ids.URL, "property": "search"},
            {"id": ids.LANG_OTHER, "property": "href"},
        ],
        "inputs": [
            {"id": ids.INDICATOR, "property": "value", "value": indicator},
            {"id": ids.PERIOD, "property": "value", "value": period},
            {"id": ids.SCHEME, "property": "value", "value": scheme},
            {"id": ids.REGION, "property": "data", "value": None},
            {"id": ids.SELECTED, "property": "data", "value": None},
            {"id": ids.PALETTE, "property": "value", "value": palette},
            {"id": ids.POOLED, "property": "value", "value": pooled},
            {"id": ids.BREAKS, "property": "value", "value": breaks},
        ],
        "state": [
            {"id": ids.LANG, "property": "data", "value": lang},
            {"id": ids.MODE, "property": "value", "value": "values"},
        ],
        "changedPropIds": [f"{ids.INDICATOR}.value"],
    }
    return client.post("/_dash-update-component", json=body)


def test_indicator_switch_sends_values_only(client):
    r = _update(client, "migrant")
    assert r.status_code == 200
    raw = r.data
    payload = json.loads(raw)["response"]
    patch = payload[ids.MAP]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    paths = {tuple(op["location"]) for op in patch["operations"]}
    assert ("data", 0, "z") in paths and ("data", 0, "text") in paths
    assert not any("geojson" in p or "locations" in p or "customdata" in p for p in paths)
    assert len(raw) < 30_000 * 2  # uncompressed; gzip on the wire is far smaller
    assert payload[ids.NOTICE]["hidden"] is False
    assert "indicator=migrant" in payload[ids.URL]["search"]


def test_classification_schemes(client):
    for scheme in ("fisher_jenks", "equal_interval", "std_mean"):
        assert _update(client, "left_behind", scheme=scheme).status_code == 200


def test_every_indicator_renders(client, dash_app):
    from geodata import indicators

    for ind in indicators.all_indicators():
        r = _update(client, ind.id, period="2026-H1")
        assert r.status_code == 200, ind.id


def test_palette_pooled_and_user_breaks(client):
    r = _update(client, "left_behind", palette="Blues", pooled=["pooled"])
    assert r.status_code == 200
    payload = json.loads(r.data)["response"]
    ops = {
        tuple(o["location"]): o["params"].get("value")
        for o in payload[ids.MAP]["figure"]["operations"]
    }
    assert ops[("data", 0, "colorscale")][-1][1] == "#084594"  # darkest blue
    assert (
        "palette=Blues" in payload[ids.URL]["search"] and "pooled=1" in payload[ids.URL]["search"]
    )
    r = _update(client, "left_behind", scheme="user", breaks="100, 1000，5000")
    ticks = [
        o
        for o in json.loads(r.data)["response"][ids.MAP]["figure"]["operations"]
        if o["location"][-1] == "ticktext"
    ][0]["params"]["value"]
    assert ticks[1].startswith("5 – 100") or "100" in ticks[1]
    assert len(ticks) == 5  # no data + four classes up to the maximum
    r = _update(client, "left_behind", scheme="user", breaks="100, lots")
    payload = json.loads(r.data)["response"]
    assert "lots" in payload[ids.SUMMARY]["children"]


def test_pooled_breaks_are_the_same_for_both_periods(dash_app):
    a = dash_app.atlas.map_values("left_behind", "2025-H2", pooled=True)
    b = dash_app.atlas.map_values("left_behind", "2026-H1", pooled=True)
    assert [t.split(" (")[0] for t in a.tick_text] == [t.split(" (")[0] for t in b.tick_text]
    c = dash_app.atlas.map_values("left_behind", "2025-H2")
    d = dash_app.atlas.map_values("left_behind", "2026-H1")
    assert [t.split(" (")[0] for t in c.tick_text] != [t.split(" (")[0] for t in d.tick_text]
