"""Analysis map modes: run as background callbacks with progress, results cached."""

from __future__ import annotations

import time

from dash import Input, Output, Patch, State, callback_context, no_update

from dashboard import ids, methods
from dashboard.atlas import Atlas
from dashboard.i18n import t
from dashboard.presenters import map as map_views
from dashboard.presenters.selection import narrow
from dashboard.view import ViewState


def register(app, atlas: Atlas) -> None:
    from dashboard.pages.explorer.table_card import pack, table_grid, table_unavailable

    @app.callback(
        Output(ids.TABLE_SLOT, "children"),
        Output(ids.TABLE_CSV, "disabled"),
        Input(ids.BUNDLES, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def fill_table(loaded, lang):
        """The grid, once the map has painted and its bundle is loaded (dashboard.deferred)."""
        if not loaded:
            return no_update, no_update
        if loaded == "failed":  # the bundle did not load: say so instead of a broken grid
            return table_unavailable(lang), True
        return table_grid(lang), False

    # The grid shows the table Store: when the Store changes and when the grid mounts.
    app.clientside_callback(
        """function(data, _mounted) {
            if (!data) { throw window.dash_clientside.PreventUpdate; }
            return [data.rows, data.defs, data.csv, {ids: data.selected || []}];
        }""",
        Output(ids.ANALYSIS_TABLE, "rowData"),
        Output(ids.ANALYSIS_TABLE, "columnDefs"),
        Output(ids.ANALYSIS_TABLE, "csvExportParams"),
        Output(ids.ANALYSIS_TABLE, "selectedRows"),
        Input(ids.TABLE_DATA, "data"),
        Input(ids.ANALYSIS_TABLE, "id"),
    )

    # The heading says how many rows the table lists ("top 50", or "40 counties").
    app.clientside_callback(
        """function(data) {
            if (!data || !data.title) { throw window.dash_clientside.PreventUpdate; }
            return data.title;
        }""",
        Output(ids.TABLE_TITLE, "children"),
        Input(ids.TABLE_DATA, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Output(ids.ANALYSIS_NOTE, "children"),
        Output(ids.TABLE_DATA, "data"),
        Output(ids.ANALYSIS_RESULT, "children"),
        Input(ids.MODE, "value"),
        Input(ids.PERMUTATIONS, "value"),
        Input(ids.SEED, "value"),
        Input(ids.FDR, "value"),
        Input(ids.RADIUS, "value"),
        Input(ids.K, "value"),
        Input(ids.INDICATOR, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.REGION, "data"),
        Input(ids.PROGRAMME, "value"),
        Input(ids.PFILTER, "value"),
        State(ids.SCHEME, "value"),
        State(ids.LANG, "data"),
        State(ids.SELECTION, "data"),
        background=True,
        progress=Output(ids.ANALYSIS_STATUS, "children"),
        progress_default="",
        # The progress line shows only while a job runs; the result line stays.
        running=[
            (Output(ids.MODE, "disabled"), True, False),
            (
                Output(ids.ANALYSIS_STATUS, "className"),
                "analysis-status busy",
                "analysis-status idle",
            ),
        ],
        interval=250,
        prevent_initial_call=True,
    )
    def run_analysis(
        set_progress,
        mode, perms, seed, fdr, radius, k, indicator, period, region, programme, only,
        scheme, lang, selection,
    ):  # fmt: skip
        started = time.perf_counter()
        trigger = (callback_context.triggered_id or "") if callback_context else ""
        # The table lists the region's counties (or the programme's, used as a filter);
        # the analysis itself always runs on the whole country.
        # While counties are selected, the table lists those of them (issue 16).
        scope = narrow(
            atlas.scope_codes(region, programme, bool(only)), selection,
            atlas.layers.counties_web.index,
        )  # fmt: skip
        table_only = trigger in (ids.REGION, ids.PROGRAMME, ids.PFILTER)
        view = ViewState.from_controls(
            indicator=indicator, period=period, scheme=scheme, mode=mode, perm=perms, seed=seed,
            fdr=fdr, radius=radius, k=k, lang=lang,
        )  # fmt: skip
        params = view.analysis_params()
        if (mode == "values" and trigger not in (ids.MODE,)) or table_only:
            # The values callback redraws the map; only refresh the side table here.
            try:
                rows, defs, note = atlas.mode_table(mode, params, indicator, period, lang, scope)
                figure = no_update
                if trigger == ids.REGION and params is not None:  # legend of the new region
                    figure = map_views.analysis_patch(
                        atlas, Patch(), params, period, lang, scheme, region
                    ).to_plotly_json()
            except (ValueError, KeyError):
                return no_update, no_update, no_update, no_update
            table = pack(atlas, rows, defs, period, lang, selection)
            return figure, no_update if table_only else note, table, no_update
        set_progress(methods.progress_text(view.mode, view.perm, lang))
        try:
            if params is None:
                patch = map_views.map_patch(
                    atlas, Patch(), indicator, period, scheme, lang, region=region
                )
            else:
                patch = map_views.analysis_patch(
                    atlas, Patch(), params, period, lang, scheme, region
                )
            rows, defs, note = atlas.mode_table(mode, params, indicator, period, lang, scope)
        except (ValueError, KeyError) as exc:
            message = t("error.compute", lang).format(msg=str(exc).strip("'\""))
            return no_update, no_update, no_update, message
        seconds = time.perf_counter() - started
        done = t("analysis.done", lang).format(seconds=f"{seconds:.1f}") + atlas.mode_summary(
            params, period, lang
        )
        # Background results are pickled through diskcache, which a Patch object does not
        # survive; its JSON form is what the renderer applies anyway.
        if mode == "coverage":
            from dashboard.pages.explorer.bivariate import bivariate_grid

            note = [note, bivariate_grid(lang)]
        return patch.to_plotly_json(), note, pack(atlas, rows, defs, period, lang, selection), done
