"""The explorer's layout, built per request from the URL so that links restore a view."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import t
from dashboard.pages.explorer.charts_card import charts_card
from dashboard.pages.explorer.controls import controls
from dashboard.pages.explorer.map_card import map_card
from dashboard.pages.explorer.programme_card import programme_card
from dashboard.pages.explorer.table_card import table_card
from dashboard.pages.frame import error_banner, footer, header
from dashboard.view import ViewState


def view_state(atlas: Atlas, search: str | None) -> ViewState:
    """The view described by a page's query string (lenient: unusable values fall back
    to their defaults, so any link opens)."""
    return ViewState.from_query(search, atlas, default_lang=atlas.settings.default_lang)


def build_layout(atlas: Atlas, search: str | None = None) -> html.Div:
    """The explorer for the view in `search` (the briefing sheet with ``briefing=1``)."""
    state = view_state(atlas, search)
    if state.briefing:  # the view as a sheet, without controls (issue 5)
        from dashboard.pages.briefing.layout import briefing_page

        return briefing_page(atlas, state, search)
    from dashboard.pages.explorer.export_links import export_links

    lang = state.lang
    notice = atlas.provenance_note(state.period, lang) if state.period else ""
    return html.Div(
        [
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
            # What the address bar holds, and where Back or Forward went: callbacks.history.
            dcc.Store(id=ids.VIEW_QUERY, data={"q": search or ""}),
            dcc.Store(id=ids.POPPED, data={}),
            dcc.Store(id=ids.ADDRESS, data=search or ""),
            header(
                "/",
                search,
                lang,
                extra=export_links(search, lang),
                lang_href=state.other_lang().to_query(),
                lang_id=ids.LANG_OTHER,
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
                    # Below 900 px the controls fold into a drawer above the map; this
                    # opens it (assets/atlas.js: a class on the page, no callback).
                    html.Button(
                        t("drawer.open", lang),
                        id=ids.DRAWER,
                        className="drawer-toggle",
                        type="button",
                        **{"aria-expanded": "false", "aria-controls": "atlas-controls"},
                    ),
                    controls(atlas, state),
                    map_card(atlas, state),
                    programme_card(atlas, state),
                    charts_card(atlas, state),
                    table_card(atlas, state),
                ],
                className="atlas-body",
            ),
            footer(lang),
        ]
    )
