"""The upload page (``/upload``): sign-in link, file upload, column mapping, validation
report, commit or cancel, and the list of dataset versions with restore and delete.

Only components here; the work is done in :mod:`dashboard.uploads` and the callbacks in
:mod:`dashboard.pages.upload.callbacks`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import STRINGS, t
from dashboard.pages.frame import error_banner, header
from dashboard.uploads import DATUMS

#: Largest file the page accepts (the browser sends it base64-encoded, 4/3 larger,
#: and the whole request must stay under MAX_CONTENT_LENGTH). Larger: API or CLI.
PAGE_MAX_BYTES = 40 * 2**20
PROBLEMS_SHOWN = 200


def page_lang(atlas, search: str | None) -> str:
    q = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    return q.get("lang") if q.get("lang") in ("zh", "en") else atlas.settings.default_lang


def upload_page(atlas, search: str | None = None) -> html.Div:
    from dashboard import uploads
    from dashboard.accounts.session import csrf_token, current_user

    lang = page_lang(atlas, search)
    user = current_user()
    head = header("/upload", search, lang)
    stores = [
        dcc.Store(id=ids.UP_CSRF, data=csrf_token()),
        dcc.Store(id=ids.UP_LANG, data=lang),
    ]
    if user is None:
        login = "/login?" + urlencode({"next": f"/upload?lang={lang}", "lang": lang})
        body = [
            html.P(t("upload_signin_needed", lang)),
            html.A(t("login_title", lang), href=login, id="upload-login-link", className="button"),
        ]
    else:
        rows = uploads.datasets(atlas)
        body = []
        if user.is_editor:
            body.append(_upload_section(atlas, lang))
        else:
            body.append(html.P(t("upload_viewer_only", lang), className="upload-note"))
        body.append(_datasets_section(rows, lang, user.is_editor))
    return html.Div(
        [
            *stores,
            error_banner(),
            head,
            html.Main(body, className="upload-body"),
            html.Footer(t("boundary_credit", lang), className="atlas-footer"),
        ]
    )


def _upload_section(atlas, lang: str) -> html.Section:
    from geodata.periods import next_period

    periods = atlas.periods()
    default_period = next_period(periods[-1]) if periods else ""
    return html.Section(
        [
            html.H2(t("upload_title", lang)),
            html.Div(
                [
                    html.Label(
                        [
                            t("upload_kind", lang),
                            dcc.RadioItems(
                                id=ids.UP_KIND,
                                options=[
                                    {"label": t("kind_children", lang), "value": "children"},
                                    {"label": t("kind_facilities", lang), "value": "facilities"},
                                ],
                                value="children",
                                inline=True,
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            t("upload_period", lang),
                            dcc.Input(
                                id=ids.UP_PERIOD,
                                value=default_period,
                                type="text",
                                debounce=True,
                                placeholder="2025-H1",
                                maxLength=16,
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            t("upload_datum", lang),
                            dcc.Dropdown(
                                id=ids.UP_DATUM,
                                options=[
                                    {"label": "WGS-84", "value": "wgs84"},
                                    {"label": "GCJ-02", "value": "gcj02"},
                                    {"label": "BD-09", "value": "bd09"},
                                ],
                                value=DATUMS[0],
                                clearable=False,
                                style={"width": "140px"},
                            ),
                        ]
                    ),
                ],
                className="upload-params",
            ),
            dcc.Upload(
                id=ids.UP_FILE,
                children=html.Div(t("upload_drop", lang)),
                accept=".csv,.txt,.xlsx,.xlsm,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                max_size=PAGE_MAX_BYTES,
                multiple=False,
                className="upload-drop",
            ),
            html.Div(id=ids.UP_STATUS, className="upload-status", role="status"),
            dcc.Store(id=ids.UP_STAGE),
            dcc.Store(id=ids.UP_VALIDATED),
            html.Div(id=ids.UP_MAPPING, className="upload-mapping"),
            html.Div(
                [
                    html.Button(t("validate", lang), id=ids.UP_VALIDATE, disabled=True),
                    html.Button(t("commit", lang), id=ids.UP_COMMIT, disabled=True),
                    html.Button(t("cancel", lang), id=ids.UP_CANCEL, disabled=True),
                    html.Button(t("download_problems", lang), id=ids.UP_DOWNLOAD_BTN, hidden=True),
                    dcc.Download(id=ids.UP_DOWNLOAD),
                ],
                className="upload-actions",
            ),
            dcc.Loading(html.Div(id=ids.UP_REPORT, className="upload-report"), type="dot"),
        ],
        className="upload-card",
    )


def file_status(info: dict, lang: str) -> str:
    enc = f", {info['encoding']}" if info.get("encoding") else ""
    enc += f", {info['sheet']}" if info.get("sheet") else ""
    return t("upload_file_read", lang).format(
        name=info["filename"], rows=f"{info['rows']:,}", fmt=info["format"].upper(), enc=enc
    )


def mapping_editor(info: dict, lang: str) -> html.Div:
    """One dropdown per field, pre-filled with the detected column."""
    options = [{"label": t("mapping_none", lang), "value": ""}] + [
        {"label": h, "value": h} for h in info["headers"] if h
    ]
    rows = []
    for fld in info["fields"]:
        rows.append(
            html.Div(
                [
                    html.Span(t(f"field_{fld}", lang), className="mapping-field", title=fld),
                    dcc.Dropdown(
                        id={"type": ids.UP_MAP_FIELD, "field": fld},
                        options=options,
                        value=info["mapping"].get(fld, ""),
                        clearable=False,
                        className="mapping-select",
                    ),
                ],
                className="mapping-row",
            )
        )
    return html.Div([html.H3(t("upload_mapping", lang)), html.Div(rows, className="mapping-grid")])


def report_view(rep: dict[str, Any], lang: str, message: str = "") -> html.Div:
    """Counts, remapped codes and the first problems of an import report."""
    counts = html.Div(
        [
            html.Div(
                [html.Span(f"{rep[k]:,}", className="count-value"), html.Span(t(k, lang))],
                className=f"count count-{k}",
                id=f"report-{k}",
            )
            for k in ("rows_total", "rows_imported", "rows_skipped", "rows_rejected")
        ],
        className="report-counts",
    )
    parts: list = [html.H3(t("report_title", lang)), counts]
    if message:
        parts.insert(1, html.P(message, className="report-message", id="report-message"))
    if rep.get("codes_remapped"):
        pairs = ", ".join(f"{a} → {b}" for a, b in rep["codes_remapped"].items())
        parts.append(html.P(f"{t('codes_remapped', lang)}: {pairs}"))
    problems = rep.get("problems") or []
    if problems:
        head = ["problem_row", "problem_column", "problem_value", "problem_severity"]
        head.append("problem_reason")
        table = html.Table(
            [
                html.Thead(html.Tr([html.Th(t(h, lang)) for h in head])),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td("" if p.get("row") is None else p["row"]),
                                html.Td(p.get("column") or ""),
                                html.Td(str(p.get("value") or "")[:60]),
                                html.Td(t(f"rows_{p.get('severity')}", lang)),
                                html.Td(reason_text(p, lang)),
                            ],
                            className=f"sev-{p.get('severity')}",
                        )
                        for p in problems[:PROBLEMS_SHOWN]
                    ]
                ),
            ],
            className="problems-table",
            id="problems-table",
        )
        parts.append(table)
        if len(problems) > PROBLEMS_SHOWN:
            parts.append(html.P(t("problems_more", lang).format(n=PROBLEMS_SHOWN)))
    return html.Div(parts)


def report_view_message(message: str) -> html.P:
    return html.P(message, className="report-message", id="report-message")


def _datasets_section(rows: list[dict], lang: str, editable: bool) -> html.Section:
    return html.Section(
        [
            html.H2(t("datasets_title", lang)),
            html.Div(id=ids.DS_STATUS, className="upload-status", role="status"),
            html.Div(datasets_table(rows, lang, editable), id=ids.DS_LIST),
            dcc.Store(id=ids.DS_REFRESH),
            dcc.Store(id=ids.DS_PENDING),
            dcc.ConfirmDialog(id=ids.DS_CONFIRM, message=""),
        ],
        className="upload-card",
    )


def kind_label(kind: str, lang: str) -> str:
    return t(f"kind_{kind}", lang)


def datasets_table(rows: list[dict], lang: str, editable: bool) -> html.Table:
    head = ["ds_kind", "period", "ds_version", "ds_active", "ds_source", "ds_created", "ds_by"]
    head.append("ds_rows")
    cells = [html.Th(t(h, lang)) for h in head]
    if editable:
        cells.append(html.Th(""))
    body = []
    for r in rows:
        key = f"{r['kind']}|{r['period']}|{r['version']}"
        source = r["source"] + (f" ({t('ds_synthetic', lang)})" if r["synthetic"] else "")
        tds = [
            html.Td(kind_label(r["kind"], lang)),
            html.Td(r["period"]),
            html.Td(r["version"]),
            html.Td("✓" if r["active"] else ""),
            html.Td(source),
            html.Td((r["created_at"] or "")[:16].replace("T", " ")),
            html.Td(r["created_by"] or ""),
            html.Td(f"{r['row_count']:,}"),
        ]
        if editable:
            buttons = []
            if not r["active"]:
                buttons.append(
                    html.Button(t("restore", lang), id={"type": ids.DS_RESTORE, "key": key})
                )
            buttons.append(
                html.Button(
                    t("delete", lang),
                    id={"type": ids.DS_DELETE, "key": key},
                    className="danger",
                )
            )
            tds.append(html.Td(buttons))
        body.append(html.Tr(tds, className="active" if r["active"] else None))
    return html.Table(
        [html.Thead(html.Tr(cells)), html.Tbody(body)],
        className="datasets-table",
        id="datasets-table",
    )


#: The validation rules the report names (``rule.<name>`` in the catalogue: the rule's
#: meaning; in Chinese it leads the English detail, which carries the value and the row's
#: specifics, so nothing is lost in translation).
RULES: tuple[str, ...] = tuple(k[len("rule.") :] for k in STRINGS if k.startswith("rule."))


def reason_text(problem: dict, lang: str) -> str:
    """A problem's reason: in Chinese, the rule's meaning first, then the English detail."""
    reason = problem.get("reason") or ""
    if lang != "zh":
        return reason
    rule = problem.get("rule") or ""
    label = t(f"rule.{rule}", "zh") if rule in RULES else ""
    return f"{label}：{reason}" if label else reason
