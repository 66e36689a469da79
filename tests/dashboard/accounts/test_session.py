"""Sign-in through the app: hashed passwords, session cookie, CSRF, lock-outs, role
checks, the redirect after sign-in, the upload page gate."""

from __future__ import annotations

import sqlalchemy as sa

from tests.dashboard.conftest import EDITOR, VIEWER, login_token, sign_in, signed_in


def test_password_is_hashed_in_the_database(rw_app):
    users = rw_app.server.extensions["atlas_users"]
    with users.engine.connect() as conn:
        stored = conn.execute(
            sa.select(users.users.c.password_hash).where(users.users.c.name == EDITOR[0])
        ).scalar()
    assert EDITOR[1] not in stored and stored.startswith("scrypt:")
    assert users.get(EDITOR[0]).role == "editor"


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(rw_app):
    client = rw_app.server.test_client()
    r = sign_in(client, *EDITOR)
    assert r.status_code == 303 and r.headers["Location"] == "/upload"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    info = client.get("/api/v1/session").json
    assert info["user"] == EDITOR[0] and info["role"] == "editor"
    # sign-out needs the token too
    assert client.post("/logout").status_code == 303
    assert client.get("/api/v1/session").json["user"] == EDITOR[0]
    client.post("/logout", data={"csrf_token": info["csrf_token"]})
    assert client.get("/api/v1/session").json["user"] is None


def test_login_form_without_csrf_token_is_refused(rw_app):
    client = rw_app.server.test_client()
    client.get("/login")
    r = client.post("/login", data={"name": EDITOR[0], "password": EDITOR[1]})
    assert r.status_code == 400
    assert client.get("/api/v1/session").json["user"] is None


def test_wrong_password_and_unknown_name_look_the_same(rw_app):
    client = rw_app.server.test_client()
    a = sign_in(client, EDITOR[0], "wrong password!!", ip="10.0.0.1")
    b = sign_in(client, "nobody-at-all", "wrong password!!", ip="10.0.0.1")
    assert a.status_code == b.status_code == 401
    msg = "登录失败"
    assert msg in a.get_data(as_text=True) and msg in b.get_data(as_text=True)
    rw_app.server.extensions["atlas_users"].unlock(EDITOR[0])


def test_lockout_after_five_failures(rw_app):
    users = rw_app.server.extensions["atlas_users"]
    users.add("wang", "editor", "wang password 1")
    client = rw_app.server.test_client()
    for i in range(5):
        assert sign_in(client, "wang", f"bad password {i}", ip="10.0.1.1").status_code == 401
    assert users.get("wang").locked()
    # the right password does not help while locked (same generic message)
    r = sign_in(client, "wang", "wang password 1", ip="10.0.1.2")
    assert r.status_code == 401 and "登录失败" in r.get_data(as_text=True)
    # passwd lifts the lock
    users.set_password("wang", "wang password 2")
    assert sign_in(client, "wang", "wang password 2", ip="10.0.1.2").status_code == 303


def test_removed_user_and_changed_password_end_sessions(rw_app):
    users = rw_app.server.extensions["atlas_users"]
    users.add("zhou", "editor", "zhou password 1")
    client, _ = signed_in(rw_app, ("zhou", "zhou password 1"), ip="10.0.2.1")
    users.set_password("zhou", "zhou password 2")
    assert client.get("/api/v1/session").json["user"] is None
    client, _ = signed_in(rw_app, ("zhou", "zhou password 2"), ip="10.0.2.1")
    users.remove("zhou")
    assert client.get("/api/v1/session").json["user"] is None


def test_session_expires(rw_app):
    client, _ = signed_in(rw_app)
    with client.session_transaction() as sess:
        sess["login_at"] = sess["login_at"] - 9 * 3600  # default lifetime 8 h
    assert client.get("/api/v1/session").json["user"] is None


