"""The control panel: indicator, period, classification."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, methods
from dashboard.atlas import Atlas
from dashboard.i18n import t
from dashboard.presenters import map as map_views
from dashboard.view import ViewState, param_bounds
from geodata import indicators

GROUP_NAMES = {
    "counts": ("人数", "Counts"),
    "rates": ("比率", "Rates"),
    "shares": ("占比", "Shares"),
    "density": ("密度", "Density"),
    "change": ("变化", "Change"),
    "coverage": ("服务覆盖", "Coverage"),
}


def indicator_options(lang: str) -> list[dict]:
    """Grouped dropdown options (group headers are disabled entries)."""
    opts: list[dict] = []
    by_group: dict[str, list] = {}
    for ind in indicators.all_indicators():
        by_group.setdefault(ind.group, []).append(ind)
    for group, items in by_group.items():
        zh, en = GROUP_NAMES.get(group, (group, group))
        opts.append(
            {"label": f"— {zh if lang == 'zh' else en} —", "value": f"__{group}", "disabled": True}
        )
        for ind in items:
            opts.append({"label": ind.name_zh if lang == "zh" else ind.name_en, "value": ind.id})
    return opts


def definition(indicator_id: str, lang: str) -> str:
    ind = indicators.get(indicator_id)
    return ind.definition_zh if lang == "zh" else ind.definition_en


def controls(atlas: Atlas, state: ViewState) -> html.Aside:
    lang = state.lang
    schemes = ["quantiles", "fisher_jenks", "equal_interval", "std_mean", "user"]
    from dashboard.components.county_panel import county_panel, search_box
    from dashboard.components.programme_card import layer_controls

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
                        placeholder="自定义分级：100, 500, 1000"
                        if lang == "zh"
                        else "Your breaks: 100, 500, 1000",
                        style={"width": "100%"},
                    ),
                    dcc.Checklist(
                        id=ids.POOLED,
                        value=["pooled"] if state.pooled else [],
                        options=[
                            {
                                "label": "各时期统一分级（便于比较）"
                                if lang == "zh"
                                else "Same breaks for all periods",
                                "value": "pooled",
                            }
                        ],
                    ),
                    html.Label(
                        "配色（色盲友好）" if lang == "zh" else "Palette (colour-blind safe)",
                        htmlFor=ids.PALETTE,
                    ),
                    dcc.Dropdown(
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
            analysis_controls(state),
        ],
        className="atlas-controls",
    )


def analysis_controls(state: ViewState) -> html.Div:
    """Map mode and the parameters of the analysis methods."""
    lang = state.lang
    zh = lang == "zh"

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
            html.Label("地图内容" if zh else "Map shows", htmlFor=ids.MODE),
            dcc.Dropdown(
                id=ids.MODE,
                value=state.mode,
                clearable=False,
                options=methods.mode_options(lang),
            ),
            html.Div(
                [
                    num(
                        ids.PERMUTATIONS,
                        "置换次数" if zh else "Permutations",
                        state.perm,
                        *param_bounds("perm")[1:3],
                        1,
                    ),
                    num(
                        ids.SEED,
                        "随机种子" if zh else "Seed",
                        state.seed,
                        *param_bounds("seed")[1:3],
                        1,
                    ),
                    num(
                        ids.RADIUS,
                        "服务半径（公里）" if zh else "Radius (km)",
                        state.radius,
                        *param_bounds("radius")[1:3],
                        1,
                    ),
                    num(
                        ids.K,
                        "新增设施数 K" if zh else "New sites K",
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
                        "label": "错误发现率校正 (FDR)" if zh else "False discovery rate (FDR)",
                        "value": "fdr",
                    }
                ],
            ),
            html.Div(id=ids.ANALYSIS_STATUS, className="analysis-status idle", role="status"),
            html.Div(id=ids.ANALYSIS_RESULT, className="analysis-status", role="status"),
            html.Div(_mode_note(state), id=ids.ANALYSIS_NOTE, className="definition"),
        ],
        className="analysis-controls",
    )


def _mode_note(state):
    """The method note of the view's map mode (and the bivariate legend)."""
    mode = state.mode
    note = methods.note(mode, state.lang)
    if mode == "coverage":
        from dashboard.components.bivariate import bivariate_grid

        return [note, bivariate_grid(state.lang)]
    return note


def palette_options(lang: str) -> list[dict]:
    zh = lang == "zh"
    names = {
        "auto": ("自动（变化用发散色）", "Automatic (diverging for change)"),
        "YlOrRd": ("黄-橙-红", "Yellow-orange-red"),
        "Blues": ("蓝", "Blues"),
        "Purples": ("紫", "Purples"),
        "YlGnBu": ("黄-绿-蓝", "Yellow-green-blue"),
        "RdBu": ("红-蓝（发散）", "Red-blue (diverging)"),
        "PuOr": ("紫-橙（发散）", "Purple-orange (diverging)"),
    }
    return [{"label": z if zh else e, "value": v} for v, (z, e) in names.items()]
