"""Callbacks, one module per area; :func:`register` wires them to an app."""

from __future__ import annotations


def register(app, atlas) -> None:
    from dashboard.callbacks import analysis as analysis_callbacks
    from dashboard.callbacks import linked as linked_callbacks
    from dashboard.callbacks import map as map_callbacks
    from dashboard.callbacks import programmes as programme_callbacks
    from dashboard.callbacks import uploads as upload_callbacks

    map_callbacks.register(app, atlas)
    programme_callbacks.register(app, atlas)
    analysis_callbacks.register(app, atlas)
    linked_callbacks.register(app, atlas)
    upload_callbacks.register(app, atlas)