HOSTILE_NEXT = [
    "//evil.example/x",
    "/%09/evil.example/phish",  # the tab survives a naive check; browsers drop it
    "/\t/evil.example/phish",
    "/\r\nSet-Cookie: x=1",  # CR/LF: a 500 from the Location header before
    "/%0d%0aLocation:%20http://evil.example",
    "/\\evil.example",
    "/%5C%5Cevil.example",
    "/%2F/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "/\u3000/evil.example",
    " //evil.example",
    "",
]


def _browser_target(location: str) -> tuple[str, str]:
    """Where a browser goes from /login: it drops tabs and line breaks, reads \\ as /."""
    from urllib.parse import urljoin, urlsplit

    cleaned = location.translate({9: None, 10: None, 13: None}).replace("\\", "/")
    parts = urlsplit(urljoin("http://atlas.local/login", cleaned))
    return parts.netloc, parts.path


def test_next_is_local_only(rw_app):
    import pytest

    client = rw_app.server.test_client()
    for nxt in HOSTILE_NEXT:
        token = login_token(client)
        r = client.post(
            "/login",
            data={"csrf_token": token, "name": VIEWER[0], "password": VIEWER[1], "next": nxt},
        )
        assert r.status_code == 303, (nxt, r.status_code)
        assert _browser_target(r.headers["Location"]) == ("atlas.local", "/upload"), nxt
        # the same through the query string of the sign-in page (the link a phisher sends)
        page = client.get("/login", query_string={"next": nxt}).get_data(as_text=True)
        assert 'name="next" value="/upload"' in page, nxt
    # a real local target survives, query and all
    token = login_token(client)
    r = client.post(
        "/login",
        data={"csrf_token": token, "name": VIEWER[0], "password": VIEWER[1],
              "next": "/?region=510000&lang=en"},
    )  # fmt: skip
    assert r.headers["Location"] == "/?region=510000&lang=en"
    with pytest.raises(AssertionError):  # the check itself can fail
        assert _browser_target("/\t/evil.example/phish") == ("atlas.local", "/upload")


def _layout(client, path):
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_upload_page_gate(rw_app):
    anon = rw_app.server.test_client()
    page = _layout(anon, "/upload")
    assert "upload-login-link" in page and "upload-file" not in page
    assert "Sign in" in _layout(anon, "/upload?lang=en")
    viewer, _ = signed_in(rw_app, VIEWER)
    page = _layout(viewer, "/upload")
    assert "upload-file" not in page and "datasets-table" in page and "datasets-delete" not in page
    editor, _ = signed_in(rw_app)
    page = _layout(editor, "/upload?lang=en")
    assert "upload-file" in page and "datasets-delete" in page and "Validate" in page
    # the explorer is unchanged
    explorer = _layout(editor, "/")
    assert "upload-file" not in explorer and '"id":"map"' in explorer


def _cookie(client) -> str:
    return client.get_cookie("atlas_session").value


def test_sign_out_ends_a_copied_session(rw_app):
    """A cookie copied before sign-out opens nothing after it (it kept editor rights
    for up to 8 h before: the session lived only in the signed cookie)."""
    client, token = signed_in(rw_app)
    stolen = rw_app.server.test_client()
    stolen.set_cookie("atlas_session", _cookie(client))
    assert stolen.get("/api/v1/session").json["user"] == EDITOR[0]  # the copy works...
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/api/v1/session").json["user"] is None
    assert stolen.get("/api/v1/session").json["user"] is None  # ...and dies with sign-out
    assert stolen.get("/api/v1/datasets").status_code == 401


def test_password_change_and_removal_end_sessions(rw_app):
    users = rw_app.server.extensions["atlas_users"]
    users.add("temp", "editor", "temporary password 1")
    client, _ = signed_in(rw_app, ("temp", "temporary password 1"))
    copy = rw_app.server.test_client()
    copy.set_cookie("atlas_session", _cookie(client))
    users.set_password("temp", "another password 22")
    assert copy.get("/api/v1/session").json["user"] is None
    client, _ = signed_in(rw_app, ("temp", "another password 22"))
    users.remove("temp")
    assert client.get("/api/v1/session").json["user"] is None
