"""Upload and dataset-version endpoints (signed-in users; see :mod:`dashboard.accounts`).

``POST /api/v1/uploads``
    multipart ``file``, ``kind`` (children|facilities), ``period``, optional
    ``dry_run``, ``mapping`` (JSON field -> header), ``datum``, ``sheet``. Editors
    only; cookie sessions send the ``X-CSRF-Token`` header. Answers the import report
    (200), a one-line error (400), 401 signed out, 403 viewer or bad token, 413 too big.
``GET /api/v1/datasets``
    every version per kind and period (signed-in users).
``POST /api/v1/datasets/<kind>/<period>/<version>/activate``
    restore a version (editors).
``POST /api/v1/datasets/<kind>/<period>/<version>/delete``
    needs ``confirm=<period>`` (and ``force=1`` for the only version of a period).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import uploads
from dashboard.accounts.session import api_login_required
from geodata.ingest import ImportFileError, clip

bp = Blueprint("atlas_uploads", __name__)
_TRUE = ("1", "true", "yes", "on")


def _atlas():
    return current_app.extensions["atlas"]


def _too_big():
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return jsonify(error=f"the upload is larger than the limit of {limit / 2**20:.0f} MB"), 413


@bp.errorhandler(RequestEntityTooLarge)
def _handle_too_big(_exc):
    return _too_big()


_FALSE = ("", "0", "false", "no", "off")
MAX_VERSION = 2**31 - 1
"""Versions are counted from 1; a larger number in a URL names no version (and a
number past 2^63 made the database driver fail with a 500)."""


def _flag(value, name: str) -> bool:
    """A yes/no form field: 1/true/yes/on or 0/false/no/off (blank: no); anything else
    is refused, since a typo in ``dry_run`` must not commit."""
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be 1/true/yes/on or 0/false/no/off, not {clip(str(value))!r}")


def _version_ok(version: int):
    if not 1 <= version <= MAX_VERSION:
        return jsonify(error=f"no version {version}: versions are 1 to {MAX_VERSION}"), 404
    return None


def _body() -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}
    return request.form.to_dict()


@bp.post("/api/v1/uploads")
@api_login_required(role="editor")
def upload(user):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        return _too_big()
    f = request.files.get("file")
    if f is None:
        return jsonify(error="no file: send it as the multipart field 'file'"), 400
    data = f.read()
    form = request.form
    try:
        dry_run = _flag(form.get("dry_run"), "dry_run")
        report = uploads.run_import(
            _atlas(),
            data,
            f.filename or "upload",
            kind=form.get("kind", ""),
            period=form.get("period"),
            dry_run=dry_run,
            user=user.name,
            mapping=uploads.parse_mapping(form.get("mapping")),
            datum=form.get("datum"),
            sheet=form.get("sheet"),
        )
    except (ImportFileError, ValueError) as exc:
        return jsonify(error=_one_line(exc)), 400
    except sa.exc.IntegrityError:  # two commits for one period at the same moment
        return jsonify(error="another upload for this period was committed; try again"), 409
    return jsonify(report.to_json())


@bp.get("/api/v1/datasets")
@api_login_required()
def dataset_list(user):
    return jsonify(datasets=uploads.datasets(_atlas()))


@bp.post("/api/v1/datasets/<kind>/<period>/<int:version>/activate")
@api_login_required(role="editor")
def dataset_activate(user, kind, period, version):
    if (refused := _version_ok(version)) is not None:
        return refused
    try:
        uploads.restore(_atlas(), kind, period, version)
    except LookupError as exc:
        return jsonify(error=_one_line(exc)), 404
    except ValueError as exc:
        return jsonify(error=_one_line(exc)), 400
    return jsonify(ok=True, kind=kind, period=period, active_version=version)


@bp.post("/api/v1/datasets/<kind>/<period>/<int:version>/delete")
@api_login_required(role="editor")
def dataset_delete(user, kind, period, version):
    if (refused := _version_ok(version)) is not None:
        return refused
    body = _body()
    try:
        force = _flag(body.get("force"), "force")
        uploads.delete(_atlas(), kind, period, version, confirm=body.get("confirm"), force=force)
    except PermissionError as exc:
        return jsonify(error=_one_line(exc)), 400
    except LookupError as exc:
        return jsonify(error=_one_line(exc)), 404
    except ValueError as exc:
        return jsonify(error=_one_line(exc)), 409 if "refusing" in str(exc) else 400
    return jsonify(ok=True, kind=kind, period=period, deleted_version=version)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().strip("'\"") or type(exc).__name__
    return text.splitlines()[0][:500]
