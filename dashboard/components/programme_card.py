"""Programmes: pick a saved county set, compare it with the rest, or make a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.presenters import overlays

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def layer_controls(state: ViewState) -> html.Div:
    """Map layers a user can switch on (in the URL as ``layers``)."""
    zh = state.lang == "zh"
    return html.Div(
        [
            html.Label("图层" if zh else "Layers", htmlFor=ids.LAYERS),
            dcc.Checklist(
                id=ids.LAYERS,
                value=list(state.layers or []),
                options=[
                    {
                        "label": "服务设施（儿童之家、活动中心）"
                        if zh
                        else "Facilities (children's homes, activity centres)",
                        "value": "facilities",
                    },
                    {
                        "label": "项目范围轮廓" if zh else "Programme outline",
                        "value": "programme",
                    },
                ],
            ),
        ],
        className="layer-controls",
    )


def programme_card(atlas: Atlas, state: ViewState) -> html.Section:
    lang = state.lang
    zh = lang == "zh"
    pid = state.programme
    return html.Section(
        [
            html.Div(
                [
                    html.H2("项目县" if zh else "Programmes"),
                    html.P(
                        "项目是一组县（例如某关爱项目的目标县）：在地图上显示轮廓，可作为筛选条件，"
                        "并与其他县、与上一期比较。"
                        if zh
                        else "A programme is a named set of counties (for example the target "
                        "counties of a care project): outlined on the map, usable as a filter, "
                        "and compared with the rest and with the last period.",
                        className="definition",
                    ),
                    dcc.Dropdown(
                        id=ids.PROGRAMME,
                        options=overlays.programme_options(atlas, lang),
                        value=pid,
                        placeholder="选择项目…" if zh else "Choose a programme…",
                    ),
                    dcc.Checklist(
                        id=ids.PFILTER,
                        value=["only"] if state.pfilter else [],
                        options=[
                            {
                                "label": "只看项目县（表格、图表、汇总）"
                                if zh
                                else "Only programme counties (table, charts, totals)",
                                "value": "only",
                            }
                        ],
                    ),
                    html.Div(
                        comparison_table(
                            overlays.programme_comparison(atlas, pid, state.period, lang)
                            if pid is not None
                            else None,
                            lang,
                        ),
                        id=ids.PROG_COMPARE,
                    ),
                ],
                className="programme-view",
            ),
            html.Div(
                [
                    html.H3("新建项目" if zh else "New programme"),
                    dcc.Textarea(
                        id=ids.PROG_DRAFT,
                        value="",
                        placeholder="粘贴县代码或县名，每行一个或用逗号分隔；或在地图上点选、框选后添加。"
                        if zh
                        else "Paste county codes or names, one per line or comma-separated; "
                        "or pick counties on the map and add them.",
                        style={"width": "100%", "height": "90px"},
                    ),
                    html.Div(
                        [
                            html.Button(
                                "添加所点的县" if zh else "Add clicked county",
                                id=ids.PROG_ADD_SELECTED,
                                n_clicks=0,
                            ),
                            html.Button(
                                "添加框选的县" if zh else "Add selected counties",
                                id=ids.PROG_ADD_SELECTION,
                                n_clicks=0,
                            ),
                            html.Button("清空" if zh else "Clear", id=ids.PROG_CLEAR, n_clicks=0),
                        ],
                        className="programme-buttons",
                    ),
                    html.Div(id=ids.PROG_PREVIEW, className="definition", role="status"),
                    dcc.Store(id=ids.PROG_DRAFT_CODES, data=[]),
                    dcc.Store(id=ids.PROG_CSRF, data=_csrf() or ""),
                    html.Div(
                        [
                            dcc.Input(
                                id=ids.PROG_NAME,
                                type="text",
                                maxLength=80,
                                placeholder="项目名称" if zh else "Programme name",
                            ),
                            html.Button("保存" if zh else "Save", id=ids.PROG_SAVE, n_clicks=0),
                        ],
                        className="programme-save",
                    ),
                    html.Div(id=ids.PROG_STATUS, role="status", className="programme-status"),
                ],
                className="programme-edit",
            ),
        ],
        className="atlas-programme-card",
    )


def _csrf() -> str | None:
    """This session's CSRF token for the save button (none outside a request: tests)."""
    from flask import has_request_context

    from dashboard.accounts.session import csrf_token

    return csrf_token() if has_request_context() else None


def comparison_table(cmp: dict | None, lang: str) -> list:
    """Inside versus outside, with the change since the previous period."""
    zh = lang == "zh"
    if cmp is None:
        return []
    prev = cmp["previous"] or ("无上一期" if zh else "no previous period")
    head = (
        ["指标", "项目县", "其他县", f"项目县变化（较 {prev}）", "其他县变化"]
        if zh
        else ["Indicator", "Inside", "Outside", f"Inside change (since {prev})", "Outside change"]
    )
    caption = (
        f"{cmp['name']}：{cmp['n_inside']} 个县，{cmp['provinces']} 个省；其他 {cmp['n_outside']:,} 个县 · "
        f"{cmp['period']}"
        if zh
        else f"{cmp['name']}: {cmp['n_inside']} counties in {cmp['provinces']} provinces; "
        f"{cmp['n_outside']:,} other counties · {cmp['period']}"
    )
    rows = [
        html.Tr(
            [
                html.Td(r["indicator"]),
                html.Td(r["inside"], className="num"),
                html.Td(r["outside"], className="num"),
                html.Td(r["inside_change"], className="num"),
                html.Td(r["outside_change"], className="num"),
            ]
        )
        for r in cmp["rows"]
    ]
    note = (
        "合计为各县之和，比率为合计之比（不是各县比率的平均）。"
        if zh
        else "Totals are sums over the counties; rates are ratios of the sums (not means of "
        "county rates)."
    )
    if cmp["synthetic"]:
        note += " " + (
            "合成演示数据，不是统计数字。" if zh else "Synthetic demo data, not statistics."
        )
    return [
        html.Table(
            [
                html.Caption(caption),
                html.Thead(html.Tr([html.Th(h) for h in head])),
                html.Tbody(rows),
            ],
            className="programme-table",
        ),
        html.P(note, className="definition"),
    ]
