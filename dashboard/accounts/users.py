"""Users who may sign in (editors upload and manage datasets; viewers only look; admins
do what editors do everywhere and manage users).

Kept in the same database as the datasets (:class:`geodata.store.Store`), in tables of
their own ``MetaData`` so the store's schema is untouched:

``users``
    id, name (unique), role (``admin``/``editor``/``viewer``), region (a province,
    prefecture or county code an editor's uploads, restores and deletions are limited
    to; NULL = everywhere), password_hash (werkzeug scrypt), created_at,
    failed_attempts, locked_until (epoch seconds, NULL = not locked).
``login_throttle``
    key (e.g. ``ip:203.0.113.7``), failures, window_start, locked_until: failed
    sign-ins counted per client address, so one address cannot try many names.

Passwords are never stored: only the salted scrypt hash. :meth:`Users.authenticate`
answers only *whether* a sign-in succeeded; callers show one generic message for a
wrong name, a wrong password and a lock-out alike.

Examples
--------
>>> import sqlalchemy as sa
>>> users = Users(sa.create_engine("sqlite://"))
>>> users.create_all()
>>> users.add("zhang", "editor", "correct horse battery")
>>> users.authenticate("zhang", "correct horse battery", ip="127.0.0.1").role
'editor'
>>> users.authenticate("zhang", "wrong password!", ip="127.0.0.1") is None
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

ROLES: tuple[str, ...] = ("admin", "editor", "viewer")
#: What each role may do, in order: a role may act as any role of lower rank.
ROLE_RANK: dict[str, int] = {"viewer": 0, "editor": 1, "admin": 2}
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
#: Failed sign-ins for one name before it is locked, and for how long.
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
#: Failed sign-ins from one address within the window before it is locked.
MAX_IP_FAILURES = 20
IP_WINDOW_SECONDS = 15 * 60
HASH_METHOD = "scrypt"
#: Checked against when the name is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password", method=HASH_METHOD)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    created_at: dt.datetime | None
    failed_attempts: int
    locked_until: float | None
    password_hash: str = ""
    region: str | None = None

    @property
    def is_editor(self) -> bool:
        """May upload, restore and delete (within :attr:`scope`)."""
        return self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can(self, role: str) -> bool:
        """Whether the user may act as `role` (an admin as an editor or a viewer...)."""
        return ROLE_RANK.get(self.role, -1) >= ROLE_RANK.get(role, 99)

    @property
    def scope(self) -> str | None:
        """The region the user's writes are limited to; None = everywhere (admins)."""
        return None if self.is_admin else self.region

    def locked(self, now: float | None = None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or time.time()))

    @property
    def session_version(self) -> str:
        """Changes when the password changes: older sessions of the user stop working.

        A digest of the hash, so the cookie holds nothing derived from the password
        that could be checked offline without the database."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def public(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "region": self.region,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "locked": self.locked(),
            "failed_attempts": self.failed_attempts,
        }


def check_name(name: str) -> str:
    """A clean user name (NFC, stripped); ``ValueError`` if unusable."""
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    if not 1 <= len(name) <= 64:
        raise ValueError("user name must be 1 to 64 characters")
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in name):
        raise ValueError("user name must not contain spaces or control characters")
    return name


def check_password(password: str) -> str:
    """``ValueError`` unless the password is long enough (and not absurdly long)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValueError(f"password must be at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"password must be at most {MAX_PASSWORD} characters")
    if not password.strip():
        raise ValueError("password must not be blank")
    return password


_ROLE_CHECK = "role IN ('admin', 'editor', 'viewer')"


def _check_region(region: str | None) -> str | None:
    """A region code (six digits) or None for everywhere; the nation is everywhere."""
    from geodata import regions

    if region is None or not str(region).strip():
        return None
    code = regions.normalise(region)
    return None if code == regions.NATION else code


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


class Users:
    """User accounts and sign-in throttling on an SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        md = sa.MetaData()
        self.users = sa.Table(
            "users",
            md,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("name", sa.String(64), nullable=False, unique=True),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("region", sa.String(6), nullable=True),
            sa.Column("password_hash", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("failed_attempts", sa.Integer, nullable=False, default=0),
            sa.Column("locked_until", sa.Float, nullable=True),
            sa.CheckConstraint(_ROLE_CHECK, name="ck_users_role"),
        )
        self.throttle = sa.Table(
            "login_throttle",
            md,
            sa.Column("key", sa.String(128), primary_key=True),
            sa.Column("failures", sa.Integer, nullable=False, default=0),
            sa.Column("window_start", sa.Float, nullable=False),
            sa.Column("locked_until", sa.Float, nullable=True),
        )
        # Server-side sessions: the signed cookie names one row; signing out (or a new
        # password, or removing the user) deletes it, so a copy of the cookie taken
        # before sign-out opens nothing afterwards.
        self.sessions = sa.Table(
            "login_sessions",
            md,
            sa.Column("sid", sa.String(64), primary_key=True),
            sa.Column("user_name", sa.String(64), nullable=False, index=True),
            sa.Column("created_at", sa.Float, nullable=False),
        )
        self.metadata = md

    def create_all(self) -> None:
        """Create the tables; upgrade older ones (the region column, the admin role)."""
        from geodata.store.db import add_missing_columns

        self.metadata.create_all(self.engine)
        add_missing_columns(self.engine, self.metadata)
        self._upgrade_role_check()

    def _upgrade_role_check(self) -> None:
        """Databases made before the admin role refuse it in their CHECK constraint."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                ddl = conn.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE type='table' AND name='users'")
                ).scalar()
                if ddl and "'admin'" not in ddl:
                    cols = ", ".join(c.name for c in self.users.columns)
                    conn.execute(sa.text("ALTER TABLE users RENAME TO users_before_admin"))
                    self.users.create(conn)
                    conn.execute(
                        sa.text(f"INSERT INTO users ({cols}) SELECT {cols} FROM users_before_admin")
                    )
                    conn.execute(sa.text("DROP TABLE users_before_admin"))
            elif conn.dialect.name == "postgresql":
                found = conn.execute(
                    sa.text(
                        "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                        "JOIN pg_class t ON t.oid = c.conrelid "
                        "WHERE c.conname = 'ck_users_role' AND t.relname = 'users' "
                        "AND pg_table_is_visible(t.oid)"
                    )
                ).scalar()
                if found and "admin" not in found:
                    conn.execute(sa.text("ALTER TABLE users DROP CONSTRAINT ck_users_role"))
                    conn.execute(
                        sa.text(
                            f"ALTER TABLE users ADD CONSTRAINT ck_users_role CHECK ({_ROLE_CHECK})"
                        )
                    )

    # --- sessions -------------------------------------------------------------------
    def start_session(self, name: str, now: float | None = None) -> str:
        """A new session id for `name` (kept until it ends or expires)."""
        import secrets

        sid = secrets.token_urlsafe(32)
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            # Rows of sessions long expired (never signed out) go when anyone signs in.
            old = self.sessions.c.created_at < now - 30 * 86400
            conn.execute(self.sessions.delete().where(old))
            conn.execute(self.sessions.insert().values(sid=sid, user_name=name, created_at=now))
        return sid

    def session_alive(self, sid: str | None, name: str, max_age: float) -> bool:
        """Whether session `sid` of `name` exists and is younger than `max_age` seconds."""
        if not sid:
            return False
        s = self.sessions
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(s.c.created_at).where(s.c.sid == str(sid), s.c.user_name == name)
            ).first()
        return bool(row) and time.time() - row[0] < max_age

    def end_session(self, sid: str | None) -> None:
        """End one session (signing out)."""
        if sid:
            with self.engine.begin() as conn:
                conn.execute(self.sessions.delete().where(self.sessions.c.sid == str(sid)))

    def end_sessions(self, name: str) -> None:
        """End every session of `name` (new password, removal)."""
        with self.engine.begin() as conn:
            conn.execute(self.sessions.delete().where(self.sessions.c.user_name == name))

    # --- accounts -------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, region: str | None = None) -> None:
        """Add a user; `region` (a province, prefecture or county code) limits an editor."""
        name, role = check_name(name), _check_role(role)
        region = _check_region(region)
        check_password(password)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(self.users.c.id).where(self.users.c.name == name)).first():
                raise ValueError(f"user {name!r} already exists")
            conn.execute(
                self.users.insert().values(
                    name=name,
                    role=role,
                    region=region,
                    password_hash=generate_password_hash(password, method=HASH_METHOD),
                    created_at=dt.datetime.now(dt.UTC),
                    failed_attempts=0,
                    locked_until=None,
                )
            )

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(self.users).where(self.users.c.name == str(name)))
                .mappings()
                .first()
            )
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.users).order_by(self.users.c.name)).mappings()
            return [_user(r) for r in rows]

    def set_role(self, name: str, role: str, region: str | None = None) -> None:
        """Change a user's role and region (their sessions end, so both apply at once)."""
        role, region = _check_role(role), _check_region(region)
        with self.engine.begin() as conn:
            n = conn.execute(
                self.users.update()
                .where(self.users.c.name == name)
                .values(role=role, region=region)
            ).rowcount
            conn.execute(self.sessions.delete().where(self.sessions.c.user_name == name))
        if not n:
            raise ValueError(f"no user {name!r}")

    def remove(self, name: str) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(self.users.delete().where(self.users.c.name == name)).rowcount
            conn.execute(self.sessions.delete().where(self.sessions.c.user_name == name))
        if not n:
            raise ValueError(f"no user {name!r}")

    def set_password(self, name: str, password: str) -> None:
        """New password; also lifts a lock-out and ends the user's other sessions."""
        check_password(password)
        with self.engine.begin() as conn:
            n = conn.execute(
                self.users.update()
                .where(self.users.c.name == name)
                .values(
                    password_hash=generate_password_hash(password, method=HASH_METHOD),
                    failed_attempts=0,
                    locked_until=None,
                )
            ).rowcount
            conn.execute(self.sessions.delete().where(self.sessions.c.user_name == name))
        if not n:
            raise ValueError(f"no user {name!r}")

    def unlock(self, name: str) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(
                self.users.update()
                .where(self.users.c.name == name)
                .values(failed_attempts=0, locked_until=None)
            ).rowcount
        if not n:
            raise ValueError(f"no user {name!r}")

    # --- sign-in --------------------------------------------------------------------
    def authenticate(
        self, name: str, password: str, *, ip: str | None = None, now: float | None = None
    ) -> User | None:
        """The user if `name` and `password` match and neither the name nor the client
        address is locked out; else None (and the failure is counted)."""
        now = time.time() if now is None else now
        ip_key = f"ip:{ip or 'unknown'}"
        if self._ip_locked(ip_key, now):
            check_password_hash(_DUMMY_HASH, str(password))  # same cost as a real try
            return None
        user = self.get(str(name or "").strip()) if name else None
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, str(password))
        if user and ok and not user.locked(now):
            if user.failed_attempts:
                with self.engine.begin() as conn:
                    conn.execute(
                        self.users.update()
                        .where(self.users.c.id == user.id)
                        .values(failed_attempts=0, locked_until=None)
                    )
            return user
        self._fail(user, ip_key, now)
        return None

    def _ip_locked(self, key: str, now: float) -> bool:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(self.throttle.c.locked_until).where(self.throttle.c.key == key)
            ).first()
        return bool(row and row[0] and row[0] > now)

    def _fail(self, user: User | None, ip_key: str, now: float) -> None:
        """Count a failed sign-in for the name and the address, atomically.

        Each count is one ``UPDATE ... SET n = n + 1`` whose new value is computed by the
        database from the row as it is, so guesses sent in parallel each count (a count
        read first and written back + 1 counted 25 parallel guesses as one).
        """
        u, t = self.users, self.throttle
        with self.engine.begin() as conn:
            if user is not None:
                expired = sa.and_(u.c.locked_until.is_not(None), u.c.locked_until <= now)
                failures = sa.case((expired, 1), else_=u.c.failed_attempts + 1)
                conn.execute(
                    u.update()
                    .where(u.c.id == user.id)
                    .where(sa.or_(u.c.locked_until.is_(None), u.c.locked_until <= now))
                    .values(
                        failed_attempts=failures,
                        locked_until=sa.case(
                            (failures >= MAX_FAILURES, now + LOCK_SECONDS), else_=None
                        ),
                    )
                )
        with self.engine.begin() as conn:
            new_window = (now - t.c.window_start) > IP_WINDOW_SECONDS
            failures = sa.case((new_window, 1), else_=t.c.failures + 1)
            done = conn.execute(
                t.update()
                .where(t.c.key == ip_key)
                .values(
                    failures=sa.case((failures >= MAX_IP_FAILURES, 0), else_=failures),
                    window_start=sa.case((new_window, now), else_=t.c.window_start),
                    locked_until=sa.case(
                        (failures >= MAX_IP_FAILURES, now + LOCK_SECONDS), else_=t.c.locked_until
                    ),
                )
            ).rowcount
        if not done:  # the address's first failure: a new row (or count again if raced)
            try:
                with self.engine.begin() as conn:
                    conn.execute(t.insert().values(key=ip_key, failures=1, window_start=now))
            except sa.exc.IntegrityError:
                self._fail(None, ip_key, now)


def _user(row) -> User:
    return User(
        id=int(row["id"]),
        name=row["name"],
        role=row["role"],
        created_at=row["created_at"],
        failed_attempts=int(row["failed_attempts"] or 0),
        locked_until=row["locked_until"],
        password_hash=row["password_hash"],
        region=row.get("region"),
    )
