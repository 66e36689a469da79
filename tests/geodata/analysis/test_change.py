import numpy as np
import pandas as pd

from geodata.analysis.change import (
    TRANSITIONS,
    cluster_transitions,
    transition_matrix,
    value_change,
)


def test_value_change():
    before = pd.Series({"a": 100.0, "b": 0.0, "c": 50.0, "d": np.nan, "e": 0.0})
    after = pd.Series({"a": 80.0, "b": 0.0, "c": 75.0, "d": 10.0, "e": 5.0, "f": 1.0})
    ch = value_change(before, after)
    assert ch.index.tolist() == ["a", "b", "c", "d", "e", "f"]
    assert ch["abs_change"].tolist()[:3] == [-20.0, 0.0, 25.0]
    assert ch.loc["a", "pct_change"] == -20.0
    assert ch.loc["b", "pct_change"] == 0.0  # 0 -> 0
    assert np.isnan(ch.loc["e", "pct_change"])  # growth from zero
    assert np.isnan(ch.loc["d", "abs_change"]) and np.isnan(ch.loc["d", "pct_change"])
    assert np.isnan(ch.loc["f", "before"])  # only in the second period


def test_cluster_transitions_lisa():
    before = pd.Series({"a": "ns", "b": "HH", "c": "HH", "d": "LL", "e": "ns", "f": None})
    after = pd.Series({"a": "HH", "b": "ns", "c": "HL", "d": "LL", "e": "ns", "f": "HH"})
    t = cluster_transitions(before, after)
    assert t["transition"].tolist() == [
        "entered",
        "left",
        "switched",
        "stayed",
        "stable",
        "no_data",
    ]
    assert t.loc["c", "label"] == "HH → HL"
    assert pd.isna(t.loc["f", "label"])
    assert set(t["transition"]) <= set(TRANSITIONS)


def test_cluster_transitions_gi_bins_and_matrix():
    before = pd.Series({"a": 0, "b": 3, "c": -2})
    after = pd.Series({"a": 2, "b": 0, "c": -2, "d": 1})
    t = cluster_transitions(before, after, background=0)
    assert t["transition"].tolist() == ["entered", "left", "stayed", "no_data"]
    m = transition_matrix(
        pd.Series({"a": "ns", "b": "HH"}), pd.Series({"a": "HH", "b": "HH", "c": "ns"})
    )
    assert int(m.loc["ns", "HH"]) == 1 and int(m.loc["HH", "HH"]) == 1
    assert int(m.loc["no data", "ns"]) == 1
