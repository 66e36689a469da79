"""The explorer page as Dash Pages knows it: its registration and its layout function."""

from __future__ import annotations


def register(app, atlas) -> None:
    import dash

    from dashboard.pages.explorer.callbacks import (
        analysis,
        controls,
        export,
        history,
        linked,
        programmes,
    )
    from dashboard.pages.explorer.callbacks import map as map_callbacks

    dash.register_page(
        "dashboard.pages.explorer", path="/", name="explorer", order=0, layout=page_layout,
        nav=True, key="map", label="nav.map",
    )  # fmt: skip
    map_callbacks.register(app, atlas)
    programmes.register(app, atlas)
    analysis.register(app, atlas)
    linked.register(app, atlas)
    history.register(app, atlas)
    controls.register(app)  # the parameters follow the map mode
    export.register(app)  # the export links follow the URL


def page_layout(**query):
    """The explorer for the view in the query (Dash Pages' keyword arguments; not named
    ``layout``: that is the package's layout module)."""
    from flask import current_app

    from dashboard.pages.explorer.layout import build_layout
    from dashboard.pages.frame import to_search

    return build_layout(current_app.extensions["atlas"], to_search(query))
