"""Versions of a (kind, period): list, restore (activate) and delete.

Every upload of a (kind, period) becomes a new version, numbered 1, 2, 3...; the newest
becomes *active* (what the map shows), older ones are kept and can be re-activated or
deleted. Exactly one version per (kind, period) is active.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geodata.store import db
from geodata.store.schema import Tables, check_kind


class Versions:
    """Version management (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

    def activate(self, kind: str, period: str, version: int) -> None:
        """Make `version` the active one for (kind, period), e.g. to restore an older upload."""
        check_kind(kind)
        version = int(version)
        d = self.tables.datasets
        with self.engine.begin() as conn:
            db.lock_datasets(conn)
            self._dataset_id(conn, kind, period, version)
            conn.execute(
                d.update().where(d.c.kind == kind, d.c.period == period).values(active=False)
            )
            conn.execute(
                d.update()
                .where(d.c.kind == kind, d.c.period == period, d.c.version == version)
                .values(active=True)
            )

    def delete_version(self, kind: str, period: str, version: int, *, force: bool = False) -> None:
        """Delete one version and its rows.

        Deleting the active version re-activates the newest remaining one. Deleting the
        only version of a (kind, period), which is necessarily active, would remove the
        period from the map, so it needs ``force=True``.
        """
        check_kind(kind)
        version = int(version)
        t = self.tables
        d = t.datasets
        with self.engine.begin() as conn:
            db.lock_datasets(conn)
            dataset_id = self._dataset_id(conn, kind, period, version)
            rows = conn.execute(
                sa.select(d.c.id, d.c.version, d.c.active)
                .where(d.c.kind == kind, d.c.period == period)
                .order_by(d.c.version.desc())
            ).all()
            target = next(r for r in rows if r.id == dataset_id)
            others = [r for r in rows if r.id != dataset_id]
            if target.active and not others and not force:
                raise ValueError(
                    f"refusing to delete {kind} {period} version {version}: it is the only, "
                    "active version (pass force=True to remove the period's data)"
                )
            conn.execute(t.county_values.delete().where(t.county_values.c.dataset_id == dataset_id))
            conn.execute(
                t.facility_points.delete().where(t.facility_points.c.dataset_id == dataset_id)
            )
            conn.execute(d.delete().where(d.c.id == dataset_id))
            if target.active and others:
                conn.execute(d.update().where(d.c.id == others[0].id).values(active=True))

    def versions(self, kind: str, period: str) -> pd.DataFrame:
        """All versions of (kind, period), oldest first, with their metadata."""
        check_kind(kind)
        d = self.tables.datasets
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(d).where(d.c.kind == kind, d.c.period == period).order_by(d.c.version)
                )
                .mappings()
                .all()
            )
        frame = pd.DataFrame(rows, columns=[c.name for c in d.columns])
        return frame.astype({"active": bool, "synthetic": bool}) if len(frame) else frame

    def _dataset_id(self, conn: Connection, kind: str, period: str, version: int) -> int:
        d = self.tables.datasets
        found = conn.execute(
            sa.select(d.c.id).where(d.c.kind == kind, d.c.period == period, d.c.version == version)
        ).scalar()
        if found is None:
            raise LookupError(f"no {kind} dataset for period {period!r} version {version}")
        return int(found)
