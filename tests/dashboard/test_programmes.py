"""Programmes through the app: save needs an editor, the comparison and the preview."""

from __future__ import annotations

import json

from dashboard import ids
from tests.dashboard.conftest import VIEWER, signed_in, upload
from tests.dashboard.test_map_callbacks import call


def save(app, client, name, codes, csrf, lang="zh"):
    """Click Save with a name and a parsed list; the callback's response."""
    from tests.dashboard.test_map_callbacks import callback_key

    outputs = [
        (ids.PROG_STATUS, "children"),
        (ids.PROGRAMME, "options"),
        (ids.PROGRAMME, "value"),
        (ids.PROG_DRAFT, "value"),
    ]
    state = [
        (ids.PROG_NAME, "value", name),
        (ids.PROG_DRAFT_CODES, "data", codes),
        (ids.PROG_CSRF, "data", csrf),
        (ids.LANG, "data", lang),
    ]
    key = callback_key(app, f"{ids.PROG_STATUS}.children", ids.PROG_SAVE)
    r = call(client, outputs, [(ids.PROG_SAVE, "n_clicks", 1)], state, key=key)
    assert r.status_code == 200, r.data[:300]
    return json.loads(r.data)["response"]


def test_saving_needs_an_editor(rw_app):
    anon = rw_app.server.test_client()
    out = save(rw_app, anon, "项目乙", ["110101"], None)
    assert "登录" in json.dumps(out[ids.PROG_STATUS]["children"], ensure_ascii=False)
    assert ids.PROGRAMME not in out  # nothing saved, the list unchanged
    viewer, token = signed_in(rw_app, VIEWER)
    out = save(rw_app, viewer, "项目乙", ["110101"], token, "en")
    assert "editor sign-in" in json.dumps(out[ids.PROG_STATUS]["children"])
    assert "项目乙" not in set(rw_app.atlas.store.programmes()["name"])


def test_editor_saves_and_sees_it_listed(rw_app):
    client, token = signed_in(rw_app)
    out = save(rw_app, client, "项目丙", ["110101", "420102"], token)
    pid = out[ids.PROGRAMME]["value"]
    assert any(o["value"] == pid for o in out[ids.PROGRAMME]["options"])
    assert out[ids.PROG_DRAFT]["value"] == ""
    stored = rw_app.atlas.store.programme(pid)
    assert stored["codes"] == ["110101", "420102"] and stored["created_by"] == "zhang"
    # Bad CSRF token, empty list, bad name: refused with the reason.
    assert "登录" in json.dumps(
        save(rw_app, client, "x", ["110101"], "forged")[ids.PROG_STATUS]["children"],
        ensure_ascii=False,
    )
    for name, codes, why in (("空", [], "no counties"), ("", ["110101"], "needs a name")):
        status = save(rw_app, client, name, codes, token, "en")[ids.PROG_STATUS]["children"]
        assert why in status, status


def test_preview_and_comparison(dash_app, client):
    from tests.dashboard.test_map_callbacks import callback_key

    key = callback_key(dash_app, f"{ids.PROG_DRAFT_CODES}.data", ids.PROG_DRAFT)
    r = call(
        client,
        [(ids.PROG_DRAFT_CODES, "data"), (ids.PROG_PREVIEW, "children")],
        [(ids.PROG_DRAFT, "value", "110101\n999999\n朝阳区")],
        [(ids.LANG, "data", "en")],
        key=key,
    )
    out = json.loads(r.data)["response"]
    assert out[ids.PROG_DRAFT_CODES]["data"] == ["110101"]
    text = json.dumps(out[ids.PROG_PREVIEW]["children"], ensure_ascii=False)
    assert "1 counties" in text and "not used" in text and "#2 999999" in text
    pid = int(dash_app.atlas.store.programmes()["id"].iloc[0])
    r = call(
        client,
        [(ids.PROG_COMPARE, "children")],
        [(ids.PROGRAMME, "value", pid), (ids.PERIOD, "value", "2026-H1")],
        [(ids.LANG, "data", "en")],
    )
    text = json.dumps(json.loads(r.data)["response"], ensure_ascii=False)
    assert "40 counties in 12 provinces" in text and "since 2025-H2" in text
    assert "Synthetic demo data" in text


def test_uploaded_names_are_text_in_hovers_and_the_label_follows_the_facilities(rw_app):
    """Facility names from an upload were rendered as HTML by plotly (a link, a 300 px
    <b>); and the hover's synthetic label followed the children's data, not the
    facilities shown."""

    from dashboard.presenters import overlays

    evil = '<a href="http://evil.example/x">click</a><b style="font-size:300px">BIG</b>'
    body = f"名称,类型,经度,纬度\n{evil},儿童之家,104.07,30.67\n正常之家,儿童之家,104.10,30.70\n"
    editor, token = signed_in(rw_app)
    # the whole nation's facilities replaced by the file's (a merge would keep the demo's)
    r = upload(editor, token, body, "f.csv", kind="facilities", period="2026-H1",
               mode="replace", scope="100000")  # fmt: skip
    assert r.status_code == 200 and r.json["rows_imported"] == 2, r.json
    atlas = rw_app.atlas
    assert atlas.is_synthetic("2026-H1") and not atlas.is_synthetic("2026-H1", "facilities")
    layer = overlays.facility_layer(atlas, "2026-H1", "510000", "en")
    texts = layer["children_home"]["text"]
    joined = " ".join(texts)
    assert "<a " not in joined and "<b style" not in joined and "&lt;a href=" in joined
    assert "synthetic" not in joined.lower()  # real facilities: no demo label
    pid = atlas.save_programme("<i>项目</i><img src=x>", ["510104"], user="zhang")
    from dashboard.presenters import map as map_views
    from dashboard.view import ViewState

    view = ViewState(period="2026-H1", layers=("programme",), programme=pid)
    fig = map_views.view_figure(atlas, view)
    names = [tr.get("name", "") or "" for tr in fig["data"]]
    assert any("&lt;i&gt;项目" in n for n in names) and not any("<img" in n for n in names)
