"""Page-load benchmark: navigation to painted map, the Atlas against a plotly.js-only page.

The Atlas (``python app.py serve``) and a *floor* page run side by side and are loaded
alternately in headless chromium (Playwright): the floor is one static HTML file, served
by a tiny ``http.server``, that loads the same ``plotly.min.js`` the app serves (the
same bytes on the wire, same content encoding) and calls ``Plotly.newPlot`` with the
app's initial map figure (taken from the ``map`` graph of ``/_dash-layout``), the same
config and the same county and province GeoJSON by URL (copies of the app's gzipped
files), in a div of the size the app's map has.  No Dash, no React, no other controls.

"Painted" is the same for both pages: the first animation frame in which every county
and province path of the figure (``.geo .choroplethlocation``, counted once per page in
an unmeasured load) is in the DOM; its ``performance.now()`` is the time from navigation
start.  Each run opens a new browser context (empty cache: *cold*), loads the page, then
loads it again in a new tab of the same context (*warm* cache).  Between loads both
servers are left to go idle.

    python -m bench.bench_pageload --markdown          # 7 runs of each page
    python -m bench.bench_pageload --quick             # 3 runs
    python -m bench.bench_pageload --diagnose          # adds what-if variants of the app
    python -m bench.bench_pageload --profile           # adds JS CPU profiles per script
    python -m bench.bench_pageload --render out.json   # markdown of a saved --json run

Bytes (issue 17): for each load, what came over the wire (Resource Timing
``transferSize``, document included) until the map painted and in the whole visit
(until the network is idle); the warm load is the *second visit*. ``--county N`` adds
N cold+warm loads of each page over an emulated county-office link (Chrome DevTools
``Network.emulateNetworkConditions``: 4 Mbit/s down, 1 Mbit/s up, 100 ms round trip),
where bytes dominate.

``--diagnose`` adds variants of the app page that change only what the browser sees
(Playwright routes, no app code changes; see ``WHAT_IF``): no callbacks at load (every
``/_dash-update-component`` answered 204), the layout from a copy (no server time),
both, or the page without its ``plotly.min.js`` preload link.
``--profile`` adds three profiled cold loads of each page: JS self time per script,
chromium's task/script/layout durations, and every Plotly drawing call with its time.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bench_startup import (
    ROOT,
    Child,
    add_data_dir,
    emit,
    free_port,
    paired,
    port_open,
    prepare,
    results_head,
    server_env,
    settle,
    wait_for,
)

PY = sys.executable
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}
#: Content codings chromium offers to a local http:// origin.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
#: Issue 17's goals: painted map at most 1.0x the floor page (cold and warm), 0.6x on
#: the county-office link; at most 1.2 MB before the map paints, 2 MB in the whole first
#: visit, 50 KB in a second visit.
GOAL_RATIO = 1.0
GOALS = {
    "paint_cold": ("ratio", 1.0),
    "paint_warm": ("ratio", 1.0),
    "paint_county_cold": ("ratio", 0.6),
    "paint_county_warm": ("ratio", 0.6),
    "bytes_to_paint_cold": ("value", 1.2e6),
    "bytes_visit_cold": ("value", 2.0e6),
    "bytes_visit_warm": ("value", 50e3),
}
#: The county-office link (Chrome DevTools network emulation; bytes per second).
COUNTY_LINK = {
    "offline": False,
    "latency": 100,
    "downloadThroughput": 4_000_000 / 8,
    "uploadThroughput": 1_000_000 / 8,
}
#: ``dashboard.factory.warm_imports`` imports the analysis libraries this long after start.
WARM_IMPORT_DELAY = 20.0
PATHS = ".geo .choroplethlocation"

FLOOR_SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    routes = {}
    for path, r in json.load(open(sys.argv[1])).items():
        with open(r["file"], "rb") as f:
            routes[path] = (f.read(), r)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hit = routes.get(self.path.split("?", 1)[0])
            if hit is None:
                self.send_error(404)
                return
            body, r = hit
            self.send_response(200)
            self.send_header("Content-Type", r["type"])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", r["cache"])
            if r.get("encoding"):
                self.send_header("Content-Encoding", r["encoding"])
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
    """
)

