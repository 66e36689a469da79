"""Collection rounds: a period open for reporting, with an optional deadline."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.periods import period_key, validate_period
from geodata.store import db
from geodata.store.schema import Tables


class Rounds:
    """The ``rounds`` table (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

    def open_round(
        self,
        period: str,
        *,
        deadline: dt.date | str | None = None,
        opened_by: str | None = None,
        note: str = "",
    ) -> dict:
        """Open (or update) the round of `period`; returns it."""
        period = validate_period(period)
        if isinstance(deadline, str):
            try:
                deadline = dt.date.fromisoformat(deadline.strip())
            except ValueError:
                raise ValueError(f"bad deadline {deadline!r}: expected YYYY-MM-DD") from None
        t = self.tables.rounds
        values = dict(
            deadline=deadline, opened_at=db.now(), opened_by=db.text(opened_by),
            note=db.text(note) or "",
        )  # fmt: skip
        with self.engine.begin() as conn:
            if conn.execute(sa.select(t.c.period).where(t.c.period == period)).first():
                conn.execute(t.update().where(t.c.period == period).values(**values))
            else:
                conn.execute(t.insert().values(period=period, **values))
        return self.round(period)

    def round(self, period: str) -> dict | None:
        """The round of `period` (period, deadline, opened_at, opened_by, note) or None."""
        t = self.tables.rounds
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.period == period)).mappings().first()
        return None if row is None else dict(row)

    def rounds(self) -> list[dict]:
        """Every round, newest period first."""
        t = self.tables.rounds
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(sa.select(t)).mappings().all()]
        return sorted(rows, key=lambda r: period_key(r["period"]), reverse=True)

    def close_round(self, period: str) -> bool:
        """Remove the round of `period`; ``False`` when there was none."""
        t = self.tables.rounds
        with self.engine.begin() as conn:
            return conn.execute(t.delete().where(t.c.period == period)).rowcount > 0


def days_left(deadline: dt.date | None, today: dt.date | None = None) -> int | None:
    """Whole days from `today` to `deadline` (negative once past; None without one).

    >>> days_left(dt.date(2026, 7, 31), dt.date(2026, 7, 1))
    30
    """
    if deadline is None:
        return None
    if isinstance(deadline, dt.datetime):
        deadline = deadline.date()
    return (deadline - (today or dt.date.today())).days
