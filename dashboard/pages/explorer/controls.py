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
    from dashboard.pages.explorer.county_panel import search_box
    from dashboard.pages.explorer.programme_card import layer_controls

    return html.Aside(
        [
            search_box(lang),
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
            # Expert settings of the classes, folded away (open when the view uses them).
            html.Details(
                [
                    html.Summary(t("controls.class_options", lang)),
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
                open=state.scheme == "user" or state.pooled or bool(state.palette),
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
        id="atlas-controls",
    )


#: Each parameter row: (name in the view and the URL, the registry's parameter name
#: (``Method.uses``), component id, catalogue key of its label, expert?).
PARAMS = (
    ("radius", "radius_km", ids.RADIUS, "controls.radius", False),
    ("k", "k", ids.K, "controls.k", False),
    ("perm", "permutations", ids.PERMUTATIONS, "controls.permutations", True),
    ("seed", "seed", ids.SEED, "controls.seed", True),
)
#: The parameters folded away under "expert parameters".
EXPERT = ("permutations", "seed", "fdr")


def shown_params(mode: str | None) -> set[str]:
    """The parameters the map mode `mode` uses (none for indicator values), from the
    method registry: a method that declares ``uses`` gets exactly those controls.

    >>> sorted(shown_params("mclp")), sorted(shown_params("values"))
    (['k', 'radius_km'], [])
    """
    from geodata.analysis import REGISTRY

    method = REGISTRY.get(mode or "")
    return set(method.uses) if method else set()


def analysis_controls(atlas: Atlas, state: ViewState) -> html.Div:
    """Map mode and the parameters the chosen mode uses: radius for access, K and radius
    for siting, and (folded away as expert parameters) permutations, seed and FDR for
    the cluster modes. The rest stay in the page, hidden, so the URL keeps them."""
    lang = state.lang
    uses = shown_params(state.mode)

    def num(name, uses_name, id_, label, value):
        lo, hi = param_bounds(name)[1:3]
        return html.Div(
            [
                html.Label(t(label, lang), htmlFor=id_),
                dcc.Input(
                    id=id_,
                    type="number",
                    value=value,
                    min=lo,
                    max=hi,
                    step=1,
                    debounce=True,
                    style={"width": "100%"},
                ),
            ],
            id={"type": ids.PARAM_ROW, "param": uses_name},
            className="param",
            hidden=uses_name not in uses,
        )

    rows = {p[0]: num(p[0], p[1], p[2], p[3], getattr(state, p[0])) for p in PARAMS}
    fdr = html.Div(
        dcc.Checklist(
            id=ids.FDR,
            value=["fdr"] if state.fdr else [],
            options=[{"label": t("controls.fdr", lang), "value": "fdr"}],
        ),
        id={"type": ids.PARAM_ROW, "param": "fdr"},
        hidden="fdr" not in uses,
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
            html.Div([rows["radius"], rows["k"]], className="params-grid"),
            html.Details(
                [
                    html.Summary(t("controls.expert", lang)),
                    html.Div([rows["perm"], rows["seed"]], className="params-grid"),
                    fdr,
                ],
                id=ids.EXPERT,
                className="expert-params",
                hidden=not uses & set(EXPERT),
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
