"""How the app runs beside other processes: cache and job backends, forks, proxies.

With ``REDIS_URL`` set and Redis answering, flask-caching keeps computed results in
Redis and Dash's background callbacks go through Celery with Redis as broker and
result backend, so every web process (``make serve``, gunicorn) and every worker
(``make worker``) on any host shares one cache and one queue. Without it, the data
directory serves one machine: a filesystem cache and diskcache-backed jobs run by the
web process itself.

If ``REDIS_URL`` is set but Redis does not answer when a web process starts, that
process logs one warning and falls back to the single-machine backends (it keeps
serving, and uses Redis again once it is restarted with Redis up); a worker waits for
Redis instead (see ``app.py worker``).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger("atlas.deploy")

#: The Celery queue of the Atlas's background jobs (keeps them apart from other apps
#: that share the Redis server).
QUEUE = "atlas"
MAX_DEFAULT_WORKERS = 8


@dataclass
class Backends:
    """What create_app plugs in: flask-caching config, Dash's background manager."""

    cache_config: dict
    manager: Any
    celery: Any = None  # celery.Celery when jobs go through Redis
    cache: str = "filesystem"  # or "redis"
    jobs: str = "diskcache"  # or "celery"


def redact(url: str) -> str:
    """``url`` without its password, for logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable URL)"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def redis_problem(url: str, timeout: float = 2.0) -> str | None:
    """``None`` when the Redis server at ``url`` answers PING, else the reason, briefly."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.exceptions.RedisError, OSError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return None


def make_celery(url: str):
    """A Celery app with Redis at ``url`` as broker and result backend (JSON only)."""
    from celery import Celery

    app = Celery("atlas", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_prefetch_multiplier=1,  # analyses are long: one at a time per process
        worker_send_task_events=False,
        result_expires=24 * 3600,
    )
    from celery.signals import worker_process_init

    # Celery's prefork children drop the connections they inherited.
    worker_process_init.connect(lambda **_: after_fork_in_child(), weak=False)
    return app


def configure(settings) -> Backends:
    """Choose the cache and background-job backends for ``settings``."""
    url = settings.redis_url
    if url:
        problem = redis_problem(url)
        if problem is None:
            from dash import CeleryManager

            celery_app = make_celery(url)
            return Backends(
                cache_config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url},
                manager=CeleryManager(celery_app),
                celery=celery_app,
                cache="redis",
                jobs="celery",
            )
        log.warning(
            "REDIS_URL %s is unreachable (%s): this process falls back to the filesystem "
            "cache in %s and runs background jobs itself; restart it once Redis is up",
            redact(url),
            problem,
            settings.cache_dir,
        )

    return Backends(
        cache_config={
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": str(settings.cache_dir / "flask"),
            "CACHE_THRESHOLD": 2000,
        },
        manager=thread_job_manager(open_job_cache(settings.cache_dir / "background")),
    )


def open_job_cache(directory):
    """The background jobs' diskcache, rebuilt when its database is garbage.

    A damaged ``cache.db`` made every start fail (a restart loop under systemd); the
    jobs it held are only in-flight results, so the directory is moved aside (kept for
    a look) and a new one made, with one warning.
    """
    import sqlite3
    import time
    from pathlib import Path

    import diskcache

    directory = Path(directory)
    try:
        return diskcache.Cache(str(directory))
    except (sqlite3.DatabaseError, OSError) as exc:
        aside = directory.with_name(f"{directory.name}.corrupt-{int(time.time())}")
        log.warning("background job cache %s unreadable (%s); moved to %s, starting afresh",
                    directory, exc, aside.name)  # fmt: skip
        directory.rename(aside)
        return diskcache.Cache(str(directory))


def thread_job_manager(cache):
    """Dash's diskcache job manager, running each job in a thread of this process.

    Dash's own forks a process per job. Forking a web process whose other threads may
    hold a lock (a connection pool's, SQLite's) at that instant left a job waiting for
    good: seen twice in the browser tests (a siting job, then a programme filter whose
    table never came), with and without dropping the pool in the child. A thread shares
    the process, so there is nothing to inherit. Jobs cannot be killed, only forgotten:
    a cancelled job finishes and its result is dropped. Whether a job runs is kept in
    the shared cache, so any worker process of the same host can answer a poll.
    """
    import itertools

    from dash import DiskcacheManager

    class ThreadJobManager(DiskcacheManager):
        _ids = itertools.count(1)

        def call_job_fn(self, key, job_fn, args, context):
            job = os.getpid() * 1_000_000 + next(self._ids) % 1_000_000
            marker = f"atlas-job-running-{job}"
            self.handle.set(marker, True, expire=24 * 3600)

            def run():
                try:
                    job_fn(key, self._make_progress_key(key), args, context)
                finally:
                    self.handle.delete(marker)

            threading.Thread(target=run, name=f"dash-job-{job}", daemon=True).start()
            return job

        def job_running(self, job):
            return bool(job) and self.handle.get(f"atlas-job-running-{int(job)}") is not None

        def terminate_job(self, job):
            if job is not None:  # a thread cannot be killed: forget it
                self.handle.delete(f"atlas-job-running-{int(job)}")

        def terminate_unhealthy_job(self, job):
            return False

    return ThreadJobManager(cache)


