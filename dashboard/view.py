"""The view: what the map shows, read and written in one place.

A view is everything a link restores (indicator, period, classes, region, county, map
mode and its parameters, overlays, language). :class:`ViewState` is the only place a
view is read from a URL, the page's controls, an export request, the API or the CLI,
and the only place it is written back (:meth:`ViewState.to_query`) or turned into a cache
key or analysis parameters. Pure: no Dash, no Flask.

Two readings of a query: the page is *lenient* (a link with a value it cannot use
falls back to the default, so any link opens), exports and the API are *strict* (a
:class:`BadParameter` names the parameter, since a file showing something else than
asked is worse than no file).

Examples
--------
>>> v = ViewState.from_query("?indicator=migrant_rate&mode=gistar&perm=99&lang=en")
>>> v.indicator, v.mode, v.perm, v.lang
('migrant_rate', 'gistar', 99, 'en')
>>> v.to_query()
'?indicator=migrant_rate&scheme=quantiles&lang=en&mode=gistar&perm=99'
>>> ViewState.from_query(v.to_query()) == v
True
>>> v.analysis_params().permutations
99
>>> ViewState.from_query("?mode=evil&perm=1e99").mode
'values'
>>> ViewState.from_query("?perm=99999", strict=True)
Traceback (most recent call last):
...
dashboard.view.BadParameter: perm must be between 99 and 9999
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode

from geodata.analysis import BOUNDS, AnalysisParams
from geodata.analysis.classify import SCHEMES, parse_breaks

DEFAULT_INDICATOR = "left_behind"
PALETTES = ("YlOrRd", "Blues", "Purples", "YlGnBu", "RdBu", "PuOr")
"""ColorBrewer palettes a view may ask for (colour-blind safe)."""
LANGS = ("zh", "en")
#: Layers a user can switch on (the ``layers`` URL parameter).
LAYERS: tuple[str, ...] = ("facilities", "programme")
NATION = "100000"
"""The nation as a region code (the same as no region)."""

#: Names the HTTP API has used for view parameters since version 1 (``analysis=lisa``,
#: ``permutations=999``, ``radius_km=10``): read as the page's names.
ALIASES = {"analysis": "mode", "permutations": "perm", "radius_km": "radius"}

#: Analysis parameters of a view: the URL name, the AnalysisParams field, and the
#: lowest value the page offers (the data layer's bounds give the rest).
_ANALYSIS = (("perm", "permutations", 99), ("seed", "seed", None),
             ("radius", "radius_km", None), ("k", "k", None))  # fmt: skip


class BadParameter(ValueError):
    """A query parameter a strict reading cannot use; ``name`` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message if message.startswith(name) else f"{name}: {message}")
        self.name = name


class Context(Protocol):
    """What reading a view checks against (the app's data: :class:`dashboard.atlas.Atlas`)."""

    def periods(self) -> list[str]: ...
    def region_info(self, code: str | None) -> Any: ...
    def programme(self, programme_id) -> Any: ...


def param_bounds(name: str) -> tuple[float, float, float, type]:
    """(default, lowest, highest, type) of an analysis parameter by its URL name."""
    query, fld, low = next(a for a in _ANALYSIS if a[0] == name)
    b = BOUNDS[fld]
    return (b.default, b.low if low is None else low, b.high, b.cast)


