"""Programmes: pick a saved county set, compare it with the rest, or make a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.i18n import dropdown_labels, t
from dashboard.presenters import overlays

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState


def layer_controls(state: ViewState) -> html.Div:
    """Map layers a user can switch on (in the URL as ``layers``)."""
    lang = state.lang
    return html.Div(
        [
            html.Label(t("layers.title", lang), htmlFor=ids.LAYERS),
            dcc.Checklist(
                id=ids.LAYERS,
                value=list(state.layers or []),
                options=[
                    {
                        "label": t("layers.facilities", lang),
                        "value": "facilities",
                    },
                    {
                        "label": t("layers.programme", lang),
                        "value": "programme",
                    },
                ],
            ),
        ],
        className="layer-controls",
    )


def programme_card(atlas: Atlas, state: ViewState) -> html.Section:
    lang = state.lang
    pid = state.programme
    return html.Section(
        [
            html.Div(
                [
                    html.H2(t("programme.title", lang)),
                    html.P(t("programme.intro", lang), className="definition"),
                    dcc.Dropdown(
                        labels=dropdown_labels(lang),
                        id=ids.PROGRAMME,
                        options=overlays.programme_options(atlas, lang),
                        value=pid,
                        placeholder=t("programme.choose", lang),
                    ),
                    dcc.Checklist(
                        id=ids.PFILTER,
                        value=["only"] if state.pfilter else [],
                        options=[
                            {
                                "label": t("programme.only", lang),
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
                    html.H3(t("programme.new", lang)),
                    dcc.Textarea(
                        id=ids.PROG_DRAFT,
                        value="",
                        placeholder=t("programme.draft_hint", lang),
                        style={"width": "100%", "height": "90px"},
                    ),
                    html.Div(
                        [
                            html.Button(
                                t("programme.add_clicked", lang),
                                id=ids.PROG_ADD_SELECTED,
                                n_clicks=0,
                            ),
                            html.Button(
                                t("programme.add_selected", lang),
                                id=ids.PROG_ADD_SELECTION,
                                n_clicks=0,
                            ),
                            html.Button(t("programme.clear", lang), id=ids.PROG_CLEAR, n_clicks=0),
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
                                placeholder=t("programme.name", lang),
                            ),
                            html.Button(t("programme.save", lang), id=ids.PROG_SAVE, n_clicks=0),
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
    """This session's CSRF token for the save button, for a signed-in user only: saving
    needs an editor anyway, and without it a visitor's layout is the same for every
    visitor (cached and answered 304 across sessions; see dashboard/web/layout_cache.py).
    None outside a request (tests)."""
    from flask import has_request_context

    from dashboard.accounts.session import csrf_token, current_user

    if not has_request_context() or current_user() is None:
        return None
    return csrf_token()


def comparison_table(cmp: dict | None, lang: str) -> list:
    """Inside versus outside, with the change since the previous period."""
    if cmp is None:
        return []
    prev = cmp["previous"] or t("programme.no_previous", lang)
    head = [
        t(f"programme.col.{c}", lang).format(prev=prev)
        for c in ("indicator", "inside", "outside", "inside_change", "outside_change")
    ]
    caption = t("programme.caption", lang).format(
        name=cmp["name"],
        n_inside=cmp["n_inside"],
        provinces=cmp["provinces"],
        n_outside=f"{cmp['n_outside']:,}",
        period=cmp["period"],
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
    note = t("programme.note", lang)
    if cmp["synthetic"]:
        note += " " + t("programme.synthetic", lang)
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
