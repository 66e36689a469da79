"""The package as a whole: the old ``geodata.codes`` names, doctests, imports."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys

import pytest

import geodata.codes as codes

MODULES = [
    "geodata.codes",
    "geodata.codes.normalise",
    "geodata.codes.names",
    "geodata.codes.names_file",
    "geodata.codes.quhua",
    "geodata.codes.official",
    "geodata.codes.changes",
    "geodata.codes.registry",
]

# Every name of the single-module ``geodata/codes.py`` that code, bench, docs or tests
# used as ``from geodata.codes import X`` or ``codes.X``.
OLD_NAMES = [
    "SINCE", "QUHUA", "NAMES_FILE", "PROVINCE_PREFIXES", "STATUSES", "normalize_code",
    "ETHNIC_EN", "OFFICIAL_EN", "CHAR_READINGS", "PINYIN_FIXES", "PROVINCE_EN",
    "PREFECTURE_EN", "split_name", "stem", "stem_pinyin", "english_name",
    "region_english_name", "write_names_file", "_read_names_file", "quhua_file",
    "quhua_info", "official_divisions", "Event", "ChangeTable", "change_events",
    "_all_event_names", "Resolution", "Registry", "load_registry",
]  # fmt: skip


@pytest.mark.parametrize("name", OLD_NAMES)
def test_old_names_still_importable(name):
    assert getattr(codes, name) is not None


def test_reexports_are_the_submodules_objects():
    for name in codes.__all__:
        owner = getattr(codes, name)
        home = [m for m in MODULES[1:] if getattr(importlib.import_module(m), name, None) is owner]
        assert home, f"{name} is not defined in a submodule"


@pytest.mark.parametrize("module", MODULES)
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone_without_web_stack(module):
    # A fresh interpreter per module: no import cycle hides behind an earlier import,
    # and the data layer stays free of dash/flask/werkzeug.
    code = (
        f"import sys, {module}; "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'dash', 'flask', 'werkzeug'}); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
