"""Committing an upload as the next version of its period (merge or replace).

A commit reads the active version, applies the upload (:mod:`geodata.store.merge`) and
writes the result as a new, active version, all in one transaction that holds the
writers' lock: two editors committing to one period at once both land, one after the
other, each on top of the other's result; a failure leaves the previous version active.
:meth:`Commits.plan` runs the same computation without writing, for the preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geodata.periods import validate_period
from geodata.store import db, merge, records
from geodata.store.schema import COLUMNS_BY_KIND, POINT_COLUMNS, Tables, check_kind


@dataclass
class Commit:
    """The outcome of :meth:`Commits.commit` (``version`` None for a plan)."""

    change: merge.Change
    version: int | None = None
    raw_upload_id: int | None = None
    base_version: int | None = None


class Commits:
    """Merge / replace commits (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

    def plan(
        self,
        kind: str,
        period: str,
        data: pd.DataFrame,
        points: pd.DataFrame | None = None,
        *,
        mode: str = "merge",
        scope: str | None = None,
        scope_codes: Iterable[str] | None = None,
    ) -> Commit:
        """What :meth:`commit` would change, without writing anything."""
        check_kind(kind)
        validate_period(period)
        with self.engine.connect() as conn:
            base_id, base_version = self._active(conn, kind, period)
            _, change, _ = self._next(conn, kind, base_id, data, points, mode, scope, scope_codes)
        return Commit(change=change, base_version=base_version)

    def commit(
        self,
        kind: str,
        period: str,
        data: pd.DataFrame,
        points: pd.DataFrame | None = None,
        *,
        mode: str = "merge",
        scope: str | None = None,
        scope_codes: Iterable[str] | None = None,
        source: str,
        created_by: str | None = None,
        note: str = "",
        raw_upload: dict | None = None,
        raw_upload_id: int | None = None,
    ) -> Commit:
        """Write the next version of (`kind`, `period`): the active one plus `data`.

        `data`: ``code`` and the value columns the upload has; `points` (facilities):
        the upload's facility points, from which the touched counties' counts are
        recomputed. ``raw_upload``: keyword arguments of ``add_raw_upload``, written in
        the same transaction.
        """
        check_kind(kind)
        validate_period(period)
        merge.check_mode(mode)
        t = self.tables
        d = t.datasets
        with self.engine.begin() as conn:
            db.lock_datasets(conn)
            if raw_upload is not None:
                raw_upload_id = self._insert_raw_upload(conn, **raw_upload)
            base_id, base_version = self._active(conn, kind, period)
            snap, change, new_points = self._next(
                conn, kind, base_id, data, points, mode, scope, scope_codes, new_id=-1
            )
            columns = COLUMNS_BY_KIND[kind]
            has_value = snap[list(columns)].notna()
            full = np.array([sum(1 << i for i, v in enumerate(r) if v) for r in has_value.values])
            bits = snap["reported"].to_numpy(dtype=np.int64)
            synthetic = bool(((bits & full) != full).any()) if len(snap) else False
            current = conn.execute(
                sa.select(sa.func.max(d.c.version)).where(d.c.kind == kind, d.c.period == period)
            ).scalar()
            version = int(current or 0) + 1
            conn.execute(
                d.update().where(d.c.kind == kind, d.c.period == period).values(active=False)
            )
            dataset_id = int(
                conn.execute(
                    d.insert().values(
                        kind=kind,
                        period=period,
                        version=version,
                        active=True,
                        synthetic=synthetic,
                        source=db.text(source),
                        note=db.text(note or ""),
                        created_at=db.now(),
                        created_by=db.text(created_by),
                        raw_upload_id=raw_upload_id,
                        row_count=int(has_value.any(axis=1).sum()),
                        mode=mode,
                        scope=scope,
                        base_version=base_version,
                    )  # fmt: skip
                ).inserted_primary_key[0]
            )
            snap["source_id"] = snap["source_id"].replace(-1.0, float(dataset_id))
            rows = _rows(snap, columns, dataset_id)
            db.bulk_insert(conn, t.county_values, rows)
            if new_points is not None and len(new_points):
                pts = records.point_records(new_points, period)
                for rec in pts:
                    rec["dataset_id"] = dataset_id
                db.bulk_insert(conn, t.facility_points, pts)
        return Commit(
            change=change, version=version, raw_upload_id=raw_upload_id, base_version=base_version
        )

    # --- helpers --------------------------------------------------------------------
    def _active(self, conn: Connection, kind: str, period: str) -> tuple[int | None, int | None]:
        d = self.tables.datasets
        row = conn.execute(
            sa.select(d.c.id, d.c.version).where(
                d.c.kind == kind, d.c.period == period, d.c.active.is_(True)
            )
        ).first()
        return (None, None) if row is None else (int(row[0]), int(row[1]))

    def _snapshot(self, conn: Connection, dataset_id: int | None, kind: str) -> pd.DataFrame:
        columns = COLUMNS_BY_KIND[kind]
        if dataset_id is None:
            return merge.empty_base(columns)
        v = self.tables.county_values
        rows = conn.execute(
            sa.select(v.c.code, *(v.c[c] for c in columns), v.c.reported, v.c.source_id).where(
                v.c.dataset_id == dataset_id
            )
        ).all()
        frame = records.frame(rows, ["code", *columns, "reported", "source_id"])
        frame = frame.astype({**{c: "float64" for c in columns}, "source_id": "float64"})
        frame["reported"] = frame["reported"].fillna(0).astype("int64")
        return frame.set_index("code")

    def _points(self, conn: Connection, dataset_id: int | None) -> pd.DataFrame:
        if dataset_id is None:
            return pd.DataFrame(columns=list(POINT_COLUMNS))
        p = self.tables.facility_points
        rows = conn.execute(
            sa.select(*(p.c[c] for c in POINT_COLUMNS)).where(p.c.dataset_id == dataset_id)
        ).all()
        return records.frame(rows, list(POINT_COLUMNS))

    def _next(self, conn, kind, base_id, data, points, mode, scope, scope_codes, new_id=None):
        """(snapshot, change, points of the new version or None)."""
        base = self._snapshot(conn, base_id, kind)
        columns = COLUMNS_BY_KIND[kind]
        new_points = None
        if kind == "facilities":
            new_points = self._points(conn, base_id)
            if points is not None and len(points):
                new_points, touched = merge.apply_points(
                    new_points, points, mode=mode, scope_codes=scope_codes
                )
                data = merge.counts_from_points(new_points, touched)
                if mode == "merge":
                    # Counties whose last point went: zero facilities, not "no data".
                    gone = sorted(set(touched) - set(data["code"]))
                    zeros = pd.DataFrame({"code": gone, **{c: 0.0 for c in columns}})
                    data = pd.concat([data, zeros], ignore_index=True) if gone else data
        snap, change = merge.apply(
            base, data, columns, mode=mode, scope_codes=scope_codes, scope=scope, new_id=new_id
        )
        return snap, change, new_points


def _rows(snap: pd.DataFrame, columns: tuple[str, ...], dataset_id: int) -> list[dict]:
    """Database rows of a snapshot: every value column (NULL for the other kind's)."""
    from geodata.store.schema import VALUE_COLUMNS

    frame = pd.DataFrame(index=snap.index)
    for c in VALUE_COLUMNS:
        frame[c] = snap[c] if c in columns else np.nan
    frame = frame.astype(object).where(frame.notna(), None)
    frame.insert(0, "code", snap.index.astype(str))
    frame.insert(0, "dataset_id", dataset_id)
    frame["reported"] = snap["reported"].astype(int).to_numpy()
    source = snap["source_id"]
    frame["source_id"] = [None if pd.isna(s) else int(s) for s in source]
    return [
        {k: (None if v is None else v) for k, v in rec.items()} for rec in frame.to_dict("records")
    ]
