"""Linked views: a selection on the map or either chart highlights it everywhere."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, Patch, State, ctx, no_update

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.pages.explorer.table_card import selection_count, table_data
from dashboard.presenters import map as map_views
from dashboard.presenters import selection
from dashboard.view import ViewState


def register(app, atlas: Atlas) -> None:
    # Resolves once the map's counties are on screen (assets/atlas.js,
    # dashboard.deferred); fires once, when the page loads. Then the bundles left out
    # of the page load (the table waits for them, the charts do not).
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="afterPaint"),
        Output(ids.PAINTED, "data"),
        Input(ids.PAINTED, "id"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="loadDeferred"),
        Output(ids.BUNDLES, "data"),
        Input(ids.PAINTED, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.DIST, "figure"),
        Output(ids.SCATTER, "figure"),
        Input(ids.INDICATOR, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.SCHEME, "value"),
        Input(ids.REGION, "data"),
        Input(ids.SELECTION, "data"),
        Input(ids.PALETTE, "value"),
        Input(ids.POOLED, "value"),
        Input(ids.BREAKS, "value"),
        Input(ids.PROGRAMME, "value"),
        Input(ids.PFILTER, "value"),
        Input(ids.PAINTED, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def charts(
        indicator, period, scheme, region, selection, palette, pooled, breaks, prog, only, painted,
        lang,
    ):  # fmt: skip
        from dashboard.view import ViewState

        if not painted:  # the map goes first
            return no_update, no_update
        style = ViewState.from_controls(
            indicator=indicator, period=period, scheme=scheme, palette=palette, pooled=pooled,
            breaks=breaks,
        ).style()  # fmt: skip
        scope = atlas.scope_codes(region, prog, bool(only)) if only else None
        try:
            return map_views.linked_figures(
                atlas, indicator, period, scheme, lang, region, selection, scope=scope, **style
            )
        except ValueError:  # bad user breaks: the map callback reports it
            return no_update, no_update

    @app.callback(
        Output(ids.SELECTION, "data"),
        Output(ids.SELECTION_FROM, "data"),
        Input(ids.DIST, "selectedData"),
        Input(ids.SCATTER, "selectedData"),
        Input(ids.MAP, "selectedData"),
        Input(ids.SELECTION_CLEAR, "n_clicks"),
        prevent_initial_call=True,
    )
    def select(dist, scatter, map_sel, _clear):
        trigger = ctx.triggered_id
        if trigger == ids.SELECTION_CLEAR:
            return None, ""
        data = {ids.DIST: dist, ids.SCATTER: scatter, ids.MAP: map_sel}.get(trigger)
        out = selection.from_plot(data, "location" if trigger == ids.MAP else "customdata")
        return (no_update, no_update) if out is selection.UNCHANGED else (out, "")

    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.SELECTION_FROM, "data", allow_duplicate=True),
        Input(ids.ANALYSIS_TABLE, "selectedRows"),
        State(ids.SELECTION, "data"),
        State(ids.TABLE_DATA, "data"),
        prevent_initial_call=True,
    )
    def select_rows(rows, current, table):
        listed = [r.get("code") for r in (table or {}).get("rows", [])]
        out = selection.from_rows(rows if isinstance(rows, list) else None, current, listed)
        return (no_update, no_update) if out is selection.UNCHANGED else (out, "table")

    @app.callback(
        Output(ids.TABLE_DATA, "data", allow_duplicate=True),
        Output(ids.SELECTION_COUNT, "children"),
        Output(ids.SELECTION_BAR, "hidden"),
        Input(ids.SELECTION, "data"),
        State(ids.SELECTION_FROM, "data"),
        *(State(*c) for c in TABLE_VIEW),
        prevent_initial_call=True,
    )
    def list_selection(chosen, source, *view):
        """The table lists the selected counties (a selection ticked in the table keeps
        its rows, so that more can be ticked); the bar says how many, with Clear."""
        state = ViewState.from_controls(**dict(zip(TABLE_FIELDS, view, strict=True)))
        data = table_data(atlas, state, chosen or None, filter_rows=source != "table")
        # Only the count changes: a new Clear button would report a click (n_clicks).
        return data, selection_count(chosen, state.lang), not chosen

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def highlight(selection):
        if ctx.triggered_id is None:
            return no_update
        return map_views.selection_patch(atlas, Patch(), selection)


#: The controls that decide what the table lists, with the ViewState field of each.
TABLE_VIEW: tuple[tuple[str, str], ...] = (
    (ids.INDICATOR, "value"), (ids.PERIOD, "value"), (ids.SCHEME, "value"),
    (ids.REGION, "data"), (ids.MODE, "value"), (ids.PERMUTATIONS, "value"),
    (ids.SEED, "value"), (ids.FDR, "value"), (ids.RADIUS, "value"), (ids.K, "value"),
    (ids.PROGRAMME, "value"), (ids.PFILTER, "value"), (ids.LANG, "data"),
)  # fmt: skip
TABLE_FIELDS = ("indicator", "period", "scheme", "region", "mode", "perm", "seed", "fdr",
                "radius", "k", "programme", "pfilter", "lang")  # fmt: skip
