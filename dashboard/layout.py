"""Page layout, built per request from the URL so that links restore a view."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import dcc, html

from dashboard import ids
from dashboard.components.charts_card import charts_card
from dashboard.components.controls import controls
from dashboard.components.map_card import map_card
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
    return {
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
    }


def build_layout(atlas: Atlas, search: str | None = None, pathname: str | None = None) -> html.Div:
    """The whole page for the view in `search` (the upload page under /upload)."""
    if (pathname or "").startswith(("/upload", "/datasets")):
        from dashboard.components.upload_page import upload_page

        return upload_page(atlas, search)
    state = view_state(atlas, search)
    lang = state["lang"]
    synthetic = bool(state["period"]) and atlas.is_synthetic(state["period"])
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.REGION, data=state["region"]),
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id=ids.SELECTED, data=state["county"]),
            dcc.Store(id=ids.SELECTION, data=None),
            html.Header(
                [
                    html.H1(t("app_title", lang), id=ids.TITLE),
                    html.Span(t("app_subtitle", lang), className="subtitle"),
                    html.Span(className="spacer"),
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
                    charts_card(atlas, state),
                    table_card(atlas, state),
                ],
                className="atlas-body",
            ),
            html.Footer(t("boundary_credit", lang), className="atlas-footer"),
        ]
    )


def language_link(state: dict) -> html.Nav:
    """中文 | English: a plain link to the same view in the other language.

    A link (not a control with a callback) because every label changes: the page is
    rebuilt from its URL, which holds the whole view.
    """
    from urllib.parse import urlencode

    lang = state["lang"]
    keep = {
        k: state[k] for k in ("indicator", "period", "scheme", "region", "county") if state.get(k)
    }
    href = "?" + urlencode({**keep, "lang": "en" if lang == "zh" else "zh"})
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


def style_of(state: dict) -> dict:
    """The map style options a view asks for (see ``callbacks.map.style_options``)."""
    out: dict = {}
    if state.get("palette"):
        out["palette"] = state["palette"]
    if state.get("pooled"):
        out["pooled"] = True
    if state.get("breaks") and state.get("scheme") == "user":
        out["breaks"] = state["breaks"]
    return out
