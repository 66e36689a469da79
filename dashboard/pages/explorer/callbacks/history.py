"""Back and Forward restore the view; each change of the view is a history entry.

The view and the address bar never disagree:

- ``sync_url`` (:mod:`.map`) writes the view's query to :data:`~dashboard.ids.VIEW_QUERY`;
  ``atlas.pushView`` (``assets/atlas.js``) puts it in the address bar as a new history
  entry and tells the location component, which therefore does not push again.
- Back or Forward change the location's ``search``; ``atlas.popped`` passes it on only
  when it is not the view's own query, and :func:`restore` sets every control, the
  region and the selected county from it, and replaces the history entry with the
  view's canonical query (so the next change does not add an entry, and Forward stays).

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
        Output(ids.URL, "search"),
        Input(ids.VIEW_QUERY, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="popped"),
        Output(ids.POPPED, "data"),
        Input(ids.URL, "search"),
        State(ids.VIEW_QUERY, "data"),
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
        return *control_values(state)[:-1], crumbs, {"q": state.to_query(), "replace": True}


def restored_view(atlas: Atlas, search: str, lang: str | None) -> ViewState:
    """The view an address from the history holds, in the page's language (a page
    shows one language; the language link loads the page anew)."""
    state = ViewState.from_query(search, atlas, default_lang=atlas.settings.default_lang)
    return state.replace(lang=lang if lang in ("zh", "en") else state.lang, briefing=False)
