"""The control panel: indicator, period, classification."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, methods
from dashboard.atlas import Atlas
from dashboard.i18n import dropdown_labels, indicator_definition, indicator_name, t
from dashboard.presenters import map as map_views
from dashboard.view import ViewState, param_bounds
from geodata import indicators

#: Indicator groups with a heading in the dropdown (``group.*`` in the catalogue).
GROUP_NAMES = ("counts", "rates", "shares", "density", "change", "coverage")
#: Palettes in the order offered (``palette.*`` in the catalogue).
PALETTES = ("auto", "YlOrRd", "Blues", "Purples", "YlGnBu", "RdBu", "PuOr")


def indicator_options(lang: str) -> list[dict]:
    """Grouped dropdown options (group headers are disabled entries)."""
    opts: list[dict] = []
    by_group: dict[str, list] = {}
    for ind in indicators.all_indicators():
        by_group.setdefault(ind.group, []).append(ind)
    for group, items in by_group.items():
        heading = t(f"group.{group}", lang) if group in GROUP_NAMES else group
        opts.append({"label": f"— {heading} —", "value": f"__{group}", "disabled": True})
        for ind in items:
            opts.append({"label": indicator_name(ind, lang), "value": ind.id})
    return opts


def definition(indicator_id: str, lang: str) -> str:
    ind = indicators.get(indicator_id)
    return indicator_definition(ind, lang)


def controls(atlas: Atlas, state: ViewState) -> html.Aside:
    lang = state.lang
    schemes = ["quantiles", "fisher_jenks", "equal_interval", "std_mean", "user"]
    from dashboard.pages.explorer.county_panel import county_panel, search_box
    from dashboard.pages.explorer.programme_card import layer_controls

    selected = state.county
    profile = atlas.county_profile(selected, state.period, lang) if selected else None
    return html.Aside(
        [
            search_box(lang),
            html.Section(county_panel(profile, lang), id=ids.PANEL, className="county-panel"),
            html.Div(
                [
                    html.Label(t("indicator", lang), htmlFor=ids.INDICATOR),
                    dcc.Dropdown(
                        labels=dropdown_labels(lang),
                        id=ids.INDICATOR,
                        options=indicator_options(lang),
                        value=state.indicator,
                        clearable=False,
                    ),
                    html.P(
                        definition(state.indicator, lang),
                        id=ids.DEFINITION,
                        className="definition",
                    ),
                ]
            ),
            html.Div(
                [
                    html.Label(t("period", lang), htmlFor=ids.PERIOD),
                    dcc.Dropdown(
                        labels=dropdown_labels(lang),
                        id=ids.PERIOD,
                        options=atlas.periods(),
                        value=state.period,
                        clearable=False,
                    ),
                ]
            ),
            layer_controls(state),
            html.Div(
                [
                    html.Label(t("scheme", lang), htmlFor=ids.SCHEME),
                    dcc.Dropdown(
                        labels=dropdown_labels(lang),
                        id=ids.SCHEME,
                        options=[{"label": t(s, lang), "value": s} for s in schemes],
                        value=state.scheme,
                        clearable=False,
                    ),
                ]
            ),
            html.Div(
                [
                    dcc.Input(
                        id=ids.BREAKS,
                        type="text",
                        debounce=True,
                        value=state.breaks or "",
                        placeholder=t("controls.breaks", lang),
                        style={"width": "100%"},
                    ),
                    dcc.Checklist(
                        id=ids.POOLED,
                        value=["pooled"] if state.pooled else [],
                        options=[
                            {
                                "label": t("controls.pooled", lang),
                                "value": "pooled",
                            }
                        ],
                    ),
                    html.Label(
                        t("controls.palette", lang),
                        htmlFor=ids.PALETTE,
                    ),
                    dcc.Dropdown(
                        labels=dropdown_labels(lang),
                        id=ids.PALETTE,
                        value=state.palette or "auto",
                        clearable=False,
                        options=palette_options(lang),
                    ),
                ],
                className="class-options",
            ),
            html.Div(
                map_views.summary_text(
                    atlas,
                    state.indicator,
                    state.period,
                    lang,
                    state.region,
                    scope=atlas.scope_codes(state.region, state.programme, state.pfilter),
                )
                if state.period
                else "",
                id=ids.SUMMARY,
                className="atlas-summary",
            ),
            analysis_controls(atlas, state),
        ],
        className="atlas-controls",
    )


def analysis_controls(atlas: Atlas, state: ViewState) -> html.Div:
    """Map mode and the parameters of the analysis methods."""
    lang = state.lang

    def num(id_, label, value, lo, hi, step):
        return html.Div(
            [
                html.Label(label, htmlFor=id_),
                dcc.Input(
                    id=id_,
                    type="number",
                    value=value,
                    min=lo,
                    max=hi,
                    step=step,
                    debounce=True,
                    style={"width": "100%"},
                ),
            ],
            className="param",
        )

    return html.Div(
        [
            html.Label(t("controls.mode", lang), htmlFor=ids.MODE),
            dcc.Dropdown(
                labels=dropdown_labels(lang),
                id=ids.MODE,
                value=state.mode,
                clearable=False,
                options=methods.mode_options(lang),
            ),
            html.Div(
                [
                    num(
                        ids.PERMUTATIONS,
                        t("controls.permutations", lang),
                        state.perm,
                        *param_bounds("perm")[1:3],
                        1,
                    ),
                    num(
                        ids.SEED,
                        t("controls.seed", lang),
                        state.seed,
                        *param_bounds("seed")[1:3],
                        1,
                    ),
                    num(
                        ids.RADIUS,
                        t("controls.radius", lang),
                        state.radius,
                        *param_bounds("radius")[1:3],
                        1,
                    ),
                    num(
                        ids.K,
                        t("controls.k", lang),
                        state.k,
                        *param_bounds("k")[1:3],
                        1,
                    ),
                ],
                className="params-grid",
            ),
            dcc.Checklist(
                id=ids.FDR,
                value=["fdr"] if state.fdr else [],
                options=[
                    {
                        "label": t("controls.fdr", lang),
                        "value": "fdr",
                    }
                ],
            ),
            html.Div(id=ids.ANALYSIS_STATUS, className="analysis-status idle", role="status"),
            html.Div(
                map_views.result_line(atlas, state),
                id=ids.ANALYSIS_RESULT,
                className="analysis-status",
                role="status",
            ),
            html.Div(_mode_note(state), id=ids.ANALYSIS_NOTE, className="definition"),
        ],
        className="analysis-controls",
    )


def _mode_note(state):
    """The method note of the view's map mode (and the bivariate legend)."""
    mode = state.mode
    note = methods.note(mode, state.lang)
    if mode == "coverage":
        from dashboard.pages.explorer.bivariate import bivariate_grid

        return [note, bivariate_grid(state.lang)]
    return note


def palette_options(lang: str) -> list[dict]:
    return [{"label": t(f"palette.{v}", lang), "value": v} for v in PALETTES]
