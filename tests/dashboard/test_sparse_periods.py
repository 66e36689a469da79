"""A period that holds only a few counties (a partial upload) renders everywhere: the
region pages, the county table, the charts and the exports show no data, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.dashboard.conftest import signed_in, upload

PERIOD = "2019-H1"
CSV = "区划代码,县区,留守儿童,儿童总数\n110101,东城区,40,45000\n110102,西城区,50,52000\n"


@pytest.fixture(scope="module")
def sparse_app(rw_app):
    editor, token = signed_in(rw_app)
    r = upload(editor, token, CSV, "two.csv", period=PERIOD)
    assert r.status_code == 200 and r.json["rows_imported"] == 2, r.json
    return rw_app


@pytest.mark.parametrize(
    "query",
    [
        f"?region=440300&period={PERIOD}",  # Shenzhen: no value at all in that period
        f"?region=440000&period={PERIOD}&indicator=left_behind_rate",
        f"?region=110000&period={PERIOD}",  # Beijing: two values
        f"?period={PERIOD}&scheme=fisher_jenks",
        f"?period={PERIOD}&scheme=std_mean&region=440300",
        f"?region=440300&period={PERIOD}&mode=lisa&perm=99",
        f"?region=440300&period={PERIOD}&mode=coverage",
    ],
)
def test_pages_of_a_sparse_period_render(sparse_app, query):
    client = sparse_app.server.test_client()
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost/{query}"})
    assert r.status_code == 200, r.get_data(as_text=True)[-500:]
    text = json.dumps(r.get_json(), ensure_ascii=False)
    assert "无数据" in text  # the legend's no-data class


def test_csv_and_summary_of_a_sparse_period(sparse_app):
    client = sparse_app.server.test_client()
    r = client.get(f"/api/v1/data.csv?period={PERIOD}")
    assert r.status_code == 200
    atlas = sparse_app.atlas
    from dashboard.presenters import map as map_views

    line = map_views.summary_text(atlas, "left_behind", PERIOD, "en", "440300")
    assert line.startswith("County units with data: 0 /")


def test_a_sparse_new_period_is_not_the_default_view(sparse_app):
    """Two counties committed for the next half-year must not become what every
    visitor sees: the default stays the last period with most counties; the new one
    opens when asked for."""
    editor, token = signed_in(sparse_app)
    r = upload(editor, token, CSV, "two.csv", period="2026-H2")
    assert r.status_code == 200 and r.json["rows_imported"] == 2, r.json
    atlas = sparse_app.atlas
    assert atlas.periods()[-1] == "2026-H2" and atlas.default_period() == "2026-H1"
    from dashboard.view import ViewState

    assert ViewState.from_query("", atlas).period == "2026-H1"
    assert ViewState.from_query("?period=2026-H2", atlas).period == "2026-H2"
    csv_default = sparse_app.server.test_client().get("/api/v1/data.csv").get_data(as_text=True)
    assert "2026-H1," in csv_default.splitlines()[1]
