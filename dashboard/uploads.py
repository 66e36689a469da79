"""Uploads and dataset versions for the web side (API and upload page) of the Atlas.

Everything here is plain Python on top of :mod:`geodata.ingest` and the store, so the
HTTP API, the Dash callbacks and the tests share one code path:

* :func:`run_import` validates (dry run) or commits an upload;
* :func:`stage` / :func:`staged` / :func:`discard` keep a file on the server between the
  page's Validate and Commit steps (``<data_dir>/uploads/staging``, one directory per
  token, readable only by the user who uploaded it, removed after a day);
* :func:`datasets`, :func:`restore`, :func:`delete`, :func:`compare` list and manage
  versions; an editor scoped to a region may restore or delete only versions whose
  changes lie inside it (:class:`OutsideRegion` otherwise);
* :func:`needs_review`, :func:`submissions`, :func:`approve`, :func:`return_submission`:
  review of county and prefecture editors' uploads when ``ATLAS_REVIEW`` is on.

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

import pandas as pd
import sqlalchemy as sa

from geodata import ingest, regions
from geodata.periods import period_key, validate_period

DATUMS = ("wgs84", "gcj02", "bd09")
STAGING_MAX_AGE_S = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MODES = ("merge", "replace")


class OutsideRegion(PermissionError):
    """The action would change counties outside the user's region."""


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
    mode: str = "merge",
    scope: str | None = None,
    region: str | None = None,
    submit: bool = False,
) -> ingest.ImportReport:
    """Validate (and unless `dry_run` commit, or with `submit` keep for review) one
    upload; `region` is the uploader's (rows outside it are rejected); raises
    ``ImportFileError``, ``ValueError``."""
    kind, period, datum = check_params(kind, period, datum)
    mode = (mode or "merge").strip().lower()
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    scope = (scope or "").strip() or None
    if mode == "replace" and scope is None:
        scope = region or regions.NATION
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
        mode=mode,
        scope=scope if mode == "replace" else None,
        region=region,
        submit=submit and not dry_run,
    )


def needs_review(settings, user) -> bool:
    """Whether `user`'s commits wait for approval: review on, a county or prefecture editor."""
    region = getattr(user, "scope", None)
    return bool(settings.review) and region is not None and regions.level(region) in (
        "prefecture", "county",
    )  # fmt: skip


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
        "period_hint": period_hint(raw, mapping),
    }


def period_hint(raw, mapping) -> str | None:
    """The period a file names: its title rows, else its period column (when all rows
    agree), else its file name; None when it names none."""
    from geodata.periods import normalize_period

    found = ingest.period_from_title(raw.title)
    pos = mapping.fields.get("period")
    if not found and pos is not None and pos in raw.body.columns:
        values = {normalize_period(v) for v in raw.body[pos].astype(str) if v.strip()}
        values.discard(None)
        found = values.pop() if len(values) == 1 else None
    return found or ingest.period_from_title([raw.filename])


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
        d.c.mode,
        d.c.scope,
        d.c.base_version,
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


def restore(atlas, kind: str, period: str, version: int, region: str | None = None) -> None:
    """Make an older version the active one again (``LookupError`` if it does not exist;
    :class:`OutsideRegion` if that would change counties outside `region`)."""
    period = validate_period(period)
    if region:
        active = _active_version(atlas, kind, period)
        if active is not None and active != int(version):
            _inside(atlas, region, _changed(atlas, kind, period, active, int(version)))
    atlas.store.activate(kind, period, int(version))


