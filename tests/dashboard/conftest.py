"""A writable app of its own (fresh database with the demo data) for sign-in and upload
tests, so the session-wide read-only ``dash_app`` is never changed."""

from __future__ import annotations

import os
import re
import socket
import threading
import uuid
from urllib.parse import quote

import pytest

from tests.conftest import make_data_dir

EDITOR = ("zhang", "correct horse battery")
VIEWER = ("li", "viewer password 123")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def rw_app(request, tmp_path_factory, layers):
    """A writable app with demo data, once on SQLite and once on PostgreSQL.

    The PostgreSQL variant uses a fresh schema on the server named by
    ``DATABASE_URL_TEST`` (``make test`` starts one); it is skipped without it, and
    fails under ``CI=true`` so that a broken server setup cannot pass silently.
    """
    from dashboard.factory import create_app
    from dashboard.settings import Settings

    data = make_data_dir(tmp_path_factory.mktemp("atlas-rw"), layers)
    database_url, cleanup = "", None
    if request.param == "postgres":
        import sqlalchemy as sa

        url = os.environ.get("DATABASE_URL_TEST")
        if not url:
            message = "DATABASE_URL_TEST is not set (make test starts a PostgreSQL server)"
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"CI=true: {message}")
            pytest.skip(message)
        schema = f"rw_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        database_url = f"{url}{sep}options={quote(f'-csearch_path={schema}')}"

        def cleanup():
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    app = create_app(Settings.from_env(env={}, data_dir=data, database_url=database_url))
    users = app.server.extensions["atlas_users"]
    users.add(EDITOR[0], "editor", EDITOR[1])
    users.add(VIEWER[0], "viewer", VIEWER[1])
    yield app
    app.atlas.store.dispose()
    if cleanup:
        cleanup()


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


def upload(client, token, body: bytes | str, name: str = "upload.csv", **fields):
    """POST a file to the upload API as the page's script would (multipart, CSRF header).

    ``fields``: ``kind`` (default ``children``), ``period``, ``dry_run``, ``mapping``...
    """
    import io

    if isinstance(body, str):
        body = body.encode()
    data = {"file": (io.BytesIO(body), name), "kind": "children", **fields}
    headers = {"X-CSRF-Token": token} if token else {}
    return client.post(
        "/api/v1/uploads", data=data, headers=headers, content_type="multipart/form-data"
    )


def signed_in(app, who=EDITOR, ip: str = "127.0.0.1"):
    """A test client signed in as `who` and its CSRF token."""
    client = app.server.test_client()
    r = sign_in(client, *who, ip=ip)
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return client, client.get("/api/v1/session").json["csrf_token"]


# --- exports: one warm renderer for every export test, and a proxy that records any
# connection the browser tries to make (there must be none) ---
@pytest.fixture(scope="session")
def proxy_hits():
    """A local 'proxy' that records every connection the browser makes."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(300))
                except OSError:
                    hits.append(b"")

    threading.Thread(target=serve, daemon=True).start()
    yield sock.getsockname()[1], hits
    stop.set()
    sock.close()


@pytest.fixture(scope="session")
def renderer(proxy_hits):
    r = _export().Renderer(proxy_server=f"http://127.0.0.1:{proxy_hits[0]}")
    old = _export().set_shared_renderer(r)
    yield r
    r.stop()
    _export().set_shared_renderer(old)


@pytest.fixture()
def xclient(dash_app, renderer):
    return dash_app.server.test_client()


def _export():
    from dashboard.sheets import render as export

    return export
