"""Programmes: named sets of counties (the target counties of a care project).

A programme is what a planner compares with the rest of the country: "our 40 target
counties in 12 provinces" against everyone else, this period against the last. This
module parses a pasted county list, outlines the set for the map and compares inside
with outside. Pure: no Dash, no database (the store keeps the saved sets).

Aggregates are ratios of sums (the rate of the 40 counties together), never means of
county rates, so a small county does not weigh as much as a large one.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"children": [1000, 3000, 2000], "left_behind": [100, 600, 100]},
...                  index=["110101", "110102", "110105"])
>>> c = compare(t, None, ["110101", "110102"], ["left_behind", "left_behind_rate"])
>>> c[["inside", "outside"]].round(1).values.tolist()
[[700.0, 100.0], [175.0, 50.0]]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from geodata import indicators

#: Separators between entries of a pasted list (new lines, commas, semicolons,
#: the ideographic comma, tabs and runs of spaces).
_SPLIT = re.compile(r"[\r\n,;，；、\t]+| {2,}")

MAX_COUNTIES = 3000  # more than the layer has: a larger paste is not a county list
NAME_MAX = 80

#: What a programme comparison shows by default (counts, then rates and coverage).
DEFAULT_COMPARE: tuple[str, ...] = (
    "children",
    "left_behind",
    "migrant",
    "left_behind_rate",
    "children_homes",
    "activity_centres",
    "facilities_per_1000_left_behind",
    "directors_per_1000_left_behind",
    "left_behind_per_facility",
)


@dataclass(frozen=True)
class ParsedList:
    """A pasted list read into layer codes.

    ``problems`` holds one ``(entry number, entry, reason)`` per entry that was not
    used, so nothing a planner pasted disappears silently; ``notes`` the entries that
    were used after a remap (an old code, a name).
    """

    codes: tuple[str, ...]
    problems: tuple[tuple[int, str, str], ...] = field(default=())
    notes: tuple[tuple[int, str, str], ...] = field(default=())


def split_entries(text: str) -> list[str]:
    """Entries of a pasted list: one county per line, or separated by commas.

    >>> split_entries("110101, 110102\\n东城区；  420102")
    ['110101', '110102', '东城区', '420102']
    """
    out: list[str] = []
    for part in _SPLIT.split(text or ""):
        part = part.strip()
        head = part.split(" ")[0]
        # "110101 东城区" (a code, then its name, as copied from a table) is one entry.
        out.append(head if head.isdigit() else part)
    return [p for p in out if p]


def parse_codes(text: str, registry) -> ParsedList:
    """Read a pasted list of county codes or names into layer codes.

    Codes in any form the registry reads (6, 9 or 12 digits, old codes through the
    crosswalk); names are looked up with :meth:`Registry.find_by_name` and must be
    unambiguous. Duplicates are reported once, not added twice.
    """
    entries = split_entries(text)
    if len(entries) > MAX_COUNTIES:
        raise ValueError(f"{len(entries)} entries: a programme holds at most {MAX_COUNTIES}")
    codes: list[str] = []
    seen: set[str] = set()
    problems: list[tuple[int, str, str]] = []
    notes: list[tuple[int, str, str]] = []
    for n, entry in enumerate(entries, start=1):
        code, reason, note = _resolve_entry(entry, registry)
        if code is None:
            problems.append((n, entry, reason))
        elif code in seen:
            problems.append((n, entry, f"duplicate of {code}"))
        else:
            seen.add(code)
            codes.append(code)
            if note:
                notes.append((n, entry, note))
    return ParsedList(tuple(codes), tuple(problems), tuple(notes))


def _resolve_entry(entry: str, registry) -> tuple[str | None, str, str]:
    if any(ch.isdigit() for ch in entry):
        r = registry.resolve(entry)
        if r.status == "exact":
            return r.layer_code, "", ""
        if r.status == "remapped":
            return r.layer_code, "", f"{entry} → {r.layer_code} ({r.note})"
        if r.status == "no_polygon":
            return None, f"no boundary in the map layer ({r.note})", ""
        return None, "unknown county code", ""
    hits = registry.find_by_name(entry)
    if len(hits) == 1:
        return hits[0], "", f"{entry} → {hits[0]}"
    if not hits:
        return None, "no county of this name", ""
    return None, f"ambiguous name: {len(hits)} counties ({', '.join(hits[:4])}); use the code", ""


def validate_name(name: str) -> str:
    """A programme name, trimmed; empty or overlong names are refused."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValueError("a programme needs a name")
    if len(name) > NAME_MAX:
        raise ValueError(f"the name is longer than {NAME_MAX} characters")
    return name


