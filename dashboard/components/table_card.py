"""The ranked county table under the map (dash-ag-grid).

The grid is not in the first page: its slot fills once the map has painted
(``dashboard.deferred``), and the mode callback keeps its rows current after that.
"""

from __future__ import annotations

import dash_ag_grid as dag
from dash import html

from dashboard import ids
from dashboard.services import Atlas


def table_card(atlas: Atlas, state: dict) -> html.Section:
    """The table's heading and CSV button, and the slot the grid fills after first paint."""
    zh = state["lang"] == "zh"
    return html.Section(
        [
            html.Div(
                [
                    html.H2("县级排名（前 50）" if zh else "County ranking (top 50)"),
                    html.Button(
                        "下载 CSV" if zh else "Download CSV",
                        id=ids.TABLE_CSV,
                        className="table-csv",
                        n_clicks=0,
                        disabled=True,  # until the grid is there
                    ),
                ],
                className="table-head",
            ),
            html.Div(
                html.P("表格加载中…" if zh else "Loading the table…", className="table-wait"),
                id=ids.TABLE_SLOT,
                className="table-slot",
            ),
        ],
        className="atlas-table-card",
    )


def table_grid(atlas: Atlas, state: dict) -> dag.AgGrid:
    """The grid for a view: the mode's table for the region (or programme used as filter)."""
    scope = atlas.scope_codes(state.get("region"), state.get("programme"), state.get("pfilter"))
    try:
        rows, defs, _ = atlas.mode_table(
            state.get("mode") or "values",
            atlas.view_params(state),
            state["indicator"],
            state["period"],
            state["lang"],
            scope=scope,
        )
    except (ValueError, KeyError):  # an analysis this period cannot run: the values
        rows, defs, _ = atlas.mode_table(
            "values", None, state["indicator"], state["period"], state["lang"], scope=scope
        )
    return dag.AgGrid(
        id=ids.ANALYSIS_TABLE,
        rowData=rows,
        columnDefs=defs,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 10,
            "paginationPageSizeSelector": [10, 20, 50],
            "animateRows": False,
        },
        csvExportParams=csv_params(atlas.is_synthetic(state["period"])),
        style={"height": "380px"},
    )


def csv_params(synthetic: bool) -> dict:
    """Grid CSV export settings; demo data are labelled in the file name and first line."""
    if not synthetic:
        return {"fileName": "atlas-table.csv"}
    return {
        "fileName": "atlas-table-SYNTHETIC-demo.csv",
        "prependContent": "合成演示数据，不是统计数字 / SYNTHETIC DEMO DATA, not statistics\n",
    }
