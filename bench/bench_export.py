"""Export benchmarks: one export with a warm renderer, and a batch of every province.

Each subject is measured next to a *floor* in the same run (alternating): the same warm
kaleido renderer exporting a trivial figure (one scatter line, same page size and
format). The ratio subject/floor is what compares across machines. The CPU seconds
used by this process and its browser are reported too: on a busy machine they tell
what the wall time would be on an idle one.

    python -m bench.bench_export --markdown           # 5 repeats, one 31-province batch
    python -m bench.bench_export --quick --markdown   # 2 repeats, batch of 3 provinces
    python -m bench.bench_export --json out.json
    python -m bench.bench_export --only first --repeat 7 --baseline /tmp/before --markdown

Benchmarks
----------
export_national_png / export_province_png / export_national_svg
    ``export.export_map`` of the default view (left-behind children, latest period) as
    a 300-dpi A4 PNG (or SVG), figure building included, the app's result cache warm
    (as in a running server; the file cache itself is bypassed).
briefing_province_pdf
    ``export.export_briefing`` (four pages merged with pypdf) for Sichuan; floor: four
    times one trivial PDF export.
batch_provinces_png
    One PNG per province with data (31 with the demo data), one warm renderer, as
    ``python app.py export --all-provinces`` does. Floor: as many trivial exports.
first_export_server / first_export_cold
    The first export of a process (issue 17, goal 4): the national PNG, then Sichuan's
    four-page briefing (its LISA clusters and coverage computed: the result cache is
    empty), each repeat in a fresh process. ``server``: the process has warmed up as a
    web worker of ``make serve`` does before its first export comes (the master's
    imports, export geometry and weights; the worker's browser started and drawn
    once); ``cold``: nothing warmed (the CLI, or an export in the first seconds). Floor:
    a fresh process whose renderer draws one trivial PNG and four trivial PDF pages,
    its browser warmed first for ``server``, started by the timed part for ``cold``.
    The warm-up's own time is reported beside (``warm_s``).
    ``--baseline DIR`` also measures another checkout's code (e.g. the commit before a
    change) side by side, alternating, with the same benchmark code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup import add_data_dir, emit, fmt, paired, prepare, results_head  # noqa: E402

GOALS = {"export_national_png": 4.0, "batch_provinces_png": 180.0, "first_export_server": 10.0}
FIRST_MODES = ("server", "cold")


def trivial_figure() -> dict:
    return {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}], "layout": {}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench_export", description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="2 repeats, a batch of 3 provinces")
    p.add_argument("--json", metavar="OUT")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--render", metavar="IN", help="print the markdown of a saved --json file")
    p.add_argument(
        "--only",
        choices=("warm", "first"),
        help="only the warm-renderer exports, or only the first export of a process",
    )
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="also run the first-export benchmarks on the code in DIR (another checkout)",
    )
    p.add_argument("--child", help=argparse.SUPPRESS)  # one first-export process
    p.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    add_data_dir(p)
    args = p.parse_args(argv)
    if args.render:
        print(markdown(json.loads(Path(args.render).read_text())))
        return 0
    if args.child:
        print(json.dumps(first_export_child(args.child, args.data_dir.resolve(), args.code)))
        return 0
    repeat = 2 if args.quick else args.repeat
    data_dir = args.data_dir.resolve()
    print(f"prepare {data_dir} ...", file=sys.stderr)
    prepare(data_dir)
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    results = results_head(repeat, benchmarks={})
    if args.only != "warm":
        results["benchmarks"].update(first_exports(repeat, data_dir, args.baseline))
    if args.only != "first":
        results["benchmarks"].update(warm_renderer_exports(repeat, args.quick))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["goals"] = GOALS
    emit(results, args.json, args.markdown, markdown)
    return 0


def warm_renderer_exports(repeat: int, quick: bool) -> dict:
    """Exports with the warm renderer of one process (the result cache warm)."""
    from cachelib import SimpleCache

    from dashboard.atlas import Atlas
    from dashboard.settings import Settings
    from dashboard.sheets import render as export

    atlas = Atlas(Settings.from_env(), SimpleCache(threshold=100_000, default_timeout=0))
    renderer = export.Renderer()
    benchmarks: dict = {}
    nation = export.export_state(atlas, {})
    sichuan = export.export_state(atlas, {"region": "510000"})
    renderer.start()
    export.export_map(atlas, nation, "png", renderer)  # warm: browser, geometry, caches
    export.export_briefing(atlas, sichuan, renderer)

    import psutil

    me = psutil.Process()

    def cpu_now() -> float:
        """CPU seconds of this process and its browser: unlike wall time, hardly
        changed by other work on the machine."""
        total = sum(me.cpu_times()[:2])
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # a helper process may just have ended
                total += sum(child.cpu_times()[:2])
        return total

    cpu_used: dict[str, list[float]] = {}

    def timed(fn, name: str | None = None) -> float:
        c, t = cpu_now(), time.perf_counter()
        fn()
        wall = time.perf_counter() - t
        if name:
            cpu_used.setdefault(name, []).append(cpu_now() - c)
        return wall

    def floor(fmt_: str) -> float:
        return timed(lambda: renderer.render(trivial_figure(), fmt_))

    cases = {
        "export_national_png": (lambda: export.export_map(atlas, nation, "png", renderer), "png"),
        "export_province_png": (lambda: export.export_map(atlas, sichuan, "png", renderer), "png"),
        "export_national_svg": (lambda: export.export_map(atlas, nation, "svg", renderer), "svg"),
        "briefing_province_pdf": (lambda: export.export_briefing(atlas, sichuan, renderer), "pdf"),
    }
    for name, (fn, fmt_) in cases.items():
        print(f"{name} x{repeat} ...", file=sys.stderr)
        subject, base = [], []
        for _ in range(repeat):
            subject.append(timed(fn, name))
            base.append(floor(fmt_) * (4 if name.startswith("briefing") else 1))
        benchmarks[name] = paired(subject, base, "s")

    values = atlas.indicator_values(nation.indicator, nation.period)
    web = atlas.layers.counties_web
    has = values.reindex(web.index).notna().groupby(web["province_code"]).any()
    codes = has.index[has].tolist()[: 3 if quick else None]
    print(f"batch of {len(codes)} provinces ...", file=sys.stderr)
    batch = timed(
        lambda: [
            export.export_map(atlas, nation.replace(region=c), "png", renderer) for c in codes
        ],
        "batch_provinces_png",
    )
    base = timed(lambda: [renderer.render(trivial_figure(), "png") for _ in codes])
    benchmarks["batch_provinces_png"] = paired([batch], [base], "s", files=len(codes))
    renderer.stop()
    for name, values in cpu_used.items():
        benchmarks[name]["cpu_s"] = round(sorted(values)[len(values) // 2], 3)
    return benchmarks


# --- the first export of a process ----------------------------------------------------------
def first_exports(repeat: int, data_dir: Path, baseline: Path | None) -> dict:
    """Each mode's subject and floor in fresh processes, alternating (and the baseline
    code's subject beside them); step times and CPU are medians over the repeats."""
    import statistics

    runs: dict[str, list[dict]] = {}
    order = [(f"first_export_{m}", m, None) for m in FIRST_MODES]
    order += [(f"floor_{m}", f"floor-{m}", None) for m in FIRST_MODES]
    if baseline is not None:
        order += [(f"first_export_{m}_baseline", m, baseline.resolve()) for m in FIRST_MODES]
    for i in range(repeat):
        for key, mode, code in order:
            print(f"{key} {i + 1}/{repeat} ...", file=sys.stderr)
            runs.setdefault(key, []).append(_run_child(mode, data_dir, code))

    def med(rows: list[dict], k: str) -> float | None:
        vals = [r[k] for r in rows if r.get(k) is not None]
        return round(statistics.median(vals), 3) if vals else None

    out = {}
    for key, _mode, code in order:
        if key.startswith("floor_"):
            continue
        mode = key.removeprefix("first_export_").removesuffix("_baseline")
        rows, floors = runs[key], runs[f"floor_{mode}"]
        b = paired([r["total_s"] for r in rows], [f["total_s"] for f in floors], "s")
        b["steps"] = {k: med(rows, k) for k in ("png_s", "briefing_s")}
        b["steps_spread"] = {
            k: [min(r[k] for r in rows), max(r[k] for r in rows)] for k in ("png_s", "briefing_s")
        }
        b["cpu_s"] = med(rows, "cpu_s")
        b["warm_s"] = med(rows, "warm_s")
        b["load"] = [min(r["load"] for r in rows), max(r["load"] for r in rows)]
        if code is not None:
            b["code"] = str(code)
        out[key] = b
    return out


