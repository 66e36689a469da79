"""Map callbacks: a change of indicator, period or classification patches values only."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Input, Output, Patch, State, no_update

from dashboard import ids
from dashboard.components.controls import definition
from dashboard.services import Atlas


def register(app, atlas: Atlas) -> None:
    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.NOTICE, "hidden"),
        Output(ids.DEFINITION, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.URL, "search"),
        Input(ids.INDICATOR, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.SCHEME, "value"),
        State(ids.LANG, "value"),
        State(ids.MODE, "value"),
        prevent_initial_call=True,
    )
    def update_map(indicator, period, scheme, lang, mode):
        # In an analysis mode the analysis callback redraws the map.
        patch = (
            atlas.map_patch(Patch(), indicator, period, scheme, lang)
            if mode in (None, "values")
            else no_update
        )
        query = "?" + urlencode(
            {"indicator": indicator, "period": period, "scheme": scheme, "lang": lang}
        )
        return (
            patch,
            not atlas.is_synthetic(period),
            definition(indicator, lang),
            atlas.summary_text(indicator, period, lang),
            query,
        )

    @app.callback(
        Output(ids.RELOAD, "href"),
        Input(ids.LANG, "value"),
        State(ids.INDICATOR, "value"),
        State(ids.PERIOD, "value"),
        State(ids.SCHEME, "value"),
        prevent_initial_call=True,
    )
    def switch_language(lang, indicator, period, scheme):
        # Every label changes, so the page is rebuilt from its URL in the new language.
        return "?" + urlencode(
            {"indicator": indicator, "period": period, "scheme": scheme, "lang": lang}
        )
