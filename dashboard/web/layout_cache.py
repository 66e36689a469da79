"""The explorer's layout for visitors, built once and answered from the shared cache.

Dash builds ``/_dash-layout`` anew for every page load: 21 ms of server CPU (the
components, the map figure read back from the cache, JSON, Brotli), a quarter of the
server's time in the 200-planner load test, where one request in ten is a page load.
For a visitor who has not signed in, the explorer's landing layout depends only on the
language, the data (the store's stamp), the saved programmes and the code. So it is
built once per such key for all workers, kept with its Brotli and gzip forms, and
answered from there, with its ETag (a second visit, in any session, gets a 304). A signed-in user's layout (their name, their token, their rights)
is never cached, nor one built while the database was down.
"""

from __future__ import annotations

import gzip
import hashlib

import brotli
from flask import Response, current_app, g, request

from dashboard.web.static import accepted, body_tag, browser_has

#: Seconds a cached layout is kept: short, so that anything a key might miss is brief.
TIMEOUT = 300
#: The page whose layout is cached: the explorer (every other page is rarely loaded).
CACHED_PAGES = ("/",)
#: The addresses cached: the explorer's landing view in each language, where nearly
#: every visit starts. A shared link's view is built each time: keying on any query
#: would let a client fill the cache with a layout (about 0.5 MB with its compressed
#: forms) per made-up address.
CACHED_QUERIES = ("", "?lang=zh", "?lang=en")


def init_app(server) -> None:
    """Answer cached layouts before Dash builds them; keep the ones Dash builds.

    Call after ``Compress(server)``: after-request functions run last-registered first,
    and the body is kept before Flask-Compress encodes it."""
    server.before_request(answer)
    server.after_request(keep)


def uncacheable() -> None:
    """Mark this request's layout as not to be kept (the database-down page)."""
    g.atlas_layout_uncacheable = True


def _key() -> str | None:
    """The cache key of this request's layout, or None when it is not cached."""
    if request.method != "GET" or not request.path.endswith("/_dash-layout"):
        return None
    from dashboard.accounts.session import current_user
    from dashboard.pages.routing import page_location

    path, search = page_location()
    if path not in CACHED_PAGES or search not in CACHED_QUERIES or current_user() is not None:
        return None
    atlas = current_app.extensions["atlas"]
    try:
        programmes = atlas.store.programmes()
    except Exception:  # noqa: BLE001 - the database is down: Dash's layout says so
        return None
    listed = hashlib.sha1(
        repr(list(programmes[["id", "name", "n"]].itertuples(index=False))).encode()
    ).hexdigest()[:12]
    default = atlas.settings.default_lang
    return f"atlas:{atlas.code_version}:{atlas.stamp()}:layout:{default}:{listed}:{path}{search}"


def _cache():
    return current_app.extensions["atlas"].cache


def answer():
    """A cached layout for this request, if there is one (else Dash builds it)."""
    key = _key()
    if key is None:
        return None
    g.atlas_layout_key = key
    cache = _cache()
    try:
        entry = cache.get(key) if cache is not None else None
    except Exception:  # noqa: BLE001 - a cache that fails: Dash builds the layout
        entry = None
    if not entry:
        return None
    g.atlas_layout_hit = True
    enc = accepted(request.headers.get("Accept-Encoding", ""))
    if browser_has(entry["etag"]):
        resp = Response(status=304)
    else:
        resp = Response(entry[enc] if enc else entry["raw"], mimetype="application/json")
        if enc:
            resp.headers["Content-Encoding"] = enc
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Cache-Control"] = "no-cache"
    # The tag as a layout built by Dash has it: Flask-Compress appends the coding.
    resp.set_etag(f"{entry['etag']}:{enc}" if enc else entry["etag"])
    return resp


def keep(response):
    """Keep a layout Dash has just built for a visitor (see :func:`answer`)."""
    key = g.get("atlas_layout_key")
    if (
        key is None
        or g.get("atlas_layout_hit")
        or g.get("atlas_layout_uncacheable")
        or response.status_code != 200
        or "Content-Encoding" in response.headers
    ):
        return response
    raw = response.get_data()
    entry = {
        "raw": raw,
        "etag": body_tag(raw),  # as every revalidated layout has it
        "br": brotli.compress(raw, quality=5),
        "gzip": gzip.compress(raw, 6),
    }
    cache = _cache()
    try:
        if cache is not None:
            cache.set(key, entry, timeout=TIMEOUT)
    except Exception:  # noqa: BLE001 - not kept: built again next time
        pass
    return response