def _run_child(mode: str, data_dir: Path, code: Path | None) -> dict:
    import subprocess

    cmd = [sys.executable, "-m", "bench.bench_export", "--child", mode, "--data-dir", str(data_dir)]
    if code is not None:
        cmd += ["--code", str(code)]
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir), "ATLAS_LOG_LEVEL": "WARNING"}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"first-export child {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def first_export_child(mode: str, data_dir: Path, code: Path | None) -> dict:
    """One fresh process: set up as `mode` says, then time its first exports.

    Runs against the code in `code` (default: this checkout), using only what every
    version of the export module has had (``Renderer``, ``export_map``,
    ``export_briefing``); a version without ``warm_exports`` is warmed as its server
    was: the analysis imports, then nothing else.
    """
    if code is not None:
        sys.path.insert(0, str(code))
        for name in [
            m for m in sys.modules if m == "dashboard" or m.startswith(("dashboard.", "geodata"))
        ]:
            del sys.modules[name]
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    import psutil
    from cachelib import SimpleCache

    from dashboard.atlas import Atlas
    from dashboard.settings import Settings
    from dashboard.sheets import render as export

    me = psutil.Process()

    def cpu_now() -> float:
        total = sum(me.cpu_times()[:2])
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sum(child.cpu_times()[:2])
        return total

    atlas = Atlas(Settings.from_env(), SimpleCache(threshold=100_000, default_timeout=0))
    renderer = export.Renderer()
    nation = export.export_state(atlas, {})
    sichuan = export.export_state(atlas, {"region": "510000"})
    row: dict = {"mode": mode, "warm_s": None}
    t = time.perf_counter()
    if mode in ("server", "floor-server"):
        if mode == "server":  # what gunicorn's master does before forking
            from dashboard import factory

            if hasattr(factory, "warm_first_requests"):
                factory.warm_first_requests(atlas)
            factory.warm_imports(delay=0)
        if hasattr(export, "warm_exports") and mode == "server":
            export.warm_exports(atlas, renderer)
        elif hasattr(renderer, "warm_up"):
            renderer.warm_up()
        elif mode == "floor-server":
            renderer.render(trivial_figure(), "png")
        row["warm_s"] = round(time.perf_counter() - t, 3)
    row["load"] = round(os.getloadavg()[0], 2)
    c0, t0 = cpu_now(), time.perf_counter()
    if mode.startswith("floor"):
        renderer.start()
        renderer.render(trivial_figure(), "png")
        t1 = time.perf_counter()
        for _ in range(4):
            renderer.render(trivial_figure(), "pdf")
    else:
        renderer.start()
        png = export.export_map(atlas, nation, "png", renderer)
        t1 = time.perf_counter()
        pdf = export.export_briefing(atlas, sichuan, renderer)
        assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
    t2 = time.perf_counter()
    row.update(
        png_s=round(t1 - t0, 3),
        briefing_s=round(t2 - t1, 3),
        total_s=round(t2 - t0, 3),
        cpu_s=round(cpu_now() - c0, 3),
    )
    renderer.stop()
    return row


