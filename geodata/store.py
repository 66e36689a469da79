"""Versioned storage of county datasets, facility points and raw uploads (SQLAlchemy Core).

Why versions: an upload must never overwrite the figures people have already seen.
Every upload of a (kind, period) becomes a new version, numbered 1, 2, 3...; the newest
becomes *active* (what the map shows), older ones are kept and can be re-activated or
deleted. Exactly one version per (kind, period) is active.

Why Core, not the ORM: the data are wide tables of numbers moved in bulk; Core with
``executemany`` over lists of dicts inserts thousands of rows in milliseconds and the
SQL stays portable. Only portable constructs are used, so the same code runs on the
default SQLite file and on PostgreSQL (``DATABASE_URL``).

Tables
------
``datasets``
    id, kind (``children``/``facilities``), period, version, active, synthetic, source,
    note, created_at, created_by, raw_upload_id, row_count.
``county_values``
    dataset_id, code, one nullable float column per measure and per facility count.
``facility_points``
    dataset_id, facility_id, name, kind, code, lon, lat.
``raw_uploads``
    id, filename, sha256, stored_path, size, created_at, created_by.

Values come back as float64 with NaN for missing (counts may be missing for a county,
and pandas integers cannot hold NaN without the nullable types that trip up NumPy code).

Examples
--------
>>> import pandas as pd
>>> s = Store("sqlite://")  # in memory
>>> s.create_all()
>>> df = pd.DataFrame({"code": ["110101"], "children": [1200], "left_behind": [3]})
>>> s.add_children("2025-H2", df, source="example", synthetic=True)
1
>>> s.children()[["period", "code", "children", "synthetic"]].to_dict("records")
[{'period': '2025-H2', 'code': '110101', 'children': 1200.0, 'synthetic': True}]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geodata.indicators import FACILITY_COUNTS, MEASURES
from geodata.periods import latest, period_key, validate_period

Kind = Literal["children", "facilities"]
KINDS: tuple[str, ...] = ("children", "facilities")
POINT_KINDS: tuple[str, ...] = ("children_home", "activity_centre")
POINT_COLUMNS: tuple[str, ...] = ("facility_id", "name", "kind", "code", "lon", "lat")
VALUE_COLUMNS: tuple[str, ...] = MEASURES + FACILITY_COUNTS
_COLUMNS_BY_KIND: dict[str, tuple[str, ...]] = {"children": MEASURES, "facilities": FACILITY_COUNTS}


def sqlite_url(path: str | Path) -> str:
    """SQLAlchemy URL of a SQLite file (the default backend).

    Examples
    --------
    >>> sqlite_url("/data/atlas.sqlite")
    'sqlite:////data/atlas.sqlite'
    """
    return f"sqlite:///{Path(path)}"


@dataclass(frozen=True)
class Tables:
    """The four tables, bound to one ``MetaData``."""

    metadata: sa.MetaData
    datasets: sa.Table
    county_values: sa.Table
    facility_points: sa.Table
    raw_uploads: sa.Table
    programmes: sa.Table


def build_tables() -> Tables:
    """Declare the schema (a function, so that no metadata lives at module level)."""
    md = sa.MetaData()
    raw_uploads = sa.Table(
        "raw_uploads",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("stored_path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=True),
    )
    datasets = sa.Table(
        "datasets",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, default=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=True),
        sa.Column("raw_upload_id", sa.Integer, sa.ForeignKey("raw_uploads.id"), nullable=True),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.UniqueConstraint("kind", "period", "version", name="uq_datasets_kind_period_version"),
        sa.CheckConstraint("kind IN ('children', 'facilities')", name="ck_datasets_kind"),
        sa.Index("ix_datasets_kind_period_active", "kind", "period", "active"),
    )
    county_values = sa.Table(
        "county_values",
        md,
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("datasets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(6), primary_key=True),
        *(sa.Column(name, sa.Float, nullable=True) for name in VALUE_COLUMNS),
    )
    facility_points = sa.Table(
        "facility_points",
        md,
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("datasets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("facility_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("code", sa.String(6), nullable=False, index=True),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
    )
    programmes = sa.Table(
        "programmes",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("codes", sa.Text, nullable=False),  # space-separated layer codes
        sa.Column("note", sa.Text, nullable=False, default=""),
        sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=True),
    )
    return Tables(md, datasets, county_values, facility_points, raw_uploads, programmes)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _clean(value: Any) -> Any:
    """NumPy scalars and NaN -> plain Python / None, as DB drivers expect.

    NaN must become None before it reaches a driver: SQLite stores a NaN as NULL, but
    PostgreSQL keeps it (as the float NaN, or as the string ``'NaN'`` in a text
    column). Text loses NUL characters, which PostgreSQL text cannot hold.

    Examples
    --------
    >>> [_clean(v) for v in (np.float64("nan"), np.int64(3), np.bool_(True), "a\\x00b")]
    [None, 3, True, 'ab']
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and np.isnan(value))
    )


