"""An import end to end: read, validate, keep the raw file and commit a dataset version."""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from geodata import regions
from geodata.ingest import limits
from geodata.ingest.columns import KINDS, ColumnMapping
from geodata.ingest.read import read_table
from geodata.ingest.report import ImportReport
from geodata.ingest.validation import validate

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from geodata.codes import Registry
    from geodata.store import Store


def import_file(
    store: Store,
    registry: Registry | None,
    path: str | Path | bytes,
    *,
    kind: str,
    period: str | None,
    dry_run: bool = False,
    created_by: str | None = None,
    counties: gpd.GeoDataFrame | None = None,
    raw_dir: str | Path | None = None,
    filename: str | None = None,
    mapping: ColumnMapping | Mapping[str, str | int | None] | None = None,
    sheet: str | None = None,
    datum: str = "wgs84",
    max_bytes: int = limits.MAX_BYTES,
    note: str = "",
    mode: str = "merge",
    scope: str | None = None,
    region: str | None = None,
    submit: bool = False,
) -> ImportReport:
    """Read, validate and (unless `dry_run`) commit an upload as the next version.

    ``mode="merge"`` (default) updates the counties the file lists and keeps every
    other county; ``"replace"`` makes the file complete for `scope` (a region code:
    counties of it missing from the file become not reported). `region` is the
    uploader's region: rows outside it are rejected (``outside_region``). Both the
    dry run and the commit fill ``report.changes`` (updated, added, unchanged,
    unreported counties). With `submit`, the clean rows wait for review
    (``report.submission_id``) instead of being committed.

    On commit the raw bytes are kept as ``<raw_dir>/<sha256><ext>`` and recorded in
    the same transaction as the new version; ``report.dataset_version`` is set.
    Nothing is written on a dry run, when the file cannot be read
    (:class:`ImportFileError` is raised) or when no row is importable
    (``dataset_version`` stays None).
    """
    t0 = time.perf_counter()
    if kind not in KINDS:
        raise ValueError(f"invalid kind {kind!r}: expected one of {KINDS}")
    if mode not in ("merge", "replace"):
        raise ValueError(f"mode must be merge or replace, not {mode!r}")
    if mode == "replace" and not scope:
        raise ValueError("a replace needs the scope it is complete for (a region code)")
    scope = regions.check(counties, scope) if scope else None
    region = regions.check(counties, region) if region else None
    if scope and region and not regions.contains(counties, region, scope):
        raise ValueError(f"the scope {scope} is not inside your region {region}")
    if not dry_run and raw_dir is None:
        raise ValueError("raw_dir is required to keep the raw file (or pass dry_run=True)")
    raw = read_table(path, filename, sheet=sheet, kind=kind, max_bytes=max_bytes)
    report = validate(
        raw, mapping, kind, period, registry, datum=datum, counties=counties, region=region,
        scope=scope if mode == "replace" else None,
    )  # fmt: skip
    report.dry_run = dry_run
    report.mode, report.scope, report.region = mode, scope, region
    scope_codes = None
    if mode == "replace":
        universe = [] if counties is not None else _stored_codes(store, kind, report)
        scope_codes = regions.codes_in(counties, scope, universe=universe)
    plan_args = dict(mode=mode, scope=scope, scope_codes=scope_codes)
    if dry_run or report.rows_imported == 0:
        if report.rows_imported and store is not None:  # a store-less dry run: no preview
            plan = store.plan(kind, report.period, report.data, report.points, **plan_args)
            report.changes = _changes(plan.change)
            report.base_version = plan.base_version
        report.seconds = time.perf_counter() - t0
        return report
    ext = Path(raw.filename).suffix.lower()
    ext = (
        ext
        if re.fullmatch(r"\.[a-z0-9]{1,5}", ext)
        else (".xlsx" if raw.format == "xlsx" else ".csv")
    )
    stored = Path(raw_dir) / f"{raw.sha256}{ext}"
    _write_once(stored, raw.data or b"")
    # The raw file's record and the dataset are written in one transaction: a process
    # killed in between leaves neither (an unreferenced file on disk is removed by
    # clean_uploads at the next start).
    raw_upload = dict(
        filename=raw.filename,
        sha256=raw.sha256,
        stored_path=stored,
        size=raw.size,
        created_by=created_by,
    )
    summary = (
        f"{report.rows_imported} imported, {report.rows_skipped} skipped, "
        f"{report.rows_rejected} rejected of {report.rows_total} rows"
    )
    note = f"{note}; {summary}" if note else summary
    if submit:
        sub = store.submit(
            kind, report.period, report.data, report.points, **plan_args, region=region,
            created_by=created_by, raw_upload=raw_upload, summary=note,
        )  # fmt: skip
        report.submission_id = sub["id"]
        report.raw_upload_id = sub["raw_upload_id"]
        report.stored_path = str(stored)
        plan = store.plan(kind, report.period, report.data, report.points, **plan_args)
        report.changes = _changes(plan.change)
        report.base_version = plan.base_version
        report.seconds = time.perf_counter() - t0
        return report
    done = store.commit(
        kind, report.period, report.data, report.points, **plan_args,
        source=f"upload: {raw.filename}", created_by=created_by, raw_upload=raw_upload,
        note=note,
    )  # fmt: skip
    report.dataset_version = int(done.version)
    report.raw_upload_id = done.raw_upload_id
    report.base_version = done.base_version
    report.changes = _changes(done.change)
    report.stored_path = str(stored)
    report.seconds = time.perf_counter() - t0
    return report


