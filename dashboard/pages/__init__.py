"""The pages, one folder each (explorer, upload, briefing) with their layout and
callbacks side by side; :func:`register` wires every page's callbacks to an app."""

from __future__ import annotations


def register(app, atlas) -> None:
    from dashboard.pages.explorer.callbacks import analysis as analysis_callbacks
    from dashboard.pages.explorer.callbacks import linked as linked_callbacks
    from dashboard.pages.explorer.callbacks import map as map_callbacks
    from dashboard.pages.explorer.callbacks import programmes as programme_callbacks
    from dashboard.pages.upload import callbacks as upload_callbacks

    map_callbacks.register(app, atlas)
    programme_callbacks.register(app, atlas)
    analysis_callbacks.register(app, atlas)
    linked_callbacks.register(app, atlas)
    upload_callbacks.register(app, atlas)
