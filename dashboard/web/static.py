"""Static files for slow links: content-hashed URLs, cached for good, compressed once.

A county office's second visit should move almost nothing and its first as few bytes
as possible (issue 17). So:

- **Vendored scripts** (``dashboard/static``: the Atlas's plotly.js bundle, built by
  ``scripts/build_plotly_bundle.sh``, topojson-client, regenerator-runtime) are served at
  ``/static/<digest>/<name>``, where the digest is of the file's bytes, with
  ``Cache-Control: immutable`` for a year: a new file is a new URL.
- **The page's own assets** (``assets/``) keep Dash's URLs, but the ``?m=<mtime>``
  Dash adds is replaced by ``?v=<digest of the bytes>`` in the page (:func:`hash_assets`),
  and a request whose ``v`` is the file's digest is cached for good; Dash's bundles
  (``/_dash-component-suites/``, fingerprinted by version) are marked immutable too.
- **Compressed once, at the best level**: Brotli (quality 11) and gzip (9) copies of each
  static file are written under ``<cache>/static/`` by ``app.py prepare`` (or, when
  missing, by a background thread after the first request for it), named by the
  digest of the source, and shared by every worker. Until one exists, Flask-Compress's
  quick level answers (:class:`dashboard.deploy.StaticCompressionCache`).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import re
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request

log = logging.getLogger(__name__)

#: The vendored browser scripts (built or copied by scripts/build_plotly_bundle.sh).
VENDOR_DIR = Path(__file__).resolve().parent.parent / "static"
PLOTLY_BUNDLE = VENDOR_DIR / "plotly-atlas.min.js"
TOPOJSON_CLIENT = VENDOR_DIR / "topojson-client.min.js"
#: Babel's generator runtime, which Dash's bundles call (see dashboard/deferred.py).
REGENERATOR = VENDOR_DIR / "regenerator-runtime.min.js"
VENDOR_FILES = (PLOTLY_BUNDLE, TOPOJSON_CLIENT, REGENERATOR)
IMMUTABLE = "public, max-age=31536000, immutable"
ENCODINGS = ("br", "gzip")
_TYPES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json",
          ".ico": "image/x-icon", ".txt": "text/plain"}  # fmt: skip

bp = Blueprint("atlas_static", __name__)


@lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def digest(path: Path) -> str:
    """First 16 hex digits of the SHA-256 of the file (memoised while it is unchanged)."""
    st = path.stat()
    return _digest(str(path), st.st_mtime_ns, st.st_size)


def vendor_url(path: Path, prefix: str = "/") -> str:
    """The content-hashed URL of a vendored file."""
    return f"{prefix}static/{digest(path)}/{path.name}"


# --- precompressed copies ----------------------------------------------------------------
def compress(data: bytes, encoding: str) -> bytes:
    """``data`` at the best level of ``encoding`` (slow: done once per file)."""
    if encoding == "br":
        import brotli

        return brotli.compress(data, quality=11)
    return gzip.compress(data, 9, mtime=0)


class Precompressed:
    """Brotli and gzip copies of static files under ``directory``, by source digest."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def path(self, source: Path, encoding: str) -> Path:
        return self.directory / f"{digest(source)}-{source.name}.{encoding}"

    def get(self, source: Path, encoding: str) -> bytes | None:
        try:
            return self.path(source, encoding).read_bytes()
        except OSError:
            return None

    def build(self, source: Path) -> None:
        """Write the missing copies of ``source`` (atomically: workers may race)."""
        data = None
        for encoding in ENCODINGS:
            target = self.path(source, encoding)
            if target.exists():
                continue
            data = data if data is not None else source.read_bytes()
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(compress(data, encoding))
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def clean(self, older_than: float = 3600) -> None:
        """Remove temporary files of builds that were interrupted (a killed process)."""
        import time

        for tmp in self.directory.glob(".tmp-*"):
            with contextlib.suppress(OSError):
                if time.time() - tmp.stat().st_mtime > older_than:
                    tmp.unlink()

    def build_later(self, source: Path) -> None:
        """:meth:`build` in a background thread, once per file and process."""
        key = str(source)
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)

        def run() -> None:
            try:
                self.build(source)
            except OSError as exc:  # a full or read-only disk: the quick level stays
                log.warning("could not precompress %s: %s", source, exc)

        threading.Thread(target=run, name="precompress", daemon=True).start()


