import esda
import numpy as np
import pandas as pd
import pytest

from geodata.analysis.hotspots import getis_ord_star, gi_bins
from geodata.analysis.weights import build_weights
from tests.geodata.analysis.fixtures import code, grid, planted, sids2, sids2_gal

# Direct esda/spopt calls below emit library deprecation warnings.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def grid7():
    return build_weights(grid(7))


def test_planted_hot_and_cold_spots(grid7):
    y = planted(7, seed=0, high=10.0, low=8.0)
    res = getis_ord_star(y, grid7, permutations=999, seed=3)
    assert list(res.columns) == ["gi", "gi_z", "gi_p", "gi_bin"]
    assert res.loc[code(1, 1), "gi_bin"] == 3
    assert res.loc[code(5, 5), "gi_bin"] == -3
    assert res.loc[code(1, 1), "gi_z"] > 2.58  # permutation z agrees with the bin
    assert res["gi_bin"].between(-3, 3).all()
    assert abs(res.loc[code(0, 6), "gi_bin"]) <= 1


def test_gi_star_value_by_hand():
    # 3 x 3 grid: the centre's neighbourhood (with itself) is all nine cells, each
    # weighted 1/9, so G*_centre = mean / sum = 1/9.  A corner averages itself and three
    # neighbours.
    g = grid(3)
    y = pd.Series(np.arange(1.0, 10.0), index=g.index)
    res = getis_ord_star(y, build_weights(g), permutations=0)
    assert res.loc[code(1, 1), "gi"] == pytest.approx(1 / 9)
    corner = y[[code(0, 0), code(0, 1), code(1, 0), code(1, 1)]].mean() / y.sum()
    assert res.loc[code(0, 0), "gi"] == pytest.approx(corner)


def test_bins_from_two_sided_p():
    p = np.array([0.002, 0.01, 0.02, 0.05, 0.07, 0.1, 0.2, np.nan])
    d = np.array([1, -1, 1, -1, 1, -1, 1, 1])
    assert gi_bins(p, d).tolist() == [3, -3, 2, -2, 1, -1, 0, 0]


def test_matches_esda_directly_and_does_not_touch_weights():
    g = sids2()
    cw = build_weights(g, rook=True)
    before = {k: list(v) for k, v in cw.w.weights.items()}
    res = getis_ord_star(g["SIDR74"], cw, permutations=999, seed=9)
    gal = sids2_gal()
    gal.transform = "b"
    ref = esda.G_Local(
        g["SIDR74"].to_numpy(), gal, transform="R", star=True, permutations=999, seed=9, n_jobs=1
    )
    np.testing.assert_allclose(res["gi"], ref.Gs)
    np.testing.assert_allclose(res["gi_z"], ref.z_sim)
    np.testing.assert_allclose(res["gi_p"], np.minimum(1, 2 * ref.p_sim))
    assert {k: list(v) for k, v in cw.w.weights.items()} == before
    assert cw.w.transform.upper() == "R"


def test_negative_values_rejected(grid7):
    y = planted(7) - 100
    with pytest.raises(ValueError):
        getis_ord_star(y, grid7)


def test_missing_values(grid7):
    y = planted(7)
    y[code(3, 3)] = np.nan
    res = getis_ord_star(y, grid7, permutations=99, seed=0)
    assert np.isnan(res.loc[code(3, 3), "gi"])
    assert res.loc[code(3, 3), "gi_bin"] == 0
    assert res["gi"].notna().sum() == 48
