"""The ranked county table under the map (dash-ag-grid).

The grid is not in the first page: its slot fills once the map has painted
(``dashboard.deferred``). What it shows lives in a Store (:func:`table_data`), in the
page from the start and replaced by the mode callback; a clientside callback copies it
into the grid whenever either changes, so a change made before the grid exists is not
lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def table_card(atlas: Atlas, state: ViewState) -> html.Section:
    """The table's heading and CSV button, and the slot the grid fills after first paint."""
    lang = state.lang
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t("table.title", lang)),
                    html.Button(
                        t("table.csv", lang),
                        id=ids.TABLE_CSV,
                        className="table-csv",
                        n_clicks=0,
                        disabled=True,  # until the grid is there
                    ),
                ],
                className="table-head",
            ),
            dcc.Store(id=ids.TABLE_DATA, data=table_data(atlas, state)),
            html.Div(
                html.P(t("table.loading", lang), className="table-wait"),
                id=ids.TABLE_SLOT,
                className="table-slot",
            ),
        ],
        className="atlas-table-card",
    )


def table_data(atlas: Atlas, state) -> dict:
    """What the grid shows for a view: rows, columns and CSV settings.

    The mode's table for the region (or the programme used as a filter); the values
    when the view's analysis cannot run this period.
    """
    scope = atlas.scope_codes(state.region, state.programme, state.pfilter)
    try:
        rows, defs, _ = atlas.mode_table(
            state.mode,
            state.analysis_params(),
            state.indicator,
            state.period,
            state.lang,
            scope=scope,
        )
    except (ValueError, KeyError):
        rows, defs, _ = atlas.mode_table(
            "values", None, state.indicator, state.period, state.lang, scope=scope
        )
    return pack(atlas, rows, defs, state.period)


def pack(atlas: Atlas, rows: list, defs: list, period: str | None) -> dict:
    """The Store's form of a table (see ``callbacks.analysis``)."""
    synthetic = bool(period) and atlas.is_synthetic(period)
    return {"rows": rows, "defs": defs, "csv": csv_params(synthetic)}


def table_grid() -> dag.AgGrid:
    """The grid, empty: its rows and columns come from the Store when it mounts."""
    return dag.AgGrid(
        id=ids.ANALYSIS_TABLE,
        rowData=[],
        columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 10,
            "paginationPageSizeSelector": [10, 20, 50],
            "animateRows": False,
        },
        style={"height": "380px"},
    )


def table_unavailable(lang: str) -> html.P:
    """In the grid's place when its bundle could not be loaded."""
    return html.P(
        t("table.unavailable", lang),
        className="table-wait",
        role="alert",
    )


def csv_params(synthetic: bool) -> dict:
    """Grid CSV export settings; demo data are labelled in the file name and first line."""
    if not synthetic:
        return {"fileName": "atlas-table.csv"}
    return {
        "fileName": "atlas-table-SYNTHETIC-demo.csv",
        "prependContent": "合成演示数据，不是统计数字 / SYNTHETIC DEMO DATA, not statistics\n",
    }
