import esda
import numpy as np
import pandas as pd
import pytest

from geodata.analysis.clusters import (
    CLUSTER_ORDER,
    cluster_labels,
    global_moran,
    global_moran_rate,
    local_moran,
    local_moran_rate,
)
from geodata.analysis.weights import build_weights
from tests.geodata.analysis.fixtures import block, code, grid, planted, sids2, sids2_gal

# Direct esda/spopt calls below emit library deprecation warnings.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def grid7():
    return build_weights(grid(7))


@pytest.fixture(scope="module")
def nc():
    g = sids2()
    return g, build_weights(g, rook=True)


def test_planted_high_and_low_blocks(grid7):
    y = planted(7, seed=0, high=10.0, low=8.0)
    res = local_moran(y, grid7, permutations=999, seed=7)
    assert list(res.columns[:4]) == ["lisa_i", "lisa_p", "lisa_q", "lisa_cluster"]
    # The centre and corner of the high block are High-High, of the low block Low-Low.
    assert res.loc[code(1, 1), "lisa_cluster"] == "HH"
    assert res.loc[code(0, 0), "lisa_cluster"] == "HH"
    assert res.loc[code(5, 5), "lisa_cluster"] == "LL"
    # Cells far from both blocks are not significant.
    assert res.loc[code(0, 6), "lisa_cluster"] == "ns"
    assert res.loc[code(6, 0), "lisa_cluster"] == "ns"
    hh = set(res.index[res["lisa_cluster"] == "HH"])
    assert hh <= set(block(0, 0)) | {code(0, 3), code(3, 0), code(1, 3), code(3, 1)}
    assert set(res["lisa_cluster"]) <= set(CLUSTER_ORDER)
    assert res.attrs["permutations"] == 999 and res.attrs["seed"] == 7


def test_seed_reproducible_and_global_rng_untouched(grid7):
    y = planted(7, seed=3)
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    a = local_moran(y, grid7, permutations=199, seed=11)
    assert np.array_equal(np.random.get_state()[1], state)
    b = local_moran(y, grid7, permutations=199, seed=11)
    pd.testing.assert_frame_equal(a, b)
    c = local_moran(y, grid7, permutations=199, seed=12)
    assert not np.array_equal(a["lisa_p"].to_numpy(), c["lisa_p"].to_numpy())


def test_local_i_matches_hand_formula(grid7):
    y = planted(7, seed=1)
    res = local_moran(y, grid7, permutations=0)
    z = (y - y.mean()) / y.std(ddof=0)
    lag = pd.Series(grid7.w.sparse @ z.to_numpy(), index=z.index)
    expected = (len(y) - 1) * z * lag / (z**2).sum()
    np.testing.assert_allclose(res["lisa_i"], expected)
    np.testing.assert_allclose(res["lisa_lag"], lag)
    quad = np.select(
        [(z > 0) & (lag > 0), (z <= 0) & (lag > 0), (z <= 0) & (lag <= 0)], [1, 2, 3], 4
    )
    np.testing.assert_array_equal(res["lisa_q"], quad)


def test_checkerboard_rook_is_minus_one():
    # Under rook weights every neighbour of a checkerboard square has the other colour,
    # so each lag is the opposite of the value and I = -1 exactly.
    g = grid(6)
    y = pd.Series([(r + c) % 2 for r in range(6) for c in range(6)], index=g.index, dtype=float)
    s = global_moran(y, build_weights(g, rook=True), permutations=999, seed=0)
    assert s.i == pytest.approx(-1.0)
    assert s.p_sim == pytest.approx(0.001)
    assert s.expected_i == pytest.approx(-1 / 35)


def test_stripes_queen_negative(grid7):
    g = grid(7)
    y = pd.Series([c % 2 for r in range(7) for c in range(7)], index=g.index, dtype=float)
    s = global_moran(y, grid7, seed=0)
    assert s.i < -0.4 and s.z_norm < -3 and s.p_sim == pytest.approx(0.001)
    res = local_moran(y, grid7, seed=0)
    # Negative autocorrelation shows as outliers, never as HH/LL clusters.
    assert not res["lisa_cluster"].isin(["HH", "LL"]).any()


