"""The sign-in page: a plain HTML form (Chinese by default, ``?lang=en``).

Served by Flask, not Dash: a plain form that works without JavaScript. The routes that
serve it, and the session and CSRF token behind it, are in
:mod:`dashboard.accounts.session`.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from dashboard.i18n import other_lang, t


def login_page(lang: str, nxt: str, error: str, *, csrf_field: str, csrf_token: str) -> str:
    """The sign-in form in `lang`; after sign-in it goes to `nxt` (already checked by
    :func:`~dashboard.accounts.session.safe_next`). `error` is shown above the form;
    the form carries the session's CSRF token in the field `csrf_field`."""
    other = other_lang(lang)
    other_label = t("lang.other", lang)
    q = urlencode({"next": nxt, "lang": other})
    err = f'<p class="login-error" role="alert">{escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("login_title", lang))} · {escape(t("app_title", lang))}</title>
<link rel="stylesheet" href="/assets/atlas.css">
<link rel="stylesheet" href="/assets/upload.css"></head>
<body class="login-body"><main class="login-card">
<h1>{escape(t("app_title", lang))}</h1>
<h2>{escape(t("login_title", lang))}</h2>
{err}
<form method="post" action="/login">
<input type="hidden" name="{csrf_field}" value="{escape(csrf_token)}">
<input type="hidden" name="next" value="{escape(nxt)}">
<input type="hidden" name="lang" value="{lang}">
<label>{escape(t("login_name", lang))}
<input id="login-name" name="name" autocomplete="username" required maxlength="64"></label>
<label>{escape(t("login_password", lang))}
<input id="login-password" name="password" type="password" autocomplete="current-password"
 required maxlength="1024"></label>
<button id="login-submit" type="submit">{escape(t("login_submit", lang))}</button>
</form>
<p><a href="/login?{escape(q)}">{other_label}</a> ·
<a href="/?lang={lang}">{escape(t("back_to_map", lang))}</a></p>
</main></body></html>"""
