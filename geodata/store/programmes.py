"""Programmes: named sets of counties (a pilot, a funding scheme) saved for comparison."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.store import db
from geodata.store.schema import Tables


class Programmes:
    """The ``programmes`` table (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

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
            note=db.text(note) or "",
            synthetic=bool(synthetic),
            created_at=db.now(),
            created_by=db.text(created_by),
        )
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(t.c.id).where(t.c.name == name)).first()
            if row is not None:
                conn.execute(t.update().where(t.c.id == row[0]).values(**values))
                return int(row[0])
            result = conn.execute(t.insert().values(name=db.text(name), **values))
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
