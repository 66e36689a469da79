"""The app factory: ``create_app(settings)`` builds the Dash app and its Flask server.

Everything the server serves is plugged in here, and only here: the cache and job
backends, the security headers, the page layout, the callbacks and every Flask
blueprint (the JSON API, the export files, sign-in, uploads). Modules that define a
blueprint never register it themselves, so none of them needs to import another to
be complete.

Nothing heavy happens at import: Dash, Flask and the data libraries are imported when
an app is built, so ``import app`` (``gunicorn app:server``, ``celery -A app``) stays
cheap until the app is wanted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dash

    from dashboard.settings import Settings

#: The repository: ``assets/`` is served from here.
ROOT = Path(__file__).resolve().parent.parent

CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'self'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)
#: Static files (scripts, styles, images, the map's geometry): no document policy.
STATIC_PATHS = ("/_dash-component-suites/", "/assets/", "/static/", "/geo/")


def _secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret_key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Exclusive create: web processes starting together agree on one key.
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    for _ in range(50):  # another process may have created it and not yet written it
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.1)
    raise ValueError(f"{path} is empty: delete it or set ATLAS_SECRET_KEY")


#: Libraries that log every step of their work at INFO (kaleido and its browser driver
#: write some twenty lines per export); they say only warnings unless the level is DEBUG.
CHATTY_LOGGERS = ("kaleido", "choreographer", "logistro", "numba", "fontTools")


def configure_logging(level: str | int) -> None:
    """One format for the app's log; the chatty libraries above kept to warnings.

    Why: the server's log is read by people running ``make run``/``make serve``: one
    line per request (werkzeug's or gunicorn's access log) and what went wrong, not
    kaleido's tab queue.
    """
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet = logging.getLevelName(level) if isinstance(level, int) else str(level).upper()
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if quiet == "DEBUG" else logging.WARNING)


def create_app(settings: Settings | None = None, *, prepare: bool = True) -> dash.Dash:
    """Build the Dash app for `settings` (default: read from the environment).

    With ``prepare`` (the default) the database tables, boundary caches and demo data
    are made ready before the app is returned, so the first page is fast.
    """
    import dash
    from flask_caching import Cache
    from flask_compress import Compress

    from dashboard import pages
    from dashboard.atlas import DB_ERRORS, Atlas, DatabaseUnavailable
    from dashboard.settings import Settings

    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    from dashboard import deploy

    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    # Redis and Celery with REDIS_URL (shared by every process), else the data directory.
    backends = deploy.configure(settings)
    from dashboard.deferred import LATER_ASSETS

    app = dash.Dash(
        __name__,
        title="儿童关爱地图 Children's Care Atlas",
        assets_folder=str(ROOT / "assets"),
        assets_ignore=LATER_ASSETS,  # loaded after the first paint (dashboard/deferred.py)
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title=None,
        # Pages are registered by dashboard.pages (dash.register_page) and rendered by
        # the layout below; no folder to import, and not Dash's callback router.
        pages_folder="",
        use_pages=False,
        background_callback_manager=backends.manager,
        on_error=_callback_error,
    )
    from dashboard.deferred import defer_bundles
    from dashboard.presenters.map import topology_spec
    from dashboard.web import layout_cache, static

    server = app.server

    def geometry():
        with contextlib.suppress(Exception):  # no layers yet: the page loads the GeoJSON
            return topology_spec(server.extensions.get("atlas"))
        return None

    # The table's grid bundle loads after the map has painted; plotly.js and the
    # geometry are preloaded; assets get content-hashed URLs.
    defer_bundles(app, geometry)
    server.config["SECRET_KEY"] = _secret_key(settings)
    server.config["MAX_CONTENT_LENGTH"] = 60 * 1024 * 1024
    server.config["ATLAS_ASSETS_FOLDER"] = app.config.assets_folder
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "text/csv",
        "application/json",
        "application/javascript",
        "text/javascript",
    ]
    server.config["COMPRESS_MIN_SIZE"] = 500
    store = static.Precompressed(settings.cache_dir / "static")
    server.extensions["atlas_precompressed"] = store
    deploy.compress_static_once(server, store, app.config.assets_folder)
    Compress(server)  # Dash(compress=True) does the same; configured here explicitly
    # Registered after Compress, so run before it: long caching of content-named static
    # files, ETags on the layout and dependencies (a second visit gets 304s).
    server.after_request(static.after_request)
    layout_cache.init_app(server)  # a visitor's explorer layout, built once per key
    server.config["ATLAS_BACKENDS"] = {"cache": backends.cache, "jobs": backends.jobs}
    cache_config = {**backends.cache_config, "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout}
    cache = Cache(server, config=cache_config)
    atlas = Atlas(settings, cache)
    deploy.fork_safe(atlas.store.engine, backends.celery)
    if prepare:
        # A database that is down is logged once; pages show a notice and retry.
        with contextlib.suppress(DatabaseUnavailable):
            atlas.ensure_ready()
    server.extensions["atlas"] = atlas
    from dashboard.accounts import session as accounts

    accounts.init_app(server, atlas)  # user tables, session cookie
    _register_blueprints(server)
    deploy.apply_web_front(server, settings)  # ATLAS_PROXY_FIX, ATLAS_SECURE_COOKIES

    @server.after_request
    def _security_headers(resp):
        from flask import request

        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith(STATIC_PATHS) and resp.mimetype != "text/html":
            # Scripts, styles and geometry are not documents: the policy below would
            # not apply to them, and its 350 bytes on each of the 20 static files the
            # first paint waits for were 9 KB of a county office's slow link.
            return resp
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        # Everything the page needs comes from this server: a script that slipped in
        # could not send data elsewhere. Dash needs inline and eval'd scripts
        # (its renderer bootstrap, dash-ag-grid's function strings).
        resp.headers.setdefault("Content-Security-Policy", CSP)
        return resp

    def layout():
        from dashboard.pages.routing import page_location

        pathname, search = page_location()
        try:
            atlas.ensure_ready()
            return pages.render(pathname, search, settings.default_lang)
        except (DatabaseUnavailable, *DB_ERRORS):
            from dashboard.pages.frame import unavailable_page

            layout_cache.uncacheable()
            return unavailable_page(search)

    app.layout = layout
    app.validation_layout = None
    pages.register(app, atlas)  # every page: dash.register_page and its callbacks
    _guard_dash_endpoints(app)
    app.atlas = atlas
    app.settings = settings
    app.celery_app = backends.celery  # None without Redis
    if prepare:  # (not for `app.py prepare`, which only compresses the static files)
        threading.Thread(
            target=warm_first_requests, args=(atlas,), name=WARM_THREAD, daemon=True
        ).start()
    threading.Thread(target=warm_imports, name="warm-imports", daemon=True).start()
    return app


def _register_blueprints(server) -> None:
    """Every Flask blueprint of the Atlas, registered here and nowhere else."""
    from dashboard.accounts import session as accounts
    from dashboard.web import api, static
    from dashboard.web import exports as export_api
    from dashboard.web import uploads as uploads_api

    server.register_blueprint(static.bp)  # /static/<digest>/<file>: vendored scripts
    server.register_blueprint(api.bp)  # /healthz, /api/v1/meta, data and layers
    server.register_blueprint(export_api.bp)  # /export/... files
    server.register_blueprint(accounts.bp)  # /login, /logout, /api/v1/session
    server.register_blueprint(uploads_api.bp)  # /api/v1/uploads, /api/v1/datasets
    _register_unavailable(server)


def _guard_dash_endpoints(app) -> None:
    """Malformed requests to Dash's own endpoints answer 400/404, never 500.

    Dash dispatches ``/_dash-update-component`` bodies without checking their shape
    (456 of 550 fuzzed bodies were 500s) and raises for unknown component-suite paths.
    A body that is not a callback request of this app is refused before dispatch; an
    error Dash raises while reading the request (not one a callback raises: those are
    ``on_error``'s) is a 400.
    """
    from dash.exceptions import (
        CallbackException,
        DependencyException,
        InvalidCallbackReturnValue,
        PreventUpdate,
    )
    from flask import jsonify, request

    server = app.server
    endpoint = "/_dash-update-component"
    dispatch = server.view_functions[endpoint]

    def bad(message: str):
        return jsonify(error=f"malformed callback request: {message}"), 400

    def guarded(*args, **kwargs):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return bad("the body is not a JSON object")
        output = body.get("output")
        if not isinstance(output, str) or output not in app.callback_map:
            return bad("unknown output")
        for key in ("inputs", "changedPropIds"):
            if not isinstance(body.get(key), list):
                return bad(f"{key} must be a list")
        if not isinstance(body.get("state", []), list):
            return bad("state must be a list")
        # The outputs must be the callback's own: one object for a single output, a list
        # of as many as it declares otherwise (a mismatch reached Dash's return-value
        # check, a 500 that is meant for our bugs).
        multi = output.startswith("..")  # "..a.prop...b.prop@hash.." in Dash's keys
        n_out = len(output.strip(".").split("...")) if multi else 1
        outputs = body.get("outputs")
        if multi and not (isinstance(outputs, list) and len(outputs) == n_out):
            return bad(f"outputs must be a list of {n_out}")
        if not multi and not isinstance(outputs, dict):
            return bad("outputs must be an object")
        if any(not isinstance(i, dict | list) for i in body["inputs"] + body.get("state", [])):
            return bad("inputs and state hold objects")
        try:
            return dispatch(*args, **kwargs)
        except (InvalidCallbackReturnValue, PreventUpdate):
            raise  # a wrong return value is our bug (a logged 500); no update is a 204
        except (CallbackException, KeyError, IndexError, TypeError, ValueError,
                AttributeError) as exc:  # fmt: skip
            logging.getLogger("atlas").warning("malformed callback request refused: %r", exc)
            return bad(type(exc).__name__)

    server.view_functions[endpoint] = guarded
    server.register_error_handler(
        DependencyException, lambda exc: (jsonify(error="no such component file"), 404)
    )


RETRY_AFTER_S = 30
"""How long a client is told to wait when the database (or the disk) is unavailable."""


def _register_unavailable(server) -> None:
    """Database down or disk full: a clear answer, never a bare HTML 500.

    JSON endpoints answer 503 JSON with a retry hint; an upload or sign-in says that
    nothing was saved and to try again; the page itself shows its unavailable notice
    (``layout``). One handler for every blueprint.
    """
    import errno

    from flask import jsonify, request

    from dashboard.atlas import DB_ERRORS, DatabaseUnavailable, _db_reason

    def unavailable(exc: Exception):
        logging.getLogger("atlas").error(
            "request failed, storage unavailable: %s %s: %s", request.method,
                  request.path, _db_reason(exc))  # fmt: skip
        zh = request.values.get("lang") != "en"
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            what = "nothing was saved; " if request.method == "POST" else ""
            resp = jsonify(
                error=f"the database is unavailable: {what}try again in {RETRY_AFTER_S} s",
                retry_after=RETRY_AFTER_S,
            )
        else:
            text = (
                "数据库暂时无法使用，未保存任何内容，请稍后重试。"
                if zh
                else "The database is unavailable: nothing was saved. Please try again shortly."
            )
            resp = server.response_class(
                f'<!doctype html><meta charset="utf-8"><p role="alert">{text}</p>',
                mimetype="text/html",
            )
        resp.status_code = 503
        resp.headers["Retry-After"] = str(RETRY_AFTER_S)
        return resp

    for exc_type in (DatabaseUnavailable, *DB_ERRORS):
        server.register_error_handler(exc_type, unavailable)

    def disk_full(exc: OSError):
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise exc
        return unavailable(exc)

    server.register_error_handler(OSError, disk_full)


def _callback_error(err: Exception) -> None:
    """Any callback that fails: one log line and a notice on the page, not silence.

    A database that went away mid-session gets its own message; the notice clears
    itself on the next callback that succeeds (see ``callbacks.map``).
    """
    from dash import set_props

    from dashboard import ids
    from dashboard.atlas import DB_ERRORS, DatabaseUnavailable

    if isinstance(err, (DatabaseUnavailable, *DB_ERRORS)):
        logging.getLogger("atlas").error("callback failed, database unavailable: %s", err)
        text = (
            "数据库暂时无法连接，请稍后重试。The database is unavailable; please try again shortly."
        )
    else:
        logging.getLogger("atlas").exception("callback failed")
        text = "出错了，已记录。请重试或刷新页面。Something went wrong (logged); retry or reload."
    set_props(ids.ERROR_BANNER, {"children": text, "hidden": False})


WARM_THREAD = "warm-first-requests"


def warm_first_requests(atlas) -> None:
    """Load, right after start-up, what a process's first requests would load: the code
    registry (English names, search, the county panel: 0.8 s), the map's static parts
    and the national place names (0.6 s). The first value update of a process took 1.9 s
    and its first county panel 2.5 s. Best effort: a failure here is the first
    request's to report. Gunicorn's master waits for it before forking.
    """
    from dashboard.presenters.map import warm_static

    try:
        atlas.registry  # noqa: B018 - a cached property: loading it is the point
        warm_static(atlas)
    except Exception as exc:  # noqa: BLE001 - warming is best effort
        logging.getLogger("atlas").debug("warm-up of first requests failed: %s", exc)


def wait_for_warm_up(timeout: float = 120.0) -> None:
    """Wait for :func:`warm_first_requests` (before gunicorn forks: a thread caught
    mid-way would leave its locks held in every worker)."""
    for thread in threading.enumerate():
        if thread.name == WARM_THREAD:
            thread.join(timeout)


def warm_imports(delay: float = 20.0) -> None:
    """Import the heavy analysis libraries after start-up, off the request path.

    mapclassify compiles numba kernels on import (about 4 s); doing it here means the
    first change of classification does not pay for it, and start-up does not either;
    the delay keeps it clear of the first page loads.
    """
    import importlib

    time.sleep(delay)
    for name in (
        "mapclassify",
        "esda",
        "geodata.analysis.clusters",
        "geodata.analysis.hotspots",
        "geodata.analysis.coverage",
        "geodata.analysis.access",
        "geodata.analysis.siting",
    ):
        try:
            importlib.import_module(name)
        except Exception:  # pragma: no cover - warming is best effort
            logging.getLogger(__name__).debug("warm import of %s failed", name)


def worker_app() -> dash.Dash:
    """The Dash app of a Celery worker: waits for Redis, then builds the app, whose
    background callbacks become the worker's tasks."""
    if str(ROOT) not in sys.path:  # `celery -A app` has the directory on it only briefly
        sys.path.insert(0, str(ROOT))
    from dashboard import deploy
    from dashboard.settings import Settings

    settings = Settings.from_env()
    if not settings.redis_url:
        raise ValueError("REDIS_URL is not set: a worker runs the jobs queued in Redis")
    configure_logging(settings.log_level)
    log = logging.getLogger("atlas.worker")
    wait = 1.0
    while problem := deploy.redis_problem(settings.redis_url):
        log.warning(
            "REDIS_URL %s is unreachable (%s); trying again in %.0f s",
            deploy.redact(settings.redis_url),
            problem,
            wait,
        )
        time.sleep(wait)
        wait = min(wait * 2, 30.0)
    app = create_app(settings)
    if app.celery_app is None:  # Redis went away between the check and the set-up
        raise ValueError(f"REDIS_URL {deploy.redact(settings.redis_url)} is unreachable")
    return app
