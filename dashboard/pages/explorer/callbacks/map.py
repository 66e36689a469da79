"""Map callbacks: a change of indicator, period or classification patches values only."""

from __future__ import annotations

from dash import ALL, Input, Output, Patch, State, ctx, no_update, set_props

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import t
from dashboard.pages.explorer.controls import definition
from dashboard.pages.explorer.county_panel import county_panel
from dashboard.pages.explorer.map_card import breadcrumb
from dashboard.presenters import map as map_views
from dashboard.view import ViewState


def register(app, atlas: Atlas) -> None:
    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.NOTICE, "hidden"),
        Output(ids.NOTICE, "children"),
        Output(ids.DEFINITION, "children"),
        Output(ids.SUMMARY, "children"),
        Input(ids.INDICATOR, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.SCHEME, "value"),
        Input(ids.REGION, "data"),
        Input(ids.PALETTE, "value"),
        Input(ids.POOLED, "value"),
        Input(ids.BREAKS, "value"),
        State(ids.LANG, "data"),
        State(ids.MODE, "value"),
        State(ids.PROGRAMME, "value"),
        State(ids.PFILTER, "value"),
        prevent_initial_call=True,
    )
    def update_map(
        indicator, period, scheme, region, palette, pooled, breaks, lang, mode, programme, only
    ):
        style = ViewState.from_controls(
            indicator=indicator, period=period, scheme=scheme, palette=palette, pooled=pooled,
            breaks=breaks,
        ).style()  # fmt: skip
        patch = Patch()
        map_views.zoom_patch(atlas, patch, region, lang)  # frame and place names
        summary = None
        if mode in (None, "values"):  # in an analysis mode the analysis callback colours it
            try:
                map_views.map_patch(
                    atlas, patch, indicator, period, scheme, lang, region=region, **style
                )
            except ValueError as exc:  # e.g. a user break that is not a number
                summary = t("error.classify", lang).format(msg=exc)
        set_props(ids.ERROR_BANNER, {"hidden": True})  # a success clears an old failure
        if summary is None:
            scope = atlas.scope_codes(region, programme, bool(only))
            summary = map_views.summary_text(atlas, indicator, period, lang, region, scope=scope)
        notice = atlas.provenance_note(period, lang)
        return patch, not notice, notice, definition(indicator, lang), summary

    @app.callback(
        Output(ids.SUMMARY, "children", allow_duplicate=True),
        Input(ids.PROGRAMME, "value"),
        Input(ids.PFILTER, "value"),
        State(ids.INDICATOR, "value"),
        State(ids.PERIOD, "value"),
        State(ids.REGION, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def summary(programme, only, indicator, period, region, lang):
        scope = atlas.scope_codes(region, programme, bool(only))
        return map_views.summary_text(atlas, indicator, period, lang, region, scope=scope)

    @app.callback(
        Output(ids.VIEW_QUERY, "data"),
        *(Input(*c) for c in VIEW_CONTROLS[:-1]),
        State(*VIEW_CONTROLS[-1]),
        prevent_initial_call=True,
    )
    def sync_url(*values):
        """The address bar (a new history entry) and the language link always hold the
        whole view: callbacks.history writes them in the browser."""
        state = ViewState.from_controls(**dict(zip(VIEW_FIELDS, values, strict=True)))
        return {"q": state.to_query()}

    app.clientside_callback(
        "function(n) { if (n) { window.location.reload(); } return window.dash_clientside.no_update; }",
        Output(ids.UNAVAILABLE, "title"),
        Input(ids.UNAVAILABLE_RETRY, "n_intervals"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.REGION, "data"),
        Output(ids.BREADCRUMB, "children"),
        Output(ids.SELECTED, "data"),
        Input(ids.MAP, "clickData"),
        Input({"type": ids.CRUMB, "code": ALL}, "n_clicks"),
        Input(ids.SEARCH, "value"),
        State(ids.REGION, "data"),
        State(ids.SELECTED, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def navigate(click, crumbs, searched, region, selected, lang):
        trigger = ctx.triggered_id
        county = selected
        if isinstance(trigger, dict):  # a breadcrumb button: go back up
            if not any(crumbs):
                return no_update, no_update, no_update
            code = trigger["code"]
            new = None if code == "100000" else code
        elif trigger == ids.SEARCH:  # a county found by name, pinyin or code
            if not searched:
                return no_update, no_update, None
            county, new = searched, atlas.region_of(searched)
        else:
            point = (click or {}).get("points", [{}])[0]
            county = point.get("location") or selected
            new = atlas.drill(region, point.get("location"))
        crumbs_out = breadcrumb(atlas, new, lang).children if new != region else no_update
        return (new if new != region else no_update), crumbs_out, county

    @app.callback(
        Output(ids.SEARCH, "options"),
        Input(ids.SEARCH, "search_value"),
        State(ids.LANG, "data"),
        State(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def search(query, lang, current):
        options = atlas.search_options(query, lang)
        if not options and current:  # keep the chosen county listed
            options = atlas.search_options(current, lang)
        return options

    @app.callback(
        Output(ids.PANEL, "children"),
        Input(ids.SELECTED, "data"),
        Input(ids.PERIOD, "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def show_county(code, period, lang):
        profile = atlas.county_profile(code, period, lang) if code else None
        return county_panel(profile, lang)

    @app.callback(
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input(ids.PANEL_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    def close_panel(n_clicks):
        """The panel's close button: no county selected (the URL drops it too)."""
        return "" if n_clicks else no_update

    @app.callback(
        Output(ids.ANALYSIS_TABLE, "exportDataAsCsv"),
        Input(ids.TABLE_CSV, "n_clicks"),
        prevent_initial_call=True,
    )
    def download_table(n_clicks):
        # The grid exports what it shows (sorted and filtered) as CSV in the browser.
        return bool(n_clicks)


#: The controls that make up a view, with the ViewState field each one sets.
VIEW_CONTROLS: tuple[tuple[str, str], ...] = (
    (ids.INDICATOR, "value"),
    (ids.PERIOD, "value"),
    (ids.SCHEME, "value"),
    (ids.REGION, "data"),
    (ids.SELECTED, "data"),
    (ids.PALETTE, "value"),
    (ids.POOLED, "value"),
    (ids.BREAKS, "value"),
    (ids.MODE, "value"),
    (ids.PERMUTATIONS, "value"),
    (ids.SEED, "value"),
    (ids.FDR, "value"),
    (ids.RADIUS, "value"),
    (ids.K, "value"),
    (ids.LAYERS, "value"),
    (ids.PROGRAMME, "value"),
    (ids.PFILTER, "value"),
    (ids.LANG, "data"),
)
VIEW_FIELDS = ("indicator", "period", "scheme", "region", "county", "palette", "pooled",
               "breaks", "mode", "perm", "seed", "fdr", "radius", "k", "layers", "programme",
               "pfilter", "lang")  # fmt: skip
assert len(VIEW_FIELDS) == len(VIEW_CONTROLS)


def control_values(state: ViewState) -> tuple:
    """What each of :data:`VIEW_CONTROLS` holds to show `state`: the inverse of
    ``ViewState.from_controls`` (Stores hold "" for none, checklists a list)."""
    values = {
        "indicator": state.indicator, "period": state.period, "scheme": state.scheme,
        "region": state.region or "", "county": state.county or "",
        "palette": state.palette or "auto", "pooled": ["pooled"] if state.pooled else [],
        "breaks": state.breaks or "", "mode": state.mode, "perm": state.perm,
        "seed": state.seed, "fdr": ["fdr"] if state.fdr else [], "radius": state.radius,
        "k": state.k, "layers": list(state.layers), "programme": state.programme,
        "pfilter": ["only"] if state.pfilter else [], "lang": state.lang,
    }  # fmt: skip
    return tuple(values[f] for f in VIEW_FIELDS)
