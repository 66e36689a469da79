"""Page layout, built per request from the URL so that links restore a view."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import dcc, html

from dashboard import ids
from dashboard.components.charts_card import charts_card
from dashboard.components.controls import controls
from dashboard.components.map_card import map_card
from dashboard.components.programme_card import programme_card
from dashboard.components.table_card import table_card
from dashboard.i18n import t
from dashboard.services import Atlas

DEFAULT_INDICATOR = "left_behind"


def view_state(atlas: Atlas, search: str | None) -> dict:
    """The view described by a query string, with defaults and invalid values dropped."""
    q = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    from geodata import indicators

    ids_ok = {i.id for i in indicators.all_indicators()}
    periods = atlas.periods()
    region = q.get("region")
    try:
        atlas.region_info(region)
    except KeyError:
        region = None
    palette = (
        q.get("palette")
        if q.get("palette") in ("YlOrRd", "Blues", "Purples", "YlGnBu", "RdBu", "PuOr")
        else None
    )
    county = q.get("county")
    if county not in atlas.layers.counties_web.index:
        county = None
    from dashboard.components.controls import MODES
    from dashboard.overlays import parse_layers

    mode = q.get("mode") if q.get("mode") in {m[0] for m in MODES} else "values"
    programme = q.get("programme")
    if programme is not None and atlas.programme(programme) is None:
        programme = None
    return {
        "mode": mode,
        **_analysis_params(q),
        "layers": parse_layers(q.get("layers")),
        "programme": int(programme) if programme is not None else None,
        "pfilter": q.get("pfilter") == "1" and programme is not None,
        "county": county,
        "region": region,
        "indicator": q.get("indicator") if q.get("indicator") in ids_ok else DEFAULT_INDICATOR,
        "period": q.get("period")
        if q.get("period") in periods
        else (periods[-1] if periods else None),
        "scheme": q.get("scheme")
        if q.get("scheme") in ("quantiles", "fisher_jenks", "equal_interval", "std_mean", "user")
        else "quantiles",
        "palette": palette,
        "pooled": q.get("pooled") == "1",
        "breaks": (q.get("breaks") or "")[:200] or None,
        "lang": q.get("lang") if q.get("lang") in ("zh", "en") else atlas.settings.default_lang,
        "briefing": q.get("briefing") == "1",
    }


#: Analysis parameters in the URL: name, default, type, lowest, highest.
ANALYSIS_PARAMS: tuple[tuple[str, float, type, float, float], ...] = (
    ("perm", 999, int, 99, 9999),
    ("seed", 20251123, int, 0, 2**31 - 1),
    ("radius", 10, float, 1, 500),
    ("k", 20, int, 1, 200),
)


def _analysis_params(q: dict) -> dict:
    """Analysis parameters from a query: defaults for missing or out-of-range values."""
    out: dict = {"fdr": q.get("fdr") == "1"}
    for name, default, cast, lo, hi in ANALYSIS_PARAMS:
        try:
            v = cast(float(q.get(name, default)))
        except (TypeError, ValueError, OverflowError):
            v = default
        out[name] = v if lo <= v <= hi else default
    return out


def view_query(state: dict) -> str:
    """The query string of a view: the inverse of :func:`view_state`.

    Defaults are left out where they have one (mode, layers, analysis parameters), so
    shared links stay short; indicator, period, scheme and language are always written.
    """
    from urllib.parse import urlencode

    q: dict = {}
    for key in ("indicator", "period", "scheme", "lang", "region", "county", "palette"):
        if state.get(key):
            q[key] = state[key]
    if state.get("pooled"):
        q["pooled"] = "1"
    if state.get("breaks") and state.get("scheme") == "user":
        q["breaks"] = state["breaks"]
    mode = state.get("mode") or "values"
    if mode != "values":
        q["mode"] = mode
        for name, default, cast, _, _ in ANALYSIS_PARAMS:
            v = state.get(name)
            if v is not None and cast(v) != default:
                q[name] = f"{cast(v):g}"
        if state.get("fdr"):
            q["fdr"] = "1"
    if state.get("layers"):
        q["layers"] = ",".join(state["layers"])
    if state.get("programme") is not None:
        q["programme"] = str(state["programme"])
        if state.get("pfilter"):
            q["pfilter"] = "1"
    return "?" + urlencode(q)


def build_layout(atlas: Atlas, search: str | None = None, pathname: str | None = None) -> html.Div:
    """The whole page for the view in `search` (the upload page under /upload)."""
    if (pathname or "").startswith(("/upload", "/datasets")):
        from dashboard.components.upload_page import upload_page

        return html.Div([error_banner(), upload_page(atlas, search)])
    state = view_state(atlas, search)
    if state["briefing"]:  # the view as a sheet, without controls (issue 5)
        from dashboard.components.briefing_page import briefing_page

        return briefing_page(atlas, state, search)
    from dashboard.components.export_links import export_links

    lang = state["lang"]
    synthetic = bool(state["period"]) and atlas.is_synthetic(state["period"])
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            error_banner(),
            # Stores start with "" or [] for "none", never None: a Store whose data is
            # None reports a change when it mounts and fires its callbacks at page load
            # (measured: 7 callbacks, 450 KB), which delayed the first paint.
            dcc.Store(id=ids.REGION, data=state["region"] or ""),
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id=ids.SELECTED, data=state["county"] or ""),
            dcc.Store(id=ids.SELECTION, data=[]),
            # Set once the map has painted (the charts fill), then once the bundles left
            # out of the page have loaded (the table mounts): dashboard.deferred.
            dcc.Store(id=ids.PAINTED, data=False),
            dcc.Store(id=ids.BUNDLES, data=False),
            html.Header(
                [
                    html.H1(t("app_title", lang), id=ids.TITLE),
                    html.Span(t("app_subtitle", lang), className="subtitle"),
                    html.Span(className="spacer"),
                    export_links(search, lang),
                    language_link(state),
                ],
                className="atlas-header",
            ),
            html.P(
                t("synthetic_notice", lang),
                id=ids.NOTICE,
                className="synthetic-notice",
                hidden=not synthetic,
                role="status",
            ),
            html.Main(
                [
                    controls(atlas, state),
                    map_card(atlas, state),
                    programme_card(atlas, state),
                    charts_card(atlas, state),
                    table_card(atlas, state),
                ],
                className="atlas-body",
            ),
            html.Footer(t("boundary_credit", lang), className="atlas-footer"),
        ]
    )


def error_banner() -> html.P:
    """Where a failed callback says so (see ``app._callback_error``); hidden until then."""
    return html.P(id=ids.ERROR_BANNER, hidden=True, role="alert", className="error-banner")


def unavailable_page(search: str | None) -> html.Div:
    """The page while the database cannot be reached: what happened, and a retry.

    Served instead of a blank page or a 500; it reloads itself every 15 s, and the
    first load after the database returns shows the explorer again.
    """
    q = parse_qs((search or "").lstrip("?"))
    zh = (q.get("lang") or ["zh"])[-1] != "en"
    return html.Div(
        [
            html.H1("儿童关爱地图" if zh else "Children's Care Atlas"),
            html.P(
                "数据库暂时无法连接，页面每 15 秒自动重试。"
                if zh
                else "The database cannot be reached right now; this page retries every 15 s.",
                id=ids.UNAVAILABLE,
                role="alert",
                className="error-banner",
            ),
            html.A("立即重试" if zh else "Retry now", href=search or "?", className="lang-link"),
            dcc.Interval(id=ids.UNAVAILABLE_RETRY, interval=15_000),
        ],
        className="unavailable-page",
    )


def language_link(state: dict) -> html.Nav:
    """中文 | English: a plain link to the same view in the other language.

    A link (not a control with a callback) because every label changes: the page is
    rebuilt from its URL, which holds the whole view.
    """
    lang = state["lang"]
    href = view_query({**state, "lang": "en" if lang == "zh" else "zh"})
    current = html.Span("中文" if lang == "zh" else "English", className="lang-current")
    other = html.A(
        "English" if lang == "zh" else "中文",
        id=ids.LANG_OTHER,
        href=href,
        className="lang-link",
        lang="en" if lang == "zh" else "zh",
    )
    return html.Nav(
        [current, html.Span(" | "), other], className="lang-switch", **{"aria-label": "language"}
    )
