"""Programmes: pasted county lists, outlines and inside-versus-outside comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from geodata import programmes as progs
from geodata.codes import load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_split_entries_reads_what_people_paste():
    text = "110101\r\n110102, 东城区；420102、431121\t500101\n110105 朝阳区\n\n  "
    assert progs.split_entries(text) == [
        "110101", "110102", "东城区", "420102", "431121", "500101", "110105",
    ]  # fmt: skip


def test_parse_codes_accounts_for_every_entry(registry):
    text = "\n".join(
        [
            "110101",  # exact
            "156420102000",  # 12-digit statistical code with the 156 prefix
            "东城区",  # a name, duplicate of the first
            "999999",  # unknown code
            "朝阳区",  # ambiguous: Beijing and Changchun
            "不存在县",  # no such county
            "Shenzhen Nanshan",  # not a county name either
            "４２０１０３",  # full-width digits
        ]
    )
    parsed = progs.parse_codes(text, registry)
    assert parsed.codes == ("110101", "420102", "420103")
    reasons = {n: r for n, _, r in parsed.problems}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "duplicate of 110101" in reasons[3]
    assert reasons[4] == "unknown county code"
    assert "ambiguous" in reasons[5] and "110105" in reasons[5]
    # Nothing is lost: every entry is used or reported.
    assert len(parsed.codes) + len(parsed.problems) == 8


def test_parse_codes_remaps_old_codes(registry):
    parsed = progs.parse_codes("431121\n祁阳县", registry)
    assert len(parsed.codes) == 1
    assert parsed.problems[0][2].startswith("duplicate")


def test_parse_codes_refuses_a_huge_paste(registry):
    with pytest.raises(ValueError, match="at most"):
        progs.parse_codes("\n".join(["110101"] * (progs.MAX_COUNTIES + 1)), registry)


def test_validate_name():
    assert progs.validate_name("  留守  儿童 项目 ") == "留守 儿童 项目"
    for bad in ("", "   ", "x" * 81):
        with pytest.raises(ValueError):
            progs.validate_name(bad)


def test_outline_is_the_union_boundary():
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(1, 0, 2, 1)  # shares an edge with a
    c = shapely.box(5, 5, 6, 6)
    lon, lat = progs.outline([a, b, c])
    rings = [i for i, v in enumerate(lon) if v is None]
    assert len(rings) == 2  # a+b merge into one ring; c is its own
    first = list(zip(lon[: rings[0]], lat[: rings[0]], strict=True))
    assert (1.0, 0.5) not in first and min(x for x, _ in first) == 0 and max(first)[0] == 2
    assert progs.outline([]) == ([], [])


def _table(children, left_behind, homes, codes=("a", "b", "c", "d")):
    return pd.DataFrame(
        {
            "children": children,
            "left_behind": left_behind,
            "children_homes": homes,
            "activity_centres": [0] * len(codes),
        },
        index=list(codes),
    )


def test_compare_uses_ratios_of_sums_and_period_change():
    now = _table([1000, 9000, 500, 500], [100, 900, 10, 40], [1, 9, 1, 0])
    before = _table([1000, 9000, 500, 500], [80, 720, 10, 40], [1, 9, 1, 0])
    cmp = progs.compare(
        now, before, ["a", "b"], ["left_behind", "left_behind_rate", "children_homes"]
    )
    assert cmp.attrs == {"counties_inside": 2, "counties_outside": 2}
    assert cmp.loc["left_behind", "inside"] == 1000 and cmp.loc["left_behind", "outside"] == 50
    # 1000 left-behind per 10,000 children = 100 per 1,000 (a mean of rates would also be
    # 100 here; the small counties outside show the difference: 50/1000 -> 50, not 45).
    assert cmp.loc["left_behind_rate", "inside"] == pytest.approx(100.0)
    assert cmp.loc["left_behind_rate", "outside"] == pytest.approx(50.0)
    assert cmp.loc["left_behind", "inside_change"] == pytest.approx(0.25)
    assert cmp.loc["left_behind", "outside_change"] == pytest.approx(0.0)
    assert cmp.loc["left_behind_rate", "inside_change"] == pytest.approx(20.0)


def test_compare_without_previous_period_and_unknown_codes():
    now = _table([1000, 9000, 500, 500], [100, 900, 10, 40], [1, 9, 1, 0])
    cmp = progs.compare(now, None, ["a", "zzz"], ["left_behind"])
    assert cmp.attrs["counties_inside"] == 1 and cmp.attrs["counties_outside"] == 3
    assert np.isnan(cmp.loc["left_behind", "inside_change"])
    with pytest.raises(ValueError, match="not comparable"):
        progs.compare(now, None, ["a"], ["left_behind_change"])
