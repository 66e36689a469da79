"""The map card: the county choropleth graph."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.services import Atlas


def map_card(atlas: Atlas, state: dict) -> html.Section:
    fig = atlas.map_figure(state["indicator"], state["period"], state["scheme"], state["lang"])
    return html.Section(
        dcc.Graph(
            id=ids.MAP,
            figure=fig,
            config={
                "topojsonURL": atlas.topojson_url,
                "displaylogo": False,
                "scrollZoom": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2},
            },
            style={"height": "100%"},
        ),
        className="atlas-map-card",
    )
