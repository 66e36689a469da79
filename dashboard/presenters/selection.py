"""The linked selection: counties chosen on the map, either chart or the table.

One list of county codes (the ``selection`` Store) that every view shows: the map and
the charts highlight it, the table lists it, until the user clears it (the clear
button, or a double-click on a chart or the map). Pure: the callbacks pass the events.
"""

from __future__ import annotations

#: Returned when an event must not change the selection.
UNCHANGED = object()


def from_plot(data: dict | None, key: str):
    """The selection a plot's ``selectedData`` event asks for (``key``: the point field
    holding the county code: ``location`` on the map, ``customdata`` on the charts).

    ``None`` is a double-click: clear. A selection without points is what a chart
    reports when it is redrawn (it loses its lasso outline about a second after the
    lasso, issue 16): the selection stays.

    >>> from_plot(None, "customdata") is None
    True
    >>> from_plot({"points": []}, "customdata") is UNCHANGED
    True
    >>> from_plot({"points": [{"customdata": "2"}, {"customdata": "1"}, {}]}, "customdata")
    ['1', '2']
    """
    if data is None:
        return None
    codes = sorted({p[key] for p in data.get("points") or [] if p.get(key)})
    return codes or UNCHANGED


def from_rows(ticked: list[dict] | None, current: list[str] | None, listed: list[str]):
    """The selection after the user ticks or unticks rows of the table.

    The table lists some counties (``listed``: at most 50 of a larger selection); ticks
    change the selection of those rows only, the rest of it stays. The grid reports no
    rows while its rows are replaced: that keeps the selection (the clear button
    clears it); the grid echoing the ticks the page set changes nothing.

    >>> from_rows([{"code": "2"}, {"code": "1"}], None, ["1", "2", "3"])
    ['1', '2']
    >>> from_rows([{"code": "1"}], ["1", "9"], ["1", "2"]) is UNCHANGED  # the echo
    True
    >>> from_rows([{"code": "1"}], ["1", "2", "9"], ["1", "2"])  # 2 unticked
    ['1', '9']
    >>> from_rows([], ["1"], ["1"]) is UNCHANGED
    True
    """
    codes = {r["code"] for r in ticked or [] if r.get("code")}
    if not codes:
        return UNCHANGED
    before = sorted(current or [])
    after = sorted((set(before) - set(listed)) | codes)
    return UNCHANGED if after == before else after


def narrow(scope: set[str] | None, selection: list[str] | None, all_codes) -> set[str] | None:
    """The counties the table may list: the region's (or programme's) that are
    selected; ``None`` (everything) when neither limits it.

    >>> sorted(narrow({"1", "2"}, ["2", "3"], ["1", "2", "3"]))
    ['2']
    >>> narrow(None, None, ["1"]) is None
    True
    """
    if not selection:
        return scope
    chosen = set(selection)
    return chosen & (scope if scope is not None else set(all_codes))
