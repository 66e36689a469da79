"""The ranked county table under the map (dash-ag-grid), filled by the mode callback."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import html

from dashboard import ids
from dashboard.services import Atlas


def table_card(atlas: Atlas, state: dict) -> html.Section:
    zh = state["lang"] == "zh"
    rows, defs, _ = atlas.mode_table(
        "values", None, state["indicator"], state["period"], state["lang"]
    )
    return html.Section(
        [
            html.H2("县级排名（前 50）" if zh else "County ranking (top 50)"),
            dag.AgGrid(
                id=ids.ANALYSIS_TABLE,
                rowData=rows,
                columnDefs=defs,
                defaultColDef={"sortable": True, "filter": True, "resizable": True},
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 10,
                    "animateRows": False,
                },
                csvExportParams={"fileName": "atlas-table.csv"},
                style={"height": "380px"},
            ),
        ],
        className="atlas-table-card",
    )
