"""HTTP API (Flask blueprint): health, geometry, data and metadata.

Every data response says whether it is synthetic: the CSV has a ``synthetic`` column
and an ``X-Atlas-Synthetic`` header; JSON carries a ``synthetic`` field.
"""

from __future__ import annotations

import gzip
import io
import time

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file

from dashboard.view import ViewState
from dashboard.web.ratelimit import over_budget
from dashboard.web.static import accepted
from geodata import indicators
from geodata.analysis import AnalysisParams

bp = Blueprint("atlas_api", __name__)
_STARTED = time.time()


def _atlas():
    return current_app.extensions["atlas"]


def _gz_file(name: str, max_age: int) -> Response:
    atlas = _atlas()
    path = atlas.layers.asset_path(name).resolve()  # send_file reads relative to the app
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        resp = send_file(
            path, mimetype="application/geo+json", max_age=max_age, etag=True, conditional=True
        )
        resp.headers["Content-Encoding"] = "gzip"
    else:  # rare clients without gzip get the plain text
        import gzip

        resp = Response(gzip.decompress(path.read_bytes()), mimetype="application/geo+json")
        resp.cache_control.max_age = max_age
    resp.headers["Vary"] = "Accept-Encoding"
    return resp


@bp.get("/healthz")
def healthz():
    atlas = _atlas()
    status, checks = "ok", {}
    try:
        checks["periods"] = atlas.periods()
        checks["database"] = "ok"
    except Exception as exc:  # report, never crash the probe
        status, checks["database"] = "degraded", f"error: {type(exc).__name__}"
    checks["layers"] = "ok" if atlas.layers.path else "missing"
    checks.update(current_app.config.get("ATLAS_BACKENDS", {}))  # cache and jobs: where
    return jsonify(status=status, uptime_s=round(time.time() - _STARTED, 1), **checks), (
        200 if status == "ok" else 503
    )


@bp.get("/geo/<key>/<name>.geojson")
def geo_asset(key: str, name: str):
    """Immutable geometry assets: the key changes whenever the layer changes."""
    atlas = _atlas()
    if key != atlas.layers.meta["key"] or name not in ("counties", "provinces"):
        abort(404)
    resp = _gz_file(name, max_age=31536000)
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return resp


@bp.get("/geo/<key>/<name>.json")
def geo_topology(key: str, name: str):
    """The county and province topology the page decodes (``assets/atlas.js``); immutable
    like the GeoJSON: the layer key and the file's encoding version are in its URL."""
    from dashboard.web.static import serve_file

    atlas = _atlas()
    path = atlas.layers.topology_path if atlas.layers.path else None
    if key != atlas.layers.meta["key"] or path is None or f"{name}.json" != path.name:
        abort(404)
    if not path.is_file():
        abort(404)
    return serve_file(path, "application/json")


@bp.get("/api/v1/counties.geojson")
def counties_geojson():
    return _gz_file("counties", max_age=3600)


@bp.get("/api/v1/provinces.geojson")
def provinces_geojson():
    return _gz_file("provinces", max_age=3600)


@bp.get("/api/v1/meta")
def meta():
    return jsonify(_atlas().meta())


@bp.get("/api/v1/data.csv")
def data_csv():
    atlas = _atlas()
    period = request.args.get("period") or None
    try:
        params = analysis_params(request.args)
        if params is not None and (refused := over_budget(atlas)) is not None:
            return refused
        key = f"csv:{atlas.resolve_period(period)}:{params}:s{atlas.suppress_k}"
        text, synthetic, name = atlas._memo(key, lambda: _csv_text(atlas, period, params))
    except (KeyError, ValueError) as exc:
        return jsonify(error=str(exc).strip("'\"")), 404 if isinstance(exc, KeyError) else 400
    # Compressed once per coding and kept: gzip took 12 of the 15 ms a download cost.
    enc = accepted(request.headers.get("Accept-Encoding", ""))
    if enc:
        body = atlas._memo(f"{key}:{enc}", lambda: _encoded(text, enc))
        resp = Response(body, mimetype="text/csv; charset=utf-8")
        resp.headers["Content-Encoding"] = enc
    else:
        resp = Response(text, mimetype="text/csv; charset=utf-8")
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["X-Atlas-Synthetic"] = "true" if synthetic else "false"
    return resp


def _encoded(text: str, encoding: str) -> bytes:
    """``text`` as UTF-8, Brotli- or gzip-compressed (once: the result is kept)."""
    data = text.encode("utf-8")
    if encoding == "br":
        import brotli

        return brotli.compress(data, quality=9)
    return gzip.compress(data, 6, mtime=0)


def _csv_text(atlas, period: str | None, params) -> tuple[str, bool, str]:
    """The county table (or an analysis) as CSV text, its synthetic flag and file name."""
    from geodata.ingest import csv_safe_frame  # only when a CSV is asked for

    table = atlas.export_table(period) if params is None else atlas.analysis_table(params, period)
    buf = io.StringIO()
    csv_safe_frame(table).to_csv(buf, index=False, lineterminator="\n")
    synthetic = bool(table["synthetic"].any()) if len(table) else False
    name = f"atlas-{table['period'].iloc[0] if len(table) else 'empty'}.csv"
    return "\ufeff" + buf.getvalue(), synthetic, name


def analysis_params(args) -> AnalysisParams | None:
    """Analysis parameters from a query string (``analysis=lisa&indicator=...``), read
    strictly by :class:`dashboard.view.ViewState` (a bad value is a 400 naming it)."""
    if not args.get("analysis"):
        return None
    return ViewState.from_query(args, strict=True).analysis_params()


@bp.get("/api/v1/completeness")
def completeness():
    """Which counties of a region have reported in a period (a collection round).

    ``period`` (default: the newest open round), ``region`` (default: the nation),
    ``kind`` (children|facilities). Who reported, when and from which file only for
    signed-in users."""
    from dashboard.accounts.session import current_user

    try:
        out = dict(
            _atlas().completeness(
                request.args.get("period") or None,
                request.args.get("region") or None,
                request.args.get("kind") or "children",
            )
        )
    except KeyError as exc:
        return jsonify(error=str(exc).strip("'\"")), 404
    except ValueError as exc:
        return jsonify(error=str(exc).strip("'\"")), 400
    if current_user() is None:
        out["reports"] = [{"code": r["code"], "version": r["version"]} for r in out["reports"]]
    return jsonify(out)


@bp.get("/api/v1/template.xlsx")
def template_xlsx():
    """An XLSX to fill in: the region's counties, the measure columns (Chinese headers,
    whole numbers only), an instructions sheet, the period filled in."""
    atlas = _atlas()
    try:
        data, name = atlas.template(
            request.args.get("region") or None,
            request.args.get("kind") or "children",
            request.args.get("period") or None,
        )
    except ValueError as exc:
        return jsonify(error=str(exc).strip("'\"")), 400
    resp = Response(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@bp.get("/api/v1/indicators")
def indicator_list():
    return jsonify(indicators.meta())
