"""Property-based tests (hypothesis): malformed uploads and query parameters.

Whatever arrives, the importer accounts for every row or refuses the file with one
clear error, and the API answers 200/400/404, never 500.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata import ingest
from geodata.ingest import ImportFileError, read_table, validate
from tests.geodata.ingest.helpers import check

CELLS = st.one_of(
    st.sampled_from(
        [
            "110101",
            "156420102000",
            "４２０１０３",
            "431121",
            "999999",
            "朝阳区",
            "东城区",
            "合计",
            "",
            " ",
            "N/A",
            "-",
            "=1+1",
            "@SUM(A1)",
            "1,234",
            "１２３",
            "-5",
            "3.7",
            "1e9",
            "NaN",
            "inf",
            "\u0000",
            "\ufeff",
            "2025-H2",
            "2025年上半年",
        ]
    ),  # fmt: skip
    st.integers(-10, 10**7).map(str),
    st.text(max_size=12),
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "区划代码",
            "code",
            "县区",
            "name",
            "儿童总数",
            "children",
            "留守儿童",
            "left_behind",
            "流动儿童",
            "migrant",
            "期间",
            "period",
            "备注",
            "",
            "code",
        ]
    ),  # fmt: skip
    min_size=1,
    max_size=7,
)


@pytest.fixture(scope="module")
def registry():
    from geodata.codes import load_registry

    return load_registry()


def _csv(header: list[str], rows: list[list[str]], title: str | None) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    if title is not None:
        w.writerow([title])
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=HEADERS,
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=25),
    title=st.one_of(st.none(), st.text(max_size=20)),
    period=st.sampled_from([None, "2025-H2", "2026-H1"]),
)
def test_importer_accounts_for_every_row(registry, header, rows, title, period):
    data = _csv(header, rows, title)
    try:
        raw = read_table(data, "fuzz.csv")
        report = validate(raw, None, "children", period, registry)
    except ImportFileError as exc:  # refused as a whole: one clear line, no traceback
        assert str(exc) and "\n" not in str(exc).strip()
        return
    check(report)
    assert report.rows_total >= 0


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=3000), name=st.sampled_from(["x.csv", "x.xlsx", "x"]))
def test_arbitrary_bytes_are_read_or_refused(data, name):
    try:
        raw = read_table(data, name)
    except ImportFileError as exc:
        assert str(exc)
    else:
        assert raw is not None


@settings(max_examples=30, deadline=None)
@given(
    value=st.one_of(
        st.text(max_size=30),
        st.sampled_from(["=cmd|' /C calc'!A0", "+1", "-1+1", "@x", "\tx", "\rx"]),
    )
)
def test_csv_cells_never_start_a_formula(value):
    out = ingest.csv_safe(value)
    assert out[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert out.endswith(value) or value == ""


QUERY_VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "2025-H2",
            "2026-H1",
            "2030-H1",
            "lisa",
            "gistar",
            "mclp",
            "2sfca",
            "coverage",
            "bogus",
            "-1",
            "0",
            "1e309",
            "NaN",
            "99999999999999999999",
            "left_behind",
            "left_behind_rate",
            "true",
            "../../etc/passwd",
            "%00",
            "<script>",
        ]
    ),  # fmt: skip
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "period",
                "analysis",
                "indicator",
                "permutations",
                "seed",
                "alpha",
                "fdr",
                "radius_km",
                "k",
                "junk",
            ]
        ),  # fmt: skip
        QUERY_VALUES,
        max_size=5,
    ),
    path=st.sampled_from(["/api/v1/data.csv", "/api/v1/meta", "/api/v1/indicators"]),
)
def test_api_never_answers_500(client, params, path):
    if "permutations" in params:  # keep the fuzzing fast: big permutation counts are valid
        params["permutations"] = params["permutations"][:2]
    r = client.get(path + "?" + urlencode(params))
    assert r.status_code in (200, 400, 404), (path, params, r.status_code, r.data[:200])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "indicator",
                "period",
                "scheme",
                "region",
                "county",
                "mode",
                "perm",
                "seed",
                "radius",
                "k",
                "layers",
                "programme",
                "pfilter",
                "breaks",
                "palette",
                "lang",
                "pooled",
                "fdr",
            ]
        ),  # fmt: skip
        QUERY_VALUES,
        max_size=6,
    )
)
def test_any_link_opens_a_page(dash_app, query):
    """A link with junk in it still opens the explorer (defaults for what it cannot use)."""
    from dashboard.pages.explorer.layout import build_layout, view_state

    atlas = dash_app.atlas
    search = "?" + urlencode(query)
    state = view_state(atlas, search)
    assert state.mode in {"values", "lisa", "lisa_rate", "gistar", "cluster_change",
                             "coverage", "2sfca", "mclp"}  # fmt: skip
    if state.mode == "values":  # analysis modes are covered elsewhere (slower)
        assert build_layout(atlas, search) is not None
