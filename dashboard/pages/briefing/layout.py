"""The briefing view (``?briefing=1``): the current view as a sheet, without controls.

Title (indicator, region, period), subtitle, the explorer's map drawn static (its colour
bar is the legend, with breaks, counts and units), source line (and the synthetic
notice), boundary credit, date and map review number, plus the export links. The text
comes from :func:`dashboard.sheets.briefing.sheet_text`, the same as on exported files.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages.explorer.export_links import export_links
from dashboard.presenters import map as map_views
from dashboard.sheets.briefing import sheet_text

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def briefing_page(atlas, state: ViewState, search: str | None) -> html.Div:
    lang = state.lang
    text = sheet_text(atlas, state, today=dt.date.today())
    fig = map_views.view_figure(atlas, state)  # a copy: the explorer's figure, edited here
    credit = t("boundary_credit", lang)  # in the footer below: not twice
    fig["layout"]["annotations"] = [
        a for a in fig["layout"].get("annotations", []) if a.get("text") != credit
    ]
    head: list = [
        html.H1(text.title, id=ids.TITLE),
        html.P(text.subtitle, className="briefing-subtitle"),
    ]
    if text.synthetic:
        head.append(
            html.P(
                t("briefing.synthetic_tag", lang),
                className="briefing-tag",
                role="status",
            )
        )
    return html.Div(
        [
            html.Article(
                [
                    html.Header(head, className="briefing-head"),
                    dcc.Graph(
                        id=ids.BRIEFING_MAP,
                        figure=fig,
                        config={
                            "staticPlot": True,
                            "displayModeBar": False,
                            "topojsonURL": map_views.TOPOJSON_URL,
                        },
                        className="briefing-map",
                    ),
                    html.Footer(
                        [
                            html.P(
                                text.source,
                                className="briefing-source"
                                + (" synthetic" if text.synthetic else ""),
                            ),
                            html.P(
                                " · ".join(s for s in (text.credit, text.review) if s),
                                className="briefing-credit",
                            ),
                            html.P(text.date, className="briefing-date"),
                        ],
                        className="briefing-foot",
                    ),
                ],
                className="briefing-sheet",
                lang="zh-CN" if lang == "zh" else "en",
            ),
            export_links(search, lang, briefing=True),
        ],
        className="briefing-page",
    )
