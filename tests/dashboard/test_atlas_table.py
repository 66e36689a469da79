"""The table under the map (Atlas.mode_table): one language, numbers with thousands
separators, units in the headings (issue 16, items 5 and 8)."""

from __future__ import annotations

import re

import pytest

from dashboard.view import ViewState

CJK = re.compile(r"[\u3400-\u9fff]")


def _table(atlas, lang, **view):
    s = ViewState(lang=lang, **view)
    return atlas.mode_table(s.mode, s.analysis_params(), s.indicator, s.period, lang)


def test_english_table_names_places_in_english(dash_app):
    rows, defs, _ = _table(dash_app.atlas, "en")
    for r in rows:
        for col in ("name_zh", "prefecture_zh", "province_zh"):
            assert not CJK.search(r[col]), r
    zh_rows, _, _ = _table(dash_app.atlas, "zh")
    assert all(CJK.search(r["name_zh"]) for r in zh_rows)
    assert [r["code"] for r in rows] == [r["code"] for r in zh_rows]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_numbers_have_thousands_separators_and_units(dash_app, lang):
    rows, defs, _ = _table(dash_app.atlas, lang)
    by_field = {d["field"]: d for d in defs}
    value = by_field["value"]
    assert (
        value["headerName"]
        == {"zh": "农村留守儿童（人）", "en": "Left-behind children (children)"}[lang]
    )
    assert value["valueFormatter"]["function"] == "atlasNumber(params.value, 0)"
    assert value["type"] == "numericColumn"
    assert max(r["value"] for r in rows if isinstance(r["value"], (int, float))) > 1000
    assert "valueFormatter" not in by_field["name_zh"]


def test_analysis_tables_format_every_number(dash_app):
    from dashboard import methods

    for mode in ("gistar", "2sfca", "mclp", "coverage"):
        rows, defs, _ = _table(dash_app.atlas, "en", mode=mode)
        assert rows, mode
        for d in defs:
            numeric = any(isinstance(r.get(d["field"]), float) for r in rows)
            if numeric:
                assert "valueFormatter" in d, (mode, d["field"])
                decimals = re.fullmatch(
                    r"atlasNumber\(params.value, (\d)\)", d["valueFormatter"]["function"]
                )
                assert decimals and int(decimals[1]) in set(methods.FORMATS.values()) | {2}
