"""docs/contributing.md's worked example, Local Geary, runs end to end: through the HTTP
API, as a map mode from a link, in the table, and as an exported map; and the
walk-through still names the files the method lives in."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dashboard import methods
from dashboard.presenters import map as map_views
from dashboard.view import ViewState
from geodata.analysis import REGISTRY
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
DOC = ROOT / "docs" / "contributing.md"


def test_walk_through_names_the_files_of_the_example():
    text = DOC.read_text(encoding="utf-8")
    files = set(re.findall(r"`((?:geodata|dashboard)/[\w/]+\.py)`", text))
    assert {"geodata/analysis/geary.py", "geodata/analysis/methods.py",
            "dashboard/methods.py", "dashboard/i18n.py"} <= files  # fmt: skip
    for f in files:
        assert (ROOT / f).is_file(), f
    assert "geary" in (ROOT / "geodata/analysis/methods.py").read_text()
    assert REGISTRY["geary"].runner == "geodata.analysis.geary:run"
    assert "geary" in methods.VIEWS and "geary" in methods.mode_ids()


def test_example_through_the_api(client):
    r = client.get("/api/v1/data.csv?analysis=geary&permutations=99&indicator=left_behind_rate")
    assert r.status_code == 200, r.get_data()[:300]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert {"geary_c", "geary_p", "geary_cluster"} <= set(rows[0])
    classes = {row["geary_cluster"] for row in rows}
    assert classes - {""} <= set(REGISTRY["geary"].classes) and "HH" in classes
    taiwan = next(row for row in rows if row["code"] == "710000")
    assert taiwan["geary_cluster"] == "" and taiwan["geary_c"] == ""  # no data stays no data


def test_example_as_a_map_mode_and_table(dash_app):
    atlas = dash_app.atlas
    view = ViewState.from_query("?mode=geary&perm=99&lang=en", atlas)
    fig = map_views.view_figure(atlas, view)
    main = fig["data"][0]
    assert "Local Geary" in main["colorbar"]["title"]["text"]
    assert max(main["z"]) <= len(REGISTRY["geary"].classes)
    assert any("High-High, alike" in t for t in main["text"])
    rows, defs, note = atlas.mode_table("geary", view.analysis_params(), view.indicator,
                                        view.period, "en")  # fmt: skip
    assert rows and {d["field"] for d in defs} >= {"geary_c", "geary_cluster"}
    assert all(r["geary_cluster"] == "HH" for r in rows) and note.startswith("Similarity")


def test_example_as_an_exported_map(xclient):
    from pypdf import PdfReader

    r = xclient.get("/export/map.pdf?lang=en&mode=geary&perm=99")
    assert r.status_code == 200, r.get_data()[:300]
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(r.get_data())).pages[0].extract_text())
    assert "LocalGeary" in text and "High-High,alike" in text
