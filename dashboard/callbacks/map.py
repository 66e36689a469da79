"""Map callbacks: a change of indicator, period or classification patches values only."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import ALL, Input, Output, Patch, State, ctx, no_update

from dashboard import ids
from dashboard.components.controls import definition
from dashboard.components.county_panel import county_panel
from dashboard.components.map_card import breadcrumb
from dashboard.services import Atlas


def register(app, atlas: Atlas) -> None:
    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.NOTICE, "hidden"),
        Output(ids.DEFINITION, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.URL, "search"),
        Output(ids.LANG_OTHER, "href"),
        Input(ids.INDICATOR, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.SCHEME, "value"),
        Input(ids.REGION, "data"),
        Input(ids.SELECTED, "data"),
        Input(ids.PALETTE, "value"),
        Input(ids.POOLED, "value"),
        Input(ids.BREAKS, "value"),
        State(ids.LANG, "data"),
        State(ids.MODE, "value"),
        prevent_initial_call=True,
    )
    def update_map(indicator, period, scheme, region, county, palette, pooled, breaks, lang, mode):
        style = style_options(palette, pooled, breaks if scheme == "user" else None)
        patch = Patch()
        atlas.zoom_patch(patch, region)
        summary = None
        if mode in (None, "values"):  # in an analysis mode the analysis callback colours it
            try:
                atlas.map_patch(patch, indicator, period, scheme, lang, region=region, **style)
            except ValueError as exc:  # e.g. a user break that is not a number
                summary = ("无法分级：" if lang == "zh" else "Cannot classify: ") + str(exc)
        state = {"indicator": indicator, "period": period, "scheme": scheme, "lang": lang}
        if region:
            state["region"] = region
        if county:
            state["county"] = county
        if style.get("palette"):
            state["palette"] = style["palette"]
        if style.get("pooled"):
            state["pooled"] = "1"
        if style.get("breaks"):
            state["breaks"] = style["breaks"]
        query = "?" + urlencode(state)
        # The language link carries the whole view; only ``lang`` changes.
        other = "?" + urlencode({**state, "lang": "en" if lang == "zh" else "zh"})
        return (
            patch,
            not atlas.is_synthetic(period),
            definition(indicator, lang),
            summary or atlas.summary_text(indicator, period, lang, region),
            query,
            other,
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
        Output(ids.ANALYSIS_TABLE, "exportDataAsCsv"),
        Input(ids.TABLE_CSV, "n_clicks"),
        prevent_initial_call=True,
    )
    def download_table(n_clicks):
        # The grid exports what it shows (sorted and filtered) as CSV in the browser.
        return bool(n_clicks)


def style_options(palette, pooled, breaks) -> dict:
    """Map style options from the controls (defaults dropped, so cache keys stay few)."""
    out: dict = {}
    if palette and palette != "auto":
        out["palette"] = palette
    if pooled:
        out["pooled"] = True
    if breaks and str(breaks).strip():
        out["breaks"] = str(breaks).strip()
    return out
