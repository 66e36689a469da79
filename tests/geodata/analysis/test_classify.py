"""Classification for maps: classes, missing values, legends."""

from __future__ import annotations

import mapclassify
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geodata.analysis.classify import classify


@pytest.fixture()
def values():
    return np.random.default_rng(3).gamma(2.0, 100.0, 2875)


def test_quantiles_match_mapclassify(values):
    ours = classify(values, "quantiles", 5)
    ref = mapclassify.Quantiles(values, k=5)
    assert np.allclose(ours.bins, ref.bins)
    assert ours.classes.tolist() == ref.yb.tolist()
    assert sum(ours.counts) == len(values)


@pytest.mark.parametrize(
    "scheme,cls",
    [("fisher_jenks", mapclassify.FisherJenks), ("equal_interval", mapclassify.EqualInterval)],
)
def test_other_schemes_match_mapclassify(values, scheme, cls):
    ours = classify(values, scheme, 5)
    assert np.allclose(ours.bins, cls(values, k=5).bins)


def test_missing_values_never_in_a_class():
    c = classify([np.nan, 1, 2, np.nan, 3], "quantiles", 3)
    assert c.classes.tolist()[0] == -1 and c.classes.tolist()[3] == -1
    assert sum(c.counts) == 3


def test_user_breaks_and_pooling():
    c = classify([1, 5, 10, 20], "user", breaks=[4, 9])
    assert c.bins == (4.0, 9.0, 20.0) and c.classes.tolist() == [0, 1, 2, 2]
    pooled = classify([1, 2, 3], "equal_interval", 2, pool=np.array([0, 100]))
    assert pooled.classes.tolist() == [0, 0, 0]
    with pytest.raises(ValueError):
        classify([1], "nonsense")


def test_few_distinct_values_and_all_missing():
    assert classify([7, 7, 7], "quantiles", 5).k == 1
    empty = classify([np.nan, np.nan], "quantiles", 5)
    assert empty.k == 0 and empty.classes.tolist() == [-1, -1]


@given(
    st.lists(
        st.one_of(st.floats(0, 0.01), st.floats(0, 500), st.just(0.0), st.just(float("nan"))),
        min_size=1,
        max_size=80,
    ),
    st.sampled_from(["quantiles", "equal_interval"]),
    st.integers(0, 3),
)
@example([0.0, 5e-324], "equal_interval", 0)  # a range too small to divide: one class
@settings(deadline=None)
def test_merged_classes_print_differently_and_keep_every_value(values, scheme, decimals):
    from geodata.analysis.classify import merge_indistinct

    cls = classify(values, scheme, 5)
    merged = merge_indistinct(cls, decimals)
    printed = [round(b, decimals) for b in merged.bins]
    assert len(set(printed)) == len(printed)
    # same counties with data, each still in the class whose bounds hold it
    assert ((merged.classes == -1) == (cls.classes == -1)).all()
    assert sum(merged.counts) == sum(cls.counts)
    v = np.asarray(values, float)
    for i, (lo, hi) in enumerate(merged.intervals()):
        inside = v[merged.classes == i]
        assert (inside <= hi).all() and (inside >= lo).all()


def test_two_classes_that_print_alike_become_one():
    from dashboard.figures import legend_labels
    from geodata.analysis.classify import merge_indistinct

    cls = classify([0, 0, 0.003, 0.5, 1.5], "user", breaks=[0, 0.004, 1, 2])
    before = [t.rsplit(" (", 1)[0] for t in legend_labels(cls, "nd", 2)]
    assert before.count("0.00") == 2  # what a reader saw: two classes "0.00"
    after = [t.rsplit(" (", 1)[0] for t in legend_labels(merge_indistinct(cls, 2), "nd", 2)]
    assert after.count("0.00") == 1 and len(after) == len(before) - 1
