"""Page layout, built per request from the URL so that links restore a view."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import other_lang, t
from dashboard.pages.explorer.charts_card import charts_card
from dashboard.pages.explorer.controls import controls
from dashboard.pages.explorer.map_card import map_card
from dashboard.pages.explorer.programme_card import programme_card
from dashboard.pages.explorer.table_card import table_card
from dashboard.view import ViewState


def view_state(atlas: Atlas, search: str | None) -> ViewState:
    """The view described by a page's query string (lenient: unusable values fall back
    to their defaults, so any link opens)."""
    return ViewState.from_query(search, atlas, default_lang=atlas.settings.default_lang)


def build_layout(atlas: Atlas, search: str | None = None, pathname: str | None = None) -> html.Div:
    """The whole page for the view in `search` (the upload page under /upload)."""
    if (pathname or "").startswith(("/upload", "/datasets")):
        from dashboard.pages.upload.layout import upload_page

        return html.Div([error_banner(), upload_page(atlas, search)])
    state = view_state(atlas, search)
    if state.briefing:  # the view as a sheet, without controls (issue 5)
        from dashboard.pages.briefing.layout import briefing_page

        return briefing_page(atlas, state, search)
    from dashboard.pages.explorer.export_links import export_links

    lang = state.lang
    notice = atlas.provenance_note(state.period, lang) if state.period else ""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            error_banner(),
            # Stores start with "" or [] for "none", never None: a Store whose data is
            # None reports a change when it mounts and fires its callbacks at page load
            # (measured: 7 callbacks, 450 KB), which delayed the first paint.
            dcc.Store(id=ids.REGION, data=state.region or ""),
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id=ids.SELECTED, data=state.county or ""),
            dcc.Store(id=ids.SELECTION, data=[]),
            dcc.Store(id=ids.SELECTION_FROM, data=""),  # "table" when ticked there
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
                notice or t("synthetic_notice", lang),
                id=ids.NOTICE,
                className="synthetic-notice",
                hidden=not notice,
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
    """Where a failed callback says so (see ``dashboard.factory``); hidden until then."""
    return html.P(id=ids.ERROR_BANNER, hidden=True, role="alert", className="error-banner")


def unavailable_page(search: str | None) -> html.Div:
    """The page while the database cannot be reached: what happened, and a retry.

    Served instead of a blank page or a 500; it reloads itself every 15 s, and the
    first load after the database returns shows the explorer again.
    """
    q = parse_qs((search or "").lstrip("?"))
    lang = "en" if (q.get("lang") or ["zh"])[-1] == "en" else "zh"
    return html.Div(
        [
            html.H1(t("app_title", lang)),
            html.P(
                t("layout.unavailable", lang),
                id=ids.UNAVAILABLE,
                role="alert",
                className="error-banner",
            ),
            html.A(t("layout.retry", lang), href=search or "?", className="lang-link"),
            dcc.Interval(id=ids.UNAVAILABLE_RETRY, interval=15_000),
        ],
        className="unavailable-page",
    )


def language_link(state: ViewState) -> html.Nav:
    """中文 | English: a plain link to the same view in the other language.

    A link (not a control with a callback) because every label changes: the page is
    rebuilt from its URL, which holds the whole view.
    """
    lang = state.lang
    href = state.other_lang().to_query()
    current = html.Span(t("lang.self", lang), className="lang-current")
    other = html.A(
        t("lang.other", lang),
        id=ids.LANG_OTHER,
        href=href,
        className="lang-link",
        lang=other_lang(lang),
    )
    return html.Nav(
        [current, html.Span(" | "), other], className="lang-switch", **{"aria-label": "language"}
    )
