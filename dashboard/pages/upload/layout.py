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
from dashboard.i18n import STRINGS, dropdown_labels, fmt_number, t
from dashboard.pages.frame import error_banner, header
from dashboard.uploads import DATUMS

#: Largest file the page accepts (the browser sends it base64-encoded, 4/3 larger,
#: and the whole request must stay under MAX_CONTENT_LENGTH). Larger: API or CLI.
PAGE_MAX_BYTES = 40 * 2**20
PROBLEMS_SHOWN = 200
MISSING_SHOWN = 60


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
        body.append(_round_section(atlas, user, lang))
        if user.is_editor:
            body.append(_upload_section(atlas, lang, user))
        else:
            body.append(html.P(t("upload_viewer_only", lang), className="upload-note"))
        subs = uploads.submissions(atlas, user)
        if subs:
            body.append(_submissions_section(subs, lang))
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


def _round_section(atlas, user, lang: str) -> html.Section:
    """The collection round of the user's region: period, deadline, days left, who has
    reported and who not (by province at national level)."""
    region = user.scope
    try:
        comp = atlas.completeness(None, region)
    except (KeyError, ValueError):
        return html.Section(id=ids.UP_ROUND)
    line = t("round.line", lang).format(
        period=comp["period"],
        reported=fmt_number(comp["reported"], lang, 0),
        expected=fmt_number(comp["expected"], lang, 0),
    )
    if comp["deadline"]:
        left = comp["days_left"]
        key = "round.days_left" if left >= 0 else "round.overdue"
        line += " " + t(key, lang).format(deadline=comp["deadline"], n=abs(left))
    missing = comp["missing"][:MISSING_SHOWN]
    items = [html.Li(f"{m['code']} {m['name_zh'] if lang == 'zh' else m['name_en'] or m['name_zh']}")
             for m in missing]  # fmt: skip
    if comp["missing_count"] > len(missing):
        items.append(html.Li(t("round.more", lang).format(
            n=comp["missing_count"] - len(missing))))  # fmt: skip
    link = f"/?mode=reporting&period={comp['period']}&lang={lang}" + (
        f"&region={region}" if region and len(region) == 6 and region.endswith("00") else ""
    )
    return html.Section(
        [
            html.H2(t("round.title", lang)),
            html.P(line, id="round-line"),
            html.Details(
                [html.Summary(t("round.missing", lang)), html.Ul(items, className="missing-list")]
            )
            if items
            else None,
            html.A(t("round.map_link", lang), href=link, className="nav-link"),
        ],
        className="upload-card",
        id=ids.UP_ROUND,
    )


def _submissions_section(subs: list[dict], lang: str) -> html.Section:
    """Uploads waiting for review: the submitter sees their state (and the note of a
    return); an editor whose region contains one approves or returns it."""
    return html.Section(
        [
            html.H2(t("review.title", lang)),
            html.Div(id=ids.SUB_STATUS, className="upload-status", role="status"),
            html.Div(submissions_table(subs, lang), id=ids.SUB_LIST),
        ],
        className="upload-card",
    )


def submissions_table(subs: list[dict], lang: str) -> html.Table:
    head = ["review.id", "ds_kind", "period", "ds_by", "review.state", "review.note"]
    rows = []
    for s in subs:
        key = str(s["id"])
        note: Any = s.get("review_note") or ""
        actions = None
        if s.get("may_review"):
            note = dcc.Input(id={"type": ids.SUB_NOTE, "key": key}, type="text", maxLength=500,
                             placeholder=t("review.note", lang))  # fmt: skip
            actions = html.Td(
                [
                    html.Button(
                        t("review.approve", lang), id={"type": ids.SUB_APPROVE, "key": key}
                    ),
                    html.Button(
                        t("review.return", lang),
                        id={"type": ids.SUB_RETURN, "key": key},
                        className="danger",
                    ),  # fmt: skip
                ]
            )
        rows.append(
            html.Tr(
                [
                    html.Td(s["id"]),
                    html.Td(kind_label(s["kind"], lang)),
                    html.Td(s["period"]),
                    html.Td(s["created_by"] or ""),
                    html.Td(t(f"review.{s['state']}", lang), className=f"state-{s['state']}"),
                    html.Td(note),
                    actions,
                ]
            )
        )
    return html.Table(
        [html.Thead(html.Tr([html.Th(t(h, lang)) for h in head] + [html.Th("")])),
         html.Tbody(rows)],
        className="datasets-table",
        id="submissions-table",
    )  # fmt: skip