# --- forks ----------------------------------------------------------------------------
# gunicorn --preload and Celery's prefork pool fork a process that has already built
# the app (Dash's background jobs do not: they run in threads, see thread_job_manager). A database connection or a broker connection must
# not be shared by parent and child: the child drops the inherited ones (without
# closing them, which would close the parent's) and opens its own.
_engines: weakref.WeakSet = weakref.WeakSet()
_celery_apps: weakref.WeakSet = weakref.WeakSet()


def _after_fork_in_child() -> None:
    try:
        for engine in list(_engines):
            engine.dispose(close=False)
        for celery_app in list(_celery_apps):
            celery_app._after_fork()  # forget the producer pool made by the parent
    except Exception:  # pragma: no cover - never break a fork; the pools check pids too
        log.debug("after-fork clean-up failed", exc_info=True)


def after_fork_in_child() -> None:
    """Called by gunicorn's ``post_fork`` and Celery's ``worker_process_init`` only.

    Not registered with ``os.register_at_fork``: forks made by anything else are not
    ours to clean up (Dash's background jobs no longer fork: ``thread_job_manager``).
    """
    _after_fork_in_child()


def fork_safe(engine=None, celery_app=None) -> None:
    """Have a forked child drop ``engine``'s pooled connections and ``celery_app``'s pool."""
    if engine is not None:
        _engines.add(engine)
    if celery_app is not None:
        _celery_apps.add(celery_app)


# --- web front ------------------------------------------------------------------------
def apply_web_front(server, settings) -> None:
    """Trust ``ATLAS_PROXY_FIX`` reverse proxies' X-Forwarded-* headers; secure cookies."""
    if settings.proxy_fix:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.proxy_fix
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    if settings.secure_cookies:
        server.config["SESSION_COOKIE_SECURE"] = True


def default_workers(cpus: int | None = None) -> int:
    """Gunicorn workers when ``WEB_CONCURRENCY`` is unset: 2 x CPUs + 1, at most 8."""
    cpus = cpus or os.cpu_count() or 1
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


class StaticCompressionCache:
    """Flask-Compress cache that keeps compressed bytes of static files only.

    Dash's bundles (plotly.min.js is 4.6 MB) were compressed again on every request,
    about 200 ms each; static files never change within a process, so each is compressed
    once per encoding. Better still, a Brotli (quality 11) or gzip (9) copy written once
    for every worker (:class:`dashboard.web.static.Precompressed`, by ``app.py prepare``
    or in the background after a first request) is served when there is one: smaller
    than Flask-Compress's quick level. Everything else (callbacks, layouts, API) is never
    cached here: its key is ``None`` and ``get`` always misses.
    """

    PREFIXES = ("/_dash-component-suites/", "/assets/", "/static/")

    def __init__(self, max_bytes: int = 64 * 2**20, store=None, source=None) -> None:
        self._data: dict[str, bytes] = {}
        self._size = 0
        self._max = max_bytes
        self._lock = threading.Lock()
        self._store = store  # Precompressed copies on disk
        self._source = source  # URL path -> the file behind it (or None)

    @classmethod
    def key(cls, request) -> str | None:
        if request.method == "GET" and request.path.startswith(cls.PREFIXES):
            return request.full_path
        return None

    def get(self, key: str):
        if key.endswith(";None"):
            return None
        if self._store is not None and self._source is not None:
            encoding, _, full_path = key.partition(";")
            if encoding in ("br", "gzip"):
                source = self._source(full_path.split("?", 1)[0])
                if source is not None:
                    best = self._store.get(source, encoding)
                    if best is not None:
                        return best
                    self._store.build_later(source)
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";None") or key in self._data:
            return
        with self._lock:
            if self._size + len(value) <= self._max:
                self._data[key] = value
                self._size += len(value)


def compress_static_once(server, store=None, assets_folder: str | None = None) -> None:
    """Configure Flask-Compress (before ``Compress(server)``) to reuse static bytes.

    Brotli is preferred to zstd and gzip when the browser takes several: the static
    copies are Brotli at its best level. Layouts and callbacks get Brotli 5, the first
    level with Brotli's context modelling: the page's layout 44.9 KB instead of 47.7 KB
    at level 4 (+1.3 ms of CPU), the linked charts 39.8 KB instead of 41.6 KB.
    """
    source = None
    if store is not None:
        from dashboard.web.static import source_of

        def source(path: str):
            return source_of(path, assets_folder)

    cache = StaticCompressionCache(store=store, source=source)
    server.config["COMPRESS_CACHE_BACKEND"] = lambda: cache
    server.config["COMPRESS_CACHE_KEY"] = StaticCompressionCache.key
    server.config["COMPRESS_ALGORITHM"] = ["br", "zstd", "gzip", "deflate"]
    server.config["COMPRESS_ALGORITHM_STREAMING"] = ["br", "zstd", "deflate"]  # send_file
    server.config["COMPRESS_BR_LEVEL"] = 5
