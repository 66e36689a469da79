"""Raw uploaded files: the record of each file kept on disk (name, SHA-256, size, who, when)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.store import db
from geodata.store.schema import Tables


class RawUploads:
    """The ``raw_uploads`` table (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

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
                filename=db.text(filename),
                sha256=sha256,
                stored_path=str(stored_path),
                size=int(size),
                created_at=db.now(),
                created_by=db.text(created_by),
            )
        )
        return int(result.inserted_primary_key[0])

    def raw_uploads(self) -> pd.DataFrame:
        """All recorded uploads, newest first."""
        t = self.tables.raw_uploads
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id.desc())).mappings().all()
        return pd.DataFrame(rows, columns=[c.name for c in t.columns])
