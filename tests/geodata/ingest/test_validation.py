"""geodata.ingest.validation: the period, every skip and rejection rule, duplicates, and
the invariant on random rows and on the largest file."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.ingest import ImportFileError, limits, read_table, validate
from tests.geodata.ingest.helpers import HEAD, P, check, csv_bytes, good_rows, rules, run


def test_messy_period_argument_and_bad_period(registry):
    raw = read_table(csv_bytes(good_rows()), "t.csv")
    assert validate(raw, None, "children", "2025年下半年", registry).period == "2025-H2"
    with pytest.raises(ImportFileError, match="bad period"):
        validate(raw, None, "children", "2025-06", registry)
    with pytest.raises(ImportFileError, match="no period"):
        validate(raw, None, "children", None, registry)


def test_every_skip_reason(registry):
    rows = [
        ["序号", *HEAD],
        ["1", "110101", "东城区", "100", "10", "5"],
        ["", "", "", "", "", ""],
        ["序号", *HEAD],
        ["", "", "合计", "100", "10", "5"],
        ["总计", "", "", "100", "10", "5"],
        ["", "", "海淀区小计", "100", "10", "5"],
        ["", "", "全市", "100", "10", "5"],
        ["", "410000", "河南省", "100", "10", "5"],
        ["", "", "Total", "1", "1", "1"],
        ["注：本表数据截至6月30日", "", "", "", "", ""],
        ["填表人：张三", "", "", "", "", ""],
    ]
    rep = run(csv_bytes(rows), registry)
    assert rep.rows_imported == 1 and rep.rows_rejected == 0 and rep.rows_skipped == 10
    assert rules(rep) == [
        (3, "blank_row"),
        (4, "header_row"),
        (5, "subtotal_row"),
        (6, "subtotal_row"),
        (7, "subtotal_row"),
        (8, "subtotal_row"),
        (9, "subtotal_row"),
        (10, "subtotal_row"),
        (11, "note_row"),
        (12, "note_row"),
    ]
    assert all(p["severity"] == "skipped" for p in rep.problems)


def test_every_children_rejection_reason(registry):
    rows = [
        [*HEAD, "困境儿童", "期次"],
        ["110101", "东城区", "100", "10", "5", "1", ""],  # ok
        ["110101", "东城区", "100", "10", "5", "1", ""],  # duplicate of row 2
        ["110102", "西城区", "100", "-3", "5", "", ""],  # negative
        ["110105", "朝阳区", "100", "abc", "5", "", ""],  # non-numeric
        ["110106", "丰台区", "100", "12.5", "5", "", ""],  # not whole
        ["110107", "石景山区", "100", "101", "5", "", ""],  # left-behind > children
        ["110108", "海淀区", "10", "1", "11", "", ""],  # migrant > children
        ["110109", "门头沟区", "", "", "", "", ""],  # no value at all
        ["", "", "100", "10", "5", "", ""],  # no county
        ["110111", "房山区", "100", "10", "5", "", "下半年"],  # bad period
        ["110112", "通州区", "100", "10", "5", "", "2024-H2"],  # other period
        ["110113", "顺义区", "100", "10", "5", "99", "2025-H1"],  # risk > base: warning
        ["110114", "昌平区", "1,000", "１２", " 7 ", "3.0", "2025年上半年"],  # messy but fine
    ]
    rep = run(csv_bytes(rows), registry)
    assert rules(rep) == [
        (3, "duplicate"),
        (4, "negative"),
        (5, "non_numeric"),
        (6, "not_whole"),
        (7, "left_behind_gt_children"),
        (8, "migrant_gt_children"),
        (9, "missing_value"),
        (10, "missing_field"),
        (11, "bad_period"),
        (12, "other_period"),
        (13, "risk_gt_base"),
    ]
    dup = rep.problems[0]
    assert "first given in row 2" in dup["reason"] and dup["column"] == "区划代码"
    assert rep.rows_imported == 3 and rep.rows_rejected == 10
    assert rep.data.set_index("code").loc["110114"].tolist() == [1000.0, 12.0, 7.0, 3.0]
    assert rep.problems[-1]["severity"] == "warning"


def test_duplicate_after_remap_and_first_good_row_wins(registry):
    rows = [
        ["代码", "留守儿童"],
        ["410307", "-1"],  # rejected: negative
        ["410381", "5"],  # old code of the same county: this is the first good row
        ["410307", "6"],  # duplicate of row 3
    ]
    rep = run(csv_bytes(rows), registry)
    assert rules(rep) == [(2, "negative"), (4, "duplicate")]
    assert "first given in row 3" in rep.problems[1]["reason"]
    assert rep.data.to_dict("records") == [{"code": "410307", "left_behind": 5.0}]


def test_facility_counts_per_county(registry):
    rows = [
        ["区划代码", "县区", "儿童之家数", "活动中心数", "儿童主任数", "儿童督导员数"],
        ["110101", "东城区", "12", "3", "40", "5"],
        ["110102", "西城区", "-1", "3", "40", "5"],
        ["小计", "", "12", "3", "40", "5"],
    ]
    rep = run(csv_bytes(rows), registry, kind="facilities")
    assert rep.layout == "counts" and rep.points is None
    assert rep.data.to_dict("records") == [
        {"code": "110101", "children_homes": 12.0, "activity_centres": 3.0,
         "child_directors": 40.0, "child_supervisors": 5.0}
    ]  # fmt: skip
    assert rules(rep) == [(3, "negative"), (4, "subtotal_row")]


_CELLS = st.one_of(
    st.sampled_from(
        [
            "110101",
            "110102",
            "410381",
            "653228",
            "110199",
            "156110105",
            "110106.0",
            "abc",
            "",
            " ",
            "合计",
            "小计",
            "全省",
            "注：说明",
            "东城区",
            "朝阳区",
            "1,234",
            "１２",
            "-1",
            "12.5",
            "0",
            "99999",
            "=1+1",
            "区划代码",
        ]
    ),  # fmt: skip
    st.integers(min_value=-5, max_value=10_000).map(str),
    st.text(alphabet="0123456789,.-abc合计省 ", max_size=6),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(_CELLS, min_size=5, max_size=5), max_size=25))
def test_random_messy_rows_keep_the_invariant(registry, rows):
    data = csv_bytes([HEAD, *rows], "utf-8")
    raw = read_table(data, "r.csv")
    rep = check(validate(raw, None, "children", P, registry))
    assert rep.data["code"].is_unique


@pytest.mark.slow
def test_50mb_csv(registry, tmp_path):
    # layer codes that resolve to themselves (a few layer codes mean another unit today)
    codes = [c for c in registry.counties.index if registry.resolve(c).layer_code == c][:2800]
    # As many rows as the importer takes (MAX_ROWS), each with a long remark, so the
    # file is over 50 MB without passing the row limit.
    block = "".join(
        f"{c},{registry.counties.at[c, 'name_zh']},{1000 + i},{100 + i % 50},{20 + i % 7},"
        + "备注文字" * 22
        + "\n"
        for i, c in enumerate(codes)
    ).encode()
    head = "区划代码,县区,儿童总数,留守儿童,流动儿童,备注\n".encode()
    reps = 50 * 2**20 // len(block) + 1
    assert reps * len(codes) <= limits.MAX_ROWS
    path = tmp_path / "big.csv"
    path.write_bytes(head + block * reps)
    assert path.stat().st_size > 50 * 2**20
    t0 = time.perf_counter()
    raw = read_table(path, max_bytes=80 * 2**20)
    t1 = time.perf_counter()
    rep = check(validate(raw, None, "children", P, registry))
    t2 = time.perf_counter()
    print(f"\n50 MB CSV: {rep.rows_total} rows, read {t1 - t0:.1f} s, validate {t2 - t1:.1f} s")
    assert rep.rows_imported == len(codes)
    assert rep.rows_rejected == rep.rows_total - len(codes)  # every repeat is a duplicate
