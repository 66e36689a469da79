"""Scale out: with REDIS_URL, web processes share one Redis cache and hand background
jobs to Celery workers; without Redis they fall back to the data directory.

The Redis tests use the server named by ``REDIS_URL_TEST`` (``make test`` starts one with
scripts/redis-test-server.sh); they are skipped without it, and fail under ``CI=true``
so that a broken set-up cannot pass silently.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from urllib.parse import urlencode

import pandas as pd
import pytest

from dashboard import deploy, ids
from tests.conftest import ROOT
from tests.dashboard.test_map_callbacks import call, callback_key


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket closes


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process this test started (its own session), politely, then not."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("REDIS_URL_TEST")
    if not url:
        message = "REDIS_URL_TEST is not set (make test starts a Redis server)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    problem = deploy.redis_problem(url)
    assert problem is None, f"REDIS_URL_TEST={url} does not answer: {problem}"
    return url


@pytest.fixture(scope="module")
def redis_settings(app_settings, redis_url):
    """The session's data directory (demo data loaded once) with Redis switched on."""
    return dataclasses.replace(app_settings, redis_url=redis_url)


@pytest.fixture(scope="module")
def web_apps(redis_settings):
    """Two app instances: two web processes as far as Redis and Celery can tell."""
    from dashboard.factory import create_app

    return create_app(redis_settings), create_app(redis_settings)


# --- Redis cache ----------------------------------------------------------------------
@pytest.mark.redis
def test_cache_is_redis_and_shared_between_web_processes(web_apps, redis_url):
    import redis

    web1, web2 = web_apps
    for app in web_apps:
        health = app.server.test_client().get("/healthz").get_json()
        assert health["cache"] == "redis" and health["jobs"] == "celery", health
        assert type(app.atlas.cache.cache).__name__ == "RedisCache"

    key = f"scale-out-test:{uuid.uuid4().hex}"
    frame = pd.DataFrame({"code": ["110101", "510104"], "value": [1.5, 2.5]})
    web1.atlas.cache.set(key, frame)
    pd.testing.assert_frame_equal(web2.atlas.cache.get(key), frame)
    client = redis.Redis.from_url(redis_url)
    assert client.keys(f"*{key}"), "the value is not in Redis"
    client.close()

    # A result computed by one process is served to the other without computing it.
    calls = []
    memo_key = f"test:{uuid.uuid4().hex}"
    first = web1.atlas._memo(memo_key, lambda: calls.append(1) or {"counties": 2875})
    second = web2.atlas._memo(memo_key, lambda: calls.append(2) or {"counties": -1})
    assert first == second == {"counties": 2875} and calls == [1]


# --- Celery worker --------------------------------------------------------------------
@pytest.fixture(scope="module")
def celery_worker(redis_settings, web_apps, tmp_path_factory):
    """``python app.py worker`` in its own process, on the same data and Redis."""
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "ATLAS_DATA_DIR": str(redis_settings.data_dir),
        "REDIS_URL": redis_settings.redis_url,
        "ATLAS_LOG_LEVEL": "INFO",
    }
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "worker", "--pool", "solo"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    celery_app = web_apps[0].celery_app
    deadline = time.time() + 240
    try:
        while not celery_app.control.ping(timeout=1.0):
            if proc.poll() is not None:
                pytest.fail(f"the worker exited: {log_path.read_text()[-3000:]}")
            if time.time() > deadline:
                pytest.fail(f"no worker answered in 240 s: {log_path.read_text()[-3000:]}")
        yield proc, log_path
    finally:
        _stop(proc)
        log.close()


ANALYSIS_OUTPUTS = [
    (ids.MAP, "figure"),
    (ids.ANALYSIS_NOTE, "children"),
    (ids.TABLE_DATA, "data"),
    (ids.ANALYSIS_RESULT, "children"),
]


def _analysis_inputs(mode: str, seed: int):
    return [
        (ids.MODE, "value", mode),
        (ids.PERMUTATIONS, "value", 99),
        (ids.SEED, "value", seed),
        (ids.FDR, "value", []),
        (ids.RADIUS, "value", 10),
        (ids.K, "value", 20),
        (ids.INDICATOR, "value", "left_behind"),
        (ids.PERIOD, "value", "2026-H1"),
        (ids.REGION, "data", None),
        (ids.PROGRAMME, "value", None),
        (ids.PFILTER, "value", []),
    ]


