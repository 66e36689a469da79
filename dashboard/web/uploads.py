"""Upload and dataset-version endpoints (signed-in users; see :mod:`dashboard.accounts`).

``POST /api/v1/uploads``
    multipart ``file``, ``kind`` (children|facilities), ``period``, optional
    ``dry_run``, ``mapping`` (JSON field -> header), ``datum``, ``sheet``, ``mode``
    (merge|replace), ``scope`` (the region a replace is complete for). Editors only;
    rows outside the editor's region are rejected (``outside_region``); cookie
    sessions send the ``X-CSRF-Token`` header. Answers the import report with the
    change (``counties_updated``...; a dry run previews it) (200), a one-line error
    (400), 401 signed out, 403 viewer or bad token, 413 too big. With review on, a
    county or prefecture editor's upload waits (``submission_id``).
``GET /api/v1/datasets/<kind>/<period>/compare?old=V&new=W``
    values that differ between two versions (signed-in users).
``GET /api/v1/submissions``; ``POST /api/v1/submissions/<id>/approve|return``
    review (``note`` to return); only editors whose region contains the submission.
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
            mode=form.get("mode") or "merge",
            scope=form.get("scope"),
            region=user.scope,
            submit=uploads.needs_review(_atlas().settings, user),
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
        uploads.restore(_atlas(), kind, period, version, region=user.scope)
    except uploads.OutsideRegion as exc:
        return jsonify(error=_one_line(exc)), 403
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
        uploads.delete(_atlas(), kind, period, version, confirm=body.get("confirm"), force=force,
                       region=user.scope)  # fmt: skip
    except uploads.OutsideRegion as exc:
        return jsonify(error=_one_line(exc)), 403
    except PermissionError as exc:
        return jsonify(error=_one_line(exc)), 400
    except LookupError as exc:
        return jsonify(error=_one_line(exc)), 404
    except ValueError as exc:
        return jsonify(error=_one_line(exc)), 409 if "refusing" in str(exc) else 400
    return jsonify(ok=True, kind=kind, period=period, deleted_version=version)


@bp.get("/api/v1/datasets/<kind>/<period>/compare")
@api_login_required()
def dataset_compare(user, kind, period):
    try:
        old, new = int(request.args.get("old", "")), int(request.args.get("new", ""))
    except ValueError:
        return jsonify(error="old and new must be version numbers"), 400
    for v in (old, new):
        if (refused := _version_ok(v)) is not None:
            return refused
    try:
        changes = uploads.compare(_atlas(), kind, period, old, new)
    except LookupError as exc:
        return jsonify(error=_one_line(exc)), 404
    except ValueError as exc:
        return jsonify(error=_one_line(exc)), 400
    return jsonify(kind=kind, period=period, old=old, new=new, changes=changes)


@bp.get("/api/v1/submissions")
@api_login_required()
def submission_list(user):
    return jsonify(submissions=uploads.submissions(_atlas(), user))


@bp.post("/api/v1/submissions/<int:sub_id>/<action>")
@api_login_required(role="editor")
def submission_review(user, sub_id, action):
    if action not in ("approve", "return"):
        return jsonify(error="action must be approve or return"), 404
    try:
        if action == "approve":
            version = uploads.approve(_atlas(), user, sub_id)
            return jsonify(ok=True, state="approved", dataset_version=version)
        uploads.return_submission(_atlas(), user, sub_id, _body().get("note", ""))
    except uploads.OutsideRegion as exc:
        return jsonify(error=_one_line(exc)), 403
    except LookupError as exc:
        return jsonify(error=_one_line(exc)), 404
    except ValueError as exc:
        return jsonify(error=_one_line(exc)), 409
    return jsonify(ok=True, state="returned")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().strip("'\"") or type(exc).__name__
    return text.splitlines()[0][:500]
