"""Quantised TopoJSON of the web layers: what the browser downloads instead of GeoJSON.

The web county layer is a coverage (``shapely.coverage_simplify``: neighbours share
one edge) snapped to a grid of :data:`QUANTUM` degrees. GeoJSON writes every shared
border twice and every coordinate as decimal text; TopoJSON writes each border once,
as integer steps on that same grid (delta-encoded), so the file is several times
smaller while decoding to exactly the same coordinates: the same map, vertex for
vertex. The province outlines go into the same topology and reuse the counties'
borders (they were dissolved from the same counties).

The browser decodes it with topojson-client (``dashboard/static``, ``assets/atlas.js``)
before plotly.js asks for the GeoJSON URL; plotly.js draws the decoded features.

How borders become arcs: each ring is cut wherever the set of rings using the edge
before a vertex differs from the set using the edge after it (a junction of three
units, or the end of a shared stretch). Rings of the same coverage are then cut at the
same vertices, so a border between two units is the same vertex run in both, kept
once and referred to backwards (``~i``) by the second unit. A ring with no cut (an
island, an enclave) is one arc, started at its smallest vertex so that an enclave and
the hole around it still match. Edges that do not match exactly are simply kept twice:
the result is always exact, sharing only makes it smaller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import shapely

#: Grid of the web layer's coordinates (``LayerParams.grid``), in degrees.
QUANTUM = 1e-4

Point = tuple[int, int]


def _rings(geom) -> list[list[np.ndarray]]:
    """Polygons of ``geom`` as lists of closed rings (exterior first)."""
    out = []
    for poly in shapely.get_parts(geom):
        if shapely.get_type_id(poly) != 3 or poly.is_empty:
            continue
        out.append(
            [np.asarray(poly.exterior.coords)[:, :2]]
            + [np.asarray(r.coords)[:, :2] for r in poly.interiors]
        )
    return out


def _quantise(ring: np.ndarray, origin: tuple[float, float], quantum: float) -> list[Point]:
    """Ring vertices as integer grid points, without repeats; closed (last == first)."""
    q = np.rint((ring - np.asarray(origin)) / quantum).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    pts = [(int(x), int(y)) for x, y in q[keep]]
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return pts


def topology(layers: dict[str, Iterable[tuple[str, object]]], quantum: float = QUANTUM) -> dict:
    """TopoJSON of named layers of ``(id, polygonal geometry)``, exact on the grid.

    Parameters
    ----------
    layers : dict
        Object name -> iterable of (feature id, shapely Polygon or MultiPolygon).
    quantum : float
        Grid step in degrees; coordinates are rounded to it (the web layer is already on it).

    Examples
    --------
    Two unit squares side by side share their middle edge, which is written once:

    >>> from shapely import box
    >>> topo = topology({"units": [("a", box(0, 0, 1, 1)), ("b", box(1, 0, 2, 1))]}, 1.0)
    >>> len(topo["arcs"]), [g["id"] for g in topo["objects"]["units"]["geometries"]]
    (3, ['a', 'b'])
    >>> decode(topo)["units"]["b"].equals_exact(box(1, 0, 2, 1).normalize(), 1e-9)
    True
    """
    feats: dict[str, list[tuple[str, bool, list[list[list[Point]]]]]] = {}
    materialised = {name: list(items) for name, items in layers.items()}
    bounds = np.array(
        [shapely.bounds(g) for items in materialised.values() for _, g in items if not g.is_empty]
    )
    origin = (float(np.floor(bounds[:, 0].min())), float(np.floor(bounds[:, 1].min())))
    rings: list[list[Point]] = []
    for name, items in materialised.items():
        feats[name] = []
        for fid, geom in items:
            polys = []
            for poly in _rings(geom):
                # A ring that the grid collapses (under three distinct points) is left out;
                # on the web layer's own grid none does.
                kept = [q for r in poly if len(q := _quantise(r, origin, quantum)) >= 4]
                if kept and len(_quantise(poly[0], origin, quantum)) >= 4:
                    polys.append(kept)
                    rings.extend(kept)
            multi = shapely.get_type_id(geom) == 6
            feats[name].append((str(fid), multi, polys))

    # Which rings use each undirected edge.
    owners: dict[tuple[Point, Point], list[int]] = {}
    for i, ring in enumerate(rings):
        for a, b in zip(ring[:-1], ring[1:], strict=True):
            key = (a, b) if a < b else (b, a)
            users = owners.setdefault(key, [])
            if not users or users[-1] != i:
                users.append(i)

    arcs: list[list[Point]] = []
    index: dict[tuple[Point, ...], int] = {}

    def arc_of(chain: list[Point]) -> int:
        fwd, rev = tuple(chain), tuple(reversed(chain))
        key = min(fwd, rev)
        k = index.get(key)
        if k is None:
            k = index[key] = len(arcs)
            arcs.append(list(key))
        return k if key == fwd else ~k

    def ring_arcs(ring: list[Point]) -> list[int]:
        n = len(ring) - 1
        edge_owner = []
        for a, b in zip(ring[:-1], ring[1:], strict=True):
            edge_owner.append(tuple(owners[(a, b) if a < b else (b, a)]))
        cuts = [i for i in range(n) if edge_owner[i - 1] != edge_owner[i]]
        if not cuts:  # one arc: start at the smallest vertex, so that twins match
            start = min(range(n), key=ring.__getitem__)
            return [arc_of(ring[start:n] + ring[: start + 1])]
        out = []
        for j, c in enumerate(cuts):
            end = cuts[j + 1] if j + 1 < len(cuts) else cuts[0] + n
            chain = ring[c : end + 1] if end <= n else ring[c:n] + ring[: end - n + 1]
            out.append(arc_of(chain))
        return out

    objects = {}
    for name, items in feats.items():
        geometries = []
        for fid, multi, polys in items:
            coded = [[ring_arcs(r) for r in poly] for poly in polys]
            if len(coded) == 1 and not multi:
                geometries.append({"type": "Polygon", "id": fid, "arcs": coded[0]})
            elif coded:
                geometries.append({"type": "MultiPolygon", "id": fid, "arcs": coded})
            else:
                geometries.append({"type": None, "id": fid})
        objects[name] = {"type": "GeometryCollection", "geometries": geometries}

    encoded = []
    for arc in arcs:
        a = np.asarray(arc, dtype=np.int64)
        a[1:] = np.diff(a, axis=0)
        encoded.append(a.tolist())
    return {
        "type": "Topology",
        "transform": {"scale": [quantum, quantum], "translate": list(origin)},
        "objects": objects,
        "arcs": encoded,
    }


def to_bytes(topo: dict) -> bytes:
    """Compact JSON text of a topology."""
    return json.dumps(topo, separators=(",", ":")).encode()


def decode(topo: dict) -> dict[str, dict[str, object]]:
    """Shapely geometries by object and id (what topojson-client gives the browser).

    Used by the tests to check that the topology is exact; the page decodes in
    JavaScript.
    """
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        arcs.append(np.column_stack([a[:, 0] * sx + tx, a[:, 1] * sy + ty]))

    def ring(refs: list[int]) -> np.ndarray:
        parts = []
        for k, ref in enumerate(refs):
            pts = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
            parts.append(pts if k == 0 else pts[1:])
        return np.concatenate(parts)

    out: dict[str, dict[str, object]] = {}
    for name, obj in topo["objects"].items():
        geoms = {}
        for g in obj["geometries"]:
            polys = {"Polygon": [g.get("arcs")], "MultiPolygon": g.get("arcs")}.get(g["type"], [])
            shapes = [shapely.Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys]
            multi = g["type"] == "MultiPolygon"
            geoms[g["id"]] = (
                shapely.MultiPolygon(shapes)
                if multi
                else (shapes[0] if shapes else shapely.Polygon())
            )
        out[name] = {k: v.normalize() for k, v in geoms.items()}
    return out
