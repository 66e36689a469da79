"""Export benchmarks: one export with a warm renderer, and a batch of every province.

Each subject is measured next to a *floor* in the same run (alternating): the same warm
kaleido renderer exporting a trivial figure (one scatter line, same page size and
format). The ratio subject/floor is what compares across machines. The CPU seconds
used by this process and its browser are reported too: on a busy machine they tell
what the wall time would be on an idle one.

    python -m bench.bench_export --markdown           # 5 repeats, one 31-province batch
    python -m bench.bench_export --quick --markdown   # 2 repeats, batch of 3 provinces
    python -m bench.bench_export --json out.json

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
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup import fmt, machine, paired, prepare  # noqa: E402

GOALS = {"export_national_png": 4.0, "batch_provinces_png": 180.0}


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
        "--data-dir",
        type=Path,
        default=Path(
            os.environ.get("ATLAS_BENCH_DATA", Path(tempfile.gettempdir()) / "atlas-bench-data")
        ),
    )
    args = p.parse_args(argv)
    if args.render:
        print(markdown(json.loads(Path(args.render).read_text())))
        return 0
    repeat = 2 if args.quick else args.repeat
    data_dir = args.data_dir.resolve()
    print(f"prepare {data_dir} ...", file=sys.stderr)
    prepare(data_dir)
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    from cachelib import SimpleCache

    from dashboard.atlas import Atlas
    from dashboard.settings import Settings
    from dashboard.sheets import render as export

    atlas = Atlas(Settings.from_env(), SimpleCache(threshold=100_000, default_timeout=0))
    renderer = export.Renderer()
    results: dict = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "repeat": repeat,
        "benchmarks": {},
    }
    nation = export.export_state(atlas, {})
    sichuan = export.export_state(atlas, {"region": "510000"})
    t0 = time.perf_counter()
    renderer.start()
    export.export_map(atlas, nation, "png", renderer)  # warm: browser, geometry, caches
    export.export_briefing(atlas, sichuan, renderer)
    results["first_export_s"] = round(time.perf_counter() - t0, 2)

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
        results["benchmarks"][name] = paired(subject, base, "s")

    values = atlas.indicator_values(nation["indicator"], nation["period"])
    web = atlas.layers.counties_web
    has = values.reindex(web.index).notna().groupby(web["province_code"]).any()
    codes = has.index[has].tolist()[: 3 if args.quick else None]
    print(f"batch of {len(codes)} provinces ...", file=sys.stderr)
    batch = timed(
        lambda: [export.export_map(atlas, {**nation, "region": c}, "png", renderer) for c in codes],
        "batch_provinces_png",
    )
    base = timed(lambda: [renderer.render(trivial_figure(), "png") for _ in codes])
    results["benchmarks"]["batch_provinces_png"] = paired([batch], [base], "s", files=len(codes))
    renderer.stop()
    for name, values in cpu_used.items():
        results["benchmarks"][name]["cpu_s"] = round(sorted(values)[len(values) // 2], 3)
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["goals"] = GOALS
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if args.markdown:
        print(markdown(results))
    elif not args.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


def markdown(results: dict) -> str:
    lines = [
        "| Benchmark | Median (min–max) | Floor median | Ratio (median) | CPU (median) | Goal | Met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, b in results["benchmarks"].items():
        s, f, r = b["subject"], b["floor"], b["ratio"]
        spread = f"{fmt(s['median'], 's')} ({fmt(s['min'], 's')}–{fmt(s['max'], 's')})"
        ratio = f"{r['median']:.2f}×" if r["median"] is not None else "–"
        goal = GOALS.get(name)
        label = f"`{name}`" + (f" ({b['files']} files)" if "files" in b else "")
        met = ("yes" if s["median"] < goal else "no") if goal else ""
        goal_text = f"< {fmt(goal, 's')}" if goal else ""
        cpu = fmt(b.get("cpu_s"), "s")
        lines.append(
            f"| {label} | {spread} | {fmt(f['median'], 's')} | {ratio} | {cpu} | {goal_text} | {met} |"
        )
    m = results["machine"]
    lines += [
        "",
        f"{m['nproc']} CPUs, {m['mem_gb']} GB, Python {m['python']}, {results['date']}; "
        f"load before {results['load_before']}, after {results['load_after']}; "
        f"repeats: {results['repeat']}; first export after start (browser, geometry, "
        f"analyses): {results['first_export_s']} s.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