def _text(value: str | None) -> str | None:
    """Text for a column: None stays None, NUL characters are dropped (see :func:`_clean`)."""
    return None if value is None else str(value).replace("\x00", "")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"invalid dataset kind {kind!r}: expected one of {KINDS}")


def _rows_for_period(df: pd.DataFrame, period: str, what: str) -> pd.DataFrame:
    """Check an optional ``period`` column agrees with `period`; drop it."""
    if "period" in df.columns:
        others = sorted({str(p) for p in df["period"].dropna().unique()} - {period})
        if others:
            raise ValueError(f"{what} has rows for period(s) {others}, expected only {period!r}")
        df = df.drop(columns="period")
    return df


def _value_records(
    df: pd.DataFrame, columns: tuple[str, ...], period: str, what: str
) -> list[dict]:
    df = _rows_for_period(df, period, what)
    if "code" not in df.columns:
        raise ValueError(f"{what} needs a 'code' column of six-character county codes")
    codes = df["code"].astype(str)
    bad = codes[codes.str.len() != 6]
    if len(bad):
        raise ValueError(f"{what}: county codes must be six characters, got {bad.iloc[0]!r}")
    dup = codes[codes.duplicated()]
    if len(dup):
        raise ValueError(f"{what}: county code {dup.iloc[0]!r} appears more than once")
    present = [c for c in columns if c in df.columns]
    if not present:
        raise ValueError(f"{what} has none of the value columns {columns}")
    values = df[present].apply(pd.to_numeric, errors="coerce").astype("float64")
    # Every value column (absent ones NULL); object dtype holds Python floats and None.
    full = pd.DataFrame(
        {name: values[name] if name in present else np.nan for name in VALUE_COLUMNS},
        index=df.index,
    ).astype(object)
    full = full.where(full.notna(), None)
    full.insert(0, "code", codes.to_numpy())
    return full.to_dict("records")


def _point_records(df: pd.DataFrame, period: str) -> list[dict]:
    df = _rows_for_period(df, period, "facility points")
    missing = [c for c in POINT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"facility points are missing columns {missing}")
    if df["facility_id"].duplicated().any():
        dup = df.loc[df["facility_id"].duplicated(), "facility_id"].iloc[0]
        raise ValueError(f"facility points: facility_id {dup!r} appears more than once")
    bad_kind = set(df["kind"]) - set(POINT_KINDS)
    if bad_kind:
        raise ValueError(
            f"facility points: unknown kind(s) {sorted(bad_kind)}; expected {POINT_KINDS}"
        )
    out = df[list(POINT_COLUMNS)].copy()
    out["facility_id"] = out["facility_id"].astype(str)
    out["code"] = out["code"].astype(str)
    out["name"] = [None if _missing(v) else str(v) for v in out["name"]]
    for axis in ("lon", "lat"):
        out[axis] = pd.to_numeric(out[axis], errors="coerce").astype("float64")
        if not np.isfinite(out[axis]).all():
            bad = out.loc[~np.isfinite(out[axis]), "facility_id"].iloc[0]
            raise ValueError(f"facility points: {axis} missing or not a number for {bad!r}")
    return [
        dict(zip(POINT_COLUMNS, (_clean(v) for v in row), strict=True))
        for row in out.itertuples(index=False, name=None)
    ]