def delete(
    atlas,
    kind: str,
    period: str,
    version: int,
    *,
    confirm: str | None,
    force: bool = False,
    region: str | None = None,
) -> None:
    """Delete a version; `confirm` must repeat the period (``ValueError`` otherwise).

    With `region`: the version's own changes (against the version it was built on)
    must lie inside it, and so must the change of the map when it was the active one.
    """
    period = validate_period(period)
    if (confirm or "").strip() != period:
        raise PermissionError(f"to delete, confirm with the period: confirm={period}")
    if region:
        rows = atlas.store.versions(kind, period)
        rows = rows.set_index("version") if len(rows) else rows
        if int(version) not in getattr(rows, "index", []):
            raise LookupError(f"no {kind} dataset for period {period!r} version {version}")
        row = rows.loc[int(version)]
        base = row.get("base_version")
        if base is None or pd.isna(base) or int(base) not in rows.index:
            changed = (
                set(atlas.store.children(period, int(version))["code"])
                if kind == ("children")
                else set(atlas.store.facilities(period, int(version))[0]["code"])
            )
        else:
            changed = _changed(atlas, kind, period, int(base), int(version))
        others = [v for v in rows.index if v != int(version)]
        if bool(row["active"]) and others:
            changed |= _changed(atlas, kind, period, int(version), max(others))
        _inside(atlas, region, changed)
    atlas.store.delete_version(kind, period, int(version), force=force)


def compare(atlas, kind: str, period: str, old: int, new: int) -> list[dict[str, Any]]:
    """Values that differ between two versions (code, column, old, new)."""
    frame = atlas.store.compare(kind, validate_period(period), int(old), int(new))
    return frame.to_dict("records")


def _active_version(atlas, kind: str, period: str) -> int | None:
    rows = atlas.store.versions(kind, period)
    active = rows[rows["active"]] if len(rows) else rows
    return int(active["version"].iloc[0]) if len(active) else None


def _changed(atlas, kind: str, period: str, a: int, b: int) -> set[str]:
    return set(atlas.store.compare(kind, period, a, b)["code"])


def _inside(atlas, region: str, codes: set[str]) -> None:
    counties = atlas.layers.counties_full
    outside = sorted(c for c in codes if not regions.contains(counties, region, c))
    if outside:
        more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
        raise OutsideRegion(
            f"this would change county {outside[0]}{more}, outside your region {region}"
        )


# --- review -------------------------------------------------------------------------
def submissions(atlas, user) -> list[dict[str, Any]]:
    """Submissions `user` may see: their own, and those inside their region to review."""
    out = []
    for sub in atlas.store.submissions():
        mine = sub["created_by"] == user.name
        if mine or _may_review(atlas, user, sub):
            item = {k: v for k, v in sub.items()}
            for k in ("created_at", "reviewed_at"):
                at = item.get(k)
                item[k] = at.isoformat(timespec="seconds") if hasattr(at, "isoformat") else at
            item["mine"] = mine
            item["may_review"] = _may_review(atlas, user, sub) and sub["state"] == "submitted"
            out.append(item)
    return out


def _may_review(atlas, user, sub: dict) -> bool:
    if not user.is_editor or sub["created_by"] == user.name:
        return False
    scope = user.scope
    return (
        scope is None
        or regions.contains(
            atlas.layers.counties_full, scope, sub["region"] or sub["scope"] or regions.NATION
        )
        and (sub["region"] or "") != scope
    )


def approve(atlas, user, sub_id: int) -> int:
    """Approve (commit) a submission; ``PermissionError`` unless `user` may review it."""
    sub = atlas.store.submission(int(sub_id))
    if sub is None:
        raise LookupError(f"no submission {sub_id}")
    if not _may_review(atlas, user, sub):
        raise OutsideRegion("only an editor whose region contains the submission may review it")
    return atlas.store.approve(int(sub_id), user.name)


def return_submission(atlas, user, sub_id: int, note: str) -> None:
    sub = atlas.store.submission(int(sub_id))
    if sub is None:
        raise LookupError(f"no submission {sub_id}")
    if not _may_review(atlas, user, sub):
        raise OutsideRegion("only an editor whose region contains the submission may review it")
    atlas.store.return_submission(int(sub_id), user.name, (note or "").strip()[:2000])
