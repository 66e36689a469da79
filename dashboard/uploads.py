"""Uploads and dataset versions for the web side (API and upload page) of the Atlas.

Everything here is plain Python on top of :mod:`geodata.ingest` and the store, so the
HTTP API, the Dash callbacks and the tests share one code path:

* :func:`run_import` validates (dry run) or commits an upload;
* :func:`stage` / :func:`staged` / :func:`discard` keep a file on the server between the
  page's Validate and Commit steps (``<data_dir>/uploads/staging``, one directory per
  token, readable only by the user who uploaded it, removed after a day);
* :func:`datasets`, :func:`restore`, :func:`delete` list and manage versions.

The explorer needs no notification after a commit, restore or delete: every cached
result is keyed by ``store.stamp()``, which changes with the active datasets.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from geodata import ingest
from geodata.periods import period_key, validate_period

DATUMS = ("wgs84", "gcj02", "bd09")
STAGING_MAX_AGE_S = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# --- import -------------------------------------------------------------------------
def parse_mapping(raw: str | dict | None) -> dict[str, str | int | None] | None:
    """A mapping override (field -> header text, column position or None) from JSON."""
    if raw in (None, "", {}):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ingest.MappingError(f"mapping is not valid JSON: {exc.msg}") from None
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str | int)) for k, v in raw.items()
    ):
        raise ingest.MappingError(
            "mapping must be a JSON object of field -> column header, position or null"
        )
    return raw


def check_params(kind: str, period: str | None, datum: str | None) -> tuple[str, str | None, str]:
    """Validated (kind, period, datum); ``ValueError`` with a one-line message."""
    if kind not in ingest.KINDS:
        raise ValueError(f"kind must be one of {', '.join(ingest.KINDS)}")
    period = (period or "").strip() or None
    if period is not None:
        period = validate_period(period)
    datum = (datum or "wgs84").strip().lower()
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {', '.join(DATUMS)}")
    return kind, period, datum


def run_import(
    atlas,
    data: bytes,
    filename: str,
    *,
    kind: str,
    period: str | None,
    dry_run: bool,
    user: str | None,
    mapping: dict | None = None,
    datum: str = "wgs84",
    sheet: str | None = None,
) -> ingest.ImportReport:
    """Validate (and unless `dry_run` commit) one upload; raises ``ImportFileError``."""
    kind, period, datum = check_params(kind, period, datum)
    return ingest.import_file(
        atlas.store,
        atlas.registry,
        data,
        filename=filename or "upload",
        kind=kind,
        period=period,
        dry_run=dry_run,
        created_by=user,
        counties=atlas.layers.counties_full,
        raw_dir=atlas.settings.upload_dir,
        mapping=mapping,
        datum=datum,
        sheet=sheet or None,
    )


def decode_contents(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` ``contents`` value (``data:...;base64,...``)."""
    import base64
    import binascii

    _, _, payload = str(contents).partition(",")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ingest.ImportFileError("the upload was damaged in transfer; try again") from None


def preview(data: bytes, filename: str, kind: str) -> dict[str, Any]:
    """Headers and the detected mapping of a file, for the mapping editor."""
    raw = ingest.read_table(data, filename, kind=kind)
    mapping = ingest.detect_columns(raw.headers, kind)
    return {
        "filename": raw.filename,
        "format": raw.format,
        "encoding": raw.encoding,
        "sheet": raw.sheet,
        "rows": int(len(raw.body)),
        "headers": list(raw.headers),
        "fields": fields_for(kind),
        "mapping": mapping.to_dict(),
        "period_hint": ingest.period_from_title(raw.title),
    }


def fields_for(kind: str) -> list[str]:
    """The fields a column can be mapped to, in the order the importer lists them."""
    return list(ingest._fields_for(kind))


def mapping_overrides(fields: list[str], values: list[str | None], detected: dict) -> dict:
    """Overrides for the fields the user changed in the editor (None = unmapped)."""
    out: dict[str, str | None] = {}
    for fld, value in zip(fields, values, strict=False):
        value = value or None
        if value != detected.get(fld):
            out[fld] = value
    return out


