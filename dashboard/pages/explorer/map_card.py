"""The map card: the county choropleth graph."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import plotly_locale, t
from dashboard.presenters import map as map_views

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def map_card(atlas: Atlas, state: ViewState) -> html.Section:
    from dashboard.pages.explorer.county_panel import county_panel

    fig = map_views.view_figure(atlas, state)
    lang = state.lang
    profile = atlas.county_profile(state.county, state.period, lang) if state.county else None
    return html.Section(
        [
            breadcrumb(atlas, state.region, state.lang),
            # The selected county's panel floats over the map (below it on narrow
            # screens), so it never pushes the controls out of reach.
            html.Section(
                county_panel(profile, lang),
                id=ids.PANEL,
                className="county-panel",
                **{"aria-live": "polite"},
            ),
            dcc.Graph(
                id=ids.MAP,
                figure=fig,
                config={
                    "topojsonURL": map_views.TOPOJSON_URL,
                    "displaylogo": False,
                    "locale": plotly_locale(lang),
                    # plotly.js 4's "Share chart" uploads to a chart server: none here
                    "modeBarButtonsToRemove": ["sendChartToCloud"],
                    "scrollZoom": True,
                    "toImageButtonOptions": {"format": "png", "scale": 2},
                },
                style={"height": "100%"},
            ),
            # Where the map is narrow its colour bar would cover a third of the country:
            # there the same key, read from the drawn figure, goes under the map instead
            # (assets/atlas.js fills it after every draw; assets/atlas.css shows it).
            html.Div(id=ids.MAP_LEGEND, className="map-legend-narrow"),
        ],
        className="atlas-map-card",
    )


def breadcrumb(atlas: Atlas, region: str | None, lang: str) -> html.Nav:
    """全国 > 省 > 地市: each level a button that goes back up."""
    info = atlas.region_info(region)
    from geodata.codes import region_english_name

    def name(code: str, zh: str) -> str:
        return zh if lang == "zh" else region_english_name(code, zh)

    nation = t("nation", lang)
    items: list = [(None, nation), *((c, name(c, n)) for c, n in info["parents"])]
    if info["level"] != "nation":
        items.append((info["code"], name(info["code"], info["name_zh"])))
    children: list = []
    for i, (code, name) in enumerate(items):
        last = i == len(items) - 1
        if i:
            children.append(html.Span("›", className="crumb-sep"))
        children.append(
            html.Button(
                name,
                id={"type": ids.CRUMB, "code": code or "100000"},
                className="crumb current" if last else "crumb",
                disabled=last,
                n_clicks=0,
            )
        )
    hint = t("map.drill_hint", lang)
    if info["level"] == "prefecture":
        hint = ""
    children.append(html.Span(hint, className="crumb-hint"))
    return html.Nav(
        children, id=ids.BREADCRUMB, className="breadcrumb", **{"aria-label": "breadcrumb"}
    )
