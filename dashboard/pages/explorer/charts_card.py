"""Linked views: the distribution strip and the need-versus-coverage scatter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import plotly_locale, t

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def placeholder(height: int) -> dict:
    """An empty chart of the final size, so the page does not jump when it fills."""
    return {
        "data": [],
        "layout": {
            "height": height,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "paper_bgcolor": "white",
            "plot_bgcolor": "#fafafa",
            "margin": {"l": 10, "r": 10, "t": 34, "b": 30},
        },
    }


def charts_card(atlas: Atlas, state: ViewState) -> html.Section:
    """The two linked charts, empty at first: they fill once the map has painted.

    Drawing them first (about 0.9 s of the browser's main thread) held the map back by
    as much (``dashboard.deferred``, bench/bench_pageload.py); they sit below it anyway.
    """
    dist, scatter = placeholder(220), placeholder(300)
    config = {
        "displaylogo": False,
        "locale": plotly_locale(state.lang),
        "modeBarButtonsToRemove": ["toImage", "sendChartToCloud"],
    }
    hint = t("map.charts_hint", state.lang)
    return html.Section(
        [
            html.P(hint, className="charts-hint"),
            html.Div(
                [
                    dcc.Graph(id=ids.DIST, figure=dist, config=config, className="chart"),
                    dcc.Graph(id=ids.SCATTER, figure=scatter, config=config, className="chart"),
                ],
                className="charts-grid",
            ),
        ],
        className="atlas-charts-card",
    )
