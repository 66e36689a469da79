"""Versioned storage of county datasets, facility points and raw uploads (SQLAlchemy Core).

Why versions: an upload must never overwrite the figures people have already seen.
Every upload of a (kind, period) becomes a new version; the newest becomes *active*
(what the map shows), older ones are kept and can be re-activated or deleted.

The same code runs on the default SQLite file and on PostgreSQL (``DATABASE_URL``).
Modules, one concern each:

- ``schema``: the tables, declared once; dataset kinds and column lists.
- ``db``: URLs, cleaning values for drivers, the writers' lock, bulk inserts.
- ``records``: checking and shaping frames on their way in and out.
- ``datasets``: adding a version, reading the active (or any) one.
- ``versions``: listing, restoring and deleting versions.
- ``merge``: the next version from the active one and an upload (merge / replace).
- ``commits``: writing that next version, serialised; the preview of a commit.
- ``provenance``: where each county's values came from; comparing two versions.
- ``rounds``: collection rounds (a period open for reporting, its deadline).
- ``reviews``: uploads waiting for approval (when review is on).
- ``uploads``: records of the raw files kept on disk.
- ``programmes``: named sets of counties.

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

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.store import db
from geodata.store.commits import Commit, Commits
from geodata.store.datasets import Datasets
from geodata.store.db import sqlite_url
from geodata.store.programmes import Programmes
from geodata.store.provenance import Provenance
from geodata.store.reviews import Reviews
from geodata.store.rounds import Rounds
from geodata.store.schema import (
    KINDS,
    POINT_COLUMNS,
    POINT_KINDS,
    VALUE_COLUMNS,
    Tables,
    build_tables,
)
from geodata.store.uploads import RawUploads
from geodata.store.versions import Versions

__all__ = [
    "KINDS",
    "POINT_COLUMNS",
    "POINT_KINDS",
    "VALUE_COLUMNS",
    "Commit",
    "Store",
    "Tables",
    "build_tables",
    "sqlite_url",
]


class Store(Datasets, Commits, Versions, Provenance, Rounds, Reviews, RawUploads, Programmes):
    """Versioned datasets in any SQLAlchemy database.

    Each base class is one concern in a module of its own; they share only
    ``engine`` and ``tables``.

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
            sa.event.listen(self.engine, "connect", db.sqlite_pragmas)
        self.tables: Tables = build_tables()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def create_all(self) -> None:
        """Create missing tables and columns (idempotent; upgrades older databases)."""
        self.tables.metadata.create_all(self.engine)
        added = db.add_missing_columns(self.engine, self.tables.metadata)
        if "county_values.reported" in added:
            # Rows stored before provenance: an upload's values all came from it.
            d, v = self.tables.datasets, self.tables.county_values
            real = sa.select(d.c.id).where(d.c.synthetic.is_(False))
            with self.engine.begin() as conn:
                conn.execute(v.update().where(v.c.dataset_id.in_(real)).values(reported=255))
                conn.execute(v.update().values(source_id=v.c.dataset_id))

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown)."""
        self.engine.dispose()
