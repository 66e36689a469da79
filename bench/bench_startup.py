"""Start-up benchmarks: cold layer build, warm start, layout and indicator-switch cost.

Every figure is measured next to a *floor* in the same run (subject and floor runs
alternate), and reported as a number and as a ratio against that floor, so results from
a busy or slow machine stay comparable.

    python -m bench.bench_startup                 # all benchmarks, 5 repeats
    python -m bench.bench_startup --quick         # 1-2 repeats
    python -m bench.bench_startup --markdown      # print a markdown table
    python -m bench.bench_startup --json out.json # write the results
    python -m bench.bench_startup --only warm,requests

Benchmarks
----------
cold_build
    ``geodata.boundaries.build_layers()`` + ``write_cache`` into a fresh temp dir, in a
    clean interpreter (imports count).  Floor: reading and JSON-parsing every source
    county file (``source.counties()`` + ``source.read_geometry``), also in a clean
    interpreter.  Also reports the build's peak RSS and the web GeoJSON size.
warm_start
    Launch ``python app.py serve`` on a prepared data dir until ``/_dash-layout`` and
    the county GeoJSON both answer 200 ("the server can draw the map").  Floor: a
    minimal Dash app (one empty ``dcc.Graph``) until its ``/_dash-layout`` answers.
    Measured twice: with the result cache (``cache/flask``) kept from earlier runs and
    with it emptied before each start.
layout / switch
    In the started server: ``GET /_dash-layout`` latency and bytes, and one indicator
    switch (``left_behind`` -> ``migrant``) through ``POST /_dash-update-component``.
    Floors: the same requests against the minimal app (a one-line callback).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

#: Goals recorded in the issues.
GOALS = {
    "warm_start_s": 3.0,  # warm start under 3 s
    "switch_gzip_bytes": 30 * 1024,  # value-only patch under 30 KB
    "switch_s": 0.050,  # server time under 50 ms
}

COLD_BUILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    t0 = time.perf_counter()
    from geodata import boundaries
    layers = boundaries.build_layers()
    out = Path({out!r}) / ("layers-" + boundaries.cache_key(boundaries.LayerParams()))
    boundaries.write_cache(layers, out)
    meta = json.loads((out / "meta.json").read_text())
    print(json.dumps({{"seconds": time.perf_counter() - t0, "dir": str(out),
                      "geojson_bytes": meta["geojson_bytes"],
                      "geojson_gzip_bytes": meta["geojson_gzip_bytes"],
                      "counties": len(layers.counties_full)}}))
    """
)

