"""Checking data frames on their way in (codes, periods, points) and shaping them for the
database; empty frames with the columns readers expect on the way out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.store import db
from geodata.store.schema import POINT_COLUMNS, POINT_KINDS, VALUE_COLUMNS


def rows_for_period(df: pd.DataFrame, period: str, what: str) -> pd.DataFrame:
    """Check an optional ``period`` column agrees with `period`; drop it."""
    if "period" in df.columns:
        others = sorted({str(p) for p in df["period"].dropna().unique()} - {period})
        if others:
            raise ValueError(f"{what} has rows for period(s) {others}, expected only {period!r}")
        df = df.drop(columns="period")
    return df


def value_records(df: pd.DataFrame, columns: tuple[str, ...], period: str, what: str) -> list[dict]:
    df = rows_for_period(df, period, what)
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


def point_records(df: pd.DataFrame, period: str) -> list[dict]:
    df = rows_for_period(df, period, "facility points")
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
    out["name"] = [None if db.missing(v) else str(v) for v in out["name"]]
    for axis in ("lon", "lat"):
        out[axis] = pd.to_numeric(out[axis], errors="coerce").astype("float64")
        if not np.isfinite(out[axis]).all():
            bad = out.loc[~np.isfinite(out[axis]), "facility_id"].iloc[0]
            raise ValueError(f"facility points: {axis} missing or not a number for {bad!r}")
    return [
        dict(zip(POINT_COLUMNS, (db.clean(v) for v in row), strict=True))
        for row in out.itertuples(index=False, name=None)
    ]


def empty(columns: list[str]) -> pd.DataFrame:
    text = {"period", "code", "facility_id", "name", "kind"}
    dtypes = {
        c: "object" if c in text else "bool" if c == "synthetic" else "float64" for c in columns
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in columns})


def frame(rows, columns: list[str]) -> pd.DataFrame:
    """A data frame of database rows: built from plain tuples, since pandas probes each
    SQLAlchemy ``Row`` for attributes it lacks (one raised and caught exception per
    probe: 0.19 s of the 0.24 s a county panel spent reading 6,000 facility points).

    >>> frame([("110101", 2.0)], ["code", "n"]).to_dict("records")
    [{'code': '110101', 'n': 2.0}]
    """
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
