import datetime as dt

import pandas as pd
import pytest

from geodata import periods as P


def test_parse_and_format_round_trip():
    assert P.parse_period("2025-H2") == (2025, 2)
    assert P.format_period(2025, 2) == "2025-H2"
    assert P.validate_period("2026-H1") == "2026-H1"


@pytest.mark.parametrize(
    "bad", ["2025H2", "2025-h2", "2025-H3", "25-H1", "", " 2025-H1", None, 2025]
)
def test_parse_rejects_with_value_in_message(bad):
    with pytest.raises(ValueError) as info:
        P.parse_period(bad)
    assert repr(bad) in str(info.value)


def test_format_rejects_bad_parts():
    with pytest.raises(ValueError, match="half 3"):
        P.format_period(2025, 3)
    with pytest.raises(ValueError, match="year"):
        P.format_period(1800, 1)


def test_is_period():
    assert P.is_period("2025-H1")
    assert not P.is_period("2025-1")
    assert not P.is_period(None)


def test_next_previous_shift():
    assert P.next_period("2025-H2") == "2026-H1"
    assert P.next_period("2025-H1") == "2025-H2"
    assert P.previous_period("2026-H1") == "2025-H2"
    assert P.previous_period("2025-H2") == "2025-H1"
    assert P.shift_period("2025-H2", 4) == "2027-H2"
    assert P.shift_period("2025-H2", 0) == "2025-H2"


def test_sort_key_range_latest():
    items = ["2026-H1", "2024-H2", "2025-H1", "2025-H2"]
    assert sorted(items, key=P.period_key) == ["2024-H2", "2025-H1", "2025-H2", "2026-H1"]
    assert P.sort_periods(items + ["2025-H1"]) == ["2024-H2", "2025-H1", "2025-H2", "2026-H1"]
    assert P.period_range("2024-H2", "2025-H2") == ["2024-H2", "2025-H1", "2025-H2"]
    assert P.period_range("2025-H2", "2025-H2") == ["2025-H2"]
    assert P.period_range("2026-H1", "2025-H2") == []
    assert P.latest(items) == "2026-H1"
    assert P.latest([]) is None
    with pytest.raises(ValueError, match="2025H1"):
        P.latest(["2025-H2", "2025H1"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-H2", "2025-H2"),
        ("2025H2", "2025-H2"),
        ("2025-h2", "2025-H2"),
        (" 2025 h1 ", "2025-H1"),
        ("2025_H2", "2025-H2"),
        ("2025S1", "2025-H1"),
        ("2025-HY2", "2025-H2"),
        ("H2 2025", "2025-H2"),
        ("h1-2026", "2026-H1"),
        ("2025-2", "2025-H2"),
        ("2025/1", "2025-H1"),
        ("2025.2", "2025-H2"),
        ("２０２５－Ｈ２", "2025-H2"),
        ("2025年下半年", "2025-H2"),
        ("2025上半年", "2025-H1"),
        ("2025年度上半年", "2025-H1"),
        ("2025年第二个半年", "2025-H2"),
        ("2025年H1", "2025-H1"),
        ("2025年1-6月", "2025-H1"),
        ("2025年7—12月", "2025-H2"),
        ("2025年6月", "2025-H1"),
        ("2025年12月31日", "2025-H2"),
        ("2025年12月底", "2025-H2"),
        ("2025-06-30", "2025-H1"),
        ("2025/7/1", "2025-H2"),
        (dt.date(2025, 7, 1), "2025-H2"),
        (dt.datetime(2025, 1, 1, 12), "2025-H1"),
        (pd.Timestamp("2025-12-31"), "2025-H2"),
    ],
)
def test_normalize_accepts(raw, expected):
    assert P.normalize_period(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2025",
        "2025-06",
        "2025-3",
        "2025-H3",
        "2025年3-9月",
        "2025-13-01",
        "H2",
        "abc",
        None,
        2025.2,
        "1800-H1",
        "2025年中半年",
    ],
)
def test_normalize_rejects(raw):
    assert P.normalize_period(raw) is None