def precompressed(app=None) -> Precompressed:
    app = app or current_app
    return app.extensions["atlas_precompressed"]


# --- which file a static URL is ----------------------------------------------------------
_FINGERPRINT_QUERY = re.compile(r"(?:^|&)v=([0-9a-f]{16})(?:&|$)")


def source_of(path: str, assets_folder: str | None = None) -> Path | None:
    """The file behind a static URL path (component suite, asset or vendored), or None."""
    if path.startswith("/_dash-component-suites/"):
        from dash.fingerprint import check_fingerprint

        package, _, rest = path[len("/_dash-component-suites/") :].partition("/")
        module = sys.modules.get(package)
        if module is None or not rest or ".." in rest.split("/"):
            return None
        in_pkg, _ = check_fingerprint(rest)
        base = Path(getattr(module, "__file__", "") or "").parent
        file = base / in_pkg
        return file if file.is_file() else None
    if path.startswith("/assets/") and assets_folder:
        rel = path[len("/assets/") :]
        if ".." in rel.split("/"):
            return None
        file = Path(assets_folder) / rel
        return file if file.is_file() else None
    if path.startswith("/static/"):
        name = path.rsplit("/", 1)[-1]
        file = VENDOR_DIR / name
        return file if file in VENDOR_FILES else None
    return None


def static_sources(app) -> list[Path]:
    """Every static file the app serves: Dash's bundles (those it registered while
    writing the index page, async chunks included), the assets, the vendored files."""
    app.server.test_client().get("/")  # registers every bundle's path (Dash does it then)
    files: list[Path] = list(VENDOR_FILES)
    for package, paths in sorted(app.registered_paths.items()):
        base = Path(getattr(sys.modules.get(package), "__file__", "") or "").parent
        files += [base / p for p in sorted(paths) if not p.endswith(".map")]
    assets = Path(app.config.assets_folder)
    files += [p for p in sorted(assets.rglob("*")) if p.suffix in (".js", ".css", ".json")]
    atlas = app.server.extensions.get("atlas")
    if atlas is not None and atlas.layers.path is not None:
        files.append(atlas.layers.topology_path)
    return [f for f in dict.fromkeys(files) if f.is_file() and f.stat().st_size >= 500]


def precompress_all(app) -> int:
    """Write the compressed copies of every static file; returns how many files."""
    store = precompressed(app.server)
    store.clean()
    files = static_sources(app)
    for f in files:
        store.build(f)
    return len(files)


# --- the page's asset URLs ---------------------------------------------------------------
_ASSET_URL = re.compile(r'((?:href|src)="[^"]*?/assets/([^"?]+))\?m=[\d.]+"')


def hash_assets(html: str, assets_folder: str) -> str:
    """Replace Dash's ``?m=<mtime>`` on asset URLs by ``?v=<digest of the bytes>``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.css").write_text("x")
    >>> hash_assets('<link href="/assets/a.css?m=17">', str(d))
    '<link href="/assets/a.css?v=2d711642b726b044">'
    """

    def sub(m: re.Match) -> str:
        file = Path(assets_folder) / m.group(2)
        if ".." in m.group(2).split("/") or not file.is_file():
            return m.group(0)
        return f'{m.group(1)}?v={digest(file)}"'

    return _ASSET_URL.sub(sub, html)


#: Dash's JSON that changes only with the app or its data: answered 304 when unchanged.
REVALIDATED = ("/_dash-layout", "/_dash-dependencies")


