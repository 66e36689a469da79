"""Server time of a planner's clicks (issue 17, goal 4): region drill-down, county search,
county panel, each the callbacks one click sets off, through Dash's own endpoint.

In one process, as a worker runs them: the app on a prepared data dir with its result
cache emptied first (``cache/flask``), so the *first* figures include computing the views;
then *repeated* (median). The floor is a one-line echo callback of a minimal Dash app in
the same process, alternating with the subject. Server time is the request's wall time
through the WSGI app (no network), and its CPU time.

    python -m bench.bench_interactions --markdown
    python -m bench.bench_interactions --repeat 9 --json out.json

Goal (issue 17): each under 300 ms of server time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup import add_data_dir, emit, paired, prepare, results_head  # noqa: E402

GOAL_S = 0.300
PROVINCE, COUNTY = "510000", "510104"  # Sichuan; Chengdu's Jinjiang district


def body(outputs, inputs, state=(), changed=None) -> dict:
    """A callback request; ids and props as (id, prop, value) tuples."""
    multi = len(outputs) > 1
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if multi
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if multi
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"],
    }


def map_update(region: str) -> dict:
    """The map's value update for a region (what a drill-down sets off after navigating)."""
    from bench.bench_load import update_body

    b = json.loads(update_body("left_behind", PERIOD, "quantiles"))
    for i in b["inputs"]:
        if i["id"] == "region":
            i["value"] = region
    b["changedPropIds"] = ["region.data"]
    return b


PERIOD = ""  # set from the app's default period


def interactions(dash_app) -> dict[str, list[dict]]:
    """Each interaction: the callback requests one click sets off, in order."""
    from dashboard import ids

    nav_key = next(
        k
        for k, cb in dash_app.callback_map.items()
        if f"{ids.REGION}.data" in k and cb["inputs"][0]["id"] == ids.MAP
    )
    navigate = body(
        [(ids.REGION, "data"), (ids.BREADCRUMB, "children"), (ids.SELECTED, "data")],
        [
            (ids.MAP, "clickData", {"points": [{"location": COUNTY}]}),
            ({"type": ids.CRUMB, "code": "100000"}, "n_clicks", None),
            (ids.SEARCH, "value", None),
        ],
        [(ids.REGION, "data", ""), (ids.SELECTED, "data", ""), (ids.LANG, "data", "zh")],
        changed=f"{ids.MAP}.clickData",
    )
    navigate["output"] = nav_key
    # a pattern-matching input (ALL) is a list: the nation's one breadcrumb, not clicked
    navigate["inputs"][1] = [
        {"id": {"type": ids.CRUMB, "code": "100000"}, "property": "n_clicks", "value": None}
    ]
    search = body(
        [(ids.SEARCH, "options")],
        [(ids.SEARCH, "search_value", "成都")],
        [(ids.LANG, "data", "zh"), (ids.SEARCH, "value", None)],
    )
    panel = body(
        [(ids.PANEL, "children")],
        [(ids.SELECTED, "data", COUNTY), (ids.PERIOD, "value", PERIOD)],
        [(ids.LANG, "data", "zh")],
    )
    return {
        "drill_down": [navigate, map_update(PROVINCE)],
        "search": [search],
        "county_panel": [panel],
    }


def floor_app():
    import dash
    from dash import Input, Output, dcc, html

    app = dash.Dash(__name__, serve_locally=True, update_title=None, compress=True)
    app.layout = html.Div([dcc.Input(id="in", value="a"), html.Div(id="out")])

    @app.callback(Output("out", "children"), Input("in", "value"), prevent_initial_call=True)
    def echo(value):
        return value

    return app


def timed(client, bodies: list[dict]) -> tuple[float, float]:
    """(wall, CPU) seconds of the requests in turn; each must answer 200."""
    t0, c0 = time.perf_counter(), time.process_time()
    for b in bodies:
        r = client.post("/_dash-update-component", json=b, headers={"Accept-Encoding": "gzip, br"})
        if r.status_code not in (200, 204):
            raise RuntimeError(f"{b['output']}: {r.status_code} {r.get_data()[:300]!r}")
    return time.perf_counter() - t0, time.process_time() - c0


def run(repeat: int, data_dir: Path) -> dict:
    global PERIOD
    prepare(data_dir)
    shutil.rmtree(data_dir / "cache" / "flask", ignore_errors=True)
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    os.environ["ATLAS_LOG_LEVEL"] = "WARNING"
    from dashboard.factory import create_app, wait_for_warm_up

    results = results_head(repeat, benchmarks={})
    app = create_app()
    # As in a served process: gunicorn's master waits for the start-up warm-up before it
    # forks its workers (the registry, the map's static parts; not the result cache).
    wait_for_warm_up()
    PERIOD = app.atlas.default_period()
    client = app.server.test_client()
    client.get("/_dash-layout")  # the page the clicks happen on
    floor = floor_app().server.test_client()
    floor.get("/")
    echo = body([("out", "children")], [("in", "value", "b")])
    for name, bodies in interactions(app).items():
        first, first_cpu = timed(client, bodies)
        f_first, _ = timed(floor, [echo] * len(bodies))
        subj, cpu, flo = [], [], []
        for i in range(repeat):
            pair = [(client, bodies), (floor, [echo] * len(bodies))]
            for c, b in pair if i % 2 == 0 else pair[::-1]:
                wall, c_s = timed(c, b)
                if c is client:
                    subj.append(wall)
                    cpu.append(c_s)
                else:
                    flo.append(wall)
        results["benchmarks"][name] = paired(
            subj, flo, "s", cpu_median=statistics.median(cpu), requests=len(bodies)
        )
        results["benchmarks"][f"{name}_first"] = paired(
            [first], [f_first], "s", cpu_median=first_cpu, requests=len(bodies)
        )
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return results


def markdown(results: dict) -> str:
    def ms(v):
        return f"{v * 1000:.1f} ms"

    lines = [
        "| Interaction | Requests | Median (min–max) | CPU | Floor | Ratio | Goal | Met |",
        "|---|---:|---|---|---|---|---|---|",
    ]
    for name, b in results["benchmarks"].items():
        s, f = b["subject"], b["floor"]
        lines.append(
            f"| `{name}` | {b['requests']} | {ms(s['median'])} ({ms(s['min'])}–{ms(s['max'])}) | "
            f"{ms(b['cpu_median'])} | {ms(f['median'])} | {b['ratio']['median']:.1f}× | "
            f"< {GOAL_S * 1000:.0f} ms | {'yes' if s['max'] < GOAL_S else 'no'} |"
        )
    m = results["machine"]
    lines += [
        "",
        f"{m['nproc']} CPUs, Python {m['python']}, {results['date']}; load before "
        f"{results['load_before']}, after {results['load_after']}; {results['repeat']} repeats; "
        "`_first`: the first time in a process, with the result cache emptied.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench_interactions", description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--json", metavar="OUT")
    p.add_argument("--markdown", action="store_true")
    add_data_dir(p)
    args = p.parse_args(argv)
    results = run(args.repeat, args.data_dir.resolve())
    emit(results, args.json, args.markdown or not args.json, markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
