"""The quantised topology the page downloads: exact, and each shared border once."""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely import Polygon, box

from geodata.boundaries import layers as layer_mod
from geodata.boundaries import topology


def _arc_uses(topo: dict) -> dict[int, int]:
    uses: dict[int, int] = {}

    def walk(x):
        if isinstance(x, list):
            for y in x:
                walk(y)
        elif isinstance(x, int):
            k = x if x >= 0 else ~x
            uses[k] = uses.get(k, 0) + 1

    for obj in topo["objects"].values():
        for g in obj["geometries"]:
            walk(g.get("arcs", []))
    return uses


def test_neighbours_share_their_border_once_and_decode_exactly():
    # a row of three squares on a long unit below: junctions of three
    units = [
        ("a", box(0, 0, 1, 1)),
        ("b", box(1, 0, 2, 1)),
        ("c", box(2, 0, 3, 1)),
        ("d", Polygon([(0, -1), (3, -1), (3, 0), (2, 0), (1, 0), (0, 0)])),
    ]
    topo = topology.topology({"u": units}, 0.5)
    decoded = topology.decode(topo)["u"]
    for code, geom in units:
        assert decoded[code].equals_exact(shapely.normalize(geom), 1e-12), code
    uses = _arc_uses(topo)
    # the five borders between units are written once and used twice; the outline once
    assert sorted(uses.values()).count(2) == 5 and max(uses.values()) == 2
    assert len(json.dumps(topo["arcs"])) < len(
        json.dumps([list(g.exterior.coords) for _, g in units])
    )


def test_an_enclave_and_the_hole_around_it_are_one_arc():
    outer = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(3, 3), (3, 6), (6, 6), (6, 3)]])
    inner = Polygon([(3, 3), (6, 3), (6, 6), (3, 6)])
    topo = topology.topology({"u": [("outer", outer), ("inner", inner)]}, 1.0)
    assert len(topo["arcs"]) == 2  # the outline, and the enclave's border written once
    decoded = topology.decode(topo)["u"]
    assert decoded["outer"].equals_exact(shapely.normalize(outer), 1e-12)
    assert decoded["inner"].equals_exact(shapely.normalize(inner), 1e-12)


def test_multipolygons_keep_their_type_and_a_collapsed_ring_is_dropped():
    islands = shapely.MultiPolygon([box(0, 0, 1, 1), box(5, 5, 6, 6)])
    tiny_hole = Polygon([(0, 0), (9, 0), (9, 9), (0, 9)], [[(4, 4), (4.1, 4), (4.1, 4.1)]])
    topo = topology.topology({"u": [("m", islands), ("h", tiny_hole)]}, 1.0)
    types = {g["id"]: g["type"] for g in topo["objects"]["u"]["geometries"]}
    assert types == {"m": "MultiPolygon", "h": "Polygon"}
    decoded = topology.decode(topo)["u"]
    assert decoded["m"].equals_exact(shapely.normalize(islands), 1e-12)
    assert decoded["h"].equals_exact(shapely.normalize(Polygon(tiny_hole.exterior)), 1e-12)


def test_real_layer_topology_is_the_web_layer_vertex_for_vertex(layers):
    """What the browser decodes is what the GeoJSON says, for every county and province."""
    layer_mod.ensure_topology(layers)
    topo = json.loads(layers.topology_path.read_text())
    assert topo["transform"]["scale"] == [layers.meta["params"]["grid"]] * 2
    decoded = topology.decode(topo)
    web = layers.counties_web
    assert list(decoded["counties"]) == list(web.index)
    for code, geom in zip(web.index, web.geometry.values, strict=True):
        assert decoded["counties"][code].equals_exact(shapely.normalize(geom), 1e-7), code
    prov = layer_mod.main_frame_provinces(layers)
    for code, geom in zip(prov.index, prov.geometry.values, strict=True):
        assert decoded["provinces"][code].equals_exact(shapely.normalize(geom), 1e-7), code
    # The provinces reuse the counties' borders: nearly no arc of their own.
    county_arcs = set()
    for g in topo["objects"]["counties"]["geometries"]:
        county_arcs |= {a if a >= 0 else ~a for a in np.ravel(_flatten(g["arcs"]))}
    own = {a if a >= 0 else ~a for g in topo["objects"]["provinces"]["geometries"]
           for a in _flatten(g["arcs"])} - county_arcs  # fmt: skip
    assert len(own) < 0.01 * len(topo["arcs"])
    raw = layers.topology_path.stat().st_size
    assert raw < 0.5 * layers.meta["geojson_bytes"]  # decimal text and shared borders gone


def _flatten(x) -> list[int]:
    if isinstance(x, list):
        return [z for y in x for z in _flatten(y)]
    return [x]
