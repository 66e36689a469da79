"""A live server (``python app.py serve``) and Debian's chromium through Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_data_dir

CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
OUT = ROOT / "out" / "e2e"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_data_dir(tmp_path_factory, layers) -> Path:
    """The data directory of the live server (tests may add users to it)."""
    return make_data_dir(tmp_path_factory.mktemp("e2e-data"), layers)


def start_server(data: Path, log_name: str = "server.log"):
    """Serve the app on a free port from `data` (``app.py serve``, as a user runs it);
    returns its URL and a function that stops it."""
    port = _free_port()
    # A relative data directory, as `make run` has (./data): paths must not depend on
    # where Flask thinks the app lives.
    rel = os.path.relpath(data, ROOT)
    env = {**os.environ, "ATLAS_DATA_DIR": rel, "PORT": str(port), "HOST": "127.0.0.1"}
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / log_name, "w")  # noqa: SIM115 - closed by stop(); kept for reading
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {Path(log.name).read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        raise RuntimeError("server did not start in 180 s")

    def stop() -> None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()

    return url, stop


@pytest.fixture(scope="session")
def live_server(live_data_dir):
    url, stop = start_server(live_data_dir)
    yield url
    stop()


@pytest.fixture(scope="session")
def browser():
    pw = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: make test installs Debian's chromium")
    with pw.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = ctx.new_page()
    pg.external_requests = []
    pg.on(
        "request",
        lambda r: (
            r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            or pg.external_requests.append(r.url)
        ),
    )
    yield pg
    ctx.close()


def shot(page, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    return path
