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
from dashboard.i18n import grid_locale, t
from dashboard.methods import table_title

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def table_card(atlas: Atlas, state: ViewState) -> html.Section:
    """The table's heading and CSV button, and the slot the grid fills after first paint."""
    lang = state.lang
    data = table_data(atlas, state)
    return html.Section(
        [
            html.Div(
                [
                    html.H2(table_title(len(data["rows"]), lang), id=ids.TABLE_TITLE),
                    selection_bar(None, lang),
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
            dcc.Store(id=ids.TABLE_DATA, data=data),
            html.Div(
                html.P(t("table.loading", lang), className="table-wait"),
                id=ids.TABLE_SLOT,
                className="table-slot",
            ),
        ],
        className="atlas-table-card",
    )


def selection_bar(selection: list[str] | None, lang: str) -> html.Div:
    """How many counties are selected, and the button that clears the selection
    (hidden while nothing is selected)."""
    return html.Div(
        [
            html.Span(selection_count(selection, lang), id=ids.SELECTION_COUNT),
            html.Button(t("selection.clear", lang), id=ids.SELECTION_CLEAR, n_clicks=0),
        ],
        id=ids.SELECTION_BAR,
        className="selection-bar",
        hidden=not selection,
        role="status",
    )


def selection_count(selection: list[str] | None, lang: str) -> str:
    n = len(selection or [])
    return t("selection.count", lang).format(n=f"{n:,}") if n else ""


def table_data(
    atlas: Atlas, state, selection: list[str] | None = None, *, filter_rows: bool = True
) -> dict:
    """What the grid shows for a view: rows, columns, CSV settings, ticks.

    The mode's table for the region (or the programme used as a filter), cut to the
    selected counties while there is a selection (unless ``filter_rows`` is off: a
    selection ticked in the table itself); the values when the view's analysis cannot
    run this period.
    """
    from dashboard.presenters.selection import narrow

    scope = atlas.scope_codes(state.region, state.programme, state.pfilter)
    if filter_rows:
        scope = narrow(scope, selection, atlas.layers.counties_web.index)
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
    return pack(atlas, rows, defs, state.period, state.lang, selection)


def pack(
    atlas: Atlas,
    rows: list,
    defs: list,
    period: str | None,
    lang: str,
    selection: list[str] | None = None,
) -> dict:
    """The Store's form of a table (see ``callbacks.analysis``); its heading says how
    many rows it lists, and ``selected`` which of them the grid ticks."""
    synthetic = bool(period) and atlas.is_synthetic(period)
    chosen = set(selection or [])
    return {
        "rows": rows,
        "defs": defs,
        "csv": csv_params(synthetic),
        "title": table_title(len(rows), lang),
        "selected": [r["code"] for r in rows if r.get("code") in chosen],
    }


def table_grid(lang: str) -> dag.AgGrid:
    """The grid, empty: its rows and columns come from the Store when it mounts; its
    paging and filter menus in the page's language."""
    return dag.AgGrid(
        id=ids.ANALYSIS_TABLE,
        rowData=[],
        columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        # Rows are counties: ticking them selects the counties on the map and charts.
        getRowId="params.data.code",
        dashGridOptions={
            "rowSelection": {"mode": "multiRow", "enableClickSelection": False},
            "pagination": True,
            "paginationPageSize": 10,
            "paginationPageSizeSelector": [10, 20, 50],
            "animateRows": False,
            "localeText": grid_locale(lang),
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
