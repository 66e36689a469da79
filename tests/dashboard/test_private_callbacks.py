"""Dash callbacks that read or write private data check the session like the HTTP API.

The test enumerates ``/_dash-dependencies`` (what any visitor's browser is told) and
calls every server-side callback anonymously, with every input set, so a callback added
later without the check is caught too.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.dashboard.conftest import VIEWER, signed_in, upload

SECRET_FILE = "机密-secret-plan-7f3a.csv"
CSV = "区划代码,县区,留守儿童\n110101,东城区,40\n110102,西城区,50\n"
PERIOD = "2019-H2"

# Outputs that only private callbacks may write (upload wizard, dataset versions,
# saving programmes). Sign-out (upload-nav) is public on purpose: it only clears the
# caller's own session, and must work after the session has expired.
PRIVATE_PREFIXES = ("upload-", "datasets-", "programme-status")
PUBLIC_OK = {"upload-nav.href"}


def _text(response) -> str:
    """A response body with JSON escapes undone (Dash writes non-ASCII as \\uXXXX)."""
    data = response.get_json(silent=True)
    if data is None:
        return response.get_data(as_text=True)
    return json.dumps(data, ensure_ascii=False)


def _private_flag(dash_app, key):
    fn = dash_app.callback_map[key]["callback"]
    while fn is not None:
        flag = getattr(fn, "__atlas_private__", None)
        if flag:
            return flag
        fn = getattr(fn, "__wrapped__", None)
    return None


def _outputs(key: str) -> list[str]:
    key = key.split("@")[0]
    if key.startswith(".."):
        return [o.split("@")[0] for o in key.strip(".").split("...")]
    return [key]


def _value(prop: str):
    if prop in ("n_clicks", "submit_n_clicks", "n_intervals"):
        return 1
    if prop == "contents":
        return "data:text/csv;base64," + base64.b64encode(CSV.encode()).decode()
    if prop == "data":
        return {"token": "x" * 16, "kind": "children", "period": PERIOD, "version": 1}
    return "children"


def _spec(item: dict, value):
    ident = item["id"]
    if ident.startswith("{"):  # pattern-matching id: one concrete match
        pattern = json.loads(ident)
        concrete = {k: (f"children|{PERIOD}|1" if v == ["ALL"] else v) for k, v in pattern.items()}
        return [{"id": concrete, "property": item["property"], "value": value}]
    return {"id": ident, "property": item["property"], "value": value}


def _body(dep: dict) -> dict:
    outs = []
    for o in _outputs(dep["output"]):
        ident, prop = o.rsplit(".", 1)
        outs.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    first = dep["inputs"][0]
    return {
        "output": dep["output"],
        "outputs": outs if len(outs) > 1 else outs[0],
        "inputs": [_spec(i, _value(i["property"])) for i in dep["inputs"]],
        "state": [
            _spec(s, "not-a-token" if s["id"].endswith("csrf") else None) for s in dep["state"]
        ],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


@pytest.fixture(scope="module")
def app_with_secret(rw_app):
    editor, token = signed_in(rw_app)
    r = upload(editor, token, CSV, SECRET_FILE, period=PERIOD)
    assert r.status_code == 200 and r.json["dataset_version"], r.json
    return rw_app


def test_every_callback_that_writes_private_outputs_is_checked(app_with_secret):
    app = app_with_secret
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    server_side = [d for d in deps if not d.get("clientside_function")]
    unchecked = [
        d["output"]
        for d in server_side
        if any(o.startswith(PRIVATE_PREFIXES) and o not in PUBLIC_OK for o in _outputs(d["output"]))
        and not _private_flag(app, d["output"])
    ]
    assert unchecked == []
    assert sum(bool(_private_flag(app, d["output"])) for d in server_side) >= 5


def test_anonymous_calls_get_nothing_private(app_with_secret):
    app = app_with_secret
    atlas = app.atlas
    anon = app.server.test_client()
    deps = anon.get("/_dash-dependencies").get_json()
    programmes_before = len(atlas.store.programmes())
    staged_before = sorted(p.name for p in atlas.settings.upload_dir.rglob("*"))
    checked = 0
    for dep in deps:
        if dep.get("clientside_function"):
            continue
        r = anon.post("/_dash-update-component", json=_body(dep))
        text = _text(r)
        assert SECRET_FILE not in text and "secret-plan" not in text, dep["output"]
        flag = _private_flag(app, dep["output"])
        if flag:
            checked += 1
            # refused before the callback ran: nothing (204) or the sign-in message only
            assert r.status_code in (200, 204), (dep["output"], r.status_code)
            if r.status_code == 200:
                body = json.dumps(r.get_json(), ensure_ascii=False)
                assert any(w in body.lower() for w in ("登录", "sign", "session")), body[:300]
    assert checked >= 5
    assert len(atlas.store.programmes()) == programmes_before
    assert sorted(p.name for p in atlas.settings.upload_dir.rglob("*")) == staged_before


def test_the_datasets_callback_still_serves_signed_in_users(app_with_secret):
    app = app_with_secret
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    (dep,) = [d for d in deps if "datasets-list.children" in d["output"]]
    body = _body(dep)
    body["changedPropIds"] = ["datasets-refresh.data"]
    anon = app.server.test_client()
    assert anon.post("/_dash-update-component", json=body).status_code == 200
    assert SECRET_FILE not in _text(anon.post("/_dash-update-component", json=body))
    viewer, _ = signed_in(app, VIEWER)
    r = viewer.post("/_dash-update-component", json=body)
    assert r.status_code == 200 and SECRET_FILE in _text(r)
