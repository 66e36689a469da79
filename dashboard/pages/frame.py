"""What every page shares: the header with its links, the error banner, the footer.

The header's page links come from Dash's page registry (``dash.page_registry``, filled by
each page's ``register``), in the pages' order: a page registered with ``nav=True``
appears in every page's header, one with ``signed_in=True`` only for a signed-in user.
Then sign in or out, and the language switch. All of it plain links and one form, so the
header works before (and without) any callback.
"""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlencode

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import other_lang, t


def query_lang(query: dict, default: str) -> str:
    """The page's language from its query parameters (``lang=en``), else `default`."""
    lang = query.get("lang")
    if isinstance(lang, list):
        lang = lang[-1] if lang else None
    return lang if lang in ("zh", "en") else default


def to_search(query: dict) -> str:
    """Dash Pages' layout keyword arguments back to a query string (``"?a=1"``, or "")."""
    pairs = [(k, x) for k, v in query.items() for x in (v if isinstance(v, list) else [v])]
    return "?" + urlencode(pairs) if pairs else ""


def swap_lang(search: str | None, lang: str) -> str:
    """The same query string in `lang` (other parameters kept, in order).

    >>> swap_lang("?region=510000&lang=zh", "en")
    '?region=510000&lang=en'
    """
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != "lang"]
    return "?" + urlencode([*pairs, ("lang", lang)])


def nav_pages(signed_in: bool) -> list[dict]:
    """The registered pages the header links to, in registry order."""
    import dash

    return [
        p
        for p in dash.page_registry.values()
        if p.get("nav") and (signed_in or not p.get("signed_in"))
    ]


def header(
    path: str,
    search: str | None,
    lang: str,
    *,
    extra=None,
    lang_href: str | None = None,
    lang_id: str | None = None,
) -> html.Header:
    """The header of the page at `path` (its query `search`) in `lang`.

    ``extra`` goes before the links (the explorer's export links); ``lang_href`` and
    ``lang_id`` let the explorer keep its language link in step with the view.
    """
    from flask import has_request_context

    from dashboard.accounts.session import current_user

    user = current_user() if has_request_context() else None  # None: built outside a request
    links = []
    for p in nav_pages(user is not None):
        here = p["path"] == path or path in p.get("aliases", ())
        links.append(
            html.A(
                t(p["label"], lang),
                href=f"{p['path']}?{urlencode({'lang': lang})}",
                className="nav-link" + (" current" if here else ""),
                id=f"nav-{p['key']}",
                **({"aria-current": "page"} if here else {}),
            )
        )
    links.append(_account(user, path, search, lang))
    links.append(_language_switch(lang, lang_href or swap_lang(search, other_lang(lang)), lang_id))
    return html.Header(
        [
            html.A(
                html.H1(t("app_title", lang), id=ids.TITLE),
                href=f"/?{urlencode({'lang': lang})}",
                className="home-link",
            ),
            html.Span(t("app_subtitle", lang), className="subtitle"),
            html.Span(className="spacer"),
            extra,
            html.Nav(links, className="site-nav", **{"aria-label": t("nav.label", lang)}),
        ],
        className="atlas-header",
    )


def _account(user, path: str, search: str | None, lang: str):
    """Sign in (a link that comes back here), or the user and a sign-out form."""
    if user is None:
        nxt = path + (search or "")
        return html.A(
            t("login_title", lang),
            href="/login?" + urlencode({"next": nxt, "lang": lang}),
            id=ids.NAV_SIGNIN,
            className="nav-link signin-link",
        )
    from dashboard.accounts.session import CSRF_FIELD, csrf_token

    scope = getattr(user, "scope", None)  # the region an account is limited to, if any
    who = (
        t("signed_in_as", lang)
        + user.name
        + f" ({t(f'role.{user.role}', lang)}"
        + (f" · {scope}" if scope else "")
        + ")"
    )
    return html.Form(
        [
            html.Span(who, className="user-name"),
            dcc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token()),
            dcc.Input(type="hidden", name="lang", value=lang),
            html.Button(t("logout", lang), id=ids.NAV_SIGNOUT, type="submit"),
        ],
        method="post",
        action="/logout",
        className="user-box",
    )


def _language_switch(lang: str, href: str, link_id: str | None) -> html.Span:
    """中文 | English: a plain link to the same page in the other language.

    A link (not a control with a callback) because every label changes: the page is
    rebuilt from its URL.
    """
    other = html.A(
        t("lang.other", lang),
        href=href,
        className="lang-link",
        lang=other_lang(lang),
        **({"id": link_id} if link_id else {}),
    )
    current = html.Span(t("lang.self", lang), className="lang-current")
    return html.Span([current, html.Span(" | "), other], className="lang-switch")


def error_banner() -> html.P:
    """Where a failed callback says so (see ``dashboard.factory``); hidden until then."""
    return html.P(id=ids.ERROR_BANNER, hidden=True, role="alert", className="error-banner")


def footer(lang: str) -> html.Footer:
    return html.Footer(t("boundary_credit", lang), className="atlas-footer")


def unavailable_page(search: str | None) -> html.Div:
    """The page while the database cannot be reached: what happened, and a retry.

    Served instead of a blank page or a 500; it reloads itself every 15 s, and the
    first load after the database returns shows the explorer again.
    """
    q = parse_qs((search or "").lstrip("?"))
    lang = "en" if (q.get("lang") or ["zh"])[-1] == "en" else "zh"
    return html.Div(
        [
            html.H1(t("app_title", lang)),
            html.P(
                t("layout.unavailable", lang),
                id=ids.UNAVAILABLE,
                role="alert",
                className="error-banner",
            ),
            html.A(t("layout.retry", lang), href=search or "?", className="lang-link"),
            dcc.Interval(id=ids.UNAVAILABLE_RETRY, interval=15_000),
        ],
        className="unavailable-page",
    )
