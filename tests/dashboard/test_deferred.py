"""First paint (dashboard.deferred): the map first; the charts, the grid and its bundle after."""

from __future__ import annotations

import html
import json
import re

from dashboard import ids
from dashboard.deferred import GEOMETRY_META, META_NAME, PLOTLY_META, split_scripts
from tests.dashboard.test_map_callbacks import call


def test_split_scripts_keeps_order_and_other_bundles():
    tags = "\n".join(
        f'<script src="{u}"></script>'
        for u in (
            "/_dash-component-suites/dash/deps/react.js",
            "/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35m1.min.js",
            "/assets/atlas.js?m=1",
            "/_dash-component-suites/dash_ag_grid_extra/x.js",
        )
    )
    kept, later = split_scripts(tags)
    assert later == ["/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35m1.min.js"]
    assert re.findall(r'src="([^"]+)"', kept) == [
        "/_dash-component-suites/dash/deps/react.js",
        "/assets/atlas.js?m=1",
        "/_dash-component-suites/dash_ag_grid_extra/x.js",  # another package, kept
    ]
    assert split_scripts("") == ("", [])


def test_index_page_names_the_grid_bundle_instead_of_loading_it(client):
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and not any("dash_ag_grid" in s for s in scripts)
    assert any(s.startswith("/assets/atlas.js") for s in scripts)  # the loader
    meta = re.search(rf'<meta name="{META_NAME}" content="([^"]*)">', page)
    assert meta, "the deferred bundles are named for the loader"
    later = meta.group(1).split()
    bundles = [u for u in later if "/_dash-component-suites/" in u]
    assert sorted(u.split("/")[-2] for u in bundles) == ["dash_ag_grid", "dash_table"]
    assert not any("/dash_table/" in s for s in scripts)
    # The page's own after-paint scripts come first, content-hashed, and not in the page.
    own = [u.split("?")[0] for u in later[: len(later) - len(bundles)]]
    assert own == ["/assets/exports.later.js", "/assets/grid.later.js", "/assets/legend.later.js"]
    assert not any(".later.js" in s for s in scripts)
    for u in later[: len(own)]:
        r = client.get(u.replace("&amp;", "&"))
        assert r.status_code == 200 and r.headers["Cache-Control"].endswith("immutable"), u
    (url,) = [u for u in later if "/dash_ag_grid/" in u]
    bundle = client.get(url)
    assert bundle.status_code == 200 and len(bundle.data) > 500_000  # the real bundle


def test_index_page_preloads_the_atlas_plotly_bundle_that_the_graph_asks_for(client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<link rel="preload" as="script"[^>]* href="([^"]+)">', page)
    assert len(links) == 1 and re.fullmatch(r"/static/[0-9a-f]{16}/plotly-atlas\.min\.js", links[0])
    # the same URL is what assets/atlas.js hands to dcc.Graph
    assert f'<meta name="{PLOTLY_META}" content="{links[0]}">' in page
    js = client.get(links[0])
    assert js.status_code == 200 and b"plotly.js v" in js.data[:200]
    assert "_dash-component-suites/plotly/package_data/plotly.min.js" not in page


def test_index_page_preloads_the_topology_and_names_what_it_stands_for(client, dash_app):
    page = client.get("/").get_data(as_text=True)
    (url,) = re.findall(r'<link rel="preload" as="fetch"[^>]* href="([^"]+)">', page)
    spec = json.loads(
        html.unescape(re.search(rf'<meta name="{GEOMETRY_META}" content="([^"]*)">', page)[1])
    )
    assert spec["url"] == url
    key = dash_app.atlas.layers.meta["key"]
    assert spec["objects"] == {
        "counties": f"/geo/{key}/counties.geojson",
        "provinces": f"/geo/{key}/provinces.geojson",
    }
    assert set(spec["world"]) == {"world_110m", "world_50m"}  # plotly's stubs, not fetched
    assert client.get(url).status_code == 200
    # topojson-client is loaded before the decoder in assets/atlas.js
    scripts = re.findall(r'<script src="([^"]+)"', page)
    topo = next(i for i, s in enumerate(scripts) if "topojson-client" in s)
    assert topo < next(i for i, s in enumerate(scripts) if "/assets/atlas.js" in s)