def _changes(change) -> dict[str, list[str]]:
    return {
        "updated": list(change.updated),
        "added": list(change.added),
        "unchanged": list(change.unchanged),
        "unreported": list(change.unreported),
    }


def _stored_codes(store: Store, kind: str, report: ImportReport) -> list[str]:
    """Counties known without a county table: the active version's and the file's."""
    if store is None:
        return sorted(set(report.data["code"].astype(str)))
    frame = store.children(report.period) if kind == "children" else None
    if frame is None:
        frame = store.facilities(report.period)[0]
    return sorted(set(frame["code"].astype(str)) | set(report.data["code"].astype(str)))


def _write_once(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically unless an identical file is already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size == len(data):
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clean_uploads(store: Store, raw_dir: str | Path, older_than_s: float = 3600) -> dict:
    """Remove what a killed commit can leave behind, at start: temporary ``.upload-*``
    files, raw files no upload record names, and upload records no dataset uses (older
    versions wrote the record before the dataset). Only things older than
    `older_than_s` go, so a commit running in another process is never touched.

    Returns what was removed: ``{"temp_files": n, "raw_files": n, "records": n}``.
    """
    import sqlalchemy as sa

    raw_dir = Path(raw_dir)
    cutoff = time.time() - older_than_s
    out = {"temp_files": 0, "raw_files": 0, "records": 0}
    t, d = store.tables.raw_uploads, store.tables.datasets
    with store.engine.begin() as conn:
        used = sa.select(d.c.raw_upload_id).where(d.c.raw_upload_id.is_not(None))
        orphans = conn.execute(sa.select(t.c.id, t.c.created_at).where(t.c.id.not_in(used))).all()
        old = [i for i, created in orphans if _epoch(created) < cutoff]
        if old:
            out["records"] = conn.execute(t.delete().where(t.c.id.in_(old))).rowcount
        kept = {Path(p).name for (p,) in conn.execute(sa.select(t.c.stored_path)).all()}
    if raw_dir.is_dir():
        for f in raw_dir.iterdir():
            if not f.is_file() or f.stat().st_mtime >= cutoff:
                continue
            if f.name.startswith(".upload-"):
                f.unlink(missing_ok=True)
                out["temp_files"] += 1
            elif re.fullmatch(r"[0-9a-f]{64}\.[a-z0-9]{1,5}", f.name) and f.name not in kept:
                f.unlink(missing_ok=True)
                out["raw_files"] += 1
    return out


def _epoch(value) -> float:
    """A stored ``created_at`` (datetime, or text from SQLite) as epoch seconds."""
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    return float(value or 0)
