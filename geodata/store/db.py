"""Database plumbing shared by the store's modules: URLs, cleaning values for drivers,
the writers' lock and bulk inserts.

Why Core, not the ORM: the data are wide tables of numbers moved in bulk; Core with
``executemany`` (or ``COPY`` on PostgreSQL) inserts thousands of rows in milliseconds and
the SQL stays portable, so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection


def sqlite_url(path: str | Path) -> str:
    """SQLAlchemy URL of a SQLite file (the default backend).

    Examples
    --------
    >>> sqlite_url("/data/atlas.sqlite")
    'sqlite:////data/atlas.sqlite'
    """
    return f"sqlite:///{Path(path)}"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clean(value: Any) -> Any:
    """NumPy scalars and NaN -> plain Python / None, as DB drivers expect.

    NaN must become None before it reaches a driver: SQLite stores a NaN as NULL, but
    PostgreSQL keeps it (as the float NaN, or as the string ``'NaN'`` in a text
    column). Text loses NUL characters, which PostgreSQL text cannot hold.

    Examples
    --------
    >>> [clean(v) for v in (np.float64("nan"), np.int64(3), np.bool_(True), "a\\x00b")]
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


def missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and np.isnan(value))
    )


def text(value: str | None) -> str | None:
    """Text for a column: None stays None, NUL characters are dropped (see :func:`clean`)."""
    return None if value is None else str(value).replace("\x00", "")


def lock_datasets(conn: Connection) -> None:
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


def bulk_insert(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
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


def sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Enforce foreign keys on SQLite (off by default there; on by design elsewhere)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def add_missing_columns(engine: sa.engine.Engine, metadata: sa.MetaData) -> list[str]:
    """Add columns a newer schema declares to tables an older version created.

    ``create_all`` makes missing tables but never alters existing ones; a database
    from before provenance and merge would lack their columns. Only nullable or
    defaulted columns are ever added, so ``ALTER TABLE ... ADD COLUMN`` is enough on
    SQLite and PostgreSQL alike. Returns ``table.column`` for each one added.
    """
    inspector = sa.inspect(engine)
    existing = set(inspector.get_table_names())
    added = []
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name not in existing:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in have:
                    continue
                ddl = f"ALTER TABLE {table.name} ADD COLUMN {column.name} "
                ddl += column.type.compile(dialect=engine.dialect)
                if column.server_default is not None:
                    ddl += f" DEFAULT {column.server_default.arg}"
                    ddl += "" if column.nullable else " NOT NULL"
                conn.execute(sa.text(ddl))
                added.append(f"{table.name}.{column.name}")
    return added
