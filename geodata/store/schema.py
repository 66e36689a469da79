"""The store's tables, declared once (SQLAlchemy Core, portable SQL only).

Tables
------
``datasets``
    id, kind (``children``/``facilities``), period, version, active, synthetic, source,
    note, created_at, created_by, raw_upload_id, row_count, mode, scope, base_version.
``county_values``
    dataset_id, code, one nullable float column per measure and per facility count,
    reported (provenance bit mask), source_id.
``facility_points``
    dataset_id, facility_id, name, kind, code, lon, lat.
``raw_uploads``
    id, filename, sha256, stored_path, size, created_at, created_by.
``programmes``
    id, name, codes (space-separated), note, synthetic, created_at, created_by.
``rounds``
    period, deadline, opened_at, opened_by, note: a collection round per period.
``submissions``
    uploads waiting for review (when review is on): the clean rows, state, reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from geodata.indicators import FACILITY_COUNTS, MEASURES

KINDS: tuple[str, ...] = ("children", "facilities")
POINT_KINDS: tuple[str, ...] = ("children_home", "activity_centre")
POINT_COLUMNS: tuple[str, ...] = ("facility_id", "name", "kind", "code", "lon", "lat")
VALUE_COLUMNS: tuple[str, ...] = MEASURES + FACILITY_COUNTS
COLUMNS_BY_KIND: dict[str, tuple[str, ...]] = {"children": MEASURES, "facilities": FACILITY_COUNTS}


def check_kind(kind: str) -> None:
    """``ValueError`` unless `kind` is a dataset kind."""
    if kind not in KINDS:
        raise ValueError(f"invalid dataset kind {kind!r}: expected one of {KINDS}")


@dataclass(frozen=True)
class Tables:
    """The tables, bound to one ``MetaData``."""

    metadata: sa.MetaData
    datasets: sa.Table
    county_values: sa.Table
    facility_points: sa.Table
    raw_uploads: sa.Table
    programmes: sa.Table
    rounds: sa.Table
    submissions: sa.Table


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
        # How the version was made from the one before (merge / replace; NULL: a whole
        # table, as the demo and older versions were), the scope a replace declared
        # complete, and the version it was built on.
        sa.Column("mode", sa.String(8), nullable=True),
        sa.Column("scope", sa.String(6), nullable=True),
        sa.Column("base_version", sa.Integer, nullable=True),
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
        # Provenance: bit i set when value column i of the kind came from an upload
        # (not synthetic data); the dataset that last changed the row.
        sa.Column("reported", sa.Integer, nullable=False, default=0, server_default="0"),
        sa.Column("source_id", sa.Integer, nullable=True),
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
    rounds = sa.Table(
        "rounds",
        md,
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=False, default=""),
    )
    submissions = sa.Table(
        "submissions",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("scope", sa.String(6), nullable=True),
        sa.Column("region", sa.String(6), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),  # the clean rows, JSON
        sa.Column("summary", sa.Text, nullable=False, default=""),
        sa.Column("raw_upload_id", sa.Integer, sa.ForeignKey("raw_uploads.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.Text, nullable=True),
        sa.Column("review_note", sa.Text, nullable=False, default=""),
        sa.Column("version", sa.Integer, nullable=True),
        sa.CheckConstraint(
            "state IN ('submitted', 'approved', 'returned')", name="ck_submissions_state"
        ),
    )
    return Tables(
        md, datasets, county_values, facility_points, raw_uploads, programmes, rounds, submissions
    )