def after_request(response):
    """Cache headers: immutable for static files whose URL names their content; an ETag
    and ``no-cache`` (revalidate each time) for the layout and the dependencies."""
    if request.method != "GET" or response.status_code != 200:
        return response
    path = request.path
    if path.endswith(REVALIDATED) and "Content-Encoding" not in response.headers:
        return revalidate(response)
    return cache_headers(response, current_app.config.get("ATLAS_ASSETS_FOLDER"))


def body_tag(body: bytes) -> str:
    """The ETag of a revalidated body (the layout, the dependencies)."""
    return hashlib.sha1(body).hexdigest()[:20]


def browser_has(tag: str) -> bool:
    """Whether the request's ``If-None-Match`` names `tag`.

    Flask-Compress appends the coding to a strong ETag (``"abc:br"``), which the
    browser sends back: the comparison ignores that suffix.
    """
    sent = request.headers.get("If-None-Match", "")
    return tag in {
        t.strip().removeprefix("W/").strip('"').split(":", 1)[0] for t in sent.split(",")
    }


def revalidate(response):
    """An ETag of the body; 304 when the browser has it already (:func:`browser_has`)."""
    tag = body_tag(response.get_data())
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(tag)
    if browser_has(tag):
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Length", None)
    return response


#: Headers an immutable response does without: it is never revalidated (validators) and
#: never a download or a range (about 170 bytes on each asset before the first paint).
_NOT_FOR_IMMUTABLE = ("ETag", "Last-Modified", "Accept-Ranges", "Content-Disposition")


def cache_headers(response, assets_folder: str | None):
    """Static responses whose URL names their content are immutable."""
    path = request.path
    immutable = False
    if path.startswith("/_dash-component-suites/"):
        from dash.fingerprint import check_fingerprint

        immutable = bool(check_fingerprint(path.rsplit("/", 1)[-1])[1])
    elif path.startswith("/assets/"):
        m = _FINGERPRINT_QUERY.search(request.query_string.decode("latin-1"))
        file = source_of(path, assets_folder)
        immutable = bool(m and file is not None and m.group(1) == digest(file))
        if not immutable:
            response.headers["Cache-Control"] = "no-cache"
    if immutable:
        response.headers["Cache-Control"] = IMMUTABLE
        for name in _NOT_FOR_IMMUTABLE:
            response.headers.pop(name, None)
    return response


# --- the vendored files ------------------------------------------------------------------
def accepted(encodings: str) -> str | None:
    """The best of :data:`ENCODINGS` that an ``Accept-Encoding`` header allows.

    >>> accepted("gzip, deflate, br, zstd"), accepted("gzip"), accepted("br;q=0, identity")
    ('br', 'gzip', None)
    """
    allowed = {}
    for part in encodings.lower().split(","):
        name, _, q = part.strip().partition(";q=")
        try:
            allowed[name.strip()] = float(q) if q else 1.0
        except ValueError:
            allowed[name.strip()] = 1.0
    for enc in ENCODINGS:
        if allowed.get(enc, 0) > 0:
            return enc
    return None


def serve_file(file: Path, mimetype: str, cache_control: str = IMMUTABLE) -> Response:
    """``file`` as its precompressed copy when the client takes one, else as it is (and
    its copies are made in the background for the next requests)."""
    enc = accepted(request.headers.get("Accept-Encoding", ""))
    body = None
    if enc:
        store = precompressed()
        body = store.get(file, enc)
        if body is None:
            store.build_later(file)
            enc = None
    resp = Response(body if body is not None else file.read_bytes(), mimetype=mimetype)
    if enc:
        resp.headers["Content-Encoding"] = enc
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Cache-Control"] = cache_control
    return resp


@bp.get("/static/<key>/<name>")
def vendored(key: str, name: str):
    """A vendored script at its content-hashed URL."""
    file = VENDOR_DIR / name
    if file not in VENDOR_FILES or key != digest(file):
        abort(404)
    return serve_file(file, _TYPES[file.suffix])
