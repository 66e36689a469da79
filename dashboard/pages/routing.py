"""Which page a layout request is for.

Dash fetches the layout from ``/_dash-layout`` without the page's path or query
string; the browser does send the page's address as the ``Referer`` (the app sets
``Referrer-Policy: same-origin``), so the path and query come from there. Direct
requests (tests, the first server-side render) use their own path and query.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import has_request_context, request


def page_location() -> tuple[str, str]:
    """(pathname, search) of the page being built, e.g. ``("/upload", "?lang=en")``."""
    if not has_request_context():
        return "/", ""
    query = request.query_string.decode("utf-8", "replace")
    if request.path.endswith("/_dash-layout"):
        ref = urlsplit(request.referrer or "")
        if request.referrer and (not ref.netloc or ref.netloc == request.host):
            return ref.path or "/", f"?{ref.query}" if ref.query else ""
        return "/", f"?{query}" if query else ""  # no page named: the explorer
    return request.path, f"?{query}" if query else ""
