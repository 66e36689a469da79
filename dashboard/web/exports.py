"""Export endpoints (Flask blueprint): the current view as PNG, SVG or PDF, and the PDF
briefing of a region.

    GET /export/map.png|svg|pdf?<the page's query>
    GET /export/briefing.pdf?<the page's query>

The query is the explorer's own (``indicator``, ``period``, ``scheme``, ``palette``,
``pooled``, ``breaks``, ``lang``, ``region``); a value that cannot be exported is a 400
naming the parameter, never a 500. Files are cached in the app's cache under the
normalised query, the data stamp and the day (see ``export.cached_export``).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from dashboard.i18n import t
from dashboard.sheets.render import (
    FORMATS,
    MEDIA_TYPES,
    ExportError,
    cached_export,
    export_filename,
    export_state,
)
from dashboard.view import BadParameter, ViewState

bp = Blueprint("atlas_export", __name__)


@bp.get("/export/map.<fmt>")
def export_map(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    return _send(fmt, brief=False)


@bp.get("/export/briefing.pdf")
def export_briefing():
    return _send("pdf", brief=True)


def export_failure(exc: ExportError, lang: str) -> dict:
    """What a failed export answers, in the page's language: why, and what to do (the
    exact packages to install when that is the reason)."""
    if exc.missing:
        packages = " ".join(exc.missing)
        return {
            "error": t("export.missing", lang).format(
                packages=packages, command=f"sudo apt-get install {packages}"
            ),
            "missing": list(exc.missing),
        }
    return {"error": t("export.failed", lang)}


def _bad(name: str, detail: str, lang: str):
    """400 naming the parameter: ``error`` in the page's language (the page shows it),
    ``detail`` the technical reason (for API users)."""
    message = t("export.bad_parameter", lang).format(name=name)
    return jsonify(error=message, parameter=name, detail=detail), 400


def _send(fmt: str, *, brief: bool):
    atlas = current_app.extensions["atlas"]
    state = ViewState(lang="en" if request.args.get("lang") == "en" else "zh")
    try:
        state = export_state(atlas, request.args)
        data = cached_export(atlas, state, fmt, brief=brief)
    except BadParameter as exc:
        return _bad(exc.name, str(exc), state.lang)
    except ExportError as exc:
        current_app.logger.error("export failed: %s", exc)
        return jsonify(export_failure(exc, state.lang)), 503
    except ValueError as exc:  # classes that cannot be made (e.g. user breaks)
        name = "breaks" if state.scheme == "user" else "scheme"
        return _bad(name, f"{name}: {exc}", state.lang)
    synthetic = atlas.is_synthetic(state.period)
    resp = Response(data, mimetype=MEDIA_TYPES[fmt])
    name = export_filename(state, fmt, briefing=brief, synthetic=synthetic)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["X-Atlas-Synthetic"] = "true" if synthetic else "false"
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp
