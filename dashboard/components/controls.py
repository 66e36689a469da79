"""The control panel: indicator, period, classification."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.services import Atlas
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


def controls(atlas: Atlas, state: dict) -> html.Aside:
    lang = state["lang"]
    schemes = ["quantiles", "fisher_jenks", "equal_interval", "std_mean"]
    return html.Aside(
        [
            html.Div(
                [
                    html.Label(t("indicator", lang), htmlFor=ids.INDICATOR),
                    dcc.Dropdown(
                        id=ids.INDICATOR,
                        options=indicator_options(lang),
                        value=state["indicator"],
                        clearable=False,
                    ),
                    html.P(
                        definition(state["indicator"], lang),
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
                        value=state["period"],
                        clearable=False,
                    ),
                ]
            ),
            html.Div(
                [
                    html.Label(t("scheme", lang), htmlFor=ids.SCHEME),
                    dcc.Dropdown(
                        id=ids.SCHEME,
                        options=[{"label": t(s, lang), "value": s} for s in schemes],
                        value=state["scheme"],
                        clearable=False,
                    ),
                ]
            ),
            html.Div(id=ids.SUMMARY, className="atlas-summary"),
        ],
        className="atlas-controls",
    )
