import json
import math

import numpy as np
import pandas as pd
import pytest

from geodata import indicators as I


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "code": ["110101", "510722", "440106", "650000"],
            "children": [2000, 1000, 0, np.nan],
            "left_behind": [20, 100, 0, 5],
            "migrant": [400, 10, 0, 1],
            "risk_hardship": [4, 3, 0, 0],
            "risk_disability": [1, 1, 0, 0],
            "risk_unguarded": [2, 2, 0, 0],
            "risk_street": [0, 1, 0, 0],
            "risk_psych": [3, 0, 0, np.nan],
            "children_homes": [1, 3, 0, 0],
            "activity_centres": [1, 2, 0, 0],
            "child_directors": [10, 40, 0, 2],
            "child_supervisors": [2, 5, 0, 1],
            "area_km2": [20.0, 500.0, 0.0, 100.0],
        }
    )


@pytest.fixture
def previous():
    return pd.DataFrame(
        {
            "code": ["510722", "110101", "440106"],
            "children": [1100, 2000, 0],
            "left_behind": [125, 16, 0],
            "migrant": [10, 320, 5],
        }
    )


def values(ind_id, table, previous=None):
    s = I.get(ind_id).compute(table, previous)
    assert s.dtype == "float64"
    assert not np.isinf(s.to_numpy()).any()
    return [None if math.isnan(v) else round(v, 6) for v in s.tolist()]


def test_counts(table):
    assert values("children", table) == [2000, 1000, 0, None]
    assert values("left_behind", table) == [20, 100, 0, 5]
    assert values("child_supervisors", table) == [2, 5, 0, 1]
    # partial totals would mislead: NaN if any part is missing
    assert values("risk_total", table) == [10, 7, 0, None]


def test_result_indexed_by_code(table):
    s = I.get("left_behind_rate").compute(table)
    assert list(s.index) == ["110101", "510722", "440106", "650000"]
    from_index = I.get("left_behind_rate").compute(
        table.drop(columns="code").set_index(table["code"])
    )
    pd.testing.assert_series_equal(from_index, s, check_names=False)


def test_rates_and_shares(table):
    assert values("left_behind_rate", table) == [10.0, 100.0, None, None]
    assert values("migrant_rate", table) == [200.0, 10.0, None, None]
    assert values("left_behind_share", table) == [1.0, 10.0, None, None]
    assert values("migrant_share", table) == [20.0, 1.0, None, None]
    # 20 + 100 + 0 + 5 = 125
    assert values("left_behind_national_share", table) == [16.0, 80.0, 0.0, 4.0]


def test_national_share_of_zero_total_is_nan():
    t = pd.DataFrame({"code": ["a", "b"], "left_behind": [0, 0]})
    assert values("left_behind_national_share", t) == [None, None]


def test_density(table):
    assert values("children_density", table) == [100.0, 2.0, None, None]
    assert values("left_behind_density", table) == [1.0, 0.2, None, 0.05]


def test_change_aligns_on_code(table, previous):
    assert values("left_behind_change", table, previous) == [4.0, -25.0, 0.0, None]
    assert values("left_behind_change_pct", table, previous) == [25.0, -20.0, None, None]
    assert values("migrant_change", table, previous) == [80.0, 0.0, -5.0, None]
    assert values("migrant_change_pct", table, previous) == [25.0, 0.0, -100.0, None]
    assert values("children_change_pct", table, previous) == [
        0.0,
        round(-100 / 1100 * 100, 6),
        None,
        None,
    ]


def test_change_without_previous_is_nan(table):
    assert values("children_change", table) == [None] * 4
    assert I.get("migrant_change").diverging


def test_coverage(table):
    # facilities = homes + centres = [2, 5, 0, 0]
    assert values("facilities_per_1000_left_behind", table) == [100.0, 50.0, None, 0.0]
    assert values("directors_per_1000_left_behind", table) == [500.0, 400.0, None, 400.0]
    assert values("left_behind_per_facility", table) == [10.0, 20.0, None, None]
    assert I.get("facilities_per_1000_left_behind").higher_is == "coverage"
    assert I.get("left_behind_per_facility").higher_is == "need"


def test_missing_column_gives_nan_not_error():
    t = pd.DataFrame({"code": ["110101"], "children": [10]})
    assert values("children_homes", t) == [None]
    assert values("facilities_per_1000_left_behind", t) == [None]


def test_registry_complete_and_consistent():
    ids = [ind.id for ind in I.all_indicators()]
    assert len(ids) == len(set(ids))
    for col in I.MEASURES + I.FACILITY_COUNTS:
        assert col in ids
    for ind in I.all_indicators():
        assert ind.group in I.GROUPS
        assert ind.higher_is in ("need", "coverage", "neutral")
        assert ind.diverging == (ind.group == "change")
        for text in (
            ind.name_zh,
            ind.name_en,
            ind.unit_zh,
            ind.unit_en,
            ind.definition_zh,
            ind.definition_en,
        ):
            assert text and "\n" not in text
    assert "MCA 2016" in I.get("left_behind").definition_en
    assert "2024 action plan" in I.get("migrant").definition_en
    assert "under 16" in I.get("migrant").definition_en


def test_groups_and_get():
    g = I.groups()
    assert list(g) == list(I.GROUPS)
    assert "left_behind_rate" in g["rates"]
    assert sum(len(v) for v in g.values()) == len(I.all_indicators())
    with pytest.raises(KeyError, match="nope"):
        I.get("nope")


def test_meta_is_json_ready():
    m = I.meta()
    json.dumps(m, ensure_ascii=False)
    assert {
        "id",
        "group",
        "name_zh",
        "name_en",
        "unit_zh",
        "unit_en",
        "definition_zh",
        "definition_en",
    } <= set(m[0])
    assert [d["id"] for d in m] == [i.id for i in I.all_indicators()]


def test_compute_all(table, previous):
    frame = I.compute_all(table, previous)
    assert frame.shape == (4, len(I.all_indicators()))
    assert not np.isinf(frame.to_numpy()).any()
