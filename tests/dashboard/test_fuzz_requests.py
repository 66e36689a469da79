"""Fuzzed requests to Dash's callback endpoint and to the upload API never get a 5xx.

Bodies start from the app's real callbacks (``/_dash-dependencies``) with every value
replaced by random JSON, keys dropped or mistyped; uploads get random fields and bytes.
Derandomised under CI=true (tests/conftest.py), so a red build is reproducible.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dashboard.conftest import signed_in, upload
from tests.dashboard.test_private_callbacks import _body

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def deps(rw_app):
    found = rw_app.server.test_client().get("/_dash-dependencies").get_json()
    return [d for d in found if not d.get("clientside_function")]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzzed_callback_bodies_never_5xx(rw_app, deps, data):
    dep = data.draw(st.sampled_from(deps))
    body = _body(dep)
    for part in ("inputs", "state"):
        for item in body[part]:
            target = item[0] if isinstance(item, list) and item else item
            if isinstance(target, dict) and data.draw(st.booleans()):
                target["value"] = data.draw(json_values)
    mutation = data.draw(st.sampled_from(["none", "drop", "retype", "garbage"]))
    if mutation == "drop":
        body.pop(data.draw(st.sampled_from(sorted(body))), None)
    elif mutation == "retype":
        body[data.draw(st.sampled_from(sorted(body)))] = data.draw(json_values)
    elif mutation == "garbage":
        body = data.draw(json_values)
    client = rw_app.server.test_client()
    if data.draw(st.booleans()):
        client, _ = signed_in(rw_app)
    r = client.post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code < 500, (dep["output"], mutation, r.get_data(as_text=True)[:300])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(["children", "facilities", "", "x" * 300]) | st.text(max_size=10),
    period=st.sampled_from(["2025-H1", "", "2025年上半年", "9999-H9"]) | st.text(max_size=12),
    dry_run=st.sampled_from(["1", "0", "", "yes", "2", "真"]),
    mapping=st.sampled_from(["", "{}", '{"code": "区划代码"}', "[1,2]", "{", '{"x": 5}']),
    datum=st.sampled_from(["", "wgs84", "gcj02", "bd09", "mars"]),
    sheet=st.sampled_from(["", "Sheet1", "不存在"]),
    payload=st.binary(max_size=600)
    | st.sampled_from([b"\xef\xbb\xbf\xe5\x8c\xba,a\n1,2\n", b"PK\x03\x04garbage", b"\x00" * 50]),
)
def test_fuzzed_uploads_never_5xx(rw_app, kind, period, dry_run, mapping, datum, sheet, payload):
    client, token = signed_in(rw_app)
    r = upload(client, token, payload, "f.csv", kind=kind, period=period, dry_run=dry_run,
               mapping=mapping, datum=datum, sheet=sheet)  # fmt: skip
    assert r.status_code < 500, r.get_data(as_text=True)[:300]
