"""Back and Forward restore the view; each change of the view is a history entry.

The view and the address bar never disagree:

- ``sync_url`` (:mod:`.map`) writes the view's query to :data:`~dashboard.ids.VIEW_QUERY`;
  ``atlas.pushView`` (``assets/atlas.js``) puts it in the address bar as a new history
  entry (``history.pushState``; ``dcc.Location`` is not used: it pushes an entry of its
  own whenever its props change), and points the language link at the same address in
  the other language.
- Back or Forward fire the browser's ``popstate``; ``assets/atlas.js`` hands the address
  to :data:`~dashboard.ids.POPPED`, and :func:`restore` sets every control, the region
  and the selected county from it, and replaces the history entry with the view's
  canonical query (so the next change does not add an entry, and Forward stays).

All of it prevent_initial_call: nothing fires at page load.
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.atlas import Atlas
from dashboard.pages.explorer.callbacks.map import VIEW_CONTROLS, control_values
from dashboard.pages.explorer.map_card import breadcrumb
from dashboard.view import ViewState


def register(app, atlas: Atlas) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="pushView"),
        Output(ids.ADDRESS, "data"),
        Output(ids.LANG_OTHER, "href"),
        Input(ids.VIEW_QUERY, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        *(Output(cid, prop, allow_duplicate=True) for cid, prop in VIEW_CONTROLS[:-1]),
        Output(ids.BREADCRUMB, "children", allow_duplicate=True),
        Output(ids.VIEW_QUERY, "data", allow_duplicate=True),
        Input(ids.POPPED, "data"),
        State(ids.LANG, "data"),
        prevent_initial_call=True,
    )
    def restore(popped, lang):
        search = popped.get("q") if isinstance(popped, dict) else None
        if not isinstance(search, str):
            raise PreventUpdate
        state = restored_view(atlas, search, lang)
        crumbs = breadcrumb(atlas, state.region, state.lang).children
        # "for": the address this restore answers (the page may have moved on since).
        view = {"q": state.to_query(), "replace": True, "for": search}
        return *control_values(state)[:-1], crumbs, view


def restored_view(atlas: Atlas, search: str, lang: str | None) -> ViewState:
    """The view an address from the history holds, in the page's language (a page
    shows one language; the language link loads the page anew)."""
    state = ViewState.from_query(search, atlas, default_lang=atlas.settings.default_lang)
    return state.replace(lang=lang if lang in ("zh", "en") else state.lang, briefing=False)
