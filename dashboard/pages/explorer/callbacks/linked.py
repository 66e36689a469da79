"""Linked views: a selection on the map or either chart highlights it everywhere."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, Patch, State, ctx, no_update

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.presenters import map as map_views


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
        Input(ids.DIST, "selectedData"),
        Input(ids.SCATTER, "selectedData"),
        Input(ids.MAP, "selectedData"),
        prevent_initial_call=True,
    )
    def select(dist, scatter, map_sel):
        data = {ids.DIST: dist, ids.SCATTER: scatter, ids.MAP: map_sel}.get(ctx.triggered_id)
        if not data or not data.get("points"):
            return None  # a double-click clears the selection
        key = "location" if ctx.triggered_id == ids.MAP else "customdata"
        return sorted({p[key] for p in data["points"] if p.get(key)}) or None

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def highlight(selection):
        if ctx.triggered_id is None:
            return no_update
        return map_views.selection_patch(atlas, Patch(), selection)
