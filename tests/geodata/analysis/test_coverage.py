from pathlib import Path

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.analysis.coverage import (
    BIVARIATE_PRIORITY,
    TERTILE_BOUNDS,
    _tertile,
    bivariate_classes,
    coverage_table,
    mid_percentile,
    priority_table,
)


def _data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left_behind": [5000, 200, 3000, 0, 1000, np.nan],
            "children_homes": [1, 2, 6, 1, 0, 3],
            "activity_centres": [0, 0, 3, 0, 0, 1],
            "child_directors": [10, 4, 30, 2, 5, 7],
        },
        index=["a", "b", "c", "d", "e", "f"],
    )


def test_ratios_by_hand():
    cov = coverage_table(_data())
    assert cov.loc["a", "facilities"] == 1
    assert cov.loc["c", "facilities"] == 9
    assert cov.loc["a", "facilities_per_1000"] == pytest.approx(0.2)
    assert cov.loc["c", "facilities_per_1000"] == pytest.approx(3.0)
    assert cov.loc["c", "directors_per_1000"] == pytest.approx(10.0)
    assert cov.loc["a", "children_per_facility"] == pytest.approx(5000)
    assert cov.loc["c", "children_per_facility"] == pytest.approx(3000 / 9)
    # No facility: no children-per-facility ratio, flagged instead; coverage is zero.
    assert np.isnan(cov.loc["e", "children_per_facility"]) and cov.loc["e", "no_facility"]
    assert cov.loc["e", "facilities_per_1000"] == 0
    # No left-behind children: no coverage ratio, no gap.
    assert np.isnan(cov.loc["d", "facilities_per_1000"]) and cov.loc["d", "gap_score"] == 0
    # Missing need: everything about need is NaN.
    assert np.isnan(cov.loc["f", "gap_score"]) and cov.loc["f", "bivariate"] is None


def test_gap_score_by_hand():
    cov = coverage_table(_data())
    # need (5 known): 0 < 200 < 1000 < 3000 < 5000 -> mid-rank percentiles .1 .3 .5 .7 .9
    assert cov.loc[["d", "b", "e", "c", "a"], "need_pct"].tolist() == pytest.approx(
        [0.1, 0.3, 0.5, 0.7, 0.9]
    )
    # coverage (4 defined): e 0 < a 0.2 < c 3 < b 10 -> .125 .375 .625 .875
    assert cov.loc[["e", "a", "c", "b"], "coverage_pct"].tolist() == pytest.approx(
        [0.125, 0.375, 0.625, 0.875]
    )
    assert cov.loc["a", "gap_score"] == pytest.approx(0.9 * (1 - 0.375))
    assert cov.loc["e", "gap_score"] == pytest.approx(0.5 * (1 - 0.125))
    assert cov["gap_score"].between(0, 1).all() or cov["gap_score"].isna().any()


def test_mid_percentile_ties():
    p = mid_percentile(pd.Series([0, 0, 0, 10]))
    assert p.tolist() == pytest.approx([0.375, 0.375, 0.375, 0.875])


def test_bivariate_tertiles_balanced_and_priority_cell():
    idx = [f"c{i}" for i in range(9)]
    need = pd.Series(np.arange(9.0), index=idx)
    coverage = pd.Series(np.arange(9.0)[::-1], index=idx)
    labels = bivariate_classes(mid_percentile(need), mid_percentile(coverage))
    # Highest need has the lowest coverage: the priority cell "1-3".
    assert labels["c8"] == BIVARIATE_PRIORITY == "1-3"
    assert labels["c0"] == "3-1"
    assert labels.value_counts().to_dict() == {"3-1": 3, "2-2": 3, "1-3": 3}


_EDGES = [1 / 3, 2 / 3, 1.0, np.nextafter(1 / 3, 0), np.nextafter(1 / 3, 1), 0.5 / 7]


@given(
    st.lists(
        st.one_of(st.floats(0.0, 1.0), st.sampled_from(_EDGES), st.just(float("nan"))),
        min_size=1,
        max_size=60,
    )
)
def test_tertiles_match_mapclassify_user_defined(values):
    """The numpy tertiles are mapclassify's ``UserDefined`` classes, edges included."""
    pct = pd.Series(values, dtype=float)
    ours = _tertile(pct)
    ok = pct.notna()
    assert ours[~ok].isna().all()
    if ok.any():
        ref = mapclassify.UserDefined(pct[ok].to_numpy(), bins=list(TERTILE_BOUNDS)).yb + 1
        assert ours[ok].astype(int).tolist() == ref.tolist()


def test_tertiles_of_real_percentiles_match_mapclassify():
    need = pd.Series(np.random.default_rng(5).gamma(1.5, 800.0, 2875).round())
    pct = mid_percentile(need)  # many ties: whole counts
    ref = mapclassify.UserDefined(pct.to_numpy(), bins=list(TERTILE_BOUNDS)).yb + 1
    assert _tertile(pct).astype(int).tolist() == ref.tolist()


def test_coverage_does_not_import_mapclassify():
    """Importing mapclassify compiles numba kernels (seconds): a first briefing in a
    process should not wait for that."""
    import subprocess
    import sys

    code = (
        "import sys, geodata.analysis.coverage as c, pandas as pd;"
        "c.coverage_table(pd.DataFrame({'left_behind': [5, 1, 3], 'children_homes': [1, 0, 2],"
        "'activity_centres': [0, 0, 1], 'child_directors': [1, 1, 1]}));"
        "print('mapclassify' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


def test_priority_table_order_and_names():
    cov = coverage_table(_data())
    names = pd.Series(
        {"a": "甲县", "b": "乙县", "c": "丙县", "d": "丁县", "e": "戊县"}, name="name_zh"
    )
    t = priority_table(cov, names=names)
    assert t["rank"].tolist() == list(range(1, len(t) + 1))
    assert t.index[0] == "a"  # 0.5625 beats e (0.4375)
    assert t["gap_score"].is_monotonic_decreasing
    assert "f" not in t.index  # NaN gap dropped
    assert t.columns[:2].tolist() == ["rank", "name_zh"]
    assert len(priority_table(cov, top=2)) == 2
