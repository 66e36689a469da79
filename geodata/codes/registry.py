"""The county registry: the boundary layer's units, the crosswalk to them, name search.

:class:`Registry` joins the layer (:mod:`geodata.boundaries.source`), today's official list
(:mod:`geodata.codes.official`) and the change table (:mod:`geodata.codes.changes`)
into one lookup from any code or name to the layer code; :func:`load_registry` builds
it once per process.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from geodata.boundaries import source
from geodata.codes.changes import SINCE, ChangeTable, Event, _all_event_names, change_events
from geodata.codes.names import _ascii_key, _initials, english_name, stem, stem_pinyin
from geodata.codes.names_file import _read_names_file
from geodata.codes.normalise import _digits, normalize_code
from geodata.codes.official import official_divisions
from geodata.codes.quhua import QUHUA, quhua_info

STATUSES = ("exact", "remapped", "no_polygon", "unknown")


def _as_dict(series: pd.Series) -> dict:
    """Series as a plain dict (element access on arrow-backed Series is slow)."""
    return dict(zip(series.index.tolist(), series.tolist(), strict=True))


def _missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA (never raises on odd objects)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Resolution:
    """Where a code's data goes on the map.

    ``status``: ``exact`` (a layer code), ``remapped`` (another code whose polygon the
    layer files under ``layer_code``), ``no_polygon`` (a real code the layer cannot
    show; ``candidates`` lists layer units it overlaps when known) or ``unknown``.
    """

    input: Any
    layer_code: str | None
    status: str
    note: str = ""
    candidates: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Target:
    layer_code: str | None
    status: str
    note: str
    candidates: tuple[str, ...] = ()


def _walk(start: str, edges: dict[str, list[Event]], stop: set[str], forward: bool):
    """Follow events from ``start`` in time order until codes in ``stop``.

    Returns {stop code: list of events on the first path found}.  Years must not go
    backwards along a path (forwards) or forwards (backwards), so a code reused later
    cannot link unrelated units.
    """
    found: dict[str, list[Event]] = {}
    queue: list[tuple[str, list[Event]]] = [(start, [])]
    seen = {start}
    while queue:
        code, path = queue.pop(0)
        for ev in edges.get(code, ()):
            if path and (ev.year < path[-1].year if forward else ev.year > path[-1].year):
                continue
            nxt = ev.new if forward else ev.old
            if nxt in seen:
                continue
            seen.add(nxt)
            if nxt in stop:
                found.setdefault(nxt, path + [ev])
            else:
                queue.append((nxt, path + [ev]))
    return found


class Registry:
    """County registry of the boundary layer with a crosswalk from other codes.

    Build with :func:`load_registry` (cached).  Attributes: ``counties`` (layer units),
    ``official`` (today's MCA list), ``crosswalk`` (one row per non-layer code mapped to
    a layer code), ``no_polygon`` (real codes the map cannot show), ``conflicts`` (codes
    the official list gives to another unit than the layer), ``events_used``,
    ``events_dropped``.  Internals are plain dicts: pandas lookups one by one would make
    the build too slow for app start.
    """

    def __init__(
        self,
        counties: pd.DataFrame,
        official: pd.DataFrame,
        changes: ChangeTable,
        old_names: dict[str, tuple[str, int]] | None = None,
        names_en: dict[str, tuple[str, str, str]] | None = None,
    ) -> None:
        self.official = official
        self.events_used = len(changes.events)
        self.events_dropped = dict(changes.dropped)
        self._old_names = old_names or {}
        self.counties = self._county_table(counties, names_en or {})
        self._lname = _as_dict(self.counties["name_zh"])
        self._lstem = _as_dict(self.counties["stem"])
        self._oname = _as_dict(official["name_zh"])
        self._build_crosswalk(changes)
        self._build_name_index(changes.events)

    # ----------------------------------------------------------------- construction

    @staticmethod
    def _county_table(counties: pd.DataFrame, names_en: dict) -> pd.DataFrame:
        cols = [
            "name_zh",
            "prefecture_code",
            "prefecture_zh",
            "province_code",
            "province_zh",
            "kind",
        ]
        df = counties[cols].copy()
        pinyin, english = [], []
        for code, name in zip(df.index.tolist(), df["name_zh"].tolist(), strict=True):
            hit = names_en.get(code)
            if hit is None or hit[0] != name:  # the layer changed since the file was made
                syl = stem_pinyin(name)
                hit = (name, " ".join(syl), english_name(code, name, syl))
            pinyin.append(hit[1])
            english.append(hit[2])
        df.insert(1, "name_en", english)
        df["pinyin"] = pinyin
        df["stem"] = [stem(n) for n in df["name_zh"].tolist()]
        df.index.name = "code"
        return df

    def _name_of(self, code: str) -> str:
        """Best name for a code: official if the code is official, else layer, else table."""
        return (
            self._oname.get(code)
            or self._lname.get(code)
            or self._event_name.get(code)
            or self._old_names.get(code, ("", 0))[0]
        )

    def _build_crosswalk(self, changes: ChangeTable) -> None:
        fwd: dict[str, list[Event]] = defaultdict(list)
        bwd: dict[str, list[Event]] = defaultdict(list)
        self._event_name: dict[str, str] = {}
        born: dict[str, Event] = {}
        died: dict[str, Event] = {c: ev for c, (ev, _) in changes.orphans.items()}
        self._orphan_reason = {c: why for c, (_, why) in changes.orphans.items()}
        for ev in changes.events:
            fwd[ev.old].append(ev)
            bwd[ev.new].append(ev)
            self._event_name[ev.old] = ev.old_name
            self._event_name[ev.new] = ev.new_name
            died.setdefault(ev.old, ev)
            born[ev.new] = ev
        for c, (ev, _) in changes.orphans.items():
            self._event_name.setdefault(c, ev.old_name)
        # Codes the official list gives to another unit than the layer does (三沙: the
        # official 460302 is 西沙区, the layer's 460302 is 南沙区) are read as official.
        self.conflicts = {
            c: (self._lname[c], self._oname[c])
            for c in self._lname.keys() & self._oname.keys()
            if self._lstem[c] != stem(self._oname[c])
        }
        exact = set(self._lname) - set(self.conflicts)
        self._exact = exact
        self._targets: dict[str, _Target] = {}
        self._rows: list[dict] = []
        codes = (set(self._oname) | set(fwd) | set(bwd) | set(died) | set(self.conflicts)) - exact

        # Pass 1: the change table, forwards (code older than the layer) else backwards.
        pending = [c for c in sorted(codes) if not self._table_target(c, fwd, bwd, {})]

        # Pass 2: units the table cannot place, matched by stem in the same prefecture.
        # An official unit only takes a layer unit that is not itself official (祁阳市
        # 431181 -> layer 431121); an abolished code takes its namesake (黔西县 520522 ->
        # 黔西市 520581).  A match must be unique.
        free = {c for c in self._lname if c not in self._oname or c in self.conflicts}
        by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
        for c, st in self._lstem.items():
            by_key[(c[:4], st)].append(c)
        matched: dict[str, str] = {}
        rest: list[str] = []
        for code in pending:
            name = self._name_of(code)
            cands = by_key.get((code[:4], stem(name)), []) if name else []
            if code in self._oname:
                cands = [c for c in cands if c in free]
            if len(cands) != 1:
                rest.append(code)
                continue
            pick = matched[code] = cands[0]
            lname = self._lname[pick]
            what = "official" if code in self._oname else "former"
            self._targets[code] = _Target(
                pick,
                "remapped",
                f"{what} {code} {name} is filed by the layer as {pick} {lname} (same name in "
                "the same prefecture; the change table has no event linking them)",
            )
            self._rows.append(
                dict(
                    from_code=code,
                    from_name=name,
                    to_layer_code=pick,
                    to_name=lname,
                    year=None,
                    event_type="",
                    hops=0,
                    direction="name",
                    source="name_match",
                )
            )
        self.name_matches = len(matched)

        # Pass 3: codes whose events lead to a unit placed by name (黔西县 522423 ->
        # 520522, which pass 2 placed).
        still = [c for c in rest if not self._table_target(c, fwd, bwd, matched)]
        for code in still:
            self._targets[code] = self._no_polygon(code, born.get(code), died.get(code), fwd)

        cw = pd.DataFrame(
            self._rows,
            columns=[
                "from_code",
                "from_name",
                "to_layer_code",
                "to_name",
                "year",
                "event_type",
                "hops",
                "direction",
                "source",
            ],
        )
        cw["year"] = cw["year"].astype("Int64")
        self.crosswalk = cw.sort_values("from_code").reset_index(drop=True)
        npol = [
            dict(code=c, name_zh=self._name_of(c), note=t.note, candidates=" ".join(t.candidates))
            for c, t in sorted(self._targets.items())
            if t.status == "no_polygon"
        ]
        self.no_polygon = pd.DataFrame(npol, columns=["code", "name_zh", "note", "candidates"])

    def _table_target(self, code: str, fwd, bwd, matched: dict[str, str]) -> bool:
        """Place ``code`` by walking the change table; False when no path reaches the layer.

        ``matched`` maps codes placed by name to their layer code; walks end there as
        they do at layer codes.
        """
        stop = self._exact | set(matched)
        hits, direction = _walk(code, fwd, stop, True), "forward"
        if not hits:
            hits, direction = _walk(code, bwd, stop, False), "backward"
        if not hits:
            return False
        placed: dict[str, list[Event]] = {}
        for hit, path in hits.items():
            placed.setdefault(matched.get(hit, hit), path)
        name = self._name_of(code)
        pick = self._pick(name, sorted(placed))
        if pick is None:
            cands = tuple(sorted(placed))
            verb = "was split into" if direction == "forward" else "merges"
            self._targets[code] = _Target(
                None,
                "no_polygon",
                f"{code} {name} {verb} several layer units ({self._list(cands)}); its data "
                "cannot be placed on one polygon",
                cands,
            )
            return True
        path = placed[pick]
        others = sorted(set(placed) - {pick})
        note = self._path_note(code, name, pick, path, direction)
        if others:
            note += f"; it also covers {self._list(others)}, whose data it cannot be split into"
        self._targets[code] = _Target(
            pick, "remapped", note, tuple([pick, *others]) if others else ()
        )
        self._rows.append(
            dict(
                from_code=code,
                from_name=name,
                to_layer_code=pick,
                to_name=self._lname[pick],
                year=path[0].year,
                event_type=" > ".join(ev.kind for ev in path),
                hops=len(path),
                direction=direction,
                source="table",
            )
        )
        return True

    def _pick(self, name: str, hits: list[str]) -> str | None:
        """One layer unit among several: the only one, else the namesake, else None."""
        if len(hits) == 1:
            return hits[0]
        same = [h for h in hits if self._lstem[h] == stem(name)]
        return same[0] if len(same) == 1 else None

    def _list(self, codes: Iterable[str]) -> str:
        return ", ".join(f"{c} {self._lname[c]}" for c in codes)

    def _path_note(self, code: str, name: str, pick: str, path: list[Event], direction: str):
        """Human-readable chain, oldest code first: ``410381 -> 410307 (2021 撤市设区)``."""
        evs = path if direction == "forward" else list(reversed(path))
        steps = " -> ".join([evs[0].old] + [f"{ev.new} ({ev.year} {ev.kind})" for ev in evs])
        side = "older" if direction == "forward" else "newer"
        return (
            f"{code} {name} is {side} than the layer, which files it as {pick} "
            f"{self._lname[pick]}: {steps}"
        )

    def _no_polygon(self, code: str, born: Event | None, died: Event | None, fwd) -> _Target:
        name = self._name_of(code)
        if code in self._oname:
            o = self.official.loc[code]
            where = o["prefecture_zh"] or o["province_zh"]
            since = f"created {born.year} ({born.kind}), " if born else ""
            return _Target(
                None,
                "no_polygon",
                f"{code} {name} ({where}) is a current official unit, {since}not in the "
                f"boundary layer; its area still lies within older {where} units of the layer",
            )
        if died is not None:
            succ = ", ".join(f"{ev.new} {ev.new_name}" for ev in fwd.get(code, []) if ev.new)
            why = self._orphan_reason.get(code)
            if succ:
                tail = f"its successor {succ} has no polygon in the layer"
            elif why == "to_prefecture":
                tail = (
                    f"it became part of prefecture-level {died.new} {died.new_name}; the "
                    "change table names no county successor"
                )
            elif why == "cross_prefecture_namesake":
                tail = (
                    f"the change table's successor {died.new} {died.new_name} lies in another "
                    "prefecture (a name-matching slip of its diff) and is not used"
                )
            else:
                tail = "the change table names no successor"
            return _Target(
                None,
                "no_polygon",
                f"{code} {name} was abolished in {died.year} ({died.kind}); {tail}",
            )
        when = f"created {born.year} ({born.kind})" if born else "in the change table"
        return _Target(
            None,
            "no_polygon",
            f"{code} {name}, {when}, is neither in the layer nor in the current official list",
        )

    def _build_name_index(self, events: list[Event]) -> None:
        """Name and stem -> layer codes: the layer's own, then official and historical."""
        by_name: dict[str, list[str]] = defaultdict(list)
        by_stem: dict[str, list[str]] = defaultdict(list)
        for c, n in self._lname.items():
            by_name[n].append(c)
            by_stem[self._lstem[c]].append(c)
        alias: dict[str, set[str]] = defaultdict(set)
        alias_stem: dict[str, set[str]] = defaultdict(set)

        def add(name: str, code: str) -> None:
            target = self._target(code).layer_code
            if name and target:
                alias[name].add(target)
                alias_stem[stem(name)].add(target)

        for code, name in self._oname.items():
            add(name, code)
        for ev in events:
            add(ev.old_name, ev.old)
            add(ev.new_name, ev.new)
        self._by_name, self._by_stem = dict(by_name), dict(by_stem)
        self._alias, self._alias_stem = dict(alias), dict(alias_stem)
        c = self.counties
        pinyin = c["pinyin"].tolist()
        self._pinyin_key = pd.Series([_ascii_key(p) for p in pinyin], index=c.index)
        self._initials = pd.Series(
            [_initials(p, n) for p, n in zip(pinyin, c["name_zh"].tolist(), strict=True)],
            index=c.index,
        )
        self._en_key = pd.Series([_ascii_key(e) for e in c["name_en"].tolist()], index=c.index)
        cols = ["province_code", "province_zh", "prefecture_code", "prefecture_zh"]
        self._ctx = dict(
            zip(c.index.tolist(), zip(*(c[k].tolist() for k in cols), strict=True), strict=True)
        )

    # ----------------------------------------------------------------- resolution

    def _target(self, code: str) -> _Target:
        if code in self._exact:
            return _Target(code, "exact", "")
        t = self._targets.get(code)
        if t is not None:
            return t
        old = self._old_names.get(code)
        if old:
            return _Target(
                None,
                "unknown",
                f"{code} ({old[0]}, last in the change table in {old[1]}) changed before "
                f"{SINCE}, outside the crosswalk",
            )
        return _Target(
            None,
            "unknown",
            f"{code} is not in the boundary layer, the current official list or the change "
            f"table since {SINCE}",
        )

    def resolve(self, value: Any) -> Resolution:
        """Layer code for a raw code value (runs :func:`normalize_code` first).

        Examples
        --------
        >>> r = load_registry().resolve("610305")
        >>> r.layer_code, r.status
        ('610322', 'remapped')
        """
        code = normalize_code(value)
        if code is None:
            return Resolution(value, None, "unknown", f"{value!r} is not a county code")
        t = self._target(code)
        note = t.note
        if (_digits(value) or "") != code:
            note = f"read as {code}" + (f"; {note}" if note else "")
        return Resolution(value, t.layer_code, t.status, note, t.candidates)

    def resolve_many(self, values: Iterable[Any]) -> pd.DataFrame:
        """Resolve a column of an upload: one row per value, in order.

        Columns ``input, code`` (normalised), ``layer_code, status, note``.  Each distinct
        value is resolved once, so 3,000 rows cost a few milliseconds.
        """
        s = pd.Series(values.array if isinstance(values, pd.Series) else list(values), dtype=object)
        codes, uniques = pd.factorize(s.map(lambda v: None if _missing(v) else v))
        res = [self.resolve(u) for u in uniques]
        # One extra row for empty cells: factorize marks them -1, which iloc takes last.
        # object columns keep None for "no code" (string dtypes would turn it into NaN)
        table = pd.DataFrame(
            {
                "code": pd.Series([normalize_code(u) for u in uniques] + [None], dtype=object),
                "layer_code": pd.Series([r.layer_code for r in res] + [None], dtype=object),
                "status": [r.status for r in res] + ["unknown"],
                "note": [r.note for r in res] + ["empty value"],
            }
        )
        out = table.iloc[codes].reset_index(drop=True)
        out.insert(0, "input", s.reset_index(drop=True))
        return out

    # ----------------------------------------------------------------- names

    def _context(self, codes: Iterable[str], province: str | None, prefecture: str | None):
        out = set()
        for code in codes:
            pc, pz, fc, fz = self._ctx[code]
            if province and not _ctx_match(province, pc, pz):
                continue
            if prefecture and not _ctx_match(prefecture, fc, fz):
                continue
            out.add(code)
        return sorted(out)

    def find_by_name(
        self, name: str, province: str | None = None, prefecture: str | None = None
    ) -> list[str]:
        """Layer codes for a county name, narrowed by province and prefecture.

        Tries, stopping at the first tier with a match after narrowing: the layer's
        exact name; official and historical names (through the crosswalk); the stem
        (朝阳 for 朝阳区, 祁阳 for 祁阳县); pinyin or English (``"Chaoyang"``,
        ``"chaoyang qu"``, ``"Chaoyang District"``).  ``province`` and ``prefecture``
        are codes or names, short forms allowed (``"辽宁"``, ``"21"``, ``"铁岭"``).

        Examples
        --------
        >>> reg = load_registry()
        >>> reg.find_by_name("朝阳区"), reg.find_by_name("朝阳区", province="北京")
        (['110105', '220104'], ['110105'])
        """
        q = unicodedata.normalize("NFKC", str(name)).strip().replace(" ", "")
        if not q:
            return []
        st = stem(q)
        tiers: list[Iterable[str]] = [
            self._by_name.get(q, ()),
            self._alias.get(q, ()),
            self._by_stem.get(st, ()),
            self._alias_stem.get(st, ()),
        ]
        key = _ascii_key(q)
        if q.isascii() and key:
            idx = self.counties.index
            tiers.append(idx[(self._pinyin_key == key) | (self._en_key == key)])
            for word in ("qu", "xian", "shi", "qi", "district", "county", "city", "banner"):
                if key.endswith(word) and len(key) > len(word):
                    tiers.append(idx[self._pinyin_key == key[: -len(word)]])
        for tier in tiers:
            hits = self._context(tier, province, prefecture)
            if hits:
                return hits
        return []

    def search(self, query: str, limit: int = 10) -> list[str]:
        """Layer codes for the UI search box, best first.

        Digits: the code itself when it resolves, then layer codes with that prefix.
        Chinese: exact name, stem, name prefix, historical name, substring, then
        prefecture or province names.  Latin letters: pinyin (``"chaoyang"``), pinyin
        prefix, English prefix, initials (``"cyq"``), English substring.  Ties go by code.
        """
        q = unicodedata.normalize("NFKC", str(query)).strip()
        if not q or limit <= 0:
            return []
        c = self.counties
        idx = c.index
        scores: dict[str, float] = {}

        def score(codes: Iterable[str], s: float) -> None:
            for code in codes:
                if s < scores.get(code, math.inf):
                    scores[code] = s

        compact = q.replace(" ", "")
        if compact.isdigit():
            if len(compact) >= 6:
                r = self.resolve(compact)
                if r.layer_code:
                    score([r.layer_code], 0)
            score(idx[idx.str.startswith(compact[:6])], 1)
        elif q.isascii():
            key = _ascii_key(q)
            if key:
                score(idx[self._pinyin_key == key], 0)
                score(idx[self._pinyin_key.str.startswith(key)], 1)
                score(idx[self._en_key.str.startswith(key)], 1.5)
                score(idx[self._initials.str.startswith(key)], 2)
                score(idx[self._en_key.str.contains(key, regex=False)], 3)
        else:
            score(self._by_name.get(compact, ()), 0)
            score(self._by_stem.get(stem(compact), ()), 1)
            score(idx[c["name_zh"].str.startswith(compact)], 2)
            score(self._alias.get(compact, ()), 2.5)
            score(idx[c["name_zh"].str.contains(compact, regex=False)], 3)
            score(self._alias_stem.get(stem(compact), ()), 3.5)
            score(idx[c["prefecture_zh"].str.contains(compact, regex=False)], 5)
            score(idx[c["province_zh"].str.contains(compact, regex=False)], 6)
        return sorted(scores, key=lambda code: (scores[code], code))[:limit]

    # ----------------------------------------------------------------- report

    def summary(self) -> dict[str, Any]:
        """Counts for ``python app.py geodata --json`` (JSON-serialisable)."""
        cw = self.crosswalk
        return {
            "layer_units": len(self._lname),
            "official_units": len(self._oname),
            "official_exact": sum(c in self._exact for c in self._oname),
            "remapped_pairs": int(len(cw)),
            "remapped_by_source": {str(k): int(v) for k, v in cw["source"].value_counts().items()},
            "name_matches": int(self.name_matches),
            "code_conflicts": {
                c: {"layer": a, "official": b} for c, (a, b) in sorted(self.conflicts.items())
            },
            "layer_only": sorted(c for c in self._exact if c not in self._oname),
            "no_polygon": [
                {"code": r.code, "name_zh": r.name_zh, "note": r.note}
                for r in self.no_polygon.itertuples()
            ],
            "events_used": int(self.events_used),
            "events_dropped": self.events_dropped,
            "since": SINCE,
            "sources": {
                "boundaries": f"{source.PACKAGE} {source.version()}",
                "changes": f"{QUHUA} {quhua_info()['version']}",
            },
        }


_ADMIN_TAIL = re.compile(r"(?:维吾尔|壮族|回族)?(?:自治区|特别行政区|自治州|地区|省|市|盟|州)$")


def _ctx_match(ctx: str, code: str, name: str) -> bool:
    """Whether a province or prefecture given as code or (short) name fits a unit."""
    ctx = unicodedata.normalize("NFKC", str(ctx)).strip()
    if ctx.isdigit():
        return code.startswith(ctx.rstrip("0") or ctx) if len(ctx) >= 2 else False
    short = _ADMIN_TAIL.sub("", ctx) or ctx
    return name == ctx or name.startswith(short)


@cache
def load_registry() -> Registry:
    """The registry for the installed boundary layer and change table (built once)."""
    return Registry(
        source.counties(),
        official_divisions(),
        change_events(),
        old_names=_all_event_names(),
        names_en=_read_names_file(),
    )
