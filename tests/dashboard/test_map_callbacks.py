"""Map callbacks through Dash's own endpoint: a change sends values, never geometry."""

from __future__ import annotations

import json

from dashboard import ids
from dashboard.presenters import map as map_views


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
    from dashboard.figures import TRACE

    fig = _layout_figure(client)
    assert len(fig["data"]) == len(TRACE)
    main, borders, inset = (fig["data"][TRACE[k]] for k in ("counties", "provinces", "inset"))
    for name in ("sites", "homes", "centres", "programme", "selected"):
        overlay = fig["data"][TRACE[name]]
        assert overlay["lon"] == [] and overlay["type"] == "scattergeo", name
    assert isinstance(main["geojson"], str) and main["geojson"].startswith("/geo/")
    assert isinstance(borders["geojson"], str)
    assert len(main["locations"]) + len(set(inset["locations"]) - set(main["locations"])) == 2875
    assert fig["layout"]["geo"]["projection"]["type"] == "conic equal area"
    assert fig["layout"]["geo"]["projection"]["parallels"] == [25, 47]


def call(client, outputs, inputs, state=(), changed=None, key=None):
    """POST one callback to Dash's endpoint; ids and props as (id, prop, value) tuples.

    ``key``: the callback's output key when an output is shared (``allow_duplicate``
    outputs carry a hash; see :func:`callback_key`).
    """
    body = {
        "output": key
        or (
            ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
            if len(outputs) > 1
            else f"{outputs[0][0]}.{outputs[0][1]}"
        ),
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    return client.post("/_dash-update-component", json=body)


def callback_key(dash_app, output: str, first_input: str) -> str:
    """The output key of the callback writing `output` whose first input is `first_input`."""
    for key, cb in dash_app.callback_map.items():
        if output in key and cb["inputs"][0]["id"] == first_input:
            return key
    raise KeyError(output)


def ok(r) -> dict:
    """The callback's outputs, after checking that it really succeeded.

    Dash answers 200 with the error banner (``on_error``) when a callback raised, so the
    status alone proves nothing: the banner must not have been raised.
    """
    assert r.status_code == 200, r.data[:300]
    body = json.loads(r.data)
    banner = body.get("sideUpdate", {}).get(ids.ERROR_BANNER, {})
    assert banner.get("hidden", True) is True, banner
    return body["response"]


def map_values(response: dict) -> list:
    """The class of every county in a map patch (the new ``z``)."""
    ops = response[ids.MAP]["figure"]["operations"]
    return next(o for o in ops if tuple(o["location"]) == ("data", 0, "z"))["params"]["value"]


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
    outputs = [
        (ids.MAP, "figure"),
        (ids.NOTICE, "hidden"),
        (ids.NOTICE, "children"),
        (ids.DEFINITION, "children"),
        (ids.SUMMARY, "children"),
    ]
    inputs = [
        (ids.INDICATOR, "value", indicator),
        (ids.PERIOD, "value", period),
        (ids.SCHEME, "value", scheme),
        (ids.REGION, "data", None),
        (ids.PALETTE, "value", palette),
        (ids.POOLED, "value", pooled),
        (ids.BREAKS, "value", breaks),
    ]
    state = [
        (ids.LANG, "data", lang),
        (ids.MODE, "value", "values"),
        (ids.PROGRAMME, "value", None),
        (ids.PFILTER, "value", []),
    ]
    return call(client, outputs, inputs, state)


def sync_url(client, **view):
    """The URL callback for a view given as control values (defaults for the rest)."""
    values = {
        ids.INDICATOR: "left_behind",
        ids.PERIOD: "2026-H1",
        ids.SCHEME: "quantiles",
        ids.REGION: None,
        ids.SELECTED: None,
        ids.PALETTE: "auto",
        ids.POOLED: [],
        ids.BREAKS: "",
        ids.MODE: "values",
        ids.PERMUTATIONS: 999,
        ids.SEED: 20251123,
        ids.FDR: [],
        ids.RADIUS: 10,
        ids.K: 20,
        ids.LAYERS: [],
        ids.PROGRAMME: None,
        ids.PFILTER: [],
        **view,
    }
    props = {ids.REGION: "data", ids.SELECTED: "data"}
    r = call(
        client,
        [(ids.VIEW_QUERY, "data")],
        [(k, props.get(k, "value"), v) for k, v in values.items()],
        [(ids.LANG, "data", "zh")],
    )
    assert r.status_code == 200, r.data[:300]
    out = json.loads(r.data)["response"]
    # the language link is this address in the other language (assets/atlas.js pushView)
    search = out[ids.VIEW_QUERY]["data"]["q"]
    return search, search.replace("lang=zh", "lang=en")


def test_indicator_switch_sends_values_only(client):
    r = _update(client, "migrant")
    payload = ok(r)
    raw = r.data
    patch = payload[ids.MAP]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    paths = {tuple(op["location"]) for op in patch["operations"]}
    assert ("data", 0, "z") in paths and ("data", 0, "text") in paths
    assert not any("geojson" in p or "locations" in p or "customdata" in p for p in paths)
    assert len(raw) < 30_000 * 2  # uncompressed; gzip on the wire is far smaller
    assert payload[ids.NOTICE]["hidden"] is False
    assert payload[ids.NOTICE]["children"].startswith("当前显示的是合成演示数据")
    assert sync_url(client, **{ids.INDICATOR: "migrant"})[0].startswith("?indicator=migrant&")


def test_classification_schemes(client):
    seen = {}
    for scheme in ("quantiles", "fisher_jenks", "equal_interval", "std_mean"):
        z = map_values(ok(_update(client, "left_behind", scheme=scheme)))
        assert len(z) >= 2800 and max(z) >= 4, scheme  # every county, several classes
        seen[scheme] = tuple(z)
    assert len(set(seen.values())) == 4  # each scheme classes the counties differently


def test_every_indicator_renders(client, dash_app):
    from geodata import indicators

    for ind in indicators.all_indicators():
        response = ok(_update(client, ind.id, period="2026-H1"))
        z = map_values(response)
        assert len(z) >= 2800 and max(z) >= 1, ind.id
        assert response[ids.DEFINITION]["children"], ind.id


def test_a_failing_callback_is_caught_by_the_check(client, dash_app, monkeypatch):
    """``ok`` fails when the callback raised, though Dash still answered 200."""
    import pytest

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(map_views, "map_patch", boom)
    r = _update(client, "migrant")
    assert r.status_code == 200
    with pytest.raises(AssertionError):
        ok(r)


def test_palette_pooled_and_user_breaks(client):
    payload = ok(_update(client, "left_behind", palette="Blues", pooled=["pooled"]))
    ops = {
        tuple(o["location"]): o["params"].get("value")
        for o in payload[ids.MAP]["figure"]["operations"]
    }
    assert ops[("data", 0, "colorscale")][-1][1] == "#084594"  # darkest blue
    search, _ = sync_url(client, **{ids.PALETTE: "Blues", ids.POOLED: ["pooled"]})
    assert "palette=Blues" in search and "pooled=1" in search
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


def test_url_holds_the_whole_view_and_restores_it(client, dash_app):
    """Every control is in the URL; ViewState reads back exactly the same view."""
    from urllib.parse import parse_qs

    from dashboard.pages.explorer.layout import view_state

    atlas = dash_app.atlas
    pid = int(atlas.store.programmes()["id"].iloc[0])
    view = {
        ids.INDICATOR: "left_behind_rate",
        ids.PERIOD: "2025-H2",
        ids.SCHEME: "fisher_jenks",
        ids.REGION: "510000",
        ids.SELECTED: "510722",
        ids.PALETTE: "PuOr",
        ids.MODE: "gistar",
        ids.PERMUTATIONS: 199,
        ids.SEED: 7,
        ids.FDR: ["fdr"],
        ids.LAYERS: ["facilities", "programme"],
        ids.PROGRAMME: pid,
        ids.PFILTER: ["only"],
    }
    search, _ = sync_url(client, **view)
    q = {k: v[0] for k, v in parse_qs(search[1:]).items()}
    assert q == {
        "indicator": "left_behind_rate",
        "period": "2025-H2",
        "scheme": "fisher_jenks",
        "lang": "zh",
        "region": "510000",
        "county": "510722",
        "palette": "PuOr",
        "mode": "gistar",
        "perm": "199",
        "seed": "7",
        "fdr": "1",
        "layers": "facilities,programme",
        "programme": str(pid),
        "pfilter": "1",
    }
    state = view_state(atlas, search)
    assert (state.mode, state.perm, state.seed, state.fdr) == ("gistar", 199, 7, True)
    assert state.layers == ("facilities", "programme")
    assert (state.programme, state.pfilter, state.county) == (pid, True, "510722")
    # Defaults stay out of the link; junk in a link falls back to defaults.
    plain, _ = sync_url(client)
    assert "mode" not in plain and "layers" not in plain and "perm" not in plain
    junk = view_state(atlas, "?mode=evil&perm=1e99&layers=x,facilities&programme=99999&k=-3")
    assert (junk.mode, junk.perm, junk.k) == ("values", 999, 20)
    assert junk.layers == ("facilities",) and junk.programme is None


def test_link_with_an_analysis_mode_opens_with_its_map_and_table(client, dash_app):
    """A shared link to a cluster map shows the clusters at once, not the values."""
    from dashboard.pages.explorer.layout import view_state

    atlas = dash_app.atlas
    fig = map_views.view_figure(atlas, view_state(atlas, "?mode=lisa&perm=99"))
    title = fig["data"][0]["colorbar"]["title"]["text"]
    assert "莫兰" in title or "LISA" in title or "聚类" in title
    assert max(fig["data"][0]["z"]) <= 4  # cluster categories, not value classes


def test_overlays_fill_their_traces_only(client, dash_app):
    from dashboard.figures import TRACE

    atlas = dash_app.atlas
    pid = int(atlas.store.programmes()["id"].iloc[0])
    inputs = [
        (ids.LAYERS, "value", ["facilities", "programme"]),
        (ids.PROGRAMME, "value", pid),
        (ids.REGION, "data", None),
        (ids.PERIOD, "value", "2026-H1"),
        (ids.SELECTED, "data", "510722"),
        (ids.PROG_DRAFT_CODES, "data", None),
    ]
    key = callback_key(dash_app, f"{ids.MAP}.figure", ids.LAYERS)
    r = call(client, [(ids.MAP, "figure")], inputs, [(ids.LANG, "data", "en")], key=key)
    ops = ok(r)[ids.MAP]["figure"]["operations"]
    touched = {op["location"][1] for op in ops}
    assert touched == {TRACE[k] for k in ("homes", "centres", "programme", "selected")}
    val = {tuple(op["location"]): op["params"].get("value") for op in ops}
    home_cells = val[("data", TRACE["homes"], "lon")]
    assert 300 < len(home_cells) < 3000  # binned nationally, not 30,000 single points
    assert val[("data", TRACE["centres"], "lon")] == []  # both kinds share the cells
    assert "children's homes" in val[("data", TRACE["homes"], "text")][0]
    assert "SYNTHETIC" in val[("data", TRACE["homes"], "text")][0].upper()
    assert None in val[("data", TRACE["programme"], "lon")]  # rings separated
    assert len(val[("data", TRACE["selected"], "lon")]) > 10
    # In a province every facility is its own point, of its own kind.
    inputs[2] = (ids.REGION, "data", "510000")
    r = call(client, [(ids.MAP, "figure")], inputs, [(ids.LANG, "data", "zh")], key=key)
    val = {
        tuple(op["location"]): op["params"].get("value")
        for op in json.loads(r.data)["response"][ids.MAP]["figure"]["operations"]
    }
    pts = atlas.facility_points("2026-H1")
    in_sichuan = pts["code"].str.startswith("51")
    homes = int((in_sichuan & (pts["kind"] == "children_home")).sum())
    assert len(val[("data", TRACE["homes"], "lon")]) == homes
    assert len(val[("data", TRACE["centres"], "lon")]) == int(in_sichuan.sum()) - homes
    # Layers off: every overlay empty except the selected county's outline.
    inputs[0] = (ids.LAYERS, "value", [])
    r = call(client, [(ids.MAP, "figure")], inputs, [(ids.LANG, "data", "zh")], key=key)
    val = {
        tuple(op["location"]): op["params"].get("value")
        for op in json.loads(r.data)["response"][ids.MAP]["figure"]["operations"]
    }
    assert val[("data", TRACE["homes"], "lon")] == [] == val[("data", TRACE["programme"], "lon")]
    assert val[("data", TRACE["selected"], "lon")]