@pytest.mark.redis
@pytest.mark.slow
def test_background_analysis_runs_in_a_celery_worker(web_apps, celery_worker):
    """Dash's background protocol: web 1 queues the job, the worker runs it, web 2
    (any web process) answers the browser's polls and hands the result back."""
    web1, web2 = web_apps
    key = callback_key(web1, f"{ids.MAP}.figure", ids.MODE)
    seed = random.randrange(1, 2**31 - 1)  # a result nobody has cached yet
    args = dict(
        outputs=ANALYSIS_OUTPUTS,
        inputs=_analysis_inputs("lisa", seed),
        state=[
            (ids.SCHEME, "value", "quantiles"),
            (ids.LANG, "data", "en"),
            (ids.SELECTION, "data", []),
        ],
        changed=f"{ids.MODE}.value",
        key=key,
    )
    r = call(web1.server.test_client(), **args)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    handles = r.get_json()
    assert handles.get("cacheKey") and handles.get("job"), handles
    job = handles["job"].split("~")[0]
    assert web1.celery_app.AsyncResult(job).id == job  # a Celery task id, not a PID

    poller = web2.server.test_client()
    query = urlencode({"cacheKey": handles["cacheKey"], "job": handles["job"]})
    deadline, body = time.time() + 180, None
    while time.time() < deadline:
        resp = poller.post(f"/_dash-update-component?{query}", json=_poll_body(_body(**args)))
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        body = resp.get_json()
        if "response" in body:
            break
        time.sleep(0.25)
    else:
        pytest.fail(f"no result in 180 s; worker log: {celery_worker[1].read_text()[-3000:]}")

    out = body["response"]
    assert "Done" in out[ids.ANALYSIS_RESULT]["children"], out[ids.ANALYSIS_RESULT]
    figure = out[ids.MAP]["figure"]  # the Patch, as JSON, survived the trip
    assert figure.get("__dash_patch_update") and figure["operations"], str(figure)[:300]
    assert len(out[ids.TABLE_DATA]["data"]["rows"]) >= 5
    log = celery_worker[1].read_text()
    assert "succeeded" in log and "background_callback_" in log, log[-3000:]


def _body(**args) -> dict:
    """The JSON body :func:`call` posts."""

    class Recorder:
        def post(self, url, json):
            self.body = json

    recorder = Recorder()
    call(recorder, **args)
    return recorder.body


def _poll_body(body: dict) -> dict:
    """What the renderer sends while it polls: the same callback, values blanked."""
    body = {**body}
    body["inputs"] = [{**i, "value": None} for i in body["inputs"]]
    body["state"] = [{**s, "value": None} for s in body["state"]]
    return body


