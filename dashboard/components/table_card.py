"""The ranked county table under the map (dash-ag-grid), filled by the mode callback."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import html

from dashboard import ids
from dashboard.services import Atlas


def table_card(atlas: Atlas, state: dict) -> html.Section:
    zh = state["lang"] == "zh"
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
                    ),
                ],
                className="table-head",
            ),
            dag.AgGrid(
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
            ),
        ],
        className="atlas-table-card",
    )


def csv_params(synthetic: bool) -> dict:
    """Grid CSV export settings; demo data are labelled in the file name and first line."""
    if not synthetic:
        return {"fileName": "atlas-table.csv"}
    return {
        "fileName": "atlas-table-SYNTHETIC-demo.csv",
        "prependContent": "合成演示数据，不是统计数字 / SYNTHETIC DEMO DATA, not statistics\n",
    }
