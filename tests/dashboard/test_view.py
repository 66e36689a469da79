"""ViewState: the one reader and writer of a view (URL, controls, exports, API, CLI)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import methods
from dashboard.view import BadParameter, ViewState, param_bounds

_ints = lambda name: st.integers(*(int(x) for x in param_bounds(name)[1:3]))  # noqa: E731

views = st.builds(
    ViewState,
    indicator=st.sampled_from(["left_behind", "migrant_rate", "children", "left_behind_rate"]),
    period=st.sampled_from([None, "2025-H2", "2026-H1"]),
    scheme=st.sampled_from(["quantiles", "fisher_jenks", "equal_interval", "std_mean"]),
    palette=st.sampled_from([None, "Blues", "RdBu"]),
    pooled=st.booleans(),
    lang=st.sampled_from(["zh", "en"]),
    region=st.sampled_from([None, "510000", "510100"]),
    county=st.sampled_from([None, "510104"]),
    mode=st.sampled_from(methods.mode_ids()),
    perm=_ints("perm"),
    seed=_ints("seed"),
    fdr=st.booleans(),
    radius=st.integers(1, 500).map(float),
    k=_ints("k"),
    alpha=st.sampled_from([0.05, 0.01, 0.1]),
    layers=st.sampled_from([(), ("facilities",), ("facilities", "programme")]),
    programme=st.sampled_from([None, 1, 7]),
    pfilter=st.booleans(),
    briefing=st.booleans(),
)


def _canonical(v: ViewState) -> ViewState:
    """What a link can carry: analysis parameters only in an analysis mode, and the
    programme filter only with a programme."""
    if v.mode == "values":
        d = ViewState()
        v = v.replace(perm=d.perm, seed=d.seed, fdr=d.fdr, radius=d.radius, k=d.k, alpha=d.alpha)
    return v.replace(pfilter=v.pfilter and v.programme is not None)


@given(views)
def test_query_round_trips(view):
    view = _canonical(view)
    back = ViewState.from_query(view.to_query())
    assert back == view
    assert back.cache_key() == view.cache_key()
    assert ViewState.from_query(back.to_query(), strict=True) == view


@given(views, views)
def test_cache_key_tells_maps_apart(a, b):
    a, b = _canonical(a), _canonical(b)
    fields = ("indicator", "period", "scheme", "palette", "pooled", "lang", "region", "mode",
              "layers", "programme")  # fmt: skip
    if any(getattr(a, f) != getattr(b, f) for f in fields):
        assert a.cache_key() != b.cache_key()


def test_analysis_params_follow_the_view():
    v = ViewState.from_query("?mode=mclp&k=5&radius=25&indicator=migrant")
    p = v.analysis_params()
    assert (p.method, p.k, p.radius_km, p.indicator) == ("mclp", 5, 25.0, "migrant")
    assert ViewState.from_query("?indicator=migrant").analysis_params() is None


def test_api_names_are_read_as_the_page_names():
    v = ViewState.from_query({"analysis": "gistar", "permutations": "199", "radius_km": "12"})
    assert (v.mode, v.perm, v.radius) == ("gistar", 199, 12.0)


@pytest.mark.parametrize(
    ("query", "name", "fragment"),
    [
        ("?perm=99999", "perm", "between 99 and 9999"),
        ("?permutations=99999", "permutations", "9999"),
        ("?analysis=magic", "analysis", "unknown method"),
        ("?k=0", "k", "k must be between 1 and 200"),
        ("?indicator=nope", "indicator", "nope"),
        ("?scheme=user", "breaks", "needs breaks"),
        ("?scheme=user&breaks=1,x", "breaks", "'x'"),
        ("?lang=fr", "lang", "zh"),
        ("?programme=99999999999999999999", "programme", "unknown programme"),
        ("?alpha=2", "alpha", "between 0 and 1"),
    ],
)
def test_strict_reading_names_the_parameter(query, name, fragment):
    with pytest.raises(BadParameter) as err:
        ViewState.from_query(query, strict=True)
    assert err.value.name == name and fragment in str(err.value)
    ViewState.from_query(query)  # the page's reading never raises


def test_lenient_reading_falls_back():
    v = ViewState.from_query("?mode=evil&perm=1e99&layers=x,facilities&k=-3&programme=abc")
    assert (v.mode, v.perm, v.layers, v.k, v.programme) == (
        "values",
        999,
        ("facilities",),
        20,
        None,
    )


def test_controls_are_read_like_a_link():
    v = ViewState.from_controls(
        indicator="migrant", period="2026-H1", scheme="user", palette="auto", pooled=["pooled"],
        breaks="10, 100", mode="lisa", perm=199, seed=None, fdr=["fdr"], radius=None, k=None,
        layers=["facilities"], programme=None, pfilter=["on"], lang="en",
    )  # fmt: skip
    assert v.palette is None and v.pooled and v.breaks == "10, 100" and v.fdr
    assert v.perm == 199 and v.seed == ViewState().seed and not v.pfilter
    assert v.style() == {"pooled": True, "breaks": "10, 100"}
