"""儿童关爱地图 Children's Care Atlas: WSGI ``server``, Celery ``celery`` and command line.

    python app.py                 # same as: python app.py serve
    python app.py serve [--host H] [--port P]
    python app.py prepare         # build caches, load the demo data (idempotent)
    python app.py worker          # Celery worker for background jobs (needs REDIS_URL)
    python app.py geodata [--json] [--rebuild]
    python app.py settings [--markdown]

The commands live in :mod:`dashboard.cli`, the app factory in :mod:`dashboard.factory`
(``create_app`` is importable from here too).

Nothing heavy happens at import: ``server`` is created lazily on first use by a WSGI
server (``gunicorn app:server``), and the boundary layers load on the first request.
``celery`` is created the same way for ``celery -A app worker`` (``make worker``).
"""

from __future__ import annotations

import sys

from dashboard.factory import create_app

__all__ = ["create_app", "main"]


def __getattr__(name: str):
    # ``gunicorn app:server`` asks for ``server``: build the app only then.
    if name == "server":
        global server
        server = create_app().server
        return server
    # ``celery -A app worker`` asks for ``celery``: the app's Celery app (REDIS_URL).
    if name == "celery":
        from dashboard.factory import worker_app

        global celery
        celery = worker_app().celery_app
        return celery
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    """The command line (:func:`dashboard.cli.main`): returns the exit status."""
    from dashboard.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
