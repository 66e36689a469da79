"""Gunicorn settings of ``make serve`` (gunicorn reads ./gunicorn.conf.py by itself).

    gunicorn app:server                       # what make serve runs, from the repo root
    GUNICORN_CMD_ARGS="--threads 8" make serve  # any gunicorn option overrides these

Workers: ``WEB_CONCURRENCY`` (default 2 x CPUs + 1, at most 8), each with a few threads
for the page's polling of background jobs. The app is built once in the master
(``preload_app``), warmed (heavy imports, Dash's first-request set-up) and forked:
workers start at once, warm, and share the read-only boundary layers' memory (and the
export geometry). Forked workers drop the database and broker connections they inherit
(``dashboard.deploy.fork_safe``). Each worker then starts its own export browser in the
background, a couple of seconds apart (``ATLAS_EXPORT_WARMUP``; a browser is never
started before the fork). Code changes need a restart, not a HUP.
"""

from __future__ import annotations

import gc
import logging
import os

from dashboard.deploy import after_fork_in_child, default_workers
from dashboard.settings import Settings

_settings = Settings.from_env()

wsgi_app = "app:server"
_host = _settings.host
bind = [f"[{_host}]:{_settings.port}" if ":" in _host else f"{_host}:{_settings.port}"]
workers = _settings.web_concurrency or default_workers()
worker_class = "gthread"
threads = 4
preload_app = True
# Requests that are not background jobs finish in seconds (a PDF briefing takes the
# longest); a worker silent for 2 minutes is stuck and is replaced.
timeout = 120
graceful_timeout = 30
keepalive = 5
accesslog = "-"  # stdout
errorlog = "-"  # stderr
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
proc_name = "atlas-web"
control_socket_disable = True  # one per user by default: several servers would clash
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow disk


def when_ready(server):
    """In the master, after the app is loaded and before any worker forks."""
    if not server.cfg.preload_app:
        return
    from dashboard.factory import wait_for_warm_up, warm_imports
    from dashboard.sheets.render import warm_export_data

    try:
        wait_for_warm_up()  # the registry, the map's static parts, place names
        warm_imports(delay=0)  # mapclassify's numba kernels: compiled once, not per worker
        client = server.app.wsgi().test_client()
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):
            client.get(path)
        # The export geometry and the analysis weights: pure data, shared after the fork.
        warm_export_data(server.app.wsgi().extensions["atlas"])
    except Exception as exc:  # warming is best effort; workers do it themselves then
        logging.getLogger("atlas").warning("warm-up before forking failed: %s", exc)
    gc.freeze()  # the workers' garbage collector leaves the shared pages alone


def post_fork(server, worker):
    """A preloaded worker drops the database and Celery connections of the master."""
    after_fork_in_child()


#: Seconds after a worker has loaded the app before it starts its export browser, and
#: the gap between workers: a few browsers starting at once would slow the first pages.
EXPORT_WARMUP_DELAY = 1.0
EXPORT_WARMUP_GAP = 2.0


def post_worker_init(worker):
    """In each worker, once it has the app: warm the exports in the background."""
    if not _settings.export_warmup:
        return
    from dashboard.sheets.render import start_export_warmup

    slot = (worker.age - 1) % max(1, int(worker.cfg.workers))
    atlas = worker.wsgi.extensions["atlas"]
    start_export_warmup(atlas, delay=EXPORT_WARMUP_DELAY + EXPORT_WARMUP_GAP * slot)
