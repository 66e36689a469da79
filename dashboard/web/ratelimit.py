"""A per-client request budget for expensive anonymous requests.

A permutation test of 9,999 draws costs seconds of CPU and a new seed is never cached,
so one script could keep every worker busy. Each client (its address, as the proxy
reports it with ``ATLAS_PROXY_FIX``) may make ``limit`` such requests per minute; the
next one is answered 429 with a ``Retry-After`` header and a message saying so.

Counts live in the app's shared cache (Redis with ``REDIS_URL``, so the limit holds
across workers and hosts) or, without one, in the process.
"""

from __future__ import annotations

import threading
import time

WINDOW_S = 60


class RateLimit:
    """``limit`` hits per client per minute; ``cache`` is a flask-caching ``Cache``.

    Examples
    --------
    >>> rl = RateLimit(None, limit=2)
    >>> [rl.hit("1.2.3.4", now=100.0)[0] for _ in range(3)]
    [True, True, False]
    >>> rl.hit("1.2.3.4", now=100.0)[1], rl.hit("5.6.7.8", now=100.0)[0]
    (20, True)
    """

    def __init__(self, cache, limit: int) -> None:
        self.cache, self.limit = cache, limit
        self._local: dict[str, int] = {}
        self._lock = threading.Lock()

    def hit(self, client: str, now: float | None = None) -> tuple[bool, int]:
        """Count one request of `client`: (allowed, seconds until the window ends)."""
        if self.limit <= 0:
            return True, 0
        now = time.time() if now is None else now
        window = int(now // WINDOW_S)
        retry = int((window + 1) * WINDOW_S - now) or 1
        key = f"atlas:rate:{window}:{client}"
        count = self._count(key)
        return count <= self.limit, retry

    def _count(self, key: str) -> int:
        backend = getattr(self.cache, "cache", self.cache)  # flask-caching -> cachelib
        if backend is not None and hasattr(backend, "inc"):
            try:
                backend.add(key, 0, timeout=2 * WINDOW_S)  # no-op when the key exists
                n = backend.inc(key)  # atomic with Redis
                if n is not None:
                    return int(n)
            except Exception:  # noqa: BLE001 - a cache that fails: count in the process
                pass
        with self._lock:
            if len(self._local) > 10_000:  # old windows of many clients
                self._local.clear()
            self._local[key] = self._local.get(key, 0) + 1
            return self._local[key]


def over_budget(atlas):
    """A 429 response when an anonymous client is past its analysis budget, else None.

    Used for the API's ``data.csv?analysis=...``. Map modes started from the page are
    not budgeted: planners of one office often share one address, and a budget per
    address would stop them together (docs/security.md, known gaps).
    """
    from flask import current_app, jsonify, request

    from dashboard.accounts.session import current_user

    if current_user() is not None:
        return None
    limiter = current_app.extensions.get("atlas_rate")
    if limiter is None:
        limiter = current_app.extensions["atlas_rate"] = RateLimit(
            atlas.cache, atlas.settings.analysis_rate
        )
    allowed, retry = limiter.hit(request.remote_addr or "unknown")
    if allowed:
        return None
    resp = jsonify(
        error=f"too many analysis requests from this address: at most {limiter.limit} a "
        f"minute without signing in; try again in {retry} s",
        retry_after=retry,
    )
    resp.status_code = 429
    resp.headers["Retry-After"] = str(retry)
    return resp
