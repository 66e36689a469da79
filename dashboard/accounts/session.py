"""Sign-in for editors and viewers: Flask session cookie, CSRF tokens, throttling.

* ``GET/POST /login`` (a plain HTML form, Chinese by default, ``?lang=en``; the page
  itself is :mod:`dashboard.accounts.pages`) and
  ``POST /logout``; ``GET /api/v1/session`` tells a script or page who is signed in and
  its CSRF token.
* The session cookie is signed with ``SECRET_KEY``, HttpOnly, SameSite=Lax, and
  expires ``ATLAS_SESSION_HOURS`` after sign-in (absolute, not sliding). It holds the
  user name and a fragment of the password hash, so removing a user or changing a
  password ends their sessions at once.
* Every state-changing POST carries the session's CSRF token: the ``csrf_token`` form
  field, or the ``X-CSRF-Token`` header for API calls. Dash callbacks that change data
  check the same token (the page keeps it in a store).
* Failed sign-ins are counted per name (5 -> locked 15 min) and per client address
  (20 in 15 min -> locked 15 min) in the database (:mod:`dashboard.accounts.users`);
  every failure shows the same message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import re
import secrets
import time
import unicodedata
from functools import wraps
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    request,
    session,
)

from dashboard.accounts.pages import login_page
from dashboard.accounts.users import User, Users
from dashboard.i18n import t

bp = Blueprint("atlas_auth", __name__)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def init_app(server: Flask, atlas) -> Users:
    """Create the user tables and configure the session cookie.

    The routes (:data:`bp`) are registered by the app factory with every other blueprint.
    """
    from dashboard.atlas import DB_ERRORS

    users = Users(atlas.store.engine)
    # The database is down: Atlas.ensure_ready creates the tables when it returns.
    with contextlib.suppress(DB_ERRORS):
        users.create_all()
    server.extensions["atlas_users"] = users
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="atlas_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=atlas.settings.session_hours),
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    return users


def users() -> Users:
    return current_app.extensions["atlas_users"]


# --- session ------------------------------------------------------------------------
def current_user() -> User | None:
    """The signed-in user of this request (checked against the database), or None."""
    if "atlas_user" in g:
        return g.atlas_user
    user = None
    name = session.get("user")
    if name:
        lifetime = current_app.permanent_session_lifetime.total_seconds()
        fresh = time.time() - float(session.get("login_at", 0)) < lifetime
        found = users().get(name) if fresh else None
        if (
            found is not None
            and hmac.compare_digest(found.session_version, str(session.get("pwv", "")))
            and users().session_alive(session.get("sid"), name, lifetime)
        ):
            user = found
        else:
            session.pop("user", None)
    g.atlas_user = user
    return user


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_valid(token: str | None = None) -> bool:
    """Whether `token` (default: the request's header or form field) is the session's."""
    if token is None:
        token = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
        if token is None and request.is_json:
            body = request.get_json(silent=True)
            token = body.get(CSRF_FIELD) if isinstance(body, dict) else None
    expected = session.get("csrf")
    return bool(token and expected and hmac.compare_digest(str(token), str(expected)))


def _sign_in(user: User) -> None:
    session.clear()  # a fresh session (and CSRF token) after sign-in
    session.permanent = True
    session["user"] = user.name
    session["pwv"] = user.session_version
    session["login_at"] = time.time()
    session["sid"] = users().start_session(user.name)
    session["csrf"] = secrets.token_urlsafe(32)
    g.atlas_user = user


def sign_out() -> None:
    """End this session on the server (a copied cookie is dead too) and clear it."""
    users().end_session(session.get("sid"))
    session.clear()
    g.pop("atlas_user", None)


def api_login_required(role: str | None = None, csrf: bool = True):
    """Decorator for JSON endpoints: 401 signed out, 403 wrong role or bad CSRF token."""

    def deco(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return jsonify(error="sign-in required"), 401
            if role and not user.can(role):
                return jsonify(error=f"the {role} role is required"), 403
            if csrf and request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_valid():
                return jsonify(error=f"missing or invalid CSRF token ({CSRF_HEADER} header)"), 403
            return fn(user, *args, **kwargs)

        return wrapper

    return deco


def allowed_user(role: str = "viewer", csrf: str | None | bool = False) -> User | None:
    """The signed-in user if they may act as `role`, else None: the one session check.

    ``role`` is ``viewer`` (any signed-in user), ``editor`` (editors and admins) or
    ``admin``. ``csrf`` is the page's token for a write (checked against the
    session's), or False for a read.
    """
    user = current_user()
    if user is None or not user.can(role):
        return None
    if csrf is not False and not csrf_valid(csrf if isinstance(csrf, str) else ""):
        return None
    return user


def private_callback(role: str = "viewer", *, write: bool = False, denied=None):
    """Decorator for Dash callbacks that read or write private data.

    Checks the session before the callback runs, as :func:`api_login_required` does for
    the HTTP API: anonymous calls to Dash's endpoint get nothing. With ``write=True`` the
    callback must take the page's CSRF token as an argument named ``csrf``. When the
    check fails, ``denied(**arguments)`` gives the outputs (e.g. a "sign in" message);
    without it the call is answered 204 with no outputs (``PreventUpdate``).

    The wrapper carries ``__atlas_private__`` so a test can find every private callback
    in ``app.callback_map`` and call it anonymously.
    """
    import inspect

    from dash.exceptions import PreventUpdate

    def deco(fn):
        sig = inspect.signature(fn)
        if write and "csrf" not in sig.parameters:
            raise TypeError(f"{fn.__name__}: a write callback needs a 'csrf' argument")

        @wraps(fn)
        def wrapper(*args, **kwargs):
            arguments = sig.bind_partial(*args, **kwargs).arguments
            csrf = arguments.get("csrf") if write else False
            if allowed_user(role, csrf if write else False) is None:
                if denied is None:
                    raise PreventUpdate
                return denied(**arguments)
            return fn(*args, **kwargs)

        wrapper.__atlas_private__ = {"role": role, "write": write}
        return wrapper

    return deco


def _lang() -> str:
    lang = request.values.get("lang")
    if lang in ("zh", "en"):
        return lang
    return current_app.extensions["atlas"].settings.default_lang


_NEXT_DEFAULT = "/upload"
# Characters that browsers drop from or fold inside URLs (tab, CR, LF and other C0/C1
# controls, whitespace, backslash): a target holding any is never followed.
_NEXT_BAD = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029]")


def safe_next(target: str | None) -> str:
    """A same-origin path to go to after sign-in; anything else gives ``/upload``.

    Only a parsed path is accepted: no scheme, no host, one leading slash, and no
    character a browser would strip or fold (``/\t/evil.example`` becomes
    ``//evil.example`` in a browser, and CR/LF break the ``Location`` header).
    Percent-escapes are decoded once and checked again, since werkzeug and browsers
    decode ``%2F`` and ``%09`` in different places.

    Examples
    --------
    >>> safe_next("/?region=510000&lang=en")
    '/?region=510000&lang=en'
    >>> [safe_next(t) for t in ("//evil.example", "/\t/evil.example", "https://x.cn/", "/%2F/x")]
    ['/upload', '/upload', '/upload', '/upload']
    """
    if not isinstance(target, str) or not target or len(target) > 2000:
        return _NEXT_DEFAULT
    for text in (target, unquote(target)):
        if _NEXT_BAD.search(text) or not text.startswith("/") or text.startswith("//"):
            return _NEXT_DEFAULT
        if any(unicodedata.category(ch)[0] in "CZ" for ch in text):  # spaces, bidi marks
            return _NEXT_DEFAULT
    try:
        parts = urlsplit(target)
    except ValueError:
        return _NEXT_DEFAULT
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return _NEXT_DEFAULT
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


# --- routes -------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():
    lang = _lang()
    nxt = safe_next(request.values.get("next"))
    error = ""
    status = 200
    if request.method == "POST":
        if not csrf_valid():
            error, status = t("login_expired", lang), 400
        else:
            user = users().authenticate(
                request.form.get("name", ""),
                request.form.get("password", ""),
                ip=request.remote_addr,
            )
            if user is not None:
                _sign_in(user)
                return redirect(nxt, code=303)
            error, status = t("login_failed", lang), 401
    page = login_page(lang, nxt, error, csrf_field=CSRF_FIELD, csrf_token=csrf_token())
    resp = current_app.make_response((page, status))
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'"
    return resp


@bp.post("/logout")
def logout():
    lang = _lang()
    if csrf_valid():
        sign_out()
    return redirect("/?" + urlencode({"lang": lang}), code=303)


@bp.get("/api/v1/session")
def session_info():
    user = current_user()
    body = {"user": None, "role": None, "csrf_token": csrf_token()}
    if user:
        body.update(user=user.name, role=user.role)
    resp = jsonify(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp
