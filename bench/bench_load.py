"""Load test on loopback: simulated planners against the production server (``make serve``).

Each simulated user repeats what a planner does all day: change indicator, period or
classification (one value update through Dash's callback endpoint), now and then read
the county data as CSV, or open the page layout. Users start staggered and wait a
random think time between actions (``--think``; default 0-200 ms, a stress test). Reported per action: count, errors, p50/p95/p99 latency.

The floor, measured in the same run right after the subject (same server, same number
of users, same think time), is ``GET /healthz``: the cost of the web server, the WSGI
stack and the loopback network, without any of the Atlas's work. The ratio p95/p95-floor
is what compares across machines.

    python -m bench.bench_load                      # 50 users, 60 s, make serve
    python -m bench.bench_load --users 20 --seconds 20 --quick
    python -m bench.bench_load --url http://127.0.0.1:8050   # an already running server
    python -m bench.bench_load --markdown --json out.json

Goal (issue 6): p95 under 300 ms for value updates and zero errors, 50 users for 60 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from bench.bench_startup import add_data_dir

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 300.0
WINDOW_S = 10

INDICATORS = ("left_behind", "migrant", "left_behind_rate", "migrant_rate", "children",
              "facilities_per_1000_left_behind", "left_behind_per_facility")  # fmt: skip
SCHEMES = ("quantiles", "fisher_jenks", "equal_interval")


def update_body(indicator: str, period: str, scheme: str) -> bytes:
    """The request the browser sends when a control of the map changes."""
    outputs = [("map", "figure"), ("synthetic-notice", "hidden"),
               ("synthetic-notice", "children"), ("indicator-definition", "children"),
               ("region-summary", "children")]  # fmt: skip
    inputs = [("indicator", "value", indicator), ("period", "value", period),
              ("scheme", "value", scheme), ("region", "data", None),
              ("palette", "value", "auto"), ("pooled", "value", []),
              ("breaks", "value", "")]  # fmt: skip
    state = [("lang", "data", "zh"), ("map-mode", "value", "values"),
             ("programme", "value", None), ("programme-filter", "value", [])]  # fmt: skip
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": ["indicator.value"],
    }
    return json.dumps(body).encode()


class User(threading.Thread):
    """One simulated planner with its own keep-alive connection."""

    def __init__(
        self,
        base: str,
        until: float,
        periods: list[str],
        floor: bool,
        seed: int,
        think: tuple[float, float] = (0.0, 0.2),
    ):
        super().__init__(daemon=True)
        self.think = think
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.until, self.periods, self.floor = until, periods, floor
        self.rng = random.Random(seed)
        self.samples: list[tuple[str, float, bool, float]] = []  # action, ms, ok, at

    def _request(self, conn, method: str, path: str, body: bytes | None = None):
        headers = {"Accept-Encoding": "gzip"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        time.sleep(self.rng.uniform(0, 1.0))  # staggered start
        while time.time() < self.until:
            if self.floor:
                action, method, path, body = "healthz", "GET", "/healthz", None
            else:
                r = self.rng.random()
                if r < 0.85:
                    action, method, path = "value_update", "POST", "/_dash-update-component"
                    body = update_body(
                        self.rng.choice(INDICATORS),
                        self.rng.choice(self.periods),
                        self.rng.choice(SCHEMES),
                    )
                elif r < 0.95:
                    action, method, path, body = "layout", "GET", "/_dash-layout", None
                else:
                    period = self.rng.choice(self.periods)
                    action, method, path = "data_csv", "GET", f"/api/v1/data.csv?period={period}"
                    body = None
            t0 = time.perf_counter()
            try:
                ok = self._request(conn, method, path, body) == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.samples.append((action, (time.perf_counter() - t0) * 1000, ok, time.time()))
            time.sleep(self.rng.uniform(*self.think))
        conn.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


def run_load(
    base: str, users: int, seconds: float, floor: bool, think: tuple[float, float] = (0.0, 0.2)
) -> dict:
    periods = json.load(urllib.request.urlopen(base + "/api/v1/meta"))["periods"]
    until = time.time() + seconds
    crowd = [User(base, until, periods, floor, seed=i, think=think) for i in range(users)]
    for u in crowd:
        u.start()
    for u in crowd:
        u.join()
    by: dict[str, list[tuple[float, bool]]] = {}
    # Value updates (or /healthz) by 10 s window from the start: a fresh server's first seconds
    # (workers computing their first views) apart from its steady state.
    windows: dict[int, list[float]] = {}
    start = until - seconds
    for u in crowd:
        for action, ms, ok, at in u.samples:
            by.setdefault(action, []).append((ms, ok))
            if action in ("value_update", "healthz"):
                windows.setdefault(int((at - start) // WINDOW_S), []).append(ms)
    out: dict = {}
    for action, rows in sorted(by.items()):
        ms = [m for m, _ in rows]
        out[action] = {
            "n": len(rows),
            "errors": sum(1 for _, ok in rows if not ok),
            "rps": round(len(rows) / seconds, 1),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(max(ms), 1),
        }
    out["windows"] = [
        {"from_s": w * WINDOW_S, "n": len(ms), "p95_ms": round(percentile(ms, 95), 1)}
        for w, ms in sorted(windows.items())
    ]
    return out


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds used so far by a server process and all its children (workers)."""
    if not pid:
        return None
    import psutil

    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return None
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """``make serve`` (gunicorn, several workers) on a free port; returns (proc, url)."""
    port = _free_port()
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1"}
    log = open(data_dir / "bench-load-server.log", "w")  # noqa: SIM115 - lives with the server
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited; see {log.name}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("server did not start in 300 s")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def markdown(result: dict) -> str:
    lines = [
        f"{result['users']} users, {result['seconds']:g} s each phase, think time "
        f"{result['think_s']} s, "
        f"{result['cpus']} CPUs, load before {result['load_before']}, after "
        f"{result.get('load_after', '?')}"
        + (", fresh server (no warm-up)" if result.get("fresh") else "")
        + (
            f"; server CPU {result['server_cpu_ms_per_request']} ms per request "
            f"({result['server_cpu_s']} s for {result['subject_requests']:,} requests)"
            if result.get("server_cpu_ms_per_request") is not None
            else ""
        ),
        "",
        "| Action | Requests | Errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for phase in ("subject", "floor"):
        for action, r in result[phase].items():
            lines.append(
                f"| {action} | {r['n']:,} | {r['errors']} | {r['rps']} | {r['p50_ms']} | "
                f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |"
            )
    v = result["subject"].get("value_update", {})
    f = result["floor"].get("healthz", {})
    if result.get("windows"):
        lines += [
            "",
            f"Value update p95 by {WINDOW_S} s window from the start: "
            + ", ".join(
                f"{w['from_s']}-{w['from_s'] + WINDOW_S} s {w['p95_ms']:g} ms"
                for w in result["windows"]
            )
            + ".",
        ]
    if v and f:
        lines += [
            "",
            f"Value update p95 {v['p95_ms']} ms vs floor (`/healthz`) p95 {f['p95_ms']} ms: "
            f"ratio {v['p95_ms'] / max(f['p95_ms'], 0.1):.1f}x. Goal p95 < {GOAL_P95_MS:g} ms "
            f"and 0 errors: {'met' if result['goal_met'] else 'NOT met'}.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--quick", action="store_true", help="20 users, 20 s")
    ap.add_argument(
        "--think",
        default="0,0.2",
        help="seconds a user waits between actions, min,max (default 0,0.2: a stress test; "
        "1,3 is closer to a person reading the map)",
    )
    ap.add_argument("--url", help="an already running server (default: start make serve)")
    ap.add_argument("--pid", type=int, help="with --url: the server's pid, for its CPU time")
    ap.add_argument(
        "--fresh",
        action="store_true",
        help="no warm-up: each worker's first requests count (issue 17: from a freshly "
        "started make serve)",
    )
    add_data_dir(ap)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.quick:
        args.users, args.seconds = 20, 20
    proc = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        cache = args.data_dir / "cache"
        if not cache.exists() and (ROOT / "data" / "cache").exists():
            cache.mkdir()
            for layer in (ROOT / "data" / "cache").glob("layers-*"):
                (cache / layer.name).symlink_to(layer.resolve(), target_is_directory=True)
        proc, url = start_server(args.data_dir)
    try:
        load_before = round(os.getloadavg()[0], 2)
        if not args.fresh:
            run_load(url, min(args.users, 5), 5, floor=False)  # warm the caches
        think = tuple(float(x) for x in args.think.split(","))
        pid = proc.pid if proc is not None else args.pid
        cpu0 = server_cpu(pid)
        subject = run_load(url, args.users, args.seconds, floor=False, think=think)
        cpu1 = server_cpu(pid)
        floor = run_load(url, args.users, args.seconds, floor=True, think=think)
    finally:
        if proc is not None:
            stop_server(proc)
    windows = subject.pop("windows")
    floor.pop("windows")
    v = subject.get("value_update", {})
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "think_s": args.think,
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "fresh": args.fresh,
        "server_cpu_s": None if cpu0 is None else round(cpu1 - cpu0, 2),
        "subject_requests": sum(r["n"] for r in subject.values()),
        "server_cpu_ms_per_request": None
        if cpu0 is None
        else round((cpu1 - cpu0) * 1000 / max(1, sum(r["n"] for r in subject.values())), 2),
        "load_after": round(os.getloadavg()[0], 2),
        "subject": subject,
        "floor": floor,
        "windows": windows,
        "goal_met": bool(
            v and v["p95_ms"] < GOAL_P95_MS and all(r["errors"] == 0 for r in subject.values())
        ),
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(markdown(result) if args.markdown else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