FLOOR_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>floor: plotly.js only</title>
<style>body{{margin:0}}#map{{width:{w}px;height:{h}px}}</style></head>
<body><div id="map"></div>
<script src="/plotly.min.js"></script>
<script id="figure" type="application/json">{figure}</script>
<script>
const fig = JSON.parse(document.getElementById("figure").textContent);
Plotly.newPlot("map", fig.data, fig.layout, fig.config);
</script></body></html>
"""

#: Records ``window.__paint`` in the first frame with every path in the DOM.
PAINT_PROBE = """(() => {
  const want = %d;
  function tick() {
    if (document.querySelectorAll(%r).length >= want) {
      window.__paint = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();"""

#: With ``--profile``: logs every Plotly drawing call (graph, start, sync ms, resolved).
PLOTLY_SPY = """(() => {
  window.__plotlyCalls = [];
  let P;
  Object.defineProperty(window, 'Plotly', {configurable: true, get: () => P, set(v) {
    P = v;
    for (const m of ['newPlot', 'react', 'relayout', 'restyle', 'redraw', 'update']) {
      const orig = v[m];
      if (typeof orig !== 'function') continue;
      v[m] = function(gd, ...rest) {
        const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
        const id = el && (el.id || (el.parentElement && el.parentElement.id));
        const t0 = performance.now();
        const r = orig.call(this, gd, ...rest);
        const rec = {call: m, graph: id, start: t0, sync: performance.now() - t0, done: null};
        window.__plotlyCalls.push(rec);
        if (r && r.then) r.then(() => { rec.done = performance.now(); });
        return r;
      };
    }
  }});
})();"""

TIMELINE_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource').map(e => ({
    name: e.name, start: e.startTime, req: e.requestStart, ttfb: e.responseStart,
    end: e.responseEnd, wire: e.transferSize, raw: e.decodedBodySize}));
  return {origin: performance.timeOrigin, nav: {ttfb: nav.responseStart, end: nav.responseEnd,
          dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, wire: nav.transferSize,
          raw: nav.decodedBodySize}, res};
}"""


# --- servers and the floor page ------------------------------------------------------


def http_get(url: str, accept: str = "identity") -> tuple[bytes, dict]:
    """GET `url`; returns the body as sent on the wire and the headers."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": accept})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read(), dict(r.headers)


def link_layers(data_dir: Path) -> None:
    """Link the built layers of ``./data/cache`` into a data dir without any (as tests do)."""
    cache = data_dir / "cache"
    if any(cache.glob("layers-*")):
        return
    cache.mkdir(parents=True, exist_ok=True)
    for built in sorted((ROOT / "data" / "cache").glob("layers-*")):
        (cache / built.name).symlink_to(built.resolve(), target_is_directory=True)


def start_app(data_dir: Path) -> tuple[Child, str, dict, float]:
    """Start ``app.py serve``; returns (child, base URL, layout, perf_counter at start)."""
    port = free_port()
    t0 = time.perf_counter()
    args = [PY, "app.py", "serve", "--host", "127.0.0.1", "--port", str(port)]
    child = Child(args, env=server_env(data_dir), cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        layout = json.loads(wait_for(base + "/_dash-layout", time.monotonic() + 300, child))
    except BaseException:
        child.kill()
        raise
    return child, base, layout, t0


def map_props(layout: dict) -> dict:
    """Props of the ``map`` graph of a Dash layout."""
    stack: list[Any] = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id") == "map" and "figure" in props:
                return props
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise ValueError("no graph with id 'map' in the layout")


def geojson_urls(figure: dict) -> list[str]:
    """The GeoJSON URLs the figure's traces reference."""
    return sorted({t["geojson"] for t in figure["data"] if isinstance(t.get("geojson"), str)})


def plotly_js_path() -> Path:
    """plotly.js as shipped in the plotly package: the file Dash serves to dcc.Graph."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the plotly package is not installed")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def build_floor(tmp: Path, base: str, props: dict, size: tuple[int, int]) -> dict:
    """Write the floor page and its assets into `tmp`; returns the server's route table."""
    js = plotly_js_path()
    url = base + "/_dash-component-suites/plotly/package_data/plotly.min.js"
    plain, _ = http_get(url)
    if hashlib.sha256(plain).digest() != hashlib.sha256(js.read_bytes()).digest():
        raise RuntimeError(f"{url} is not {js}")
    wire, headers = http_get(url, ACCEPT_ENCODING)  # the app's bytes and coding
    routes: dict[str, dict] = {}
    immutable = "public, max-age=31536000, immutable"

    def add(path: str, data: bytes, ctype: str, encoding: str | None, cache: str) -> None:
        f = tmp / hashlib.sha1(path.encode()).hexdigest()
        f.write_bytes(data)
        routes[path] = {"file": str(f), "type": ctype, "encoding": encoding, "cache": cache}

    add("/plotly.min.js", wire, "text/javascript", headers.get("Content-Encoding"), immutable)
    fig = props["figure"]
    for u in geojson_urls(fig):
        data, h = http_get(base + u, "gzip")
        json.loads(gzip.decompress(data) if h.get("Content-Encoding") == "gzip" else data)
        add(u, data, "application/geo+json", h.get("Content-Encoding"), immutable)
    config = dict(props.get("config") or {})
    topo = config.get("topojsonURL")
    if topo:
        for f in sorted((ROOT / "assets" / topo.strip("/").removeprefix("assets/")).glob("*")):
            add(
                topo.rstrip("/") + "/" + f.name, f.read_bytes(), "application/json", None, immutable
            )
    figure = json.dumps({"data": fig["data"], "layout": fig.get("layout", {}), "config": config})
    html = FLOOR_HTML.format(w=size[0], h=size[1], figure=figure.replace("</", "<\\/"))
    add("/", gzip.compress(html.encode(), 6), "text/html; charset=utf-8", "gzip", "no-cache")
    return routes


def start_floor(tmp: Path, routes: dict) -> tuple[Child, str]:
    """Start the static floor server; returns (child, base URL)."""
    (tmp / "routes.json").write_text(json.dumps(routes))
    (tmp / "floor_server.py").write_text(FLOOR_SERVER)
    port = free_port()
    child = Child([PY, str(tmp / "floor_server.py"), str(tmp / "routes.json"), str(port)])
    deadline = time.monotonic() + 30
    while not port_open(port):
        if child.proc.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise RuntimeError(f"floor server did not start:\n{child.output()[-2000:]}")
        time.sleep(0.02)
    return child, f"http://127.0.0.1:{port}"


# --- browser ---------------------------------------------------------------------------


class Tracker:
    """In-flight requests of a page, and the outputs of its Dash callbacks in order."""

    def __init__(self, page) -> None:
        self.inflight = 0
        self.last_change = time.monotonic()
        self.callbacks: list[str] = []
        page.on("request", self._request)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)

    def _request(self, request) -> None:
        self.inflight += 1
        self.last_change = time.monotonic()
        if "/_dash-update-component" in request.url:
            try:
                out = json.loads(request.post_data or "{}").get("output", "?")
            except ValueError:
                out = "?"
            outs = [o.split("@")[0] for o in out.strip(".").split("...")]
            more = f"+{len(outs) - 1}" if len(outs) > 1 else ""
            self.callbacks.append(f"callback {outs[0]}{more}")

    def _done(self, _request) -> None:
        self.inflight -= 1
        self.last_change = time.monotonic()

    def wait_idle(self, page, quiet: float = 0.5, timeout: float = 30.0) -> None:
        """Wait until no request has been in flight for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.inflight <= 0 and time.monotonic() - self.last_change >= quiet:
                return
            page.wait_for_timeout(100)


def label(url: str) -> str:
    """A short name for a resource: its path without query and Dash's fingerprint."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?", 1)[0]
    path = re.sub(r"\.v\d+_\d+_\d+m\d+", "", path)
    return path.replace("/_dash-component-suites/", "").replace("/geo/", "geo/") or "/"


def timeline(page, tracker: Tracker) -> list[dict]:
    """Navigation and resource timings of the loaded page, labelled."""
    t = page.evaluate(TIMELINE_JS)
    rows = [{"name": "document", "start": 0.0, **t["nav"]}]
    calls = iter(tracker.callbacks)
    seen: dict[str, int] = {}
    for e in sorted(t["res"], key=lambda e: e["start"]):
        name = label(e["name"])
        if name == "/_dash-update-component":
            name = next(calls, name)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} #{seen[name]}"
        rows.append({**e, "name": name})
    return rows


def wire_bytes(rows: list[dict], until: float | None = None) -> int:
    """Bytes on the wire of a load's timeline (document included), up to ``until`` ms."""
    return int(
        sum(r.get("wire") or 0 for r in rows if until is None or (r.get("end") or 0) <= until)
    )


def load(ctx, url: str, cdp_profile: bool = False, network: dict | None = None) -> dict:
    """One navigation in a new tab of `ctx`; returns paint time, timeline (and profile)."""
    page = ctx.new_page()
    tracker = Tracker(page)
    cdp = None
    if network:
        link = ctx.new_cdp_session(page)
        link.send("Network.enable")
        link.send("Network.emulateNetworkConditions", network)
    if cdp_profile:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        cdp.send("Profiler.start")
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function("() => window.__paint !== undefined", polling=50, timeout=180_000)
        out: dict = {"paint_ms": page.evaluate("window.__paint")}
        if cdp is not None:
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            out["profile"] = profile_by_script(cdp.send("Profiler.stop")["profile"])
            out["metrics"] = {
                m["name"]: round(m["value"] * 1000, 1)
                for m in metrics
                if m["name"].endswith("Duration")
            }
        # The whole visit: what loads after the paint too (the charts' callback, then the
        # deferred bundles), so a longer quiet spell than between requests.
        tracker.wait_idle(page, quiet=2.0, timeout=120 if network else 60)
        out["timeline"] = timeline(page, tracker)
        out["bytes_to_paint"] = wire_bytes(out["timeline"], out["paint_ms"])
        out["bytes_visit"] = wire_bytes(out["timeline"])
        out["paths"] = page.evaluate(f"document.querySelectorAll({PATHS!r}).length")
        if cdp_profile:
            out["plotly_calls"] = page.evaluate("window.__plotlyCalls || []")
        return out
    finally:
        page.close()


def profile_by_script(profile: dict) -> dict[str, float]:
    """Self time (ms) of a V8 CPU profile summed per script (and V8's own buckets)."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    out: dict[str, float] = {}
    samples, deltas = profile.get("samples", []), profile.get("timeDeltas", [])
    for i, node_id in enumerate(samples):
        dt_us = deltas[i + 1] if i + 1 < len(deltas) else 0
        frame = nodes[node_id]["callFrame"]
        key = label(frame["url"]) if frame.get("url") else frame.get("functionName") or "?"
        out[key] = out.get(key, 0.0) + dt_us / 1000
    return {k: round(v, 1) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def probe(browser, url: str) -> dict:
    """An unmeasured load: waits until the map is complete; its path count and size."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = ctx.new_page()
        tracker = Tracker(page)
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_selector(PATHS, state="attached", timeout=180_000)
        tracker.wait_idle(page, quiet=1.0, timeout=60)
        n = page.evaluate(f"document.querySelectorAll({PATHS!r}).length")
        box = page.evaluate(
            "(() => { const r = document.querySelector('#map.js-plotly-plot, #map .js-plotly-plot')"
            ".getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })()"
        )
        return {"paths": n, "size": box, "timeline": timeline(page, tracker)}
    finally:
        ctx.close()


#: What-if variants of the app page (``--diagnose``): what each changes in the browser.
#: (The charts and the grid are no longer in the first page: ``dashboard.deferred``.)
WHAT_IF = {
    "app_no_initial_callbacks": "every /_dash-update-component answered 204 (no update)",
    "app_prebuilt_layout": "/_dash-layout answered from a copy (no server time)",
    "app_both": "both of the above",
    "app_no_preload": "the page without its plotly.min.js preload link",
    "app_no_charts": "prebuilt_layout, and the two (empty) chart graphs left out",
    "app_not_responsive": "prebuilt_layout, and the map graph not responsive",
}
#: What each variant changes: callbacks, layout, preload.
FEATURES = {
    "app_no_initial_callbacks": {"callbacks"},
    "app_prebuilt_layout": {"layout"},
    "app_both": {"callbacks", "layout"},
    "app_no_preload": {"preload"},
    "app_no_charts": {"layout", "charts"},
    "app_not_responsive": {"layout", "static"},
}
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def edit_layout(body: bytes, no_charts: bool, static_map: bool) -> bytes:
    """The layout with the chart graphs left out and/or the map graph not responsive."""
    if not (no_charts or static_map):
        return body
    layout = json.loads(body)
    stack: list[Any] = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if no_charts and props.get("id") in ("distribution", "need-coverage"):
                    node.update(type="Div", namespace="dash_html_components")
                    node["props"] = {"id": props["id"]}
                    continue
                if static_map and props.get("id") == "map":
                    props["responsive"] = False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return json.dumps(layout).encode()


def variant_routes(kind: str, layout_body: bytes, app_url: str) -> list[tuple[str, Callable]]:
    """Playwright routes that turn the app page into the what-if variant `kind`."""
    features = FEATURES.get(kind, set())
    body = edit_layout(layout_body, "charts" in features, "static" in features)

    def layout_route(route) -> None:
        route.fulfill(status=200, content_type="application/json", body=body)

    def no_update(route) -> None:
        route.fulfill(status=204, body="")

    def no_preload(route) -> None:
        resp = route.fetch()
        body = re.sub(r'<link rel="preload"[^>]*>', "", resp.text())
        route.fulfill(response=resp, body=body)

    handlers: dict[str, tuple[str, Callable]] = {
        "callbacks": ("**/_dash-update-component*", no_update),
        "layout": ("**/_dash-layout", layout_route),
        "preload": (app_url + "/", no_preload),
    }
    return [handlers[f] for f in sorted(features) if f in handlers]


# --- the benchmark ---------------------------------------------------------------------


def _progress(label: str, i: int, runs: dict) -> None:
    """One line on stderr: the paint times of the latest cold and warm load of each page
    ("not painted" for a county-link load that timed out)."""

    def ms(kind: str, cache: str) -> str:
        v = runs[kind][cache][-1]["paint_ms"]
        return "not painted" if v is None else f"{v:.0f} ms"

    print(
        f"  {label} {i + 1}: app {ms('app', 'cold')} (warm {ms('app', 'warm')}), "
        f"floor {ms('floor', 'cold')} (warm {ms('floor', 'warm')})",
        file=sys.stderr,
    )


def run(args: argparse.Namespace) -> dict:
    """Start both servers, probe both pages, run the interleaved loads; the results."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    data_dir = args.data_dir.resolve()
    print(f"prepare {data_dir} ...", file=sys.stderr)
    link_layers(data_dir)
    prepare(data_dir)
    tmp = Path(tempfile.mkdtemp(prefix="atlas-pageload-"))
    app = floor = None
    results = results_head(args.repeat, goal_ratio=GOAL_RATIO, goals=GOALS)
    try:
        app, app_url, layout, t_start = start_app(data_dir)
        props = map_props(layout)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=args.chromium,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            print("probe the app ...", file=sys.stderr)
            app_probe = probe(browser, app_url + "/")
            routes = build_floor(tmp, app_url, props, tuple(app_probe["size"]))
            floor, floor_url = start_floor(tmp, routes)
            floor_probe = probe(browser, floor_url + "/")
            if floor_probe["paths"] != app_probe["paths"]:
                print(
                    f"warning: app draws {app_probe['paths']} paths, floor {floor_probe['paths']}",
                    file=sys.stderr,
                )
            layout_body, _ = http_get(app_url + "/_dash-layout")
            results["page"] = {
                "map_size": app_probe["size"],
                "paths_app": app_probe["paths"],
                "paths_floor": floor_probe["paths"],
                "plotly_js_bytes": plotly_js_path().stat().st_size,
                "plotly_js_encoding": routes["/plotly.min.js"]["encoding"],
                "layout_bytes": len(layout_body),
                "figure_traces": len(props["figure"]["data"]),
            }
            # Requests are timed only once the app's delayed warm-up imports are done.
            t_idle = settle(app, time.monotonic() + 120, t_start + WARM_IMPORT_DELAY + 3)
            print(f"  app idle after {t_idle}", file=sys.stderr)

            kinds = ["app", "floor"] + [k for k in WHAT_IF if k in args.diagnose.split(",")]
            routing = {k: variant_routes(k, layout_body, app_url) for k in kinds}
            paths = {"floor": floor_probe["paths"]}
            runs: dict[str, dict[str, list]] = {k: {"cold": [], "warm": []} for k in kinds}

            def one(kind: str, profile: bool = False, network: dict | None = None) -> dict:
                url = (floor_url if kind == "floor" else app_url) + "/"
                ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                ctx.add_init_script(PAINT_PROBE % (paths.get(kind, app_probe["paths"]), PATHS))
                if profile:
                    ctx.add_init_script(PLOTLY_SPY)
                for pattern, handler in routing[kind]:
                    ctx.route(pattern, handler)
                out = {}
                try:
                    for cache in ("cold",) if profile else ("cold", "warm"):
                        out[cache] = load(ctx, url, profile, network)
                        for child in (app, floor):
                            settle(child, time.monotonic() + 30, time.perf_counter() + 0.1, 0.3)
                finally:
                    ctx.close()
                return out

            print(f"page loads x{args.repeat} ...", file=sys.stderr)
            for i in range(args.repeat):
                order = kinds if i % 2 == 0 else kinds[::-1]
                for kind in order:
                    for cache, r in one(kind).items():
                        runs[kind][cache].append(r)
                _progress("run", i, runs)
            county: dict[str, dict[str, list]] = {
                k: {"cold": [], "warm": []} for k in ("app", "floor")
            }
            if args.county:
                print(f"county-office link x{args.county} ...", file=sys.stderr)
            county_failed: dict[str, int] = {"app": 0, "floor": 0}
            for i in range(args.county):
                for kind in ("app", "floor") if i % 2 == 0 else ("floor", "app"):
                    try:
                        got = one(kind, network=COUNTY_LINK)
                    except PlaywrightTimeout:  # not painted within 3 minutes: counted
                        county_failed[kind] += 1
                        got = {c: {"paint_ms": None} for c in ("cold", "warm")}
                    for cache, r in got.items():
                        county[kind][cache].append(r)
                _progress("county run", i, county)
            if args.profile:
                print("CPU profiles ...", file=sys.stderr)
                prof: dict[str, list] = {"app": [], "floor": []}
                for i in range(3):
                    for kind in ("app", "floor") if i % 2 == 0 else ("floor", "app"):
                        prof[kind].append(one(kind, profile=True)["cold"])
                results["profile"] = {k: merge_profiles(v) for k, v in prof.items()}
            browser.close()
    finally:
        for child in (app, floor):
            if child is not None:
                child.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    def paints(kind: str, cache: str) -> list[float]:
        return [r["paint_ms"] / 1000 for r in runs[kind][cache]]

    bench: dict = {}
    for kind in kinds:
        if kind == "floor":
            continue
        for cache in ("cold", "warm"):
            name = f"{kind}_{cache}".replace("app_", "", 1) if kind != "app" else cache
            bench[f"paint_{name}"] = paired(paints(kind, cache), paints("floor", cache), "s")
    for cache in ("cold", "warm"):
        for what in ("bytes_to_paint", "bytes_visit"):
            bench[f"{what}_{cache}"] = paired(
                [r[what] for r in runs["app"][cache]], [r[what] for r in runs["floor"][cache]], "B"
            )
    if args.county:
        for cache in ("cold", "warm"):
            bench[f"paint_county_{cache}"] = paired(
                [
                    None if r["paint_ms"] is None else r["paint_ms"] / 1000
                    for r in county["app"][cache]
                ],
                [
                    None if r["paint_ms"] is None else r["paint_ms"] / 1000
                    for r in county["floor"][cache]
                ],
                "s",
            )
        results["county_link"] = COUNTY_LINK
        results["county_not_painted_in_3_min"] = county_failed
        results["county_runs"] = args.county
    results["benchmarks"] = bench
    results["what_if"] = {k: WHAT_IF[k] for k in kinds if k in WHAT_IF}
    results["timelines"] = {
        f"{kind}_{cache}": merge_timelines([r["timeline"] for r in runs[kind][cache]])
        for kind in kinds
        for cache in ("cold", "warm")
    }
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return results


def merge_timelines(runs: list[list[dict]]) -> list[dict]:
    """Median start, server wait, end and sizes per labelled entry over runs."""
    by: dict[str, list[dict]] = {}
    for rows in runs:
        for r in rows:
            by.setdefault(r["name"], []).append(r)
    out = []
    for name, rs in by.items():

        def med(key: str, rs: list[dict] = rs) -> float | None:
            v = [r[key] for r in rs if r.get(key) is not None]
            return round(statistics.median(v), 1) if v else None

        wait = [r["ttfb"] - r["req"] for r in rs if r.get("req") and r.get("ttfb")]
        out.append(
            {
                "name": name,
                "n": len(rs),
                "start": med("start"),
                "wait": round(statistics.median(wait), 1) if wait else None,
                "end": med("end"),
                "wire": med("wire"),
                "raw": med("raw"),
                **({"dcl": med("dcl")} if name == "document" else {}),
            }
        )
    return sorted(out, key=lambda r: r["start"] or 0)


def merge_profiles(loads: list[dict]) -> dict:
    """Median paint time, CPU metrics and per-script self time of profiled loads."""
    keys = {k for p in loads for k in p["profile"]}
    per_script = {k: statistics.median(p["profile"].get(k, 0.0) for p in loads) for k in keys}
    top = dict(sorted(per_script.items(), key=lambda kv: -kv[1])[:12])
    metrics = {
        k: statistics.median(p["metrics"][k] for p in loads)
        for k in loads[0]["metrics"]
        if all(k in p["metrics"] for p in loads)
    }
    mid = sorted(loads, key=lambda p: p["paint_ms"])[len(loads) // 2]
    calls = [
        {k: round(v) if isinstance(v, float) else v for k, v in c.items()}
        for c in mid.get("plotly_calls", [])
    ]
    return {
        "paint_ms": statistics.median(p["paint_ms"] for p in loads),
        "metrics_ms": metrics,
        "self_ms": {k: round(v, 1) for k, v in top.items()},
        "plotly_calls_of_median_load": calls,
        "paint_ms_of_median_load": mid["paint_ms"],
    }


# --- reporting -------------------------------------------------------------------------


def ms(v: float | None) -> str:
    return "–" if v is None else f"{v * 1000:.0f} ms"


def amount(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "B":
        return f"{v / 1e6:.2f} MB" if v >= 1e5 else f"{v / 1e3:.1f} KB"
    return ms(v)


def kb(v: float | None) -> str:
    return "" if not v else f"{v / 1024:.0f}"


def markdown(results: dict) -> str:
    """The results as markdown tables (paint times, then the cold-load timelines)."""
    lines = [
        "| Benchmark | App median (min–max) | Floor median (min–max) | Ratio (median) | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    goals = results.get("goals") or {
        k: ("ratio", results["goal_ratio"]) for k in ("paint_cold", "paint_warm")
    }
    for name, b in results["benchmarks"].items():
        s, f, r = b["subject"], b["floor"], b["ratio"]
        unit = b.get("unit", "s")
        kind, target = goals.get(name, (None, None))
        if kind == "ratio":
            goal, met = f"≤ {target:g}×", "yes" if r["median"] <= target else "no"
        elif kind == "value":
            goal, met = f"≤ {amount(target, unit)}", "yes" if s["median"] <= target else "no"
        else:
            goal, met = ("(what-if)" if name.startswith("paint_") else ""), ""
        ratio = f"{r['median']:.2f}×" if r.get("median") is not None else "–"
        lines.append(
            f"| `{name}` | {amount(s['median'], unit)} ({amount(s['min'], unit)}–"
            f"{amount(s['max'], unit)}) | {amount(f['median'], unit)} ({amount(f['min'], unit)}–"
            f"{amount(f['max'], unit)}) | {ratio} | {goal} | {met} |"
        )
    m, p = results["machine"], results["page"]
    what_if = results.get("what_if") or {}
    if what_if:
        lines.append("")
        lines += [f"- `{k.replace('app_', 'paint_', 1)}_*`: {v}" for k, v in what_if.items()]
    lines += [
        "",
        f"{m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, {results['date']}; "
        f"load before {results['load_before']}, after {results['load_after']}; "
        f"{results['repeat']} runs of each page, alternating. Map {p['map_size'][0]}×"
        f"{p['map_size'][1]} px, {p['paths_app']} paths (floor {p['paths_floor']}); "
        f"plotly.min.js {p['plotly_js_bytes']:,} B ({p['plotly_js_encoding']}); "
        f"/_dash-layout {p['layout_bytes']:,} B raw.",
    ]
    for key in ("app_cold", "floor_cold"):
        rows = results["timelines"].get(key, [])
        lines += [
            "",
            f"Timeline `{key}` (median ms from navigation start; wait = request to first byte):",
            "",
            "| Request | Start | Wait | End | Wire KB | Raw KB |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in rows:
            wait = "" if r["wait"] is None else f"{r['wait']:.0f}"
            lines.append(
                f"| `{r['name']}` | {r['start']:.0f} | {wait} | {r['end']:.0f} | "
                f"{kb(r['wire'])} | {kb(r['raw'])} |"
            )
    if "profile" in results:
        lines += ["", "JS CPU profile of a cold load up to paint (median of 3, ms):", ""]
        for kind, prof in results["profile"].items():
            mt = prof["metrics_ms"]
            top = ", ".join(f"`{k}` {v:.0f}" for k, v in prof["self_ms"].items())
            lines.append(
                f"- {kind}: paint {prof['paint_ms']:.0f}; task {mt.get('TaskDuration', 0):.0f}, "
                f"script {mt.get('ScriptDuration', 0):.0f}, layout "
                f"{mt.get('LayoutDuration', 0):.0f}, style "
                f"{mt.get('RecalcStyleDuration', 0):.0f}; self time: {top}"
            )
            calls = "; ".join(
                f"{c['graph']} {c['call']} at {c['start']} (sync {c['sync']}, done "
                f"{c['done'] if c['done'] is not None else '–'})"
                for c in prof.get("plotly_calls_of_median_load", [])
            )
            if calls:
                lines.append(
                    f"  Plotly calls of the median load (painted at "
                    f"{prof['paint_ms_of_median_load']:.0f}): {calls}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench_pageload", description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=7, help="runs of each page (default 7)")
    p.add_argument("--quick", action="store_true", help="3 runs of each page")
    p.add_argument(
        "--diagnose",
        nargs="?",
        const=",".join(WHAT_IF),
        default="",
        metavar="VARIANTS",
        help=f"add what-if app variants (default all: {', '.join(WHAT_IF)})",
    )
    p.add_argument("--profile", action="store_true", help="add JS CPU profiles (3 loads each)")
    p.add_argument(
        "--county",
        type=int,
        default=3,
        metavar="N",
        help="cold+warm loads of each page over the emulated county-office link (default 3)",
    )
    p.add_argument("--json", metavar="OUT", help="write the results as JSON")
    p.add_argument("--markdown", action="store_true", help="print markdown tables")
    p.add_argument("--render", metavar="IN", help="print the markdown of a saved --json file")
    p.add_argument("--chromium", default=CHROMIUM, help=f"browser binary (default {CHROMIUM})")
    add_data_dir(p)
    args = p.parse_args(argv)
    if args.render:
        print(markdown(json.loads(Path(args.render).read_text())))
        return 0
    if args.quick:
        args.repeat = 3
        args.county = min(args.county, 2)
    unknown = {k for k in args.diagnose.split(",") if k} - set(WHAT_IF)
    if unknown:
        p.error(f"unknown what-if variant(s): {', '.join(sorted(unknown))}")
    if not Path(args.chromium).exists():
        p.error(f"{args.chromium} missing: make setup-test installs Debian's chromium")
    results = run(args)
    emit(results, args.json, args.markdown, markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
