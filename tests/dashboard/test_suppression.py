"""Small-number protection: with ATLAS_SUPPRESS_BELOW=5 no child count 1-4 leaves the server."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.presenters import map as map_views
from geodata.indicators import MEASURES
from tests.conftest import make_data_dir


@pytest.fixture(scope="module")
def k5_app(tmp_path_factory, layers):
    from dashboard.factory import create_app
    from dashboard.settings import Settings

    data = make_data_dir(tmp_path_factory.mktemp("atlas-k5"), layers)
    return create_app(Settings.from_env(env={"ATLAS_SUPPRESS_BELOW": "5"}, data_dir=data))


@pytest.fixture(scope="module")
def small_county(k5_app) -> str:
    """A county whose street-children count is between 1 and 4 in the demo data."""
    v = k5_app.atlas.county_table("2026-H1")["risk_street"]
    return v[(v >= 1) & (v <= 4)].index[0]


def test_setting_is_validated():
    from dashboard.settings import Settings

    assert Settings.from_env(env={}).suppress_below == 0
    with pytest.raises(ValueError, match="ATLAS_SUPPRESS_BELOW"):
        Settings.from_env(env={"ATLAS_SUPPRESS_BELOW": "-1"})


def test_map_tooltips_and_legend(k5_app, small_county, dash_app):
    atlas = k5_app.atlas
    mv = atlas.map_values("risk_street", "2026-H1")
    pos = atlas.layers.counties_web.index.get_loc(small_county)
    assert mv.text[pos].startswith("<5")
    assert not any(t.split(" ")[0] in {"1", "2", "3", "4"} for t in mv.text)
    assert any("<5" in t for t in mv.tick_text[1:2])  # the lowest class starts at "<5"
    # Off by default: the same county shows its number.
    plain = dash_app.atlas.map_values("risk_street", "2026-H1")
    assert plain.text[pos].split(" ")[0] in {"1", "2", "3", "4"}
    # Facilities are not children: never suppressed.
    homes = atlas.map_values("children_homes", "2026-H1")
    assert not any(t.startswith("<") for t in homes.text)


def test_county_panel_and_charts(k5_app, small_county):
    atlas = k5_app.atlas
    profile = atlas.county_profile(small_county, "2026-H1", "zh")
    # The panel lists the risk total, not the groups; make one total small to check it.
    row = next(r for r in profile["rows"] if r["id"] == "risk_total")
    row["value"] = 3.0
    profile["trend"][0]["left_behind"] = 2.0
    profile = atlas._suppress_profile(profile)
    row = next(r for r in profile["rows"] if r["id"] == "risk_total")
    assert row["value"] is None and row["hidden"] == "<5"
    assert profile["trend"][0]["left_behind"] == "<5"
    from dashboard.pages.explorer.county_panel import county_panel

    assert "<5" in str(county_panel(profile, "zh"))
    dist, _ = map_views.linked_figures(
        atlas, "risk_street", "2026-H1", "quantiles", "zh", None, None
    )
    trace = dist["data"][0]
    hidden = [h for h in trace["hovertext"] if h.endswith(": <5")]
    assert hidden and not any(x in (1, 2, 3, 4) for x in trace["x"])  # none drawn at 1-4


def test_tables_and_api(k5_app, small_county):
    atlas = k5_app.atlas
    rows, _, _ = atlas.mode_table(
        "values", None, "risk_street", "2026-H1", "zh", scope={small_county}
    )
    assert rows[0]["value"] == "<5"
    client = k5_app.server.test_client()
    r = client.get("/api/v1/data.csv?period=2026-H1")
    assert r.status_code == 200
    reader = csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff")))
    seen_label = False
    for rec in reader:
        for m in MEASURES:
            assert rec[m] not in {"1", "2", "3", "4"}, (rec["code"], m)
            seen_label |= rec[m] == "<5"
    assert seen_label
    r = client.get("/api/v1/data.csv?period=2026-H1&analysis=coverage")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "<5" in text


def test_briefing_tables_suppress_small_counts(k5_app, small_county):
    """The printed briefing uses the same rule (its county table shows left-behind)."""
    from dashboard.sheets import briefing

    atlas = k5_app.atlas
    assert briefing._count(atlas, 3, "zh") == "<5"
    assert briefing._count(atlas, 0, "zh") == "0" and briefing._count(atlas, 12, "en") == "12"
