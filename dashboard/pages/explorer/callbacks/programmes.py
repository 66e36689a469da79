"""Overlays and programmes: layers on the map, county sets, their comparison."""

from __future__ import annotations

from dash import Input, Output, Patch, State, ctx, html, no_update

from dashboard import ids
from dashboard.accounts.session import current_user, private_callback
from dashboard.atlas import Atlas
from dashboard.i18n import t
from dashboard.pages.explorer.programme_card import comparison_table
from dashboard.presenters import overlays


def register(app, atlas: Atlas) -> None:
    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Input(ids.LAYERS, "value"),
        Input(ids.PROGRAMME, "value"),
        Input(ids.REGION, "data"),
        Input(ids.PERIOD, "value"),
        Input(ids.SELECTED, "data"),
        Input(ids.PROG_DRAFT_CODES, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def draw_overlays(layers, programme, region, period, selected, draft, lang):
        return overlays.overlay_patch(
            atlas,
            Patch(),
            period=period,
            region=region,
            layers=layers,
            programme_id=programme,
            draft=draft,
            selected=selected,
            lang=lang,
        )

    @app.callback(
        Output(ids.PROG_COMPARE, "children"),
        Input(ids.PROGRAMME, "value"),
        Input(ids.PERIOD, "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def compare(programme, period, lang):
        cmp = overlays.programme_comparison(atlas, programme, period, lang) if programme else None
        return comparison_table(cmp, lang)

    @app.callback(
        Output(ids.PROG_DRAFT, "value"),
        Input(ids.PROG_ADD_SELECTED, "n_clicks"),
        Input(ids.PROG_ADD_SELECTION, "n_clicks"),
        Input(ids.PROG_CLEAR, "n_clicks"),
        State(ids.PROG_DRAFT, "value"),
        State(ids.SELECTED, "data"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def edit_draft(_a, _b, _c, text, selected, selection):
        trigger = ctx.triggered_id
        if trigger == ids.PROG_CLEAR:
            return ""
        add = [selected] if trigger == ids.PROG_ADD_SELECTED and selected else []
        if trigger == ids.PROG_ADD_SELECTION:
            add = list(selection or [])
        if not add:
            return no_update
        return overlays.draft_with(text or "", add)

    @app.callback(
        Output(ids.PROG_DRAFT_CODES, "data"),
        Output(ids.PROG_PREVIEW, "children"),
        Input(ids.PROG_DRAFT, "value"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def preview(text, lang):
        if not (text or "").strip():
            return None, ""
        try:
            parsed = atlas.parse_programme(text)
        except ValueError as exc:
            return None, str(exc)
        return list(parsed.codes) or None, preview_lines(parsed, lang)

    @app.callback(
        Output(ids.PROG_STATUS, "children"),
        Output(ids.PROGRAMME, "options"),
        Output(ids.PROGRAMME, "value"),
        Output(ids.PROG_DRAFT, "value", allow_duplicate=True),
        Input(ids.PROG_SAVE, "n_clicks"),
        State(ids.PROG_NAME, "value"),
        State(ids.PROG_DRAFT_CODES, "data"),
        State(ids.PROG_CSRF, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    @private_callback("editor", write=True, denied=_save_denied)
    def save(_n, name, codes, csrf, lang):
        user = current_user()
        try:
            pid = atlas.save_programme(name, codes or [], user=user.name)
        except ValueError as exc:
            return (
                t("programme.not_saved", lang).format(msg=exc),
                no_update,
                no_update,
                no_update,
            )
        done = t("programme.saved", lang).format(pid=pid)
        return done, overlays.programme_options(atlas, lang), pid, ""


def _save_denied(lang=None, **_):
    """Saving without an editor sign-in: say so, with a link to sign in."""
    msg = t("programme.needs_editor", lang)
    link = html.A(t("programme.sign_in", lang), href=f"/login?next=/&lang={lang or 'zh'}")
    return [msg, link], no_update, no_update, no_update


def preview_lines(parsed, lang: str) -> list:
    """What a pasted list became: counties used, and each entry not used with why."""
    head = t("programme.recognised", lang).format(
        n=len(parsed.codes), provinces=len({c[:2] for c in parsed.codes})
    )
    items = [html.Li(f"#{n} {entry}: {reason}") for n, entry, reason in parsed.problems[:20]]
    if len(parsed.problems) > 20:
        more = len(parsed.problems) - 20
        items.append(html.Li(t("programme.more_entries", lang).format(n=more)))
    notes = [html.Li(f"#{n} {note}", className="note") for n, _, note in parsed.notes[:10]]
    out: list = [html.Span(head)]
    if items:
        out.append(html.Span(t("programme.not_used", lang).format(n=len(parsed.problems))))
        out.append(html.Ul(items, className="programme-problems"))
    if notes:
        out.append(html.Ul(notes, className="programme-notes"))
    return out