def _layout_nodes(client):
    def walk(node):
        if isinstance(node, dict):
            if "type" in node and "props" in node:
                yield node
            for v in node.values():
                yield from walk(v)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v)

    return list(walk(client.get("/_dash-layout").get_json()))


def test_first_page_has_no_grid_and_empty_charts(client):
    nodes = _layout_nodes(client)
    assert not [n for n in nodes if n["namespace"] == "dash_ag_grid"]
    by_id = {n["props"].get("id"): n for n in nodes if isinstance(n["props"].get("id"), str)}
    assert by_id[ids.PAINTED]["props"]["data"] is False
    assert by_id[ids.BUNDLES]["props"]["data"] is False
    assert ids.TABLE_SLOT in by_id
    for chart in (ids.DIST, ids.SCATTER):
        assert by_id[chart]["props"]["figure"]["data"] == []


def test_grid_arrives_after_paint_and_the_store_holds_the_table(client, dash_app):
    def call_fill(loaded):
        return call(
            client,
            [(ids.TABLE_SLOT, "children"), (ids.TABLE_CSV, "disabled")],
            [(ids.BUNDLES, "data", loaded)],
            [(ids.LANG, "data", "en")],
        )

    early = call_fill(False)  # not before the map has painted
    assert early.status_code == 204 or not json.loads(early.data)["response"]
    out = json.loads(call_fill(True).data)["response"]
    grid = out[ids.TABLE_SLOT]["children"]
    assert grid["namespace"] == "dash_ag_grid" and grid["props"]["id"] == ids.ANALYSIS_TABLE
    assert out[ids.TABLE_CSV]["disabled"] is False
    # A bundle that failed to load: a message in the grid's place, CSV stays off.
    failed = json.loads(call_fill("failed").data)["response"]
    assert "could not be loaded" in json.dumps(failed[ids.TABLE_SLOT]["children"])
    assert failed[ids.TABLE_CSV]["disabled"] is True
    # What the grid shows is in the first page already, in the table Store.
    store = next(n for n in _layout_nodes(client) if n["props"].get("id") == ids.TABLE_DATA)
    table = store["props"]["data"]
    assert len(table["rows"]) == 50 and table["defs"]
    assert "SYNTHETIC" in table["csv"]["fileName"]


def test_table_data_follows_the_view(dash_app):
    from dashboard.pages.explorer.layout import view_state
    from dashboard.pages.explorer.table_card import table_data

    atlas = dash_app.atlas
    sichuan = table_data(atlas, view_state(atlas, "?region=510000"))["rows"]
    assert sichuan and all(str(row["code"]).startswith("51") for row in sichuan)
    plain = table_data(atlas, view_state(atlas, ""))
    lisa = table_data(atlas, view_state(atlas, "?mode=lisa&perm=99"))
    fields = [c.get("field") for c in lisa["defs"]]
    assert fields != [c.get("field") for c in plain["defs"]]  # a link to a cluster map


def test_charts_wait_for_the_painted_map(client, dash_app):
    outputs = [(ids.DIST, "figure"), (ids.SCATTER, "figure")]
    inputs = [
        (ids.INDICATOR, "value", "left_behind"),
        (ids.PERIOD, "value", "2026-H1"),
        (ids.SCHEME, "value", "quantiles"),
        (ids.REGION, "data", ""),
        (ids.SELECTION, "data", []),
        (ids.PALETTE, "value", "auto"),
        (ids.POOLED, "value", []),
        (ids.BREAKS, "value", ""),
        (ids.PROGRAMME, "value", None),
        (ids.PFILTER, "value", []),
    ]

    def charts(painted):
        return call(
            client,
            outputs,
            [*inputs, (ids.PAINTED, "data", painted)],
            [(ids.LANG, "data", "zh")],
            changed=f"{ids.PAINTED}.data",
        )

    early = charts(False)
    assert early.status_code == 204 or not json.loads(early.data)["response"]
    r = charts(True)
    assert r.status_code == 200
    out = json.loads(r.data)["response"]
    assert len(out[ids.DIST]["figure"]["data"]) > 0
    assert len(out[ids.SCATTER]["figure"]["data"]) > 0
