"""README's "Where things are" names every package folder, so a newcomer finds where a
behaviour lives from folder names alone, and names no folder that is gone."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_where_things_are_lists_every_package():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([\w/.]+?)/?` \|", section, flags=re.M))
    packages = {
        str(p.parent.relative_to(ROOT))
        for top in ("geodata", "dashboard")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert packages <= listed, sorted(packages - listed)
    for name in listed:
        assert (ROOT / name).exists(), name
