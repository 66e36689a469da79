"""A visitor's explorer layout is built once per address, data and programme list, and
answered from the shared cache; a signed-in user's never is (dashboard/web/layout_cache.py)."""

from __future__ import annotations

import gzip
import hashlib
import json

import brotli
import pytest

from dashboard import pages
from tests.dashboard.conftest import EDITOR, signed_in


@pytest.fixture()
def builds(monkeypatch, rw_app):
    """How many times Dash built a page layout (after the app's first request, on which
    Dash builds one to check it)."""
    rw_app.server.test_client().get("/healthz")
    calls = []
    render = pages.render
    monkeypatch.setattr(pages, "render", lambda *a, **k: calls.append(a[:2]) or render(*a, **k))
    return calls


def _layout(client, query: str = "", **headers):
    return client.get("/_dash-layout", headers={"Referer": f"http://localhost/{query}", **headers})


def test_visitors_share_one_layout_per_address(rw_app, builds):
    rw_app.atlas.cache.clear()
    first = _layout(rw_app.server.test_client(), "?lang=zh")
    second = _layout(rw_app.server.test_client(), "?lang=zh")  # another session
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and b'"id":"programme-csrf","data":""' in first.data
    assert len(builds) == 1  # the second visitor's came from the cache
    # The same ETag in every session: a second visit elsewhere is a 304.
    assert first.headers["ETag"] == second.headers["ETag"]
    again = _layout(
        rw_app.server.test_client(),
        "?lang=zh",
        **{"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    assert first.headers["ETag"].strip('"') == hashlib.sha1(first.data).hexdigest()[:20]
    # Compressed forms decode to the same layout.
    br = _layout(rw_app.server.test_client(), "?lang=zh", **{"Accept-Encoding": "br"})
    gz = _layout(rw_app.server.test_client(), "?lang=zh", **{"Accept-Encoding": "gzip"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == first.data
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == first.data
    # Another view or language is another layout.
    english = _layout(rw_app.server.test_client(), "?lang=en")
    assert english.data != first.data and "Children's Care Atlas" in english.get_data(as_text=True)
    assert len(builds) == 2


def test_a_shared_views_layout_is_built_each_time(rw_app, builds):
    """Only the landing view is kept: a cache keyed on any query could be filled with
    a layout per made-up address."""
    rw_app.atlas.cache.clear()
    for i in range(3):
        r = _layout(rw_app.server.test_client(), f"?indicator=migrant&x={i}")
        assert r.status_code == 200
    assert len(builds) == 3


def test_a_signed_in_users_layout_is_never_cached_nor_given_to_visitors(rw_app, builds):
    rw_app.atlas.cache.clear()
    editor, token = signed_in(rw_app, EDITOR)
    mine = _layout(editor, "")
    assert EDITOR[0] in mine.get_data(as_text=True) and token in mine.get_data(as_text=True)
    visitor = _layout(rw_app.server.test_client(), "")
    text = visitor.get_data(as_text=True)
    assert EDITOR[0] not in text and token not in text
    _layout(editor, "")
    assert len(builds) == 3  # the editor's twice, the visitor's once


def test_a_new_programme_or_new_data_reaches_visitors_at_once(rw_app, builds):
    rw_app.atlas.cache.clear()
    name = "布局缓存测试项目"
    before = json.dumps(_layout(rw_app.server.test_client()).json, ensure_ascii=False)
    rw_app.atlas.save_programme(name, ["520102", "520103"], user=EDITOR[0])
    after = json.dumps(_layout(rw_app.server.test_client()).json, ensure_ascii=False)
    assert name not in before and name in after
    assert len(builds) == 2


def test_the_database_down_page_is_not_kept(rw_app, monkeypatch, builds):
    from dashboard.web import layout_cache

    rw_app.atlas.cache.clear()
    monkeypatch.setattr(layout_cache, "TIMEOUT", 300)
    kept = []
    monkeypatch.setattr(rw_app.atlas.cache, "set", lambda *a, **k: kept.append(a[0]))
    from dashboard.atlas import DatabaseUnavailable

    def down():
        raise DatabaseUnavailable("test: database down")

    monkeypatch.setattr(rw_app.atlas, "ensure_ready", down)
    r = _layout(rw_app.server.test_client())
    assert r.status_code == 200
    assert not [k for k in kept if ":layout:" in k]