class Store:
    """Versioned datasets in any SQLAlchemy database.

    Parameters
    ----------
    url : str or Path
        SQLAlchemy URL (``sqlite:////data/atlas.sqlite``, ``postgresql+psycopg://...``);
        a filesystem path is taken as a SQLite file.
    """

    def __init__(self, url: str | Path, **engine_kwargs: Any) -> None:
        text = str(url)
        if isinstance(url, Path) or "://" not in text:
            text = sqlite_url(text)
        self.url = text
        self.engine: Engine = sa.create_engine(text, **engine_kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.tables = build_tables()
        #: Commits made through this store in this process: what was read before one
        #: may be stale after it (the web layer's per-request memos compare it).
        self.commits = 0
        sa.event.listen(self.engine, "commit", self._counted)

    def _counted(self, _conn) -> None:
        self.commits += 1

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def create_all(self) -> None:
        """Create missing tables (idempotent)."""
        self.tables.metadata.create_all(self.engine)

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown)."""
        self.engine.dispose()

    # --- writes -------------------------------------------------------------------

    def add_raw_upload(
        self,
        *,
        filename: str,
        sha256: str,
        stored_path: str | Path,
        size: int,
        created_by: str | None = None,
    ) -> int:
        """Record an uploaded file kept on disk; returns its id for ``raw_upload_id``."""
        with self.engine.begin() as conn:
            return self._insert_raw_upload(
                conn, filename=filename, sha256=sha256, stored_path=stored_path, size=size,
                created_by=created_by,
            )  # fmt: skip

    def _insert_raw_upload(
        self, conn, *, filename, sha256, stored_path, size, created_by=None
    ) -> int:
        t = self.tables.raw_uploads
        result = conn.execute(
            t.insert().values(
                filename=_text(filename),
                sha256=sha256,
                stored_path=str(stored_path),
                size=int(size),
                created_at=_now(),
                created_by=_text(created_by),
            )
        )
        return int(result.inserted_primary_key[0])

    def raw_uploads(self) -> pd.DataFrame:
        """All recorded uploads, newest first."""
        t = self.tables.raw_uploads
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id.desc())).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in t.columns])

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
        records = _value_records(df, MEASURES, period, "children data")
        return self._add(
            "children", period, records, [], source, synthetic, created_by, raw_upload_id, note,
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
        records = _value_records(counts_df, FACILITY_COUNTS, period, "facility counts")
        points = [] if points_df is None or points_df.empty else _point_records(points_df, period)
        return self._add(
            "facilities",
            period,
            records,
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
        records: list[dict],
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
            self._lock_datasets(conn)
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
                    source=_text(source),
                    note=_text(note or ""),
                    created_at=_now(),
                    created_by=_text(created_by),
                    raw_upload_id=None if raw_upload_id is None else int(raw_upload_id),
                    row_count=len(records),
                )
            )
            dataset_id = int(result.inserted_primary_key[0])
            for table, rows in ((t.county_values, records), (t.facility_points, points)):
                for rec in rows:
                    rec["dataset_id"] = dataset_id
                _bulk_insert(conn, table, rows)
        return version

    def activate(self, kind: str, period: str, version: int) -> None:
        """Make `version` the active one for (kind, period), e.g. to restore an older upload."""
        _check_kind(kind)
        version = int(version)
        d = self.tables.datasets
        with self.engine.begin() as conn:
            self._lock_datasets(conn)
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
        _check_kind(kind)
        version = int(version)
        t = self.tables
        d = t.datasets
        with self.engine.begin() as conn:
            self._lock_datasets(conn)
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

    # --- reads --------------------------------------------------------------------

    # --- programmes (named county sets) ---------------------------------------------

    def save_programme(
        self,
        name: str,
        codes: list[str] | tuple[str, ...],
        *,
        note: str = "",
        synthetic: bool = False,
        created_by: str | None = None,
    ) -> int:
        """Save a named county set (replacing one of the same name); returns its id.

        Codes are layer codes, already checked by :func:`geodata.programmes.parse_codes`.
        """
        if not codes:
            raise ValueError("a programme needs at least one county")
        bad = [c for c in codes if not (isinstance(c, str) and len(c) == 6 and c.isdigit())]
        if bad:
            raise ValueError(f"not a county code: {bad[0]!r}")
        t = self.tables.programmes
        values = dict(
            codes=" ".join(dict.fromkeys(codes)),
            note=_text(note) or "",
            synthetic=bool(synthetic),
            created_at=_now(),
            created_by=_text(created_by),
        )
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(t.c.id).where(t.c.name == name)).first()
            if row is not None:
                conn.execute(t.update().where(t.c.id == row[0]).values(**values))
                return int(row[0])
            result = conn.execute(t.insert().values(name=_text(name), **values))
            return int(result.inserted_primary_key[0])

    def programmes(self) -> pd.DataFrame:
        """Saved programmes (id, name, n, note, synthetic, created_at, created_by), by name."""
        t = self.tables.programmes
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.name)).mappings().all()
        df = pd.DataFrame(rows, columns=[c.name for c in t.columns])
        df["n"] = df["codes"].map(lambda s: len(s.split())) if len(df) else []
        return df.drop(columns="codes")

    def programme(self, programme_id: int) -> dict | None:
        """One programme with its ``codes`` as a list, or ``None``."""
        t = self.tables.programmes
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == int(programme_id))).mappings().first()
        if row is None:
            return None
        return {**row, "codes": row["codes"].split()}

    def delete_programme(self, programme_id: int) -> bool:
        """Delete a programme; ``False`` when there was none."""
        t = self.tables.programmes
        with self.engine.begin() as conn:
            return conn.execute(t.delete().where(t.c.id == int(programme_id))).rowcount > 0

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
        _check_kind(kind)
        d = self.tables.datasets
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(d.c.period).where(d.c.kind == kind, d.c.active.is_(True)).distinct()
            ).scalars()
            return sorted(found, key=period_key)

    def active_row_counts(self, kind: str = "children") -> dict[str, int]:
        """Rows (counties, or facilities) of the active dataset of each period."""
        _check_kind(kind)
        d = self.tables.datasets
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(d.c.period, d.c.row_count).where(d.c.kind == kind, d.c.active.is_(True))
            ).all()
        return {p: int(n or 0) for p, n in rows}

    def versions(self, kind: str, period: str) -> pd.DataFrame:
        """All versions of (kind, period), oldest first, with their metadata."""
        _check_kind(kind)
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
        columns = ["period", "code", *MEASURES, "synthetic"]
        info = self._resolve("children", period, version)
        if info is None:
            return _empty(columns)
        frame = self._values(info["id"], MEASURES)
        frame.insert(0, "period", info["period"])
        frame["synthetic"] = bool(info["synthetic"])
        return frame[columns]

    def facilities(
        self, period: str | None = None, version: int | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Facility counts (``period, code, <counts>, synthetic``) and points.

        Points have columns ``facility_id, name, kind, code, lon, lat``. Same period and
        version rules as :meth:`children`.
        """
        count_columns = ["period", "code", *FACILITY_COUNTS, "synthetic"]
        info = self._resolve("facilities", period, version)
        if info is None:
            return _empty(count_columns), _empty(list(POINT_COLUMNS))
        counts = self._values(info["id"], FACILITY_COUNTS)
        counts.insert(0, "period", info["period"])
        counts["synthetic"] = bool(info["synthetic"])
        p = self.tables.facility_points
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*(p.c[c] for c in POINT_COLUMNS))
                .where(p.c.dataset_id == info["id"])
                .order_by(p.c.facility_id)
            ).all()
        points = pd.DataFrame(rows, columns=list(POINT_COLUMNS))
        points = points.astype({"lon": "float64", "lat": "float64"})
        return counts[count_columns], points

    # --- helpers ------------------------------------------------------------------

    def _lock_datasets(self, conn: Connection) -> None:
        """Serialise writers of ``datasets`` until the transaction ends.

        Version numbers are ``max + 1`` and exactly one version is active; two uploads
        for the same period at once would otherwise both read the same maximum. Must be
        the first statement of the transaction. PostgreSQL: a table lock that blocks
        other writers but not readers. SQLite: an empty UPDATE takes the database's
        write lock now rather than at the first real write (Python's sqlite3 does not
        even begin the transaction before a SELECT); other writers wait for it.
        """
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("LOCK TABLE datasets IN SHARE ROW EXCLUSIVE MODE"))
        elif conn.dialect.name == "sqlite":
            conn.execute(sa.text("UPDATE datasets SET active = active WHERE 0 = 1"))

    def _dataset_id(self, conn: Connection, kind: str, period: str, version: int) -> int:
        d = self.tables.datasets
        found = conn.execute(
            sa.select(d.c.id).where(d.c.kind == kind, d.c.period == period, d.c.version == version)
        ).scalar()
        if found is None:
            raise LookupError(f"no {kind} dataset for period {period!r} version {version}")
        return int(found)

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
        frame = pd.DataFrame(rows, columns=["code", *columns])
        return frame.astype({c: "float64" for c in columns})


