"""The command line of the Atlas (``python app.py <command>``; ``app.main`` calls this).

    python app.py                 # same as: python app.py serve
    python app.py serve [--host H] [--port P]
    python app.py prepare         # build caches, load the demo data (idempotent)
    python app.py worker          # Celery worker for background jobs (needs REDIS_URL)
    python app.py geodata [--json] [--rebuild]
    python app.py analyze --method M --out FILE.csv
    python app.py import FILE --kind children|facilities --period P
                  [--mode merge|replace] [--scope CODE] [--user NAME] [--dry-run] [--json]
    python app.py user add NAME --role admin|editor|viewer [--region CODE]
    python app.py user passwd|role|remove|unlock|list
    python app.py round open P [--deadline YYYY-MM-DD] | list | close P
    python app.py programme add|list|show|remove
    python app.py export --out FILE [--briefing] [--all-provinces]
    python app.py settings [--markdown]

Each command imports what it needs when it runs, so ``--help`` and ``settings`` are
quick. A ``ValueError`` or ``OSError`` is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dashboard.factory import create_app, wait_for_warm_up, warm_imports, worker_app

if TYPE_CHECKING:
    import pandas as pd

    from dashboard.accounts.users import Users


def _cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.settings import Settings

    settings = Settings.from_env()
    host = args.host or settings.host
    port = args.port or settings.port
    app = create_app(settings)
    # In debug mode the reloader's parent only watches files: the child serves.
    if settings.export_warmup and (not settings.debug or os.environ.get("WERKZEUG_RUN_MAIN")):
        from dashboard.sheets.render import start_export_warmup

        start_export_warmup(app.atlas, delay=1.0)
    print(f"儿童关爱地图 serving on http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, debug=settings.debug)
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    """A Celery worker for the background jobs (analyses) of every web process."""
    app = worker_app()
    wait_for_warm_up()  # a thread caught mid-way by the pool's fork would keep its locks
    warm_imports(delay=0)  # before the pool forks, so every child has them
    argv = ["worker", f"--loglevel={app.settings.log_level}"]
    if args.pool:
        argv.append(f"--pool={args.pool}")
    if args.concurrency:
        argv.append(f"--concurrency={args.concurrency}")
    app.celery_app.worker_main(argv)
    return 0


class StepPrinter(logging.Handler):
    """Prints the steps a long command logs (INFO and up), each with the seconds since
    it started; on a terminal the current step's line ticks every second.

    Why: the first ``make run`` builds the boundary layers and weights for about two
    minutes; without a line that moves, a new user thinks it hung.
    """

    def __init__(self, stream: TextIO | None = None, *, tick: float = 1.0) -> None:
        super().__init__(logging.INFO)
        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.step = ""
        self.step_started = self.started
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._tick = tick
        self._ticker: threading.Thread | None = None

    def _line(self) -> str:
        now = time.monotonic()
        line = f"[{now - self.started:5.0f} s] {self.step}"
        if self.tty and now - self.step_started >= 2:
            line += f" … {now - self.step_started:.0f} s"
        return line

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            if self.tty and self.step:
                self.stream.write("\n")
            self.step = record.getMessage()
            if record.levelno >= logging.WARNING:
                self.step = f"{record.levelname.lower()}: {self.step}"
            self.step_started = time.monotonic()
            self.stream.write(
                ("\r" if self.tty else "") + self._line() + ("" if self.tty else "\n")
            )
            self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._tick):
            with self._lock:
                if self.step:
                    self.stream.write("\r\033[K" + self._line())
                    self.stream.flush()

    def __enter__(self) -> StepPrinter:
        for name in ("geodata", "dashboard"):
            logger = logging.getLogger(name)
            logger.addHandler(self)
            if logger.getEffectiveLevel() > logging.INFO:
                logger.setLevel(logging.INFO)
        if self.tty:
            self._ticker = threading.Thread(target=self._run, daemon=True, name="steps")
            self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.tty and self.step:
                self.stream.write("\n")
                self.stream.flush()
        for name in ("geodata", "dashboard"):
            logging.getLogger(name).removeHandler(self)


def _cmd_prepare(args: argparse.Namespace) -> int:
    from dashboard.atlas import Atlas
    from dashboard.settings import Settings

    settings = Settings.from_env()
    print(
        f"preparing {settings.data_dir} (tables, boundary layers, weights, demo data)", flush=True
    )
    with StepPrinter():
        report = Atlas(settings).prepare()
        # Brotli and gzip copies of every static file, once for all workers (about 20 s
        # the first time, then only a digest per file).
        from dashboard.factory import create_app
        from dashboard.web.static import precompress_all

        report["static_files_precompressed"] = precompress_all(create_app(settings, prepare=False))
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


def _cmd_geodata(args: argparse.Namespace) -> int:
    from dashboard.settings import Settings
    from geodata import boundaries

    settings = Settings.from_env()
    params = boundaries.LayerParams(tolerance=settings.simplify_tolerance)
    layers = boundaries.load_layers(settings.cache_dir, params, rebuild=args.rebuild)
    info = boundaries.summary(layers)
    try:
        from geodata.codes import load_registry

        info["codes"] = load_registry().summary()
    except ImportError:  # pragma: no cover - codes module is part of the product
        pass
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=1, default=str))
    else:
        c = info["counts"]
        print(f"{info['source']}  CRS {info['crs']}")
        print(
            f"counties {c['counties']:,}  prefectures {c['prefectures']:,}  "
            f"provinces {c['provinces']:,}"
        )
        v = info["vertices"]
        print(
            f"vertices full {v['counties_full']:,}  web {v['counties_web']:,}  "
            f"web GeoJSON {info['geojson_gzip_bytes']:,} bytes gzipped"
        )
        print(f"cache {info['cache_path']}")
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from dashboard.atlas import Atlas
    from dashboard.settings import Settings
    from dashboard.view import BadParameter, ViewState

    # The same reading (defaults and bounds) as the page, the API and the exports.
    query = {
        "analysis": args.method, "indicator": args.indicator, "permutations": args.permutations,
        "seed": args.seed, "alpha": args.alpha, "fdr": "1" if args.fdr else None,
        "radius_km": args.radius_km, "k": args.k,
    }  # fmt: skip
    try:
        params = ViewState.from_query(
            {k: str(v) for k, v in query.items() if v is not None}, strict=True
        ).analysis_params()
    except BadParameter as exc:
        raise ValueError(f"--{exc}") from None
    atlas = Atlas(Settings.from_env())
    atlas.prepare()
    candidates = _read_candidates(args.candidates) if args.candidates else None
    try:
        table = atlas.analysis_table(params, args.period, candidates=candidates)
    except KeyError as exc:
        raise ValueError(str(exc).strip("'\"")) from None
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    from geodata.ingest import csv_safe_frame

    csv_safe_frame(table).to_csv(out, index=False, encoding="utf-8-sig")
    summary = table.attrs.get("summary")
    synthetic = bool(table["synthetic"].any())
    print(
        f"wrote {len(table):,} counties to {out}" + (" (SYNTHETIC demo data)" if synthetic else "")
    )
    if summary:
        print(json.dumps(summary, ensure_ascii=False))
    if "sites" in table.attrs:
        sites_out = out.with_name(out.stem + "-sites.csv")
        csv_safe_frame(table.attrs["sites"]).to_csv(sites_out, encoding="utf-8-sig")
        print(f"wrote chosen sites to {sites_out}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from dashboard.atlas import Atlas
    from dashboard.settings import Settings
    from geodata.ingest import import_file

    settings = Settings.from_env()
    atlas = Atlas(settings)
    atlas.prepare()
    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    region = None
    if args.user:
        from dashboard.accounts.users import Users

        found = Users(atlas.store.engine).get(args.user)
        if found is None:
            raise ValueError(f"no user {args.user!r} (app.py user add)")
        if not found.is_editor:
            raise ValueError(f"user {args.user!r} is a {found.role}: only editors import")
        region = found.scope
    if args.mode == "replace" and not args.scope:
        raise ValueError("--mode replace needs --scope CODE (100000 for the nation)")
    report = import_file(
        atlas.store,
        atlas.registry,
        path,
        kind=args.kind,
        period=args.period,
        dry_run=args.dry_run,
        created_by=args.user,
        counties=atlas.layers.counties_full,
        raw_dir=settings.upload_dir,
        filename=path.name,
        sheet=args.sheet,
        datum=args.datum,
        mode=args.mode,
        scope=args.scope,
        region=region,
    )
    info = report.to_json()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, default=str))
    else:
        print(
            f"{path.name}: {info['rows_total']:,} rows: {info['rows_imported']:,} imported, "
            f"{info['rows_skipped']:,} skipped, {info['rows_rejected']:,} rejected"
            + (
                " (dry run: nothing written)"
                if args.dry_run
                else f"; {report.kind} {report.period} version {info.get('dataset_version')}"
            )
        )
        scope = f" of {info['scope']}" if info["scope"] else ""
        print(
            f"{info['mode']}{scope}: {info['counties_updated']:,} counties updated, "
            f"{info['counties_added']:,} new, {info['counties_unchanged']:,} unchanged"
            + (
                f", {info['counties_unreported']:,} become not reported"
                if info["mode"] == "replace"
                else ""
            )
        )
        unreported = info["changes"]["unreported"]
        if unreported:
            shown = ", ".join(unreported[:20])
            more = f" ... {len(unreported) - 20:,} more" if len(unreported) > 20 else ""
            print(f"  not reported after this commit: {shown}{more}")
        for p in info["problems"][:50]:
            print(f"  row {p['row']}: {p.get('column') or '-'}: {p['reason']}")
        if len(info["problems"]) > 50:
            print(f"  ... {len(info['problems']) - 50:,} more problems (use --json)")
    return 0


def _read_candidates(path: str) -> pd.DataFrame:
    """Candidate sites for MCLP: a CSV with lon, lat and an optional id column."""
    import pandas as pd

    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    cols = {c.lower().strip(): c for c in df.columns}
    lon = next((cols[c] for c in ("lon", "lng", "longitude", "经度") if c in cols), None)
    lat = next((cols[c] for c in ("lat", "latitude", "纬度") if c in cols), None)
    if lon is None or lat is None:
        raise ValueError(f"{path}: candidate file needs lon and lat columns")
    ident = next((cols[c] for c in ("id", "site", "name", "名称") if c in cols), None)
    out = pd.DataFrame(
        {
            "lon": pd.to_numeric(df[lon], errors="coerce"),
            "lat": pd.to_numeric(df[lat], errors="coerce"),
        }
    )
    bad = out.index[
        out.isna().any(axis=1) | ~out["lon"].between(73, 136) | ~out["lat"].between(3, 54)
    ]
    if len(bad):
        raise ValueError(
            f"{path}: rows {', '.join(str(i + 2) for i in bad[:10])} have no "
            "valid WGS-84 lon/lat in China"
        )
    out.index = df[ident].astype(str) if ident else [f"site-{i + 1}" for i in range(len(df))]
    return out


def _user_store() -> Users:
    from dashboard.accounts.users import Users
    from dashboard.settings import Settings
    from geodata.store import Store

    settings = Settings.from_env()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    users = Users(Store(settings.db_url).engine)
    users.create_all()
    return users


def _read_password(args: argparse.Namespace) -> str:
    from dashboard.accounts.users import check_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("password: ")
        check_password(password)
        if getpass.getpass("password again: ") != password:
            raise ValueError("the passwords do not match")
    return check_password(password)


def _cmd_user(args: argparse.Namespace) -> int:
    users = _user_store()
    if args.user_command == "add":
        users.add(args.name, args.role, _read_password(args), region=args.region)
        where = f" for region {users.get(args.name).region}" if users.get(args.name).region else ""
        print(f"added {args.role} {args.name}{where}")
    elif args.user_command == "role":
        users.set_role(args.name, args.role, region=args.region)
        print(f"{args.name} is now {args.role}" + (f" for {args.region}" if args.region else ""))
    elif args.user_command == "passwd":
        if users.get(args.name) is None:
            raise ValueError(f"no user {args.name!r}")
        users.set_password(args.name, _read_password(args))
        print(f"password changed for {args.name} (other sessions signed out)")
    elif args.user_command == "remove":
        users.remove(args.name)
        print(f"removed {args.name}")
    elif args.user_command == "unlock":
        users.unlock(args.name)
        print(f"unlocked {args.name}")
    else:
        found = [u.public() for u in users.list()]
        if args.json:
            print(json.dumps(found, ensure_ascii=False))
        for u in [] if args.json else found:
            lock = "  LOCKED" if u["locked"] else ""
            region = u["region"] or "everywhere"
            print(f"{u['name']:24s} {u['role']:7s} {region:10s} {u['created_at'] or ''}{lock}")
    return 0


def _cmd_round(args: argparse.Namespace) -> int:
    """Collection rounds: a period open for reporting, with an optional deadline."""
    from dashboard.settings import Settings
    from geodata.store import Store
    from geodata.store.rounds import days_left

    settings = Settings.from_env()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url)
    store.create_all()
    if args.round_command == "open":
        r = store.open_round(args.period, deadline=args.deadline, opened_by="cli")
        left = days_left(r["deadline"])
        when = f", deadline {r['deadline']} ({left} days left)" if r["deadline"] else ""
        print(f"round {r['period']} open{when}")
    elif args.round_command == "close":
        if not store.close_round(args.period):
            raise ValueError(f"no round for {args.period}")
        print(f"round {args.period} closed")
    else:
        rows = [
            {"period": r["period"], "deadline": r["deadline"].isoformat() if r["deadline"] else None,
             "days_left": days_left(r["deadline"])}
            for r in store.rounds()
        ]  # fmt: skip
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        for r in [] if args.json else rows:
            print(f"{r['period']}  deadline {r['deadline'] or '-'}  days left {r['days_left']}")
    return 0


def _cmd_programme(args: argparse.Namespace) -> int:
    """Programmes (named county sets) from the command line: add, list, show, remove."""
    from dashboard.atlas import Atlas
    from dashboard.presenters import overlays
    from dashboard.settings import Settings

    atlas = Atlas(Settings.from_env())
    atlas.prepare()
    if args.programme_command == "add":
        text = sys.stdin.read() if args.codes == "-" else Path(args.codes).read_text("utf-8-sig")
        parsed = atlas.parse_programme(text)
        for n, entry, reason in parsed.problems:
            print(f"entry {n} {entry!r}: not used: {reason}", file=sys.stderr)
        for n, _entry, note in parsed.notes:
            print(f"entry {n}: {note}", file=sys.stderr)
        if parsed.problems and not args.allow_problems:
            raise ValueError(
                f"{len(parsed.problems)} entries not used (listed above); fix them or pass "
                "--allow-problems to save the other counties"
            )
        pid = atlas.save_programme(args.name, list(parsed.codes), user="cli")
        provinces = len({c[:2] for c in parsed.codes})
        print(
            f"saved programme {pid} {args.name!r}: {len(parsed.codes)} counties, {provinces} provinces"
        )
    elif args.programme_command == "list":
        df = atlas.store.programmes()
        rows = [
            {"id": int(r.id), "name": r.name, "counties": int(r.n), "synthetic": bool(r.synthetic)}
            for r in df.itertuples(index=False)
        ]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        for r in [] if args.json else rows:
            tag = "  (synthetic example)" if r["synthetic"] else ""
            print(f"{r['id']:>4}  {r['counties']:>5} counties  {r['name']}{tag}")
    elif args.programme_command == "show":
        cmp = overlays.programme_comparison(atlas, args.id, args.period, args.lang)
        if cmp is None:
            raise ValueError(f"no programme {args.id}")
        if args.json:
            print(json.dumps(cmp, ensure_ascii=False))
        else:
            print(
                f"{cmp['name']}: {cmp['n_inside']} counties, {cmp['provinces']} provinces, "
                f"{cmp['period']} (previous {cmp['previous'] or 'none'})"
            )
            for r in cmp["rows"]:
                print(
                    f"  {r['indicator']:40s} {r['inside']:>14} {r['outside']:>14} "
                    f"{r['inside_change']:>9} {r['outside_change']:>9}"
                )
            if cmp["synthetic"]:
                print("SYNTHETIC demo data, not statistics")
    else:
        if not atlas.store.delete_programme(args.id):
            raise ValueError(f"no programme {args.id}")
        print(f"removed programme {args.id}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """Maps and briefings as files; a batch of provinces shares one warm renderer."""
    from cachelib import SimpleCache

    from dashboard.atlas import Atlas
    from dashboard.settings import Settings
    from dashboard.sheets import render as export
    from dashboard.view import BadParameter

    out = Path(args.out)
    batch = args.all_provinces or bool(args.provinces)
    fmt = args.format or ("" if batch else out.suffix.lstrip(".").lower())
    fmt = fmt or ("pdf" if args.briefing else "png")
    if fmt not in export.FORMATS:
        raise ValueError(f"--format must be one of {', '.join(export.FORMATS)}, not {fmt!r}")
    if args.briefing and fmt != "pdf":
        raise ValueError("--briefing writes a PDF: use --format pdf")
    chosen = [c.strip() for c in (args.provinces or "").split(",") if c.strip()]
    if (args.all_provinces or chosen) and args.region:
        raise ValueError("--all-provinces/--provinces and --region exclude each other")
    for code in chosen:
        if not (len(code) == 6 and code.isdigit() and code.endswith("0000")):
            raise ValueError(f"--provinces: {code!r} is not a province code such as 510000")
    # An in-process cache: the batch reads each county table once, not once per file.
    atlas = Atlas(Settings.from_env(), SimpleCache(threshold=100_000, default_timeout=0))
    atlas.prepare()
    query = {
        "indicator": args.indicator,
        "period": args.period,
        "scheme": args.scheme,
        "lang": args.lang,
        "region": args.region,
        "mode": args.mode,
    }
    try:
        state = export.export_state(atlas, {k: v for k, v in query.items() if v})
    except BadParameter as exc:
        raise ValueError(f"--{exc}") from None
    synthetic = atlas.is_synthetic(state.period)
    if args.all_provinces or chosen:
        values = atlas.indicator_values(state.indicator, state.period)
        web = atlas.layers.counties_web
        has_data = values.reindex(web.index).notna().groupby(web["province_code"]).any()
        unknown = [c for c in chosen if c not in has_data.index]
        if unknown:
            raise ValueError(f"--provinces: unknown province {', '.join(unknown)}")
        codes = chosen or has_data.index.tolist()
        jobs = [(state.replace(region=c), None) for c in codes if has_data[c]]
        skipped = [c for c in codes if not has_data[c]]
        out.mkdir(parents=True, exist_ok=True)
    else:
        jobs, skipped = [(state, out)], []
        out.parent.mkdir(parents=True, exist_ok=True)
    renderer = export.Renderer()
    try:
        for job, path in jobs:
            if args.briefing:
                data = export.export_briefing(atlas, job, renderer)
            else:
                data = export.export_map(atlas, job, fmt, renderer)
            name = export.export_filename(job, fmt, briefing=args.briefing, synthetic=synthetic)
            path = path or out / name
            path.write_bytes(data)
            print(f"wrote {path} ({len(data):,} bytes)", flush=True)
    except export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        renderer.stop()
    if skipped:
        print(f"skipped (no data for {state.indicator} in {state.period}): {', '.join(skipped)}")
    if synthetic:
        print("(SYNTHETIC demo data: the files say so)")
    return 0


def _cmd_settings(args: argparse.Namespace) -> int:
    from dashboard.settings import SETTINGS, markdown_table

    if args.markdown:
        print(markdown_table())
    else:
        for s in SETTINGS:
            print(f"{s.env:28s} {s.default!s:12s} {s.help}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` (default: ``sys.argv[1:]``), run the command, return its exit status."""
    parser = argparse.ArgumentParser(
        prog="app.py", description="儿童关爱地图 Children's Care Atlas"
    )
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("serve", help="serve the dashboard (default)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=_cmd_serve)
    p = sub.add_parser("worker", help="run background jobs from Redis (needs REDIS_URL)")
    p.add_argument("--pool", choices=["prefork", "threads", "solo"], help="default: prefork")
    p.add_argument("--concurrency", type=int, help="processes or threads (default: CPUs)")
    p.set_defaults(func=_cmd_worker)
    p = sub.add_parser("prepare", help="build caches and load the demo data")
    p.set_defaults(func=_cmd_prepare)
    p = sub.add_parser("geodata", help="boundary layer summary (builds it if needed)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--rebuild", action="store_true", help="ignore the cache")
    p.set_defaults(func=_cmd_geodata)
    p = sub.add_parser("analyze", help="run a spatial analysis and write a CSV")
    p.add_argument("--period", help="e.g. 2026-H1 (default: latest)")
    p.add_argument("--indicator", help="an indicator id (default left_behind)")
    from geodata.analysis import BOUNDS, REGISTRY

    p.add_argument("--method", required=True, choices=list(REGISTRY))
    p.add_argument("--candidates", help="CSV of candidate sites (id, lon, lat; WGS-84) for mclp")
    for name, flag, what in (("permutations", "--permutations", "permutation tests"),
                             ("seed", "--seed", "seed of the permutations"),
                             ("radius_km", "--radius-km", "service radius in km (2sfca, mclp)"),
                             ("k", "--k", "new facilities to site (mclp)")):  # fmt: skip
        b = BOUNDS[name]
        p.add_argument(
            flag, type=b.cast, help=f"{what}: {b.low:g}-{b.high:g}, default {b.default:g}"
        )
    p.add_argument("--alpha", type=float, help="significance level (default 0.05)")
    p.add_argument("--fdr", action="store_true", help="false discovery rate correction")
    p.add_argument("--out", required=True, help="CSV file to write")
    p.set_defaults(func=_cmd_analyze)
    p = sub.add_parser("import", help="import a CSV/XLSX of child counts or facilities")
    p.add_argument("file")
    p.add_argument("--kind", required=True, choices=["children", "facilities"])
    p.add_argument("--period", help="half-year such as 2025-H1 (or a period column)")
    p.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--sheet", help="XLSX sheet name (default: first non-empty)")
    p.add_argument(
        "--datum",
        default="wgs84",
        choices=["wgs84", "gcj02", "bd09"],
        help="coordinate datum of facility points",
    )
    p.add_argument(
        "--mode",
        default="merge",
        choices=["merge", "replace"],
        help="merge (default): update the counties listed, keep the others; replace: the "
        "file is complete for --scope, its missing counties become not reported",
    )
    p.add_argument("--scope", help="region a replace is complete for: 100000 (nation), "
                   "a province (520000) or prefecture (520100) code")  # fmt: skip
    p.add_argument(
        "--user", default=None, help="the uploader (a user): recorded, and their region applies"
    )
    p.set_defaults(func=_cmd_import)
    p = sub.add_parser("user", help="manage users who can sign in (editors upload data)")
    users_sub = p.add_subparsers(dest="user_command", required=True)
    u = users_sub.add_parser("add", help="add a user (password from --password-stdin or asked)")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=["admin", "editor", "viewer"])
    u.add_argument("--region", help="province, prefecture or county code (default: everywhere)")
    u.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    u = users_sub.add_parser("role", help="change a user's role and region")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=["admin", "editor", "viewer"])
    u.add_argument("--region", help="province, prefecture or county code (default: everywhere)")
    u = users_sub.add_parser("passwd", help="set a new password (and lift a lock-out)")
    u.add_argument("name")
    u.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    u = users_sub.add_parser("remove", help="remove a user (their sessions end)")
    u.add_argument("name")
    u = users_sub.add_parser("unlock", help="lift a lock-out after failed sign-ins")
    u.add_argument("name")
    u = users_sub.add_parser("list", help="list users")
    u.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_user)
    p = sub.add_parser("round", help="collection rounds: open a period for reporting")
    round_sub = p.add_subparsers(dest="round_command", required=True)
    u = round_sub.add_parser("open", help="open (or update) the round of a period")
    u.add_argument("period")
    u.add_argument("--deadline", help="YYYY-MM-DD")
    u = round_sub.add_parser("close", help="close the round of a period")
    u.add_argument("period")
    u = round_sub.add_parser("list", help="list rounds with days left")
    u.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_round)
    p = sub.add_parser("programme", help="manage programmes (named sets of counties)")
    prog_sub = p.add_subparsers(dest="programme_command", required=True)
    u = prog_sub.add_parser("add", help="save a programme from a list of county codes or names")
    u.add_argument("name")
    u.add_argument("--codes", required=True, help="text file, one county per line ('-' = stdin)")
    u.add_argument("--allow-problems", action="store_true", help="save despite unusable entries")
    u = prog_sub.add_parser("list", help="list programmes")
    u.add_argument("--json", action="store_true")
    u = prog_sub.add_parser("show", help="inside versus outside, this period and the last")
    u.add_argument("id", type=int)
    u.add_argument("--period")
    u.add_argument("--lang", choices=("zh", "en"), default="en")
    u.add_argument("--json", action="store_true")
    u = prog_sub.add_parser("remove", help="delete a programme")
    u.add_argument("id", type=int)
    p.set_defaults(func=_cmd_programme)
    p = sub.add_parser("export", help="export a map (PNG/SVG/PDF) or a PDF briefing")
    p.add_argument("--indicator", default="left_behind")
    p.add_argument("--region", help="province or prefecture code (default: the nation)")
    p.add_argument("--period", help="e.g. 2026-H1 (default: latest)")
    p.add_argument("--scheme", help="quantiles (default), fisher_jenks, equal_interval, std_mean")
    p.add_argument("--format", choices=["png", "svg", "pdf"], help="default: from --out")
    p.add_argument("--lang", choices=["zh", "en"])
    p.add_argument("--briefing", action="store_true", help="the multi-page PDF briefing")
    p.add_argument(
        "--mode",
        help="map an analysis instead of the values: lisa, lisa_rate, gistar, cluster_change, "
        "coverage, 2sfca, mclp",
    )
    p.add_argument(
        "--all-provinces", action="store_true", help="one file per province into --out DIR"
    )
    p.add_argument("--provinces", help="a batch of these provinces only, e.g. 510000,460000")
    p.add_argument("--out", required=True, help="file to write (a directory for a batch)")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("settings", help="list settings and their environment variables")
    p.add_argument("--markdown", action="store_true")
    p.set_defaults(func=_cmd_settings)
    args = parser.parse_args(argv)
    if not args.command:
        args = parser.parse_args(["serve", *(argv or [])])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