@dataclass(frozen=True)
class ViewState:
    """One view of the Atlas; every field has a default, so ``ViewState()`` is the
    national map of the default indicator."""

    indicator: str = DEFAULT_INDICATOR
    period: str | None = None
    scheme: str = "quantiles"
    palette: str | None = None
    pooled: bool = False
    breaks: str | None = None
    lang: str = "zh"
    region: str | None = None
    county: str | None = None
    mode: str = "values"
    perm: int = int(BOUNDS["permutations"].default)
    seed: int = int(BOUNDS["seed"].default)
    fdr: bool = False
    radius: float = float(BOUNDS["radius_km"].default)
    k: int = int(BOUNDS["k"].default)
    alpha: float = 0.05
    layers: tuple[str, ...] = field(default=())
    programme: int | None = None
    pfilter: bool = False
    briefing: bool = False

    # --- reading ---------------------------------------------------------------------
    @classmethod
    def from_query(
        cls,
        query: str | Mapping | None,
        context: Context | None = None,
        *,
        strict: bool = False,
        default_lang: str = "zh",
    ) -> ViewState:
        """The view in a query string (``"?a=1&b=2"``) or a mapping of parameters.

        With a `context`, the period, region, county and programme are checked against
        the data (the latest period is the default); without one, they are taken as
        written. ``strict`` raises :class:`BadParameter` instead of using a default.
        """
        q = _flatten(query)
        said = {name: name for name in q}  # the parameter name the caller wrote
        for alias, name in ALIASES.items():
            if q.get(alias) not in (None, "") and q.get(name) in (None, ""):
                q[name], said[name] = q[alias], alias

        def bad(name: str, message: str, fallback):
            if strict:
                raise BadParameter(said.get(name, name), message)
            return fallback

        def pick(name: str, allowed, default):
            value = q.get(name)
            if value in (None, ""):
                return default
            if value in allowed:
                return value
            return bad(name, f"use one of {', '.join(map(str, allowed))}", default)

        from dashboard import methods
        from geodata import indicators

        ids_ok = [i.id for i in indicators.all_indicators()]
        indicator = q.get("indicator") or DEFAULT_INDICATOR
        if indicator not in ids_ok:
            indicator = bad("indicator", f"unknown indicator {indicator!r}", DEFAULT_INDICATOR)
        period = q.get("period") or None
        if context is not None:
            available = context.periods()
            default = getattr(context, "default_period", None)
            latest = default() if default else (available[-1] if available else None)
            if period is None:
                period = latest
            elif period not in available:
                period = bad(
                    "period", f"no data for {period!r}; available: {', '.join(available)}", latest
                )
        scheme = pick("scheme", SCHEMES, "quantiles")
        breaks = (q.get("breaks") or "")[:200] or None
        if scheme == "user" and strict:
            # The page keeps unusable breaks as typed and says why it cannot classify.
            try:
                if parse_breaks(breaks) is None:
                    raise ValueError("scheme=user needs breaks, e.g. 100,1000,5000")
            except ValueError as exc:
                bad("breaks", str(exc), None)
        if scheme != "user":
            breaks = None
        region = q.get("region") or None
        if region == NATION:
            region = None
        if region is not None and context is not None:
            try:
                context.region_info(region)
            except KeyError:
                region = bad("region", f"unknown region {region!r}", None)
        county = q.get("county") or None
        if county is not None and context is not None:
            web = getattr(getattr(context, "layers", None), "counties_web", None)
            if web is not None and county not in web.index:
                county = bad("county", f"unknown county {county!r}", None)
        programme = _int(q.get("programme"))
        if q.get("programme") not in (None, "") and (
            programme is None or (context is not None and context.programme(programme) is None)
        ):
            programme = bad("programme", f"unknown programme {q.get('programme')!r}", None)
        pooled = q.get("pooled") or ""
        if pooled.lower() not in ("", "0", "1", "true", "false"):
            bad("pooled", "use 1 or 0", None)
        layers = parse_layers(q.get("layers"))
        if strict and q.get("layers"):
            unknown = {s.strip() for s in q["layers"].split(",")} - set(LAYERS) - {""}
            if unknown:
                bad("layers", f"use {', '.join(LAYERS)}", None)
        analysis: dict[str, Any] = {"fdr": (q.get("fdr") or "").lower() in ("1", "true", "yes")}
        for name, _, _ in _ANALYSIS:
            default, low, high, cast = param_bounds(name)
            raw = q.get(name)
            if raw in (None, ""):
                analysis[name] = cast(default)
                continue
            try:
                value = cast(float(raw))
            except (TypeError, ValueError, OverflowError):
                value = None
            if value is None:
                value = bad(name, f"{said[name]} must be a number, not {raw!r}", cast(default))
            elif not low <= value <= high:
                value = bad(
                    name, f"{said[name]} must be between {low:g} and {high:g}", cast(default)
                )
            analysis[name] = value
        alpha = _float(q.get("alpha"))
        if q.get("alpha") not in (None, "") and (alpha is None or not 0 < alpha < 1):
            alpha = bad("alpha", "alpha must be between 0 and 1", None)
        mode = q.get("mode") or "values"
        if mode not in methods.mode_ids():
            mode = bad("mode", f"unknown method {mode!r}; use one of "
                       f"{', '.join(methods.mode_ids())}", "values")  # fmt: skip
        return cls(
            indicator=indicator,
            period=period,
            scheme=scheme,
            palette=pick("palette", PALETTES, None),
            pooled=pooled.lower() in ("1", "true"),
            breaks=breaks,
            lang=pick("lang", LANGS, default_lang),
            region=region,
            county=county,
            mode=mode,
            alpha=alpha or 0.05,
            layers=tuple(layers),
            programme=programme,
            pfilter=(q.get("pfilter") or "") == "1" and programme is not None,
            briefing=(q.get("briefing") or "") == "1",
            **analysis,
        )

    @classmethod
    def from_controls(
        cls,
        *,
        indicator,
        period,
        scheme,
        region=None,
        county=None,
        palette=None,
        pooled=None,
        breaks=None,
        mode=None,
        perm=None,
        seed=None,
        fdr=None,
        radius=None,
        k=None,
        layers=None,
        programme=None,
        pfilter=None,
        lang="zh",
    ) -> ViewState:
        """The view the page's controls show (Dash sends ``None``, lists, strings)."""
        query = {
            "indicator": indicator, "period": period, "scheme": scheme, "region": region,
            "county": county, "palette": None if palette == "auto" else palette,
            "pooled": "1" if pooled else "", "breaks": breaks, "mode": mode,
            "perm": perm, "seed": seed, "fdr": "1" if fdr else "", "radius": radius, "k": k,
            "layers": ",".join(layers or []), "programme": programme,
            "pfilter": "1" if pfilter else "", "lang": lang,
        }  # fmt: skip
        return cls.from_query({k_: v for k_, v in query.items() if v is not None})

    # --- writing ---------------------------------------------------------------------
    def to_query(self) -> str:
        """The query string of this view: the inverse of :meth:`from_query`.

        Defaults are left out where they have one (mode, layers, analysis parameters),
        so shared links stay short; indicator, period, scheme and language are always
        written.
        """
        q: dict[str, str] = {}
        for key in ("indicator", "period", "scheme", "lang", "region", "county", "palette"):
            if getattr(self, key):
                q[key] = str(getattr(self, key))
        if self.pooled:
            q["pooled"] = "1"
        if self.breaks and self.scheme == "user":
            q["breaks"] = self.breaks
        if self.mode != "values":
            q["mode"] = self.mode
            for name, _, _ in _ANALYSIS:
                default, _, _, cast = param_bounds(name)
                value = cast(getattr(self, name))
                if value != cast(default):
                    # not :g, which writes seed 1000001 as 1e+06
                    q[name] = str(value) if cast is int else f"{value:.12g}"
            if self.fdr:
                q["fdr"] = "1"
            if self.alpha != 0.05:
                q["alpha"] = f"{self.alpha:g}"
        if self.layers:
            q["layers"] = ",".join(self.layers)
        if self.programme is not None:
            q["programme"] = str(self.programme)
            if self.pfilter:
                q["pfilter"] = "1"
        if self.briefing:
            q["briefing"] = "1"
        return "?" + urlencode(q)

    def cache_key(self) -> str:
        """A normalised, order-independent key of what the map shows (for caches).

        The county panel, the briefing flag and the programme filter do not change the
        map image, so they are not part of it.
        """
        keys = ("indicator", "period", "scheme", "palette", "pooled", "breaks", "lang",
                "region", "mode", "layers", "programme")  # fmt: skip
        parts = [f"{k}={getattr(self, k) if getattr(self, k) is not None else ''}" for k in keys]
        if self.mode != "values":
            analysis = ("perm", "seed", "fdr", "radius", "k", "alpha")
            parts += [f"{k}={getattr(self, k)}" for k in analysis]
        return "|".join(parts)

    def analysis_params(self) -> AnalysisParams | None:
        """The parameters of this view's map mode (``None`` for indicator values)."""
        if self.mode == "values":
            return None
        return AnalysisParams(
            method=self.mode,
            indicator=self.indicator,
            permutations=int(self.perm),
            seed=int(self.seed),
            alpha=float(self.alpha),
            fdr=bool(self.fdr),
            radius_km=float(self.radius),
            k=int(self.k),
        )

    def style(self) -> dict:
        """Map style options asked for (palette, pooled breaks, user breaks), defaults
        left out so that cache keys stay few."""
        out: dict = {}
        if self.palette:
            out["palette"] = self.palette
        if self.pooled:
            out["pooled"] = True
        if self.breaks and self.scheme == "user":
            out["breaks"] = self.breaks
        return out

    def replace(self, **changes) -> ViewState:
        """A copy with some fields changed (e.g. the other language's link)."""
        return replace(self, **changes)

    def other_lang(self) -> ViewState:
        from dashboard.i18n import other_lang

        return self.replace(lang=other_lang(self.lang))

    def as_dict(self) -> dict:
        return asdict(self)


def parse_layers(text: str | None) -> list[str]:
    """The ``layers`` URL parameter (comma-separated) to known layer names, in order.

    >>> parse_layers("programme,facilities,bogus")
    ['facilities', 'programme']
    """
    asked = {s.strip() for s in (text or "").split(",")}
    return [name for name in LAYERS if name in asked]


def _flatten(query: str | Mapping | None) -> dict[str, str]:
    """A query string or mapping as name -> last value (text)."""
    if query is None:
        return {}
    if isinstance(query, str):
        return {k: v[-1] for k, v in parse_qs(query.lstrip("?")).items()}
    out = {}
    getlist = getattr(query, "getlist", None)
    for key in query:
        value = getlist(key)[-1] if getlist else query[key]
        if isinstance(value, list | tuple):
            value = value[-1] if value else None
        if value is not None:
            out[str(key)] = str(value).strip()
    return out


def _float(text) -> float | None:
    try:
        return float(str(text))
    except (TypeError, ValueError):
        return None


def _int(text) -> int | None:
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


FIELDS = tuple(f.name for f in fields(ViewState))
