"""The upload page as Dash Pages knows it: its registration and its layout function."""

from __future__ import annotations


def register(app, atlas) -> None:
    import dash

    from dashboard.pages.upload import callbacks

    dash.register_page(
        "dashboard.pages.upload", path="/upload", name="upload", order=1, layout=page_layout,
        nav=True, signed_in=True, key="upload", label="upload_title", aliases=("/datasets",),
    )  # fmt: skip
    callbacks.register(app, atlas)


def page_layout(**query):
    from flask import current_app

    from dashboard.pages.frame import to_search
    from dashboard.pages.upload.layout import upload_page

    return upload_page(current_app.extensions["atlas"], to_search(query))
