"""Merge and replace: the next version of a period from the active one and an upload.

Real figures arrive in pieces (a prefecture, a province), so an upload changes only
what it lists:

``merge`` (the default)
    the counties in the file get the file's values for the measures the file has;
    every other county, and every other measure, stays as it was. A blank cell keeps
    the value it had.
``replace``
    the file is complete for a declared scope (the nation, a province, a prefecture):
    counties of the scope missing from the file become *not reported* (no data, never
    a zero); counties outside the scope are untouched.

Provenance travels with each value: ``reported`` is a bit mask over the kind's value
columns (bit *i* set: column *i* came from an upload, not from synthetic data) and
``source_id`` the dataset that last changed the county's row. Pure pandas, no
database: :class:`geodata.store.Store` reads the base and writes the result.

Examples
--------
>>> import pandas as pd
>>> base = pd.DataFrame({"a": [1.0, 2.0], "b": [5.0, 6.0], "reported": [0, 0],
...                      "source_id": [1, 1]}, index=pd.Index(["110101", "110102"], name="code"))
>>> up = pd.DataFrame({"code": ["110102", "110105"], "a": [3.0, 4.0]})
>>> snap, ch = apply(base, up, ("a", "b"), mode="merge", new_id=2)
>>> ch.counts()
{'counties_updated': 1, 'counties_added': 1, 'counties_unchanged': 0, 'counties_unreported': 0}
>>> snap.loc["110102", ["a", "b", "reported", "source_id"]].tolist()
[3.0, 6.0, 1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MODES: tuple[str, ...] = ("merge", "replace")


@dataclass
class Change:
    """What a commit changes (or would change): county codes per outcome."""

    mode: str
    scope: str | None = None
    updated: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unreported: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "counties_updated": len(self.updated),
            "counties_added": len(self.added),
            "counties_unchanged": len(self.unchanged),
            "counties_unreported": len(self.unreported),
        }


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def empty_base(columns: Iterable[str]) -> pd.DataFrame:
    """A base with no counties (the first version of a period)."""
    cols = list(columns)
    frame = pd.DataFrame(
        {**{c: pd.Series(dtype="float64") for c in cols},
         "reported": pd.Series(dtype="int64"), "source_id": pd.Series(dtype="float64")},
    )  # fmt: skip
    frame.index = pd.Index([], dtype=object, name="code")
    return frame


def apply(
    base: pd.DataFrame,
    upload: pd.DataFrame,
    columns: tuple[str, ...],
    *,
    mode: str = "merge",
    scope_codes: Iterable[str] | None = None,
    scope: str | None = None,
    new_id: int | None = None,
) -> tuple[pd.DataFrame, Change]:
    """The next snapshot (index ``code``; `columns`, ``reported``, ``source_id``) and
    the :class:`Change` from `base` (same shape) and `upload` (``code`` + some of
    `columns`). In ``replace`` mode `scope_codes` are the counties the file is
    complete for; upload rows outside them are an error (the importer rejects them
    first)."""
    check_mode(mode)
    cols = list(columns)
    present = [c for c in cols if c in upload.columns]
    if not present:
        raise ValueError(f"the upload has none of the value columns {cols}")
    up = upload.assign(code=upload["code"].astype(str)).set_index("code")[present]
    up = up.apply(pd.to_numeric, errors="coerce").astype("float64")
    if up.index.duplicated().any():
        raise ValueError(f"county {up.index[up.index.duplicated()][0]!r} appears more than once")
    base = base.copy()
    base.index = base.index.astype(str)
    scope_idx = pd.Index([], dtype=object)
    if mode == "replace":
        if scope_codes is None:
            raise ValueError("a replace needs the counties of its scope")
        scope_idx = pd.Index([str(c) for c in scope_codes])
        outside = up.index.difference(scope_idx)
        if len(outside):
            raise ValueError(f"county {outside[0]} is outside the scope {scope or ''}".strip())
    snap = base.reindex(base.index.union(up.index, sort=False))
    snap["reported"] = snap["reported"].fillna(0).astype("int64")
    old = snap.copy()
    bit = {c: 1 << i for i, c in enumerate(cols)}
    if mode == "replace":
        cleared = scope_idx.intersection(snap.index).difference(up.index)
        snap.loc[cleared, cols] = np.nan
        snap.loc[cleared, "reported"] = 0
        # The file's counties: its measures as given (blank = no data), others cleared.
        snap.loc[up.index, cols] = np.nan
        snap.loc[up.index, "reported"] = 0
    for c in present:
        given = up[c].notna()
        if mode == "replace":
            snap.loc[up.index, c] = up[c]
        else:
            snap.loc[up.index[given], c] = up.loc[given, c]
        hits = up.index[given]
        snap.loc[hits, "reported"] = snap.loc[hits, "reported"].astype("int64") | bit[c]
    values_new = snap[cols].to_numpy(dtype=float)
    values_old = old[cols].to_numpy(dtype=float)
    same = (values_new == values_old) | (np.isnan(values_new) & np.isnan(values_old))
    row_changed = ~same.all(axis=1) | (snap["reported"].to_numpy() != old["reported"].to_numpy())
    if new_id is not None:
        snap.loc[row_changed, "source_id"] = float(new_id)
    change = Change(mode=mode, scope=scope)
    old_has = old.loc[up.index, present].notna().any(axis=1)
    in_file_values = ~same.all(axis=1)
    values_changed = pd.Series(in_file_values, index=snap.index).loc[up.index]
    change.added = up.index[~old_has.to_numpy()].tolist()
    change.updated = up.index[(old_has & values_changed).to_numpy()].tolist()
    change.unchanged = up.index[(old_has & ~values_changed).to_numpy()].tolist()
    if mode == "replace":
        had = old.loc[cleared, cols].notna().any(axis=1)
        change.unreported = cleared[had.to_numpy()].tolist()
    return snap, change


def apply_points(
    base: pd.DataFrame,
    upload: pd.DataFrame,
    *,
    mode: str = "merge",
    scope_codes: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Facility points after an upload of points, and the counties whose counts change.

    Merge: the file's facilities replace those with the same id, others stay. Replace:
    the scope's facilities are exactly the file's.
    """
    check_mode(mode)
    base = base.copy()
    upload = upload.copy()
    for frame in (base, upload):
        frame["facility_id"] = frame["facility_id"].astype(str)
        frame["code"] = frame["code"].astype(str)
    scope_list = [] if scope_codes is None else [str(c) for c in scope_codes]
    if mode == "replace":
        dropped = base[base["code"].isin(set(scope_list))]
    else:
        dropped = base[base["facility_id"].isin(set(upload["facility_id"]))]
    kept = base.drop(index=dropped.index)
    merged = pd.concat([kept, upload], ignore_index=True)
    touched = sorted(set(upload["code"]) | set(dropped["code"]))
    if mode == "replace":
        touched = sorted(set(touched) | set(scope_list))
    return merged.sort_values("facility_id").reset_index(drop=True), touched