def _bulk_insert(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert many rows: ``COPY`` on PostgreSQL with psycopg, ``executemany`` elsewhere.

    COPY is about three times faster than psycopg's pipelined ``executemany`` (3,000
    county rows: ~0.08 s against ~0.25 s). Its errors are raised as the same SQLAlchemy
    exceptions (``IntegrityError`` for a NULL name...) as ``executemany`` would raise.
    """
    if not rows:
        return
    if (conn.dialect.name, conn.dialect.driver) != ("postgresql", "psycopg"):
        conn.execute(table.insert(), rows)
        return
    driver = conn.connection.driver_connection
    columns = [c.name for c in table.columns]
    preparer = conn.dialect.identifier_preparer
    sql = "COPY {} ({}) FROM STDIN".format(
        preparer.format_table(table), ", ".join(preparer.quote(c) for c in columns)
    )
    dbapi = conn.dialect.loaded_dbapi
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row.get(c) for c in columns])
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(sql, None, exc, dbapi.Error) from exc


def _empty(columns: list[str]) -> pd.DataFrame:
    text = {"period", "code", "facility_id", "name", "kind"}
    dtypes = {
        c: "object" if c in text else "bool" if c == "synthetic" else "float64" for c in columns
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in columns})


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Enforce foreign keys on SQLite (off by default there; on by design elsewhere)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
