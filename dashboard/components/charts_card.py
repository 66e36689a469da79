"""Linked views: the distribution strip and the need-versus-coverage scatter."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.services import Atlas


def charts_card(atlas: Atlas, state: dict) -> html.Section:
    zh = state["lang"] == "zh"
    from dashboard.services import style_of

    args = (
        state["indicator"],
        state["period"],
        state["scheme"],
        state["lang"],
        state.get("region"),
        None,
    )
    scope = (
        atlas.scope_codes(state.get("region"), state.get("programme"), True)
        if state.get("pfilter")
        else None
    )
    try:
        dist, scatter = atlas.linked_figures(*args, scope=scope, **style_of(state))
    except ValueError:  # unusable breaks in the link: the default classes
        dist, scatter = atlas.linked_figures(*args[:2], "quantiles", *args[3:], scope=scope)
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}
    hint = (
        "在任一图或地图上框选/套索选择县，其他视图同步高亮；双击清除。"
        if zh
        else "Box- or lasso-select counties on either chart or the map: the other views "
        "highlight them; double-click to clear."
    )
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