COLD_FLOOR = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {root!r})
    t0 = time.perf_counter()
    from geodata.boundaries import source
    table = source.counties()
    geoms = [source.read_geometry(f) for f in table["file"]]
    print(json.dumps({{"seconds": time.perf_counter() - t0, "counties": len(geoms)}}))
    """
)

FLOOR_APP = textwrap.dedent(
    """
    import sys
    import dash
    from dash import Input, Output, dcc, html

    app = dash.Dash(__name__, serve_locally=True, update_title=None, compress=True)
    app.layout = html.Div([
        dcc.Input(id="in", value="a"),
        html.Div(id="out"),
        dcc.Graph(id="map", figure={}),
    ])

    @app.callback(Output("out", "children"), Input("in", "value"),
                  prevent_initial_call=True)
    def echo(value):
        return value

    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
    """
)


# --- helpers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summarise(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": [round(v, 6) for v in values],
    }


def paired(subject: list[float], floor: list[float], unit: str, **extra) -> dict:
    """Subject and floor summaries plus the median of the per-run ratios."""
    ratios = [s / f for s, f in zip(subject, floor, strict=False) if s and f]
    return {
        "unit": unit,
        "subject": summarise(subject),
        "floor": summarise(floor),
        "ratio": summarise(ratios),
        **extra,
    }


class Child:
    """A subprocess in its own process group; its own rusage is collected on exit."""

    def __init__(self, args, *, env=None, cwd=None):
        # The log lives as long as the child; closed with the Child object.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.rusage = None
        self.returncode = None

    def _reap(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self.rusage = ru
                self.returncode = os.waitstatus_to_exitcode(status)
                self.proc.returncode = self.returncode
                return True
            time.sleep(0.02)
        return False

    def wait(self, timeout: float) -> int:
        if not self._reap(timeout):
            self.kill()
            raise TimeoutError(f"{self.proc.args!r} did not finish in {timeout} s")
        return self.returncode

    def kill(self) -> None:
        if self.returncode is not None:
            return
        for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            if self._reap(grace):
                return

    @property
    def maxrss_mb(self) -> float | None:
        return self.rusage.ru_maxrss / 1024 if self.rusage else None  # KiB on Linux

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def run_script(code: str, timeout: float) -> tuple[dict, Child]:
    child = Child([PY, "-c", code], cwd=ROOT)
    rc = child.wait(timeout)
    out = child.output()
    if rc != 0:
        raise RuntimeError(f"subprocess failed ({rc}):\n{out[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), child


def http(method: str, url: str, body: bytes | None = None, *, gzip_ok=False, timeout=30.0):
    """One request; returns (status, seconds, body bytes as sent on the wire, headers)."""
    headers = {"Accept-Encoding": "gzip" if gzip_ok else "identity"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, time.perf_counter() - t0, data, r.headers
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t0, e.read(), e.headers


def wait_for(url: str, deadline: float, child: Child, interval: float = 0.02):
    """Poll until `url` answers 200; returns the (decompressed) body."""
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{child.output()[-3000:]}")
        try:
            status, _, data, headers = http(
                "GET", url, timeout=max(1.0, deadline - time.monotonic())
            )
            if status == 200:
                if headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                return data
        except (ConnectionError, urllib.error.URLError, TimeoutError, OSError):
            pass
        time.sleep(interval)
    raise TimeoutError(f"{url} did not answer 200 in time")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- cold build -------------------------------------------------------------------------


def bench_cold(repeat: int, keep_into: Path | None) -> dict:
    build, floor, rss, floor_rss = [], [], [], []
    info: dict = {}
    for i in range(repeat):
        with tempfile.TemporaryDirectory(prefix="atlas-cold-") as tmp:
            order = ("build", "floor") if i % 2 == 0 else ("floor", "build")
            for what in order:
                if what == "build":
                    t0 = time.perf_counter()
                    res, child = run_script(COLD_BUILD.format(root=str(ROOT), out=tmp), 1800)
                    build.append(time.perf_counter() - t0)
                    rss.append(child.maxrss_mb)
                    info = {k: res[k] for k in ("geojson_bytes", "geojson_gzip_bytes", "counties")}
                    built = Path(res["dir"])
                    if keep_into is not None and not (keep_into / built.name).exists():
                        keep_into.mkdir(parents=True, exist_ok=True)
                        shutil.copytree(built, keep_into / built.name)
                else:
                    t0 = time.perf_counter()
                    _, child = run_script(COLD_FLOOR.format(root=str(ROOT)), 600)
                    floor.append(time.perf_counter() - t0)
                    floor_rss.append(child.maxrss_mb)
            print(
                f"  cold build run {i + 1}: build {build[-1]:.1f} s, floor {floor[-1]:.1f} s, "
                f"peak RSS {rss[-1]:.0f} MB",
                file=sys.stderr,
            )
    return {
        "cold_build": paired(build, floor, "s", **info),
        "cold_build_peak_rss": paired(rss, floor_rss, "MB"),
    }


# --- warm start and requests --------------------------------------------------------


def prepare(data_dir: Path) -> None:
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_LOG_LEVEL": "WARNING"}
    child = Child([PY, "app.py", "prepare"], env=env, cwd=ROOT)
    if child.wait(1800) != 0:
        raise RuntimeError(f"app.py prepare failed:\n{child.output()[-3000:]}")


def server_env(data_dir: Path) -> dict:
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_LOG_LEVEL": "WARNING"}
    env["ATLAS_DEBUG"] = "0"
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    return env


def find_geojson(layout: dict) -> str:
    """The county GeoJSON URL of the choropleth trace in the layout."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            g = node.get("geojson")
            if isinstance(g, str) and g.endswith("counties.geojson"):
                found.append(g)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(layout)
    if not found:
        raise ValueError("no county geojson URL in the layout")
    return found[0]


def component_values(layout: dict) -> dict:
    """{component id: props} for every component of the layout with an id."""
    out = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                out[props["id"]] = props
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(layout)
    return out


def callback_body(deps: list, output_key: str, inputs: dict, changed: str) -> bytes:
    """Request body for /_dash-update-component, built from /_dash-dependencies."""
    dep = next(d for d in deps if all(p in d["output"] for p in output_key.split(",")))
    multi = dep["output"].startswith("..")
    outs = dep["output"].strip(".").split("...") if multi else [dep["output"]]
    outputs = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in outs]

    def vals(items):
        return [{**i, "value": inputs.get(f"{i['id']}.{i['property']}")} for i in items]

    body = {
        "output": dep["output"],
        "outputs": outputs if multi else outputs[0],
        "inputs": vals(dep["inputs"]),
        "state": vals(dep.get("state", [])),
        "changedPropIds": [changed],
    }
    return json.dumps(body).encode()