def outline(geoms: Iterable, decimals: int = 3) -> tuple[list, list]:
    """Lon and lat lists (``None`` between rings) of the boundary of a county set.

    The union is drawn, not each county, so neighbouring programme counties show one
    outline without their shared borders. Input geometries come from the coverage-
    simplified web layer, so the union has no slivers.
    """
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return [], []
    union = shapely.union_all(geoms)
    lons: list = []
    lats: list = []
    for line in shapely.get_parts(shapely.boundary(union)):
        for ring in shapely.get_parts(line):
            xy = np.round(shapely.get_coordinates(ring), decimals)
            lons.extend(xy[:, 0].tolist() + [None])
            lats.extend(xy[:, 1].tolist() + [None])
    return lons, lats


def _aggregate(table: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """One-row table: the sums of the counties' measures (NaN where none has data)."""
    rows = table.reindex([c for c in codes if c in table.index])
    numeric = rows.select_dtypes("number")
    sums = numeric.sum(min_count=1)
    return pd.DataFrame([sums], index=["all"])


def compare(
    table: pd.DataFrame,
    previous: pd.DataFrame | None,
    codes: Iterable[str],
    indicator_ids: Iterable[str] = DEFAULT_COMPARE,
) -> pd.DataFrame:
    """Inside versus outside a county set, now and in the previous period.

    ``table`` and ``previous`` are joined county tables (see :mod:`geodata.indicators`)
    of this and the previous period. Returns one row per indicator with ``inside``,
    ``outside``, ``inside_before``, ``outside_before`` and the changes
    ``inside_change``/``outside_change`` (relative for counts, absolute for rates).
    """
    inside = [c for c in dict.fromkeys(codes) if c in table.index]
    outside = [c for c in table.index if c not in set(inside)]
    now_in, now_out = _aggregate(table, inside), _aggregate(table, outside)
    if previous is not None:
        prev_in, prev_out = _aggregate(previous, inside), _aggregate(previous, outside)
    rows = []
    for ind_id in indicator_ids:
        ind = indicators.get(ind_id)
        if ind.group == "change" or ind_id == "left_behind_national_share":
            # A change needs its own previous period; a national share of an aggregate
            # is just the set's share: both are shown by the columns here instead.
            raise ValueError(f"{ind_id}: not comparable between county sets")
        row = {"indicator": ind_id, "group": ind.group}
        row["inside"] = float(ind.compute(now_in).iloc[0])
        row["outside"] = float(ind.compute(now_out).iloc[0])
        if previous is not None:
            row["inside_before"] = float(ind.compute(prev_in).iloc[0])
            row["outside_before"] = float(ind.compute(prev_out).iloc[0])
        else:
            row["inside_before"] = row["outside_before"] = np.nan
        for side in ("inside", "outside"):
            a, b = row[side], row[f"{side}_before"]
            if ind.group == "counts":
                row[f"{side}_change"] = (a - b) / b if b and b == b else np.nan
            else:
                row[f"{side}_change"] = a - b
        rows.append(row)
    out = pd.DataFrame(rows).set_index("indicator")
    out.attrs["counties_inside"] = len(inside)
    out.attrs["counties_outside"] = len(outside)
    return out