# --- staging between Validate and Commit ---------------------------------------------
def _staging(settings) -> Path:
    return settings.upload_dir / "staging"


def stage(settings, user: str, filename: str, data: bytes) -> str:
    """Keep an uploaded file for the page's next steps; returns its token."""
    root = _staging(settings)
    root.mkdir(parents=True, exist_ok=True)
    cleanup(settings)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(mode=0o700)
    (folder / "data").write_bytes(data)
    (folder / "meta.json").write_text(
        json.dumps({"user": user, "filename": filename, "at": time.time()}, ensure_ascii=False)
    )
    return token


def _folder(settings, token: str | None, user: str) -> Path:
    if not token or not _TOKEN.match(str(token)):
        raise LookupError("no staged upload")
    folder = _staging(settings) / token
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        raise LookupError("the staged upload has expired; upload the file again") from None
    if meta.get("user") != user:
        raise LookupError("no staged upload")
    return folder


def staged(settings, token: str | None, user: str) -> tuple[str, bytes]:
    """(filename, bytes) of a staged upload of `user`; ``LookupError`` if gone."""
    folder = _folder(settings, token, user)
    meta = json.loads((folder / "meta.json").read_text())
    return meta["filename"], (folder / "data").read_bytes()


def save_problems(settings, token: str, user: str, report: ingest.ImportReport) -> None:
    (_folder(settings, token, user) / "problems.csv").write_bytes(report.problems_csv())


def problems_csv(settings, token: str | None, user: str) -> bytes:
    return (_folder(settings, token, user) / "problems.csv").read_bytes()


def discard(settings, token: str | None, user: str) -> None:
    with contextlib.suppress(LookupError):
        shutil.rmtree(_folder(settings, token, user), ignore_errors=True)


def cleanup(settings, max_age: float = STAGING_MAX_AGE_S) -> int:
    """Remove staged uploads older than `max_age` seconds; returns how many."""
    root = _staging(settings)
    if not root.is_dir():
        return 0
    n = 0
    for folder in root.iterdir():
        try:
            if time.time() - folder.stat().st_mtime > max_age:
                shutil.rmtree(folder, ignore_errors=True)
                n += 1
        except OSError:
            continue
    return n


# --- datasets -----------------------------------------------------------------------
def datasets(atlas) -> list[dict[str, Any]]:
    """Every stored version: kind, period (newest first), version, active, synthetic..."""
    d = atlas.store.tables.datasets
    cols = [
        d.c.kind,
        d.c.period,
        d.c.version,
        d.c.active,
        d.c.synthetic,
        d.c.source,
        d.c.note,
        d.c.created_at,
        d.c.created_by,
        d.c.row_count,
        d.c.raw_upload_id,
    ]
    with atlas.store.engine.connect() as conn:
        rows = conn.execute(sa.select(*cols)).mappings().all()
    out = []
    for r in rows:
        item = dict(r)
        item["active"] = bool(item["active"])
        item["synthetic"] = bool(item["synthetic"])
        item["version"] = int(item["version"])
        item["row_count"] = int(item["row_count"])
        at = item["created_at"]
        item["created_at"] = at.isoformat(timespec="seconds") if at is not None else None
        out.append(item)
    out.sort(key=lambda x: (x["kind"], tuple(-v for v in period_key(x["period"])), -x["version"]))
    return out


def restore(atlas, kind: str, period: str, version: int) -> None:
    """Make an older version the active one again (``LookupError`` if it does not exist)."""
    atlas.store.activate(kind, validate_period(period), int(version))


def delete(
    atlas, kind: str, period: str, version: int, *, confirm: str | None, force: bool = False
) -> None:
    """Delete a version; `confirm` must repeat the period (``ValueError`` otherwise)."""
    period = validate_period(period)
    if (confirm or "").strip() != period:
        raise PermissionError(f"to delete, confirm with the period: confirm={period}")
    atlas.store.delete_version(kind, period, int(version), force=force)
