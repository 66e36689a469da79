"""The pages, one folder each with its layout and callbacks side by side.

Each page package has a ``page`` module whose ``register(app, atlas)`` registers the page with Dash Pages
(``dash.register_page``: path, label, order, whether the header links to it) and its
callbacks with the app. Pages are registered from the app factory, never at import,
so an app built twice (the tests build several) has them all.

The page is rendered on the server, in the app's layout function (:func:`render`), from
the registry: the page at the request's path gets the query string as keyword
arguments, as Dash Pages passes them. Dash's own router (``dash.page_container``) is
not used: it fills the page with a callback after load, one more round trip before the
map can paint (``dashboard.deferred`` keeps the first paint free of callbacks).
"""

from __future__ import annotations

import importlib
from urllib.parse import parse_qs

#: The page packages, in the order their callbacks are registered.
PAGES = ("explorer", "upload", "help")


def register(app, atlas) -> None:
    for name in PAGES:
        importlib.import_module(f"dashboard.pages.{name}.page").register(app, atlas)


def page_for(pathname: str | None) -> dict | None:
    """The registered page at `pathname` (its path or one of its ``aliases``)."""
    import dash

    path = "/" + (pathname or "/").strip("/")
    for page in dash.page_registry.values():
        if page["module"].startswith("dashboard.pages.") and (
            page["path"] == path or path in page.get("aliases", ())
        ):
            return page
    return None


def query_kwargs(search: str | None) -> dict:
    """A query string as Dash Pages hands it to a layout: one value as text, several
    as a list.

    >>> query_kwargs("?lang=en&layers=a&layers=b&empty=")
    {'lang': 'en', 'layers': ['a', 'b'], 'empty': ''}
    """
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def render(pathname: str | None, search: str | None, default_lang: str = "zh"):
    """The layout of the page at `pathname` for the query `search` (unknown paths get
    the not-found page)."""
    page = page_for(pathname)
    query = query_kwargs(search)
    if page is None:
        from dashboard.pages.not_found import not_found_page

        return not_found_page(pathname or "/", query, default_lang)
    return page["layout"](**query)
