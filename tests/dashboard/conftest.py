"""A writable app of its own (fresh database with the demo data) for sign-in and upload
tests, so the session-wide read-only ``dash_app`` is never changed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_data_dir

EDITOR = ("zhang", "correct horse battery")
VIEWER = ("li", "viewer password 123")


@pytest.fixture(scope="module")
def rw_app(tmp_path_factory, layers):
    from app import create_app
    from dashboard.settings import Settings

    data = make_data_dir(tmp_path_factory.mktemp("atlas-rw"), layers)
    app = create_app(Settings.from_env(env={}, data_dir=data))
    users = app.server.extensions["atlas_users"]
    users.add(EDITOR[0], "editor", EDITOR[1])
    users.add(VIEWER[0], "viewer", VIEWER[1])
    return app


def login_token(client) -> str:
    r = client.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', r.get_data(as_text=True)).group(1)


def sign_in(client, name: str, password: str, ip: str = "127.0.0.1"):
    token = login_token(client)
    return client.post(
        "/login",
        data={"csrf_token": token, "name": name, "password": password, "next": "/upload"},
        environ_base={"REMOTE_ADDR": ip},
    )


def signed_in(app, who=EDITOR, ip: str = "127.0.0.1"):
    """A test client signed in as `who` and its CSRF token."""
    client = app.server.test_client()
    r = sign_in(client, *who, ip=ip)
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return client, client.get("/api/v1/session").json["csrf_token"]
