"""Static files (dashboard.web.static): content-hashed URLs, long caching, precompression,
the Atlas's plotly.js bundle, and 304s for the layout on a second visit."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest

from dashboard.presenters import map as map_views
from dashboard.web import static
from geodata.boundaries import topology

ROOT = Path(__file__).resolve().parents[3]


def _index(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_plotly_bundle_is_the_version_plotly_python_expects():
    from plotly.offline import get_plotlyjs_version

    head = static.PLOTLY_BUNDLE.read_bytes()[:400].decode()
    assert f"plotly.js v{get_plotlyjs_version()}\n" in head, (
        "plotly was upgraded: rebuild with scripts/build_plotly_bundle.sh after pinning "
        "the same plotly.js in scripts/plotly-bundle/package.json"
    )
    assert "Licensed under the MIT license" in head
    assert (static.VENDOR_DIR / "plotly.js.LICENSE.txt").read_text().startswith("MIT License")
    pinned = json.loads((ROOT / "scripts/plotly-bundle/package.json").read_text())
    assert pinned["dependencies"]["plotly.js"] == get_plotlyjs_version()


def test_plotly_bundle_has_every_trace_type_the_atlas_draws():
    """A new trace class under dashboard/ (go.Bar, ...) needs a rebuilt bundle."""
    head = static.PLOTLY_BUNDLE.read_bytes()[:400].decode()
    bundled = set(re.search(r"traces ([a-z, ]+)\n", head)[1].split(", "))
    build = (ROOT / "scripts/plotly-bundle/build.js").read_text()
    assert bundled == set(re.findall(r"'(\w+)'", re.search(r"TRACES = \[(.*?)\]", build)[1]))
    # In a child interpreter: CPython 3.11's ast.parse is not safe beside another thread
    # building an AST ("SystemError: AST constructor recursion depth mismatch", seen once
    # in a fresh CI run), and this process runs the apps' background warm-up threads.
    child = subprocess.run(
        [sys.executable, "-c", _TRACE_SCAN, str(ROOT / "dashboard"), json.dumps(sorted(_TRACE_NAMES))],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    used = set(json.loads(child.stdout))
    assert used and used <= bundled | {"scatter"}  # scatter is in plotly's core


#: The trace types the code under a folder draws: go.<Trace>(...) and {"type": ...} dicts.
_TRACE_SCAN = """
import ast, json, pathlib, sys
names = set(json.loads(sys.argv[2]))
used = set()
for py in pathlib.Path(sys.argv[1]).rglob("*.py"):
    for node in ast.walk(ast.parse(py.read_text())):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "go" and node.attr[0].isupper()
                and node.attr not in ("Figure", "FigureWidget", "layout")):
            used.add(node.attr.lower())
        if isinstance(node, ast.Dict):  # {"type": "choropleth", ...} figure dicts
            for k, v in zip(node.keys, node.values, strict=True):
                if (isinstance(k, ast.Constant) and k.value == "type"
                        and isinstance(v, ast.Constant) and v.value in names):
                    used.add(v.value)
