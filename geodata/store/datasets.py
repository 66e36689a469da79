"""County datasets and facility points: adding a version, reading the active one.

Values come back as float64 with NaN for missing (counts may be missing for a county,
and pandas integers cannot hold NaN without the nullable types that trip up NumPy code).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.indicators import FACILITY_COUNTS, MEASURES
from geodata.periods import latest, period_key, validate_period
from geodata.store import db, records
from geodata.store.schema import COLUMNS_BY_KIND, POINT_COLUMNS, Tables, check_kind


class Datasets:
    """Datasets of county values and facility points (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

    def add_children(
        self,
        period: str,
        df: pd.DataFrame,
        *,
        source: str,
        synthetic: bool,
        created_by: str | None = None,
        raw_upload_id: int | None = None,
        note: str = "",
        raw_upload: dict | None = None,
    ) -> int:
        """Store a children dataset as the new active version of `period`.

        `df` has a ``code`` column and any of the measure columns (missing ones are
        stored as NULL); an optional ``period`` column must equal `period`. Returns the
        new version number. All or nothing: on error nothing is written.
        """
        validate_period(period)
        values = records.value_records(df, MEASURES, period, "children data")
        return self._add(
            "children", period, values, [], source, synthetic, created_by, raw_upload_id, note,
            raw_upload,
        )  # fmt: skip

    def add_facilities(
        self,
        period: str,
        counts_df: pd.DataFrame,
        points_df: pd.DataFrame | None = None,
        *,
        source: str,
        synthetic: bool,
        created_by: str | None = None,
        raw_upload_id: int | None = None,
        note: str = "",
        raw_upload: dict | None = None,
    ) -> int:
        """Store facility counts (and optional points) as the new active version of `period`.

        `counts_df`: ``code`` plus any of the facility-count columns. `points_df`:
        ``facility_id, name, kind, code, lon, lat`` (kind ``children_home`` or
        ``activity_centre``), or None. Returns the new version number.
        """
        validate_period(period)
        values = records.value_records(counts_df, FACILITY_COUNTS, period, "facility counts")
        points = (
            [] if points_df is None or points_df.empty else records.point_records(points_df, period)
        )
        return self._add(
            "facilities",
            period,
            values,
            points,
            source,
            synthetic,
            created_by,
            raw_upload_id,
            note,
            raw_upload,
        )

    def _add(
        self,
        kind: str,
        period: str,
        values: list[dict],
        points: list[dict],
        source: str,
        synthetic: bool,
        created_by: str | None,
        raw_upload_id: int | None,
        note: str,
        raw_upload: dict | None = None,
    ) -> int:
        """One transaction: the raw upload's record (``raw_upload``: the keyword arguments
        of :meth:`add_raw_upload`), the dataset and its rows; a process killed half-way
        leaves none of them."""
        t = self.tables
        d = t.datasets
        with self.engine.begin() as conn:
            db.lock_datasets(conn)
            if raw_upload is not None:
                raw_upload_id = self._insert_raw_upload(conn, **raw_upload)
            current = conn.execute(
                sa.select(sa.func.max(d.c.version)).where(d.c.kind == kind, d.c.period == period)
            ).scalar()
            version = int(current or 0) + 1
            conn.execute(
                d.update().where(d.c.kind == kind, d.c.period == period).values(active=False)
            )
            result = conn.execute(
                d.insert().values(
                    kind=kind,
                    period=period,
                    version=version,
                    active=True,
                    synthetic=bool(synthetic),
                    source=db.text(source),
                    note=db.text(note or ""),
                    created_at=db.now(),
                    created_by=db.text(created_by),
                    raw_upload_id=None if raw_upload_id is None else int(raw_upload_id),
                    row_count=len(values),
                )
            )
            dataset_id = int(result.inserted_primary_key[0])
            columns = COLUMNS_BY_KIND[kind]
            for rec in values:
                rec["source_id"] = dataset_id
                rec["reported"] = 0 if synthetic else reported_mask(rec, columns)
            for table, rows in ((t.county_values, values), (t.facility_points, points)):
                for rec in rows:
                    rec["dataset_id"] = dataset_id
                db.bulk_insert(conn, table, rows)
        return version

    def stamp(self) -> str:
        """A short token that changes whenever the set of active datasets changes.

        Callers put it in cache keys so a new upload, a restore or a deletion makes
        stale cached results unreachable.
        """
        d = self.tables.datasets
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    sa.func.count(d.c.id),
                    sa.func.coalesce(
                        sa.func.sum(d.c.id * sa.case((d.c.active.is_(True), 1), else_=0)), 0
                    ),
                    sa.func.coalesce(sa.func.max(d.c.id), 0),
                )
            ).one()
        return f"{row[0]}-{row[1]}-{row[2]}"

    def periods(self, kind: str = "children") -> list[str]:
        """Periods that have an active dataset of `kind`, oldest first."""
        check_kind(kind)
        d = self.tables.datasets
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(d.c.period).where(d.c.kind == kind, d.c.active.is_(True)).distinct()
            ).scalars()
            return sorted(found, key=period_key)

    def active_row_counts(self, kind: str = "children") -> dict[str, int]:
        """Rows (counties, or facilities) of the active dataset of each period."""
        check_kind(kind)
        d = self.tables.datasets
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(d.c.period, d.c.row_count).where(d.c.kind == kind, d.c.active.is_(True))
            ).all()
        return {p: int(n or 0) for p, n in rows}

    def is_synthetic(self, period: str, kind: str = "children") -> bool:
        """Whether the active dataset of `period` is synthetic (demo) data.

        False when there is no such dataset (there is then nothing to label).
        """
        d = self.tables.datasets
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(d.c.synthetic).where(
                    d.c.kind == kind, d.c.period == period, d.c.active.is_(True)
                )
            ).scalar()
        return bool(value)

    def children(self, period: str | None = None, version: int | None = None) -> pd.DataFrame:
        """County measures: columns ``period, code, <measures>, synthetic``.

        `period` None means the latest period with children data; `version` None means
        the active version. Empty frame (same columns) if nothing is stored.

        Raises
        ------
        LookupError
            If an explicitly requested `version` does not exist.
        """
        return self._measures(self._resolve("children", period, version), MEASURES)

    def facilities(
        self, period: str | None = None, version: int | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Facility counts (``period, code, <counts>, synthetic``) and points.

        Points have columns ``facility_id, name, kind, code, lon, lat``. Same period and
        version rules as :meth:`children`.
        """
        info = self._resolve("facilities", period, version)
        counts = self._facility_counts(info)
        if info is None:
            return counts, records.empty(list(POINT_COLUMNS))
        p = self.tables.facility_points
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*(p.c[c] for c in POINT_COLUMNS))
                .where(p.c.dataset_id == info["id"])
                .order_by(p.c.facility_id)
            ).all()
        points = records.frame(rows, list(POINT_COLUMNS))
        points = points.astype({"lon": "float64", "lat": "float64"})
        return counts, points

    def facility_counts(
        self, period: str | None = None, version: int | None = None
    ) -> pd.DataFrame:
        """The counts of :meth:`facilities` without the points: the county table needs
        only these, and reading every facility point (58,000 in the demo) took longer
        than the rest of the table."""
        return self._facility_counts(self._resolve("facilities", period, version))

    def _facility_counts(self, info: dict | None) -> pd.DataFrame:
        return self._measures(info, FACILITY_COUNTS)

    def _measures(self, info: dict | None, measures: tuple[str, ...]) -> pd.DataFrame:
        """``period, code, <measures>, synthetic`` of a resolved dataset (empty if none)."""
        columns = ["period", "code", *measures, "synthetic"]
        if info is None:
            return records.empty(columns)
        frame = self._values(info["id"], measures)
        frame.insert(0, "period", info["period"])
        frame["synthetic"] = bool(info["synthetic"])
        return frame[columns]

    def _resolve(self, kind: str, period: str | None, version: int | None) -> dict | None:
        if period is None:
            period = latest(self.periods(kind))
            if period is None:
                return None
        validate_period(period)
        d = self.tables.datasets
        query = sa.select(d.c.id, d.c.period, d.c.synthetic).where(
            d.c.kind == kind, d.c.period == period
        )
        query = (
            query.where(d.c.active.is_(True))
            if version is None
            else query.where(d.c.version == int(version))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None and version is not None:
            raise LookupError(f"no {kind} dataset for period {period!r} version {version}")
        return dict(row) if row is not None else None

    def _values(self, dataset_id: int, columns: tuple[str, ...]) -> pd.DataFrame:
        v = self.tables.county_values
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(v.c.code, *(v.c[c] for c in columns))
                .where(v.c.dataset_id == dataset_id)
                .order_by(v.c.code)
            ).all()
        frame = records.frame(rows, ["code", *columns])
        return frame.astype({c: "float64" for c in columns})


def reported_mask(record: dict, columns: tuple[str, ...]) -> int:
    """The provenance bits of a record whose every value came from an upload."""
    return sum(1 << i for i, c in enumerate(columns) if record.get(c) is not None)
