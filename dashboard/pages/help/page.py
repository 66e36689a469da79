"""The help page as Dash Pages knows it: its registration and its layout function."""

from __future__ import annotations


def register(app, atlas) -> None:
    import dash

    dash.register_page(
        "dashboard.pages.help", path="/help", name="help", order=2, layout=page_layout,
        nav=True, key="help", label="nav.help",
    )  # fmt: skip


def page_layout(**query):
    from flask import current_app

    from dashboard.pages.frame import query_lang, to_search
    from dashboard.pages.help.layout import help_page

    atlas = current_app.extensions["atlas"]
    return help_page(query_lang(query, atlas.settings.default_lang), to_search(query))