# --- Redis unavailable ----------------------------------------------------------------
def test_unreachable_redis_at_start_falls_back_with_one_warning(app_settings, caplog):
    """The web process starts anyway on the data directory's backends, says so once
    (without the password), and shows it in /healthz."""
    from dashboard.factory import create_app

    url = f"redis://:s3cret@127.0.0.1:{_closed_port()}/0"
    settings = dataclasses.replace(app_settings, redis_url=url)
    caplog.set_level("WARNING")
    started = time.perf_counter()
    app = create_app(settings)
    assert time.perf_counter() - started < 60
    warnings = [r for r in caplog.records if r.name == "atlas.deploy"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert "unreachable" in message and "falls back" in message and "127.0.0.1" in message
    assert "s3cret" not in message and warnings[0].exc_info is None
    assert app.celery_app is None
    health = app.server.test_client().get("/healthz").get_json()
    assert health["cache"] == "filesystem" and health["jobs"] == "diskcache"
    assert type(app.atlas.cache.cache).__name__ == "FileSystemCache"


def _run_app(args, env_extra, timeout):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | env_extra
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_worker_without_redis_url_says_so(tmp_path):
    out = _run_app(["worker"], {"ATLAS_DATA_DIR": str(tmp_path)}, 120)
    assert out.returncode == 2
    assert "REDIS_URL is not set" in out.stderr and "Traceback" not in out.stderr


def test_worker_waits_for_redis(tmp_path):
    """A worker started before Redis waits (one line per try, growing pauses)."""
    env = {
        **os.environ,
        "ATLAS_DATA_DIR": str(tmp_path),
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
    }
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        # Wait for two tries (the second after the first pause), not for a fixed time.
        deadline = time.time() + 60
        while time.time() < deadline and sum("is unreachable" in x for x in lines) < 2:
            assert proc.poll() is None, "".join(lines)
            time.sleep(0.1)
        assert proc.poll() is None, "".join(lines)
    finally:
        _stop(proc)
    reader.join(10)
    text = "".join(lines)
    assert "is unreachable" in text and "trying again in 1 s" in text, text
    assert "Traceback" not in text


# --- gunicorn, proxies, settings --------------------------------------------------------
def test_default_workers_and_gunicorn_config(monkeypatch):
    assert [deploy.default_workers(n) for n in (1, 2, 3, 4, 64)] == [3, 5, 7, 8, 8]
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9123")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 3 and conf["bind"] == ["0.0.0.0:9123"]
    assert conf["wsgi_app"] == "app:server" and conf["preload_app"] is True
    assert conf["accesslog"] == "-" and conf["timeout"] >= 60
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("HOST", "::1")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == deploy.default_workers() and conf["bind"] == ["[::1]:9123"]
    monkeypatch.setenv("WEB_CONCURRENCY", "-1")
    with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_redact():
    assert deploy.redact("redis://:pw@h:6379/0") == "redis://:***@h:6379/0"
    assert deploy.redact("redis://u:pw@h/1") == "redis://u:***@h/1"
    assert deploy.redact("redis://h:6379/0") == "redis://h:6379/0"


def test_proxy_fix_and_secure_cookies(app_settings):
    from flask import request, session

    from dashboard.factory import create_app

    settings = dataclasses.replace(app_settings, proxy_fix=1, secure_cookies=True)
    server = create_app(settings, prepare=False).server

    @server.get("/_test-whoami")
    def whoami():
        session["seen"] = True  # the sign-in cookie's flags, as any session write sets them
        return {"ip": request.remote_addr, "scheme": request.scheme, "host": request.host}

    resp = server.test_client().get(
        "/_test-whoami",
        headers={
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "atlas.example.org",
        },
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert resp.get_json() == {
        "ip": "203.0.113.7",
        "scheme": "https",
        "host": "atlas.example.org",
    }
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("atlas_session"))
    assert "Secure" in cookie and "HttpOnly" in cookie

    # Without the settings, the headers are not trusted and the cookie is not Secure.
    plain = create_app(app_settings, prepare=False).server

    @plain.get("/_test-whoami")
    def whoami_plain():
        session["seen"] = True
        return {"ip": request.remote_addr}

    resp = plain.test_client().get(
        "/_test-whoami",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert resp.get_json() == {"ip": "127.0.0.1"}
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("atlas_session"))
    assert "Secure" not in cookie


# --- make serve -------------------------------------------------------------------------
@pytest.mark.slow
def test_gunicorn_serves_with_several_workers(app_settings, tmp_path):
    """What ``make serve`` runs: gunicorn, preloaded app, 2 workers, access log."""
    port = _closed_port()
    env = {
        **os.environ,
        "ATLAS_DATA_DIR": str(app_settings.data_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "app:server"]
            if (ROOT / ".venv" / "bin" / "gunicorn").exists()
            else [sys.executable, "-m", "gunicorn", "app:server"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 240
            while True:
                assert proc.poll() is None, log_path.read_text()[-3000:]
                assert time.time() < deadline, log_path.read_text()[-3000:]
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.5)
            for _ in range(6):
                with urllib.request.urlopen(url + "/", timeout=60) as r:
                    assert r.status == 200 and "儿童关爱地图" in r.read().decode()
            # Each worker starts its own export browser in the background, after the fork.
            while len(re.findall(r"exports ready: .* \(pid (\d+)\)", log_path.read_text())) < 2:
                assert time.time() < deadline, log_path.read_text()[-3000:]
                time.sleep(0.5)
            with urllib.request.urlopen(url + "/export/map.png", timeout=120) as r:
                assert r.status == 200 and r.read(8) == b"\x89PNG\r\n\x1a\n"
        finally:
            _stop(proc)
    text = log_path.read_text()
    assert text.count("Booting worker with pid") >= 2, text[-3000:]
    warmed = set(re.findall(r"exports ready: .* \(pid (\d+)\)", text))
    booted = set(re.findall(r"Booting worker with pid: (\d+)", text))
    assert len(warmed) == 2 and warmed <= booted, text[-3000:]  # in the workers, not the master
    assert '"GET /healthz HTTP/1.1" 200' in text and '"GET / HTTP/1.1" 200' in text
    assert "Traceback" not in text, text[-3000:]