def markdown(results: dict) -> str:
    lines = [
        "| Benchmark | Median (min–max) | Floor median | Ratio (median) | CPU (median) | Goal | Met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, b in results["benchmarks"].items():
        s, f, r = b["subject"], b["floor"], b["ratio"]
        spread = f"{fmt(s['median'], 's')} ({fmt(s['min'], 's')}–{fmt(s['max'], 's')})"
        ratio = f"{r['median']:.2f}×" if r["median"] is not None else "–"
        goal = GOALS.get(name.removesuffix("_baseline"))
        label = f"`{name}`" + (f" ({b['files']} files)" if "files" in b else "")
        met = ("yes" if s["median"] < goal else "no") if goal else ""
        goal_text = f"< {fmt(goal, 's')}" if goal else ""
        cpu = fmt(b.get("cpu_s"), "s")
        lines.append(
            f"| {label} | {spread} | {fmt(f['median'], 's')} | {ratio} | {cpu} | {goal_text} | {met} |"
        )
    first = {k: b for k, b in results["benchmarks"].items() if "steps" in b}
    if first:
        lines += [
            "",
            "| First export | national PNG | briefing | total | warm-up before (not timed) "
            "| load (1 min) | code |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, b in first.items():
            st, sp = b["steps"], b["steps_spread"]
            png = f"{fmt(st['png_s'], 's')} ({fmt(sp['png_s'][0], 's')}–{fmt(sp['png_s'][1], 's')})"
            brief = (
                f"{fmt(st['briefing_s'], 's')} "
                f"({fmt(sp['briefing_s'][0], 's')}–{fmt(sp['briefing_s'][1], 's')})"
            )
            total = fmt(b["subject"]["median"], "s")
            code = b.get("code", "this checkout")
            lines.append(
                f"| `{name}` | {png} | {brief} | {total} | {fmt(b.get('warm_s'), 's')} "
                f"| {b['load'][0]}–{b['load'][1]} | {code} |"
            )
    m = results["machine"]
    lines += [
        "",
        f"{m['nproc']} CPUs, {m['mem_gb']} GB, Python {m['python']}, {results['date']}; "
        f"load before {results['load_before']}, after {results['load_after']}; "
        f"repeats: {results['repeat']}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
