import numpy as np
import pandas as pd
import pulp
import pytest
from spopt.locate import MCLP

from geodata.analysis.access import haversine_km
from geodata.analysis.siting import build_mclp, greedy_cover, maximal_covering

# Direct esda/spopt calls below emit library deprecation warnings.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _line():
    # Three clusters on the equator, 111 km apart: west (1000), centre (200), east (600).
    counties = pd.DataFrame(
        {"cx": [0.0, 0.05, 1.0, 1.05, 2.0, 2.05], "cy": [0.0] * 6}, index=list("abcdef")
    )
    children = pd.Series([500, 500, 100, 100, 300, 300], index=list("abcdef"))
    return counties, children


def test_obvious_optimum_without_existing():
    counties, children = _line()
    res = maximal_covering(counties, children, k=1, radius_km=10)
    assert res.status == "optimal"
    assert res.sites.index.tolist() in (["a"], ["b"])  # either covers the west pair
    assert res.newly_covered == 1000 and res.covered_before == 0
    res2 = maximal_covering(counties, children, k=2, radius_km=10)
    assert res2.newly_covered == 1600
    assert set(res2.sites.index) & {"a", "b"} and set(res2.sites.index) & {"e", "f"}
    # Greedy order: the west site first (adds 1000), then the east (600).
    assert res2.sites["newly_covered"].tolist() == [1000, 600]
    assert res2.sites["cumulative_covered"].tolist() == [1000, 1600]
    assert res2.share_after == pytest.approx(1600 / 1800)


def test_existing_facilities_stay_fixed():
    counties, children = _line()
    existing = pd.DataFrame({"lon": [0.02], "lat": [0.0]})
    res = maximal_covering(counties, children, k=1, radius_km=10, existing=existing)
    assert res.sites.index.tolist() in (["e"], ["f"])
    assert (res.covered_before, res.newly_covered, res.covered_after) == (1000, 600, 1600)
    assert res.demand.loc["a", "covered_before"] and res.demand.loc["e", "covered_after"]
    assert res.demand.loc["e", "new_site"] == res.sites.index[0]
    assert res.share_before == pytest.approx(1000 / 1800)


def test_more_sites_than_useful_candidates_and_user_candidates():
    counties, children = _line()
    res = maximal_covering(counties, children, k=10, radius_km=10)
    assert len(res.sites) == 3 and res.covered_after == children.sum()
    cands = pd.DataFrame({"lon": [1.02, 5.0], "lat": [0.0, 0.0]}, index=["mid", "far"])
    res2 = maximal_covering(counties, children, k=1, radius_km=10, candidates=cands)
    assert res2.sites.index.tolist() == ["mid"] and res2.newly_covered == 200
    nothing = maximal_covering(counties, children * 0, k=3, radius_km=10)
    assert nothing.status == "nothing to cover" and nothing.sites.empty


def test_sparse_model_matches_spopt_dense_model():
    rng = np.random.default_rng(4)
    pts = rng.uniform([100, 25], [104, 29], (60, 2))
    w = rng.integers(0, 1000, 60).astype(float)
    d = haversine_km(pts[:, None, 0], pts[:, None, 1], pts[None, :, 0], pts[None, :, 1])
    dense = MCLP.from_cost_matrix(d, w, service_radius=60, p_facilities=4)
    dense.solve(pulp.PULP_CBC_CMD(msg=False))
    ci, fj = np.nonzero(d <= 60)
    sparse_model = build_mclp(w, ci, fj, 60, 4).solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.value(sparse_model.problem.objective) == pytest.approx(
        pulp.value(dense.problem.objective)
    )
    counties = pd.DataFrame(pts, columns=["cx", "cy"], index=[f"{i:06d}" for i in range(60)])
    res = maximal_covering(counties, pd.Series(w, index=counties.index), k=4, radius_km=60)
    assert res.newly_covered == pytest.approx(pulp.value(dense.problem.objective))


def test_greedy_cover():
    chosen, covered = greedy_cover(
        np.array([3.0, 4.0, 5.0]), np.array([0, 1, 1, 2]), np.array([0, 0, 1, 1]), 2, 2
    )
    assert chosen.tolist() == [True, True] and covered.all()


def test_full_size_k20():
    """A full-size instance solves (speed is measured in bench/bench_analysis.py)."""
    rng = np.random.default_rng(5)
    pts = rng.uniform([75, 20], [130, 50], (2900, 2))
    counties = pd.DataFrame(pts, columns=["cx", "cy"], index=[f"{i:06d}" for i in range(2900)])
    children = pd.Series(rng.integers(0, 20000, 2900), index=counties.index)
    res = maximal_covering(counties, children, k=20, radius_km=50)
    assert len(res.sites) == 20 and res.newly_covered > 0
