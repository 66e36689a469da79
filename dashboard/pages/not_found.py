"""The page for an address the Atlas does not have: the header, and a way back."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from dashboard.i18n import t
from dashboard.pages.frame import error_banner, footer, header, query_lang, to_search


def not_found_page(path: str, query: dict, default_lang: str) -> html.Div:
    lang = query_lang(query, default_lang)
    return html.Div(
        [
            error_banner(),
            header(path, to_search(query), lang),
            html.Main(
                [
                    html.H2(t("not_found.title", lang)),
                    html.P(t("not_found.text", lang)),
                    html.A(
                        t("back_to_map", lang),
                        href="/?" + urlencode({"lang": lang}),
                        className="button",
                    ),
                ],
                className="help-body not-found",
                role="main",
            ),
            footer(lang),
        ]
    )
