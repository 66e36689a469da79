"""The controls follow the map mode: only the parameters the chosen mode uses show.

In the browser (no server round trip): the mode's parameters come from the method
registry (``Method.uses``) and are written into the function when the app is built.
"""

from __future__ import annotations

import json

from dash import ALL, Input, Output

from dashboard import ids
from dashboard.pages.explorer.controls import EXPERT

_JS = """
function(mode) {
    const uses = (%s)[mode] || [];
    const rows = window.dash_clientside.callback_context.outputs_list[0];
    const hidden = rows.map(function (o) { return uses.indexOf(o.id.param) < 0; });
    const expert = %s.every(function (p) { return uses.indexOf(p) < 0; });
    return [hidden, expert];
}
"""


def register(app) -> None:
    from geodata.analysis import REGISTRY

    uses = {mid: sorted(m.uses) for mid, m in REGISTRY.items()}
    app.clientside_callback(
        _JS % (json.dumps(uses), json.dumps(list(EXPERT))),
        Output({"type": ids.PARAM_ROW, "param": ALL}, "hidden"),
        Output(ids.EXPERT, "hidden"),
        Input(ids.MODE, "value"),
        prevent_initial_call=True,
    )