def _upload_section(atlas, lang: str, user=None) -> html.Section:
    # Proposed period: the latest with data, never a later one (a file's own period,
    # from its title, period column or name, replaces it when the file is read).
    default_period = atlas.latest_period() or ""
    region = getattr(user, "scope", None) or ""
    template = f"/api/v1/template.xlsx?region={region or '100000'}&kind=children"
    return html.Section(
        [
            html.H2(t("upload_title", lang)),
            html.P(
                [
                    t("upload_template_intro", lang),
                    html.A(t("upload_template", lang), href=template, id=ids.UP_TEMPLATE),
                    " · ",
                    html.A(
                        t("upload_template_facilities", lang),
                        href=template.replace("kind=children", "kind=facilities"),
                    ),
                ],
                className="upload-note",
            ),
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
                            t("upload_mode", lang),
                            dcc.RadioItems(
                                id=ids.UP_MODE,
                                options=[
                                    {"label": t("mode_merge", lang), "value": "merge"},
                                    {"label": t("mode_replace", lang), "value": "replace"},
                                ],
                                value="merge",
                                inline=True,
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            t("upload_scope", lang),
                            dcc.Input(
                                id=ids.UP_SCOPE,
                                value=region or "100000",
                                type="text",
                                maxLength=6,
                                placeholder="520000",
                                style={"width": "90px"},
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            t("upload_datum", lang),
                            dcc.Dropdown(
                                labels=dropdown_labels(lang),
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
                        labels=dropdown_labels(lang),
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
    if rep.get("rows_imported") and "counties_updated" in rep:
        parts.append(change_view(rep, lang))
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


def change_view(rep: dict[str, Any], lang: str) -> html.Div:
    """What the commit changes (or changed): N updated, M new, K unchanged and, for a
    replace, the counties that become not reported."""
    key = "preview.done" if rep.get("dataset_version") else "preview.title"
    if rep.get("submission_id"):
        key = "preview.submitted"
    mode = t(f"mode_short_{rep['mode']}", lang) + (f" · {rep['scope']}" if rep.get("scope") else "")
    line = t("preview.line", lang).format(
        updated=fmt_number(rep["counties_updated"], lang, 0),
        added=fmt_number(rep["counties_added"], lang, 0),
        unchanged=fmt_number(rep["counties_unchanged"], lang, 0),
    )
    parts: list = [html.Strong(t(key, lang).format(mode=mode)), " ", line]
    if rep["mode"] == "replace":
        codes = (rep.get("changes") or {}).get("unreported") or []
        parts += [
            html.Br(),
            html.Span(
                t("preview.unreported", lang).format(n=fmt_number(len(codes), lang, 0)),
                className="preview-unreported",
            ),
            " " + ", ".join(codes[:MISSING_SHOWN]) + (" …" if len(codes) > MISSING_SHOWN else ""),
        ]
    return html.Div(parts, className="change-preview", id="change-preview")


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
        # A merged version over the demo still holds synthetic values: it says so.
        tag = "ds_mixed" if r.get("mode") else "ds_synthetic"
        if r["synthetic"] and not r.get("mode"):  # a version of the demo itself: its
            source = t("panel.synthetic", lang)  # stored source line is English
        else:
            source = r["source"] + (f" ({t(tag, lang)})" if r["synthetic"] else "")
        if r.get("mode"):
            source += f" · {t('mode_short_' + r['mode'], lang)}" + (
                f" {r['scope']}" if r.get("scope") else ""
            )
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