def start(args, env, port, deadline, urls: list[str] | None):
    """Launch, wait until every URL answers 200; returns (child, seconds, layout)."""
    t0 = time.perf_counter()
    child = Child(args, env=env, cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        t_listen = None
        while time.monotonic() < deadline and not port_open(port):
            if child.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{child.output()[-3000:]}")
            time.sleep(0.02)
        t_listen = time.perf_counter() - t0
        layout = json.loads(wait_for(base + "/_dash-layout", deadline, child))
        t_layout = time.perf_counter() - t0
        for u in urls or []:
            target = find_geojson(layout) if u == "<geojson>" else u
            wait_for(base + target, deadline, child)
        return (
            child,
            {"listen": t_listen, "layout": t_layout, "ready": time.perf_counter() - t0},
            layout,
        )
    except BaseException:
        child.kill()
        raise


def measure_requests(base: str, layout: dict, deps: list, floor: bool, n: int) -> dict:
    """Layout latency/bytes and one callback, first call and repeated (median)."""
    res: dict = {}
    lat = [http("GET", base + "/_dash-layout", gzip_ok=True)[1] for _ in range(n)]
    _, _, raw, _ = http("GET", base + "/_dash-layout")
    _, _, gz, h = http("GET", base + "/_dash-layout", gzip_ok=True)
    res["layout_s"] = statistics.median(lat)
    res["layout_bytes"] = len(raw)
    res["layout_gzip_bytes"] = len(gz)  # on the wire with Accept-Encoding: gzip
    if floor:
        to = callback_body(deps, "out.children", {"in.value": "b"}, "in.value")
        back = callback_body(deps, "out.children", {"in.value": "a"}, "in.value")
    else:
        props = component_values(layout)
        # every input and state of the callback as the first page has it
        values = {f"{i}.{p}": v for i, ps in props.items() for p, v in ps.items()}
        if values["indicator.value"] != "left_behind":
            raise ValueError(f"default indicator is {values['indicator.value']!r}, not left_behind")
        key = "map.figure,synthetic-notice.hidden,region-summary.children"
        to = callback_body(deps, key, {**values, "indicator.value": "migrant"}, "indicator.value")
        back = callback_body(deps, key, values, "indicator.value")
    url = base + "/_dash-update-component"
    status, first, gz, h = http("POST", url, to, gzip_ok=True)
    if status != 200:
        raise RuntimeError(f"callback answered {status}: {gz[:500]!r}")
    res["switch_first_s"] = first
    times = []
    for _ in range(n):
        http("POST", url, back, gzip_ok=True)
        times.append(http("POST", url, to, gzip_ok=True)[1])
    res["switch_s"] = statistics.median(times)
    _, _, raw, _ = http("POST", url, to)
    _, _, gz, h = http("POST", url, to, gzip_ok=True)
    res["switch_bytes"] = len(raw)
    res["switch_gzip_bytes"] = len(gz) if h.get("Content-Encoding") == "gzip" else len(raw)
    return res


def atlas_args(port: int) -> list[str]:
    return [PY, "app.py", "serve", "--host", "127.0.0.1", "--port", str(port)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its waited-for children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


#: ``dashboard.factory.warm_imports`` starts importing mapclassify/esda this long after create_app.
WARM_IMPORT_DELAY = 3.0


def settle(child: Child, deadline: float, not_before: float, window: float = 0.5):
    """Wait until the server is idle (the warm-import thread done); returns seconds.

    Idle means under 5 % of one CPU over `window`, checked no earlier than `not_before`
    (a ``time.perf_counter`` value).  Requests are timed only after this, so that
    background work started by the app does not land in their figures.
    """
    t0 = time.perf_counter()
    time.sleep(max(0.0, not_before - t0))
    try:
        last = cpu_seconds(child.proc.pid)
        while time.monotonic() < deadline:
            time.sleep(window)
            now = cpu_seconds(child.proc.pid)
            if now - last < 0.05 * window:
                return time.perf_counter() - t0
            last = now
    except OSError:
        return None
    return None


def bench_warm(repeat: int, data_dir: Path, n_requests: int) -> dict:
    env = server_env(data_dir)
    result_cache = data_dir / "cache" / "flask"
    tmp = Path(tempfile.mkdtemp(prefix="atlas-floor-"))
    floor_app = tmp / "floor_app.py"
    floor_app.write_text(FLOOR_APP)
    rows: dict[str, list] = {}
    try:
        # One unmeasured start of each so that both interpreters' bytecode is compiled
        # and the result cache exists for the "kept" variant.
        for atlas in (True, False):
            port = free_port()
            args = atlas_args(port) if atlas else [PY, str(floor_app), str(port)]
            urls = ["<geojson>"] if atlas else []
            child, _, layout = start(args, env, port, time.monotonic() + 300, urls)
            try:
                if atlas:
                    base = f"http://127.0.0.1:{port}"
                    deps = json.loads(http("GET", base + "/_dash-dependencies")[2])
                    measure_requests(base, layout, deps, False, 1)
            finally:
                child.kill()
        for i in range(repeat):
            variants = ["atlas_kept", "floor", "atlas_empty", "floor_2"]
            if i % 2:
                variants.reverse()
            for v in variants:
                if v == "atlas_empty":
                    shutil.rmtree(result_cache, ignore_errors=True)
                port = free_port()
                if v.startswith("atlas"):
                    args, urls = atlas_args(port), ["<geojson>"]
                else:
                    args, urls = [PY, str(floor_app), str(port)], []
                child, t, layout = start(args, env, port, time.monotonic() + 300, urls)
                try:
                    launched = time.perf_counter() - t["ready"]
                    not_before = launched + t["listen"] + WARM_IMPORT_DELAY + 0.5
                    t["settle"] = settle(child, time.monotonic() + 60, not_before)
                    base = f"http://127.0.0.1:{port}"
                    deps = json.loads(http("GET", base + "/_dash-dependencies")[2])
                    req = measure_requests(base, layout, deps, v.startswith("floor"), n_requests)
                finally:
                    child.kill()
                rows.setdefault(v, []).append({**t, **req, "maxrss_mb": child.maxrss_mb})
            print(
                "  warm run {}: atlas {:.2f} s (empty result cache {:.2f} s), floor {:.2f} s".format(
                    i + 1,
                    rows["atlas_kept"][-1]["ready"],
                    rows["atlas_empty"][-1]["ready"],
                    rows["floor"][-1]["ready"],
                ),
                file=sys.stderr,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def col(v, k):
        return [r[k] for r in rows[v]]

    floor = col("floor", "ready")
    floor2 = col("floor_2", "ready")
    out = {
        "warm_start": paired(
            col("atlas_kept", "ready"),
            floor,
            "s",
            listening=summarise(col("atlas_kept", "listen")),
            first_layout=summarise(col("atlas_kept", "layout")),
            settle_after_ready=summarise(col("atlas_kept", "settle")),
            note="result cache (cache/flask) kept from earlier runs",
        ),
        "warm_start_empty_result_cache": paired(
            col("atlas_empty", "ready"),
            floor2,
            "s",
            listening=summarise(col("atlas_empty", "listen")),
            first_layout=summarise(col("atlas_empty", "layout")),
            note="cache/flask removed before each start (layers and database kept)",
        ),
        "server_peak_rss": paired(col("atlas_kept", "maxrss_mb"), col("floor", "maxrss_mb"), "MB"),
        "layout_latency": paired(col("atlas_kept", "layout_s"), col("floor", "layout_s"), "s"),
        "layout_gzip_bytes": paired(
            col("atlas_kept", "layout_gzip_bytes"),
            col("floor", "layout_gzip_bytes"),
            "B",
            raw_bytes=summarise(col("atlas_kept", "layout_bytes")),
        ),
        "switch_latency": paired(
            col("atlas_kept", "switch_s"),
            col("floor", "switch_s"),
            "s",
            note="median of repeated left_behind -> migrant switches (result cache warm)",
        ),
        "switch_first_latency": paired(
            col("atlas_empty", "switch_first_s"),
            col("floor_2", "switch_first_s"),
            "s",
            note="first switch after a start with an empty result cache",
        ),
        "switch_gzip_bytes": paired(
            col("atlas_kept", "switch_gzip_bytes"),
            col("floor", "switch_gzip_bytes"),
            "B",
            raw_bytes=summarise(col("atlas_kept", "switch_bytes")),
        ),
    }
    return out


# --- reporting ----------------------------------------------------------------------


def add_data_dir(parser: argparse.ArgumentParser, what: str = "the app's data dir") -> None:
    """``--data-dir``, the same for every benchmark: ``$ATLAS_BENCH_DATA`` or
    ``<temp dir>/atlas-bench-data``, prepared with ``python app.py prepare``."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(
            os.environ.get("ATLAS_BENCH_DATA", Path(tempfile.gettempdir()) / "atlas-bench-data")
        ),
        help=f"{what} (default $ATLAS_BENCH_DATA or {tempfile.gettempdir()}/atlas-bench-data)",
    )


def results_head(repeat: int, **extra) -> dict:
    """The start of a benchmark run's results: when, where, how loaded, how often."""
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "repeat": repeat,
        **extra,
    }


def emit(results: dict, json_path: str | None, as_markdown: bool, render) -> None:
    """Write the results to ``json_path`` (if given); print them as markdown (``render``)
    or, without either, as JSON."""
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if as_markdown:
        print(render(results))
    elif not json_path:
        print(json.dumps(results.get("benchmarks", results), indent=1, ensure_ascii=False))


def machine() -> dict:
    mem = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024**2, 1)
    cpu = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mem_gb": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def fmt(v, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "s":
        return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"
    if unit == "B":
        return f"{v:.0f} B" if v < 1024 else f"{v / 1024:.1f} KB"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v:g}"