def counts_from_points(points: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """Facility counts (``code``, ``children_homes``, ``activity_centres``) of `codes`;
    counties without any point are left out (no data under replace, see :func:`apply`)."""
    codes = list(codes)
    sub = points[points["code"].isin(set(codes))]
    table = pd.crosstab(sub["code"], sub["kind"]) if len(sub) else pd.DataFrame()
    out = pd.DataFrame({"code": pd.Series(table.index.astype(str).tolist(), dtype=object)})
    for kcol, fcol in (
        ("children_home", "children_homes"),
        ("activity_centre", "activity_centres"),
    ):
        has = kcol in table.columns
        out[fcol] = table[kcol].to_numpy(dtype=float) if has else np.zeros(len(out))
    return out


def source_of(reported: int, has_value: Iterable[bool]) -> str:
    """``reported`` / ``mixed`` / ``synthetic`` for a county's values, ``""`` when it has
    none: reported when every value came from uploads, mixed when some did.

    >>> source_of(0b11, [True, True]), source_of(0b01, [True, True]), source_of(0, [True, False])
    ('reported', 'mixed', 'synthetic')
    """
    flags = [bool(v) for v in has_value]
    if not any(flags):
        return ""
    got = [bool(reported >> i & 1) for i, v in enumerate(flags) if v]
    return "reported" if all(got) else "mixed" if any(got) else "synthetic"