print(json.dumps(sorted(used)))
"""


_TRACE_NAMES = {"choropleth", "scattergeo", "scattergl", "table", "bar", "scatter", "heatmap",
                "histogram", "pie", "choroplethmap", "scattermap"}  # fmt: skip


def test_vendored_files_are_content_hashed_immutable_and_brotli(client, dash_app):
    url = static.vendor_url(static.PLOTLY_BUNDLE)
    static.precompressed(dash_app.server).build(static.PLOTLY_BUNDLE)
    r = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "br"
    assert r.headers["Cache-Control"] == static.IMMUTABLE
    assert brotli.decompress(r.data) == static.PLOTLY_BUNDLE.read_bytes()
    g = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert g.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(g.data) == static.PLOTLY_BUNDLE.read_bytes()
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.data == static.PLOTLY_BUNDLE.read_bytes()
    # another digest, or a file that is not vendored: 404
    assert client.get(url.replace(static.digest(static.PLOTLY_BUNDLE), "0" * 16)).status_code == 404
    key = static.digest(static.PLOTLY_BUNDLE)
    assert client.get(f"/static/{key}/plotly.js.LICENSE.txt").status_code == 404
    assert client.get(f"/static/{key}/..%2Fweb%2Fstatic.py").status_code == 404


def test_dash_bundles_are_immutable_and_served_from_the_precompressed_copy(client, dash_app):
    page = _index(client)
    src = next(s for s in re.findall(r'<script src="([^"]+)"', page) if "dash_renderer" in s)
    file = static.source_of(src, dash_app.config.assets_folder)
    assert file is not None and file.name == "dash_renderer.min.js"
    static.precompressed(dash_app.server).build(file)
    r = client.get(src, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "br"
    assert r.headers["Cache-Control"] == static.IMMUTABLE
    assert r.data == static.precompressed(dash_app.server).get(file, "br")  # quality 11
    assert brotli.decompress(r.data) == file.read_bytes()


def test_assets_are_named_by_their_bytes_and_cached_for_good(client, dash_app):
    page = _index(client)
    urls = re.findall(r'(?:href|src)="(/assets/[^"]+)"', page)
    assert urls and all(re.search(r"\?v=[0-9a-f]{16}$", u) for u in urls), urls
    assert any("favicon.ico" in u for u in urls)  # small, and cached: not Dash's 15 KB one
    css = next(u for u in urls if "atlas.css" in u)
    r = client.get(css)
    assert r.status_code == 200 and r.headers["Cache-Control"] == static.IMMUTABLE
    # never revalidated, never a download: no validators or disposition to send
    assert not {"ETag", "Last-Modified", "Content-Disposition"} & set(r.headers.keys())
    stale = client.get(css.split("?")[0] + "?v=" + "0" * 16)
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert "ETag" in stale.headers or "Last-Modified" in stale.headers  # revalidated
    icon = client.get(next(u for u in urls if "favicon.ico" in u))
    assert icon.status_code == 200 and len(icon.data) < 600  # one 32 px PNG in the icon


def test_layout_and_dependencies_answer_304_when_unchanged(client):
    for path in ("/_dash-layout", "/_dash-dependencies"):
        first = client.get(path, headers={"Accept-Encoding": "br"})
        assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
        tag = first.headers["ETag"]
        assert tag.endswith(':br"')  # Flask-Compress marks the coding on the tag
        again = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": tag})
        assert again.status_code == 304 and again.data == b""
        other = client.get(path, headers={"If-None-Match": '"0000"'})
        assert other.status_code == 200 and other.data


def test_topology_served_precompressed_and_decodes_to_the_geojson(client, dash_app):
    spec = map_views.topology_spec(dash_app.atlas)
    assert spec is not None
    r = client.get(spec["url"], headers={"Accept-Encoding": "gzip, br"})
    assert r.status_code == 200 and r.headers["Cache-Control"] == static.IMMUTABLE
    body = (
        brotli.decompress(r.data)
        if r.headers.get("Content-Encoding") == "br"
        else (gzip.decompress(r.data) if r.headers.get("Content-Encoding") == "gzip" else r.data)
    )
    decoded = topology.decode(json.loads(body))
    geo = json.loads(gzip.decompress(client.get(spec["objects"]["counties"],
                                                headers={"Accept-Encoding": "gzip"}).data))  # fmt: skip
    import shapely

    assert len(decoded["counties"]) == len(geo["features"])
    for f in geo["features"][::97]:
        assert decoded["counties"][f["id"]].equals_exact(
            shapely.normalize(shapely.geometry.shape(f["geometry"])), 1e-7
        ), f["id"]
    key = dash_app.atlas.layers.meta["key"]
    assert client.get(f"/geo/{key}/topology-v0.json").status_code == 404
    assert client.get(spec["url"].replace(key, "0" * 12)).status_code == 404


@pytest.mark.parametrize(
    ("header", "want"),
    [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("", None), ("br;q=0, gzip;q=0", None)],
)
def test_accepted_encoding(header, want):
    assert static.accepted(header) == want


def test_precompress_all_covers_every_script_of_the_page(dash_app, client):
    static.precompress_all(dash_app)
    store = static.precompressed(dash_app.server)
    page = _index(client)
    for src in re.findall(r'<script src="([^"]+)"', page):
        file = static.source_of(src.split("?")[0], dash_app.config.assets_folder)
        assert file is not None, src
        if file.stat().st_size >= 500:
            assert store.get(file, "br") is not None and store.get(file, "gzip") is not None, src