def goal_of(name: str, bench: dict) -> tuple[str, str]:
    med = bench["subject"]["median"]
    if med is None:
        return "", ""
    if name == "warm_start":
        g = GOALS["warm_start_s"]
        return f"< {g:g} s", "yes" if med < g else "no"
    if name == "switch_gzip_bytes":
        g = GOALS["switch_gzip_bytes"]
        return "< 30 KB", "yes" if med < g else "no"
    if name in ("switch_latency", "switch_first_latency"):
        g = GOALS["switch_s"]
        return "< 50 ms", "yes" if med < g else "no"
    return "", ""


def markdown(results: dict) -> str:
    lines = [
        "| Benchmark | Median (min–max) | Floor median | Ratio (median) | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for name, b in results["benchmarks"].items():
        s, f, r = b["subject"], b["floor"], b["ratio"]
        u = b["unit"]
        spread = f"{fmt(s['median'], u)} ({fmt(s['min'], u)}–{fmt(s['max'], u)})"
        ratio = f"{r['median']:.2f}×" if r["median"] is not None else "–"
        goal, met = goal_of(name, b)
        lines.append(f"| `{name}` | {spread} | {fmt(f['median'], u)} | {ratio} | {goal} | {met} |")
    m = results["machine"]
    lines.append("")
    lines.append(
        f"{m['nproc']} CPUs, {m['mem_gb']} GB, Python {m['python']}, {results['date']}; "
        f"load before {results['load_before']}, after {results['load_after']}; "
        f"repeats: {results['repeat']} (cold build {results['cold_repeat']})."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench_startup", description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5, help="repeats of warm start (default 5)")
    p.add_argument("--cold-repeat", type=int, help="repeats of the cold build (default 2)")
    p.add_argument("--quick", action="store_true", help="2 warm repeats, 1 cold build")
    p.add_argument("--json", metavar="OUT", help="write the results as JSON")
    p.add_argument("--markdown", action="store_true", help="print a markdown table")
    p.add_argument("--only", default="cold,warm", help="comma list of: cold, warm (default both)")
    add_data_dir(p, "prepared data dir for the warm start")
    p.add_argument("--render", metavar="IN", help="print the markdown of a saved --json file")
    p.add_argument("--requests", type=int, default=5, help="repeats of each request per start")
    args = p.parse_args(argv)
    if args.render:
        print(markdown(json.loads(Path(args.render).read_text())))
        return 0
    repeat = 2 if args.quick else args.repeat
    cold_repeat = args.cold_repeat or (1 if args.quick else 2)
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = only - {"cold", "warm"}
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    results = results_head(repeat, cold_repeat=cold_repeat if "cold" in only else 0, benchmarks={})
    data_dir = args.data_dir.resolve()
    if "cold" in only:
        print(f"cold build x{cold_repeat} ...", file=sys.stderr)
        results["benchmarks"].update(bench_cold(cold_repeat, data_dir / "cache"))
    if "warm" in only:
        print(f"prepare {data_dir} ...", file=sys.stderr)
        prepare(data_dir)
        print(f"warm start x{repeat} ...", file=sys.stderr)
        results["benchmarks"].update(bench_warm(repeat, data_dir, args.requests))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["goals"] = GOALS
    emit(results, args.json, args.markdown, markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