def test_global_moran_reproduces_esda_reference_on_sids2(nc):
    g, cw = nc
    # esda's test suite: Moran(SIDR74, sids2.gal).I == 0.24772519320480135
    s = global_moran(g["SIDR74"], cw)
    assert s.i == pytest.approx(0.24772519320480135, rel=1e-9)
    assert s.n == 100


def test_local_moran_matches_esda_directly_on_sids2(nc):
    g, cw = nc
    gal = sids2_gal()
    gal.transform = "r"
    ref = esda.Moran_Local(g["SIDR74"].to_numpy(), gal, permutations=999, seed=5)
    res = local_moran(g["SIDR74"], cw, permutations=999, seed=5)
    np.testing.assert_allclose(res["lisa_i"], ref.Is)
    np.testing.assert_allclose(res["lisa_p"], ref.p_sim)
    np.testing.assert_array_equal(res["lisa_q"], ref.q)
    expected = np.where(
        ref.p_sim <= 0.05, pd.Series(ref.q).map({1: "HH", 2: "LH", 3: "LL", 4: "HL"}), "ns"
    )
    np.testing.assert_array_equal(res["lisa_cluster"], expected)


def test_rate_lisa_matches_esda_on_sids2(nc):
    g, cw = nc
    gal = sids2_gal()
    gal.transform = "r"
    e, b = g["SID74"].to_numpy(float), g["BIR74"].to_numpy(float)
    ref = esda.Moran_Local_Rate(e, b, gal, permutations=199, seed=2)
    res = local_moran_rate(g["SID74"], g["BIR74"], cw, permutations=199, seed=2)
    np.testing.assert_allclose(res["lisa_i"], ref.Is)
    np.testing.assert_allclose(res["lisa_p"], ref.p_sim)
    assert res.attrs["method"] == "local_moran_rate"
    s = global_moran_rate(g["SID74"], g["BIR74"], cw, permutations=99)
    assert s.i == pytest.approx(esda.Moran_Rate(e, b, gal, permutations=0).I)


def test_rate_lisa_drops_invalid_base(grid7):
    g = grid(7)
    e = pd.Series(5.0, index=g.index)
    b = pd.Series(np.linspace(50, 500, 49), index=g.index)
    b[code(3, 3)] = 0  # no children: no rate
    res = local_moran_rate(e, b, grid7, permutations=99, seed=0)
    assert res.loc[code(3, 3), "lisa_cluster"] is None
    assert np.isnan(res.loc[code(3, 3), "lisa_i"])
    assert res["lisa_cluster"].notna().sum() == 48
    with pytest.raises(ValueError):
        local_moran_rate(-e, b, grid7)


def test_fdr_is_stricter(grid7):
    y = planted(7, seed=0, high=10.0, low=8.0)
    plain = local_moran(y, grid7, seed=7)
    strict = local_moran(y, grid7, seed=7, fdr=True)
    assert strict.attrs["threshold"] <= plain.attrs["threshold"] == 0.05
    sig_plain = set(plain.index[plain["lisa_cluster"] != "ns"])
    sig_strict = set(strict.index[strict["lisa_cluster"] != "ns"])
    assert sig_strict <= sig_plain


def test_missing_values_and_degenerate_input(grid7):
    y = planted(7, seed=0)
    y[code(6, 6)] = np.nan
    res = local_moran(y, grid7, seed=0)
    assert res.loc[code(6, 6), "lisa_cluster"] is None
    assert res["lisa_cluster"].notna().sum() == 48
    const = local_moran(pd.Series(1.0, index=y.index), grid7)
    assert (const["lisa_cluster"] == "ns").all()


def test_cluster_labels_and_colours():
    labels = cluster_labels(
        np.array([1, 2, 3, 4, 1]), np.array([0.01, 0.01, 0.01, 0.01, 0.5]), 0.05
    )
    assert labels.tolist() == ["HH", "LH", "LL", "HL", "ns"]
    assert set(labels) <= set(CLUSTER_ORDER)
