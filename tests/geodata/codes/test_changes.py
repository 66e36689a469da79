"""The change table and the events the crosswalk uses (``geodata.codes.changes``)."""

from __future__ import annotations

from geodata.codes import changes


def test_change_table_filters(reg):
    table = changes.change_events()
    assert all(ev.year >= changes.SINCE for ev in table.events)
    pairs = {(ev.old, ev.new) for ev in table.events}
    assert ("130103", "130502") not in pairs and ("140203", "140303") not in pairs
    assert ("469003", "460400") in pairs  # 儋州 became a county-level prefecture city
    assert reg.events_used == len(table.events)
