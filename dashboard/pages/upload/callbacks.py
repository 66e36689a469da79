"""Upload page callbacks: thin wrappers over :mod:`dashboard.uploads`.

Every callback that changes data checks that an editor is signed in and that the
page's CSRF token matches the session's (the cookie alone is not enough).
"""

from __future__ import annotations

import time

from dash import ALL, Input, Output, State, ctx, dcc, no_update

from dashboard import ids, uploads
from dashboard.accounts.session import allowed_user, private_callback
from dashboard.i18n import t
from dashboard.pages.upload import layout as page
from geodata.ingest import ImportFileError


def _editor(csrf: str | None):
    """The signed-in editor if the page's CSRF token matches, else None."""
    return allowed_user("editor", csrf or "")


def _wizard_denied(lang=None, **_):
    """The wizard's outputs when the session has ended: a message, the file dropped."""
    out = [no_update] * 12
    out[2] = t("session_expired", lang or "zh")  # status
    out[9] = None  # contents
    return tuple(out)


def _datasets_denied(lang=None, **_):
    return no_update, t("session_expired", lang or "zh")


def register(app, atlas) -> None:
    settings = atlas.settings
    register_review(app, atlas)

    @app.callback(
        Output(ids.UP_STAGE, "data"),
        Output(ids.UP_MAPPING, "children"),
        Output(ids.UP_STATUS, "children"),
        Output(ids.UP_REPORT, "children"),
        Output(ids.UP_VALIDATED, "data"),
        Output(ids.UP_VALIDATE, "disabled"),
        Output(ids.UP_COMMIT, "disabled"),
        Output(ids.UP_CANCEL, "disabled"),
        Output(ids.UP_DOWNLOAD_BTN, "hidden"),
        Output(ids.UP_FILE, "contents"),
        Output(ids.UP_PERIOD, "value"),
        Output(ids.DS_REFRESH, "data"),
        Input(ids.UP_FILE, "contents"),
        Input(ids.UP_KIND, "value"),
        Input(ids.UP_VALIDATE, "n_clicks"),
        Input(ids.UP_COMMIT, "n_clicks"),
        Input(ids.UP_CANCEL, "n_clicks"),
        State(ids.UP_FILE, "filename"),
        State(ids.UP_STAGE, "data"),
        State(ids.UP_VALIDATED, "data"),
        State({"type": ids.UP_MAP_FIELD, "field": ALL}, "value"),
        State({"type": ids.UP_MAP_FIELD, "field": ALL}, "id"),
        State(ids.UP_PERIOD, "value"),
        State(ids.UP_DATUM, "value"),
        State(ids.UP_CSRF, "data"),
        State(ids.UP_LANG, "data"),
        State(ids.UP_MODE, "value"),
        State(ids.UP_SCOPE, "value"),
        prevent_initial_call=True,
    )
    @private_callback("editor", write=True, denied=_wizard_denied)
    def wizard(contents, kind, _v, _c, _x, filename, stage, validated, values, map_ids, period,
               datum, csrf, lang, mode, scope):  # fmt: skip
        lang = lang or "zh"
        out = dict.fromkeys(
            [
                "stage",
                "mapping",
                "status",
                "report",
                "validated",
                "v_off",
                "c_off",
                "x_off",
                "dl_hidden",
                "contents",
                "period",
                "refresh",
            ],
            no_update,
        )
        user = _editor(csrf)
        trigger = ctx.triggered_id

        def reset(status: str = "") -> None:
            out.update(
                stage=None, mapping=None, status=status, validated=None, v_off=True,
                c_off=True, x_off=True, dl_hidden=True, contents=None,
            )  # fmt: skip

        if trigger == ids.UP_CANCEL:
            uploads.discard(settings, (stage or {}).get("token"), user.name)
            reset(t("upload_cancelled", lang))
            out["report"] = None
            return tuple(out.values())

        if trigger in (ids.UP_FILE, ids.UP_KIND):
            if trigger == ids.UP_KIND and not stage:
                return tuple(out.values())
            try:
                if trigger == ids.UP_FILE:
                    if not contents:
                        return tuple(out.values())
                    data = uploads.decode_contents(contents)
                    uploads.discard(settings, (stage or {}).get("token"), user.name)
                    token = uploads.stage(settings, user.name, filename or "upload", data)
                else:
                    token = stage["token"]
                    filename, data = uploads.staged(settings, token, user.name)
                info = uploads.preview(data, filename or "upload", kind)
            except (ImportFileError, ValueError, LookupError) as exc:
                reset(t("upload_error", lang).format(msg=_one_line(exc)))
                out["report"] = None
                return tuple(out.values())
            info["token"] = token
            out.update(
                stage=info, mapping=page.mapping_editor(info, lang),
                status=page.file_status(info, lang), report=None, validated=None,
                v_off=False, c_off=True, x_off=False, dl_hidden=True, contents=None,
            )  # fmt: skip
            if info.get("period_hint"):  # the file's own period wins over the default
                out["period"] = info["period_hint"]
            return tuple(out.values())

        if not stage:
            return tuple(out.values())
        params = _params(stage, kind, period, datum, values, map_ids, mode, scope)
        who = {
            "user": user.name,
            "region": user.scope,
            "submit": uploads.needs_review(settings, user),
        }
        try:
            filename, data = uploads.staged(settings, stage["token"], user.name)
            if trigger == ids.UP_VALIDATE:
                report = uploads.run_import(
                    atlas, data, filename, dry_run=True, **who, **_kw(params)
                )
                uploads.save_problems(settings, stage["token"], user.name, report)
                rep = report.to_json()
                msg = "" if rep["rows_imported"] else t("report_nothing", lang)
                out.update(
                    report=page.report_view(rep, lang, msg),
                    validated={**params, "rows_imported": rep["rows_imported"]},
                    c_off=rep["rows_imported"] == 0,
                    dl_hidden=not rep["problems"],
                )
                return tuple(out.values())
            # commit: exactly what was validated, or nothing
            if not validated or {k: validated.get(k) for k in params} != params:
                out.update(report=page.report_view_message(t("report_changed", lang)))
                out.update(c_off=True)
                return tuple(out.values())
            report = uploads.run_import(atlas, data, filename, dry_run=False, **who, **_kw(params))
        except (ImportFileError, ValueError, LookupError) as exc:
            out.update(report=page.report_view_message(t("action_failed", lang).format(
                msg=_one_line(exc))), c_off=True)  # fmt: skip
            return tuple(out.values())
        rep = report.to_json()
        msg = (
            t("report_committed", lang).format(
                kind=page.kind_label(rep["kind"], lang),
                period=rep["period"],
                version=rep["dataset_version"],
            )
            if report.committed
            else t("report_submitted", lang).format(id=rep["submission_id"])
            if rep.get("submission_id")
            else t("report_nothing", lang)
        )
        uploads.discard(settings, stage["token"], user.name)
        reset()
        out.update(report=page.report_view(rep, lang, msg), refresh=time.time())
        return tuple(out.values())

    @app.callback(
        Output(ids.UP_DOWNLOAD, "data"),
        Input(ids.UP_DOWNLOAD_BTN, "n_clicks"),
        State(ids.UP_VALIDATED, "data"),
        State(ids.UP_CSRF, "data"),
        prevent_initial_call=True,
    )
    @private_callback("editor", write=True)
    def download_problems(n, validated, csrf):
        user = _editor(csrf)
        if not n or not validated:
            return no_update
        try:
            data = uploads.problems_csv(settings, validated.get("token"), user.name)
        except (LookupError, OSError):
            return no_update
        return dcc.send_bytes(data, "problems.csv")

    @app.callback(
        Output(ids.DS_CONFIRM, "displayed"),
        Output(ids.DS_CONFIRM, "message"),
        Output(ids.DS_PENDING, "data"),
        Input({"type": ids.DS_DELETE, "key": ALL}, "n_clicks"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )
    @private_callback("editor")
    def ask_delete(clicks, lang):
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            return no_update, no_update, no_update
        kind, period, version = ctx.triggered_id["key"].split("|")
        rows = [r for r in uploads.datasets(atlas) if (r["kind"], r["period"]) == (kind, period)]
        label = page.kind_label(kind, lang or "zh")
        msg = t("delete_confirm", lang).format(kind=label, period=period, version=version)
        if len(rows) <= 1:
            msg += "\n" + t("delete_confirm_last", lang).format(period=period)
        return True, msg, {"kind": kind, "period": period, "version": int(version)}

    @app.callback(
        Output(ids.DS_LIST, "children"),
        Output(ids.DS_STATUS, "children"),
        Input(ids.DS_REFRESH, "data"),
        Input({"type": ids.DS_RESTORE, "key": ALL}, "n_clicks"),
        Input(ids.DS_CONFIRM, "submit_n_clicks"),
        State(ids.DS_PENDING, "data"),
        State(ids.UP_CSRF, "data"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )
    @private_callback("viewer", denied=_datasets_denied)
    def datasets(_refresh, _restore, _confirm, pending, csrf, lang):
        lang = lang or "zh"
        trigger = ctx.triggered_id
        status = no_update
        if trigger != ids.DS_REFRESH:
            if not ctx.triggered or not ctx.triggered[0].get("value"):
                return no_update, no_update
            user = _editor(csrf)
            if user is None:
                return no_update, t("session_expired", lang)
            try:
                if trigger == ids.DS_CONFIRM:
                    if not pending:
                        return no_update, no_update
                    kind, period, version = pending["kind"], pending["period"], pending["version"]
                    uploads.delete(atlas, kind, period, version, confirm=period, force=True,
                                   region=user.scope)  # fmt: skip
                    key = "deleted"
                else:
                    kind, period, version = trigger["key"].split("|")
                    uploads.restore(atlas, kind, period, int(version), region=user.scope)
                    key = "restored"
            except (LookupError, ValueError, PermissionError) as exc:
                return no_update, t("action_failed", lang).format(msg=_one_line(exc))
            status = t(key, lang).format(
                kind=page.kind_label(kind, lang), period=period, version=version
            )
        return page.datasets_table(uploads.datasets(atlas), lang, True), status


def _params(stage, kind, period, datum, values, map_ids, mode=None, scope=None) -> dict:
    fields = [i["field"] for i in map_ids or []]
    overrides = uploads.mapping_overrides(fields, values or [], stage.get("mapping") or {})
    return {
        "token": stage["token"],
        "kind": kind,
        "period": (period or "").strip(),
        "datum": datum or "wgs84",
        "mapping": overrides,
        "mode": mode or "merge",
        "scope": (scope or "").strip() if mode == "replace" else "",
    }


def _kw(params: dict) -> dict:
    return {
        "kind": params["kind"],
        "period": params["period"] or None,
        "datum": params["datum"],
        "mapping": params["mapping"] or None,
        "mode": params.get("mode") or "merge",
        "scope": params.get("scope") or None,
    }


def _one_line(exc: BaseException) -> str:
    return (str(exc).strip().strip("'\"") or type(exc).__name__).splitlines()[0][:300]


def register_review(app, atlas) -> None:
    """Approve or return a submission (editors whose region contains it)."""

    @app.callback(
        Output(ids.SUB_LIST, "children"),
        Output(ids.SUB_STATUS, "children"),
        Output(ids.DS_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.SUB_APPROVE, "key": ALL}, "n_clicks"),
        Input({"type": ids.SUB_RETURN, "key": ALL}, "n_clicks"),
        State({"type": ids.SUB_NOTE, "key": ALL}, "value"),
        State({"type": ids.SUB_NOTE, "key": ALL}, "id"),
        State(ids.UP_CSRF, "data"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )
    @private_callback("editor", write=True)
    def review(_approve, _return, notes, note_ids, csrf, lang):
        lang = lang or "zh"
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            return no_update, no_update, no_update
        user = _editor(csrf)
        trigger = ctx.triggered_id
        sub_id = int(trigger["key"])
        note = dict(zip([i["key"] for i in note_ids or []], notes or [], strict=False))
        try:
            if trigger["type"] == ids.SUB_APPROVE:
                version = uploads.approve(atlas, user, sub_id)
                status = t("review.approved_msg", lang).format(id=sub_id, version=version)
            else:
                uploads.return_submission(atlas, user, sub_id, note.get(str(sub_id)) or "")
                status = t("review.returned_msg", lang).format(id=sub_id)
        except (LookupError, ValueError, PermissionError) as exc:
            return no_update, t("action_failed", lang).format(msg=_one_line(exc)), no_update
        subs = uploads.submissions(atlas, user)
        return page.submissions_table(subs, lang), status, time.time()
