"""The user table on its own: lock-outs expire, addresses are throttled, bad input refused."""

from __future__ import annotations

import sqlalchemy as sa


def test_lock_expires_after_fifteen_minutes():
    import time

    from dashboard.accounts.users import LOCK_SECONDS, Users

    users = Users(sa.create_engine("sqlite://"))
    users.create_all()
    users.add("zhao", "viewer", "zhao password 1")
    now = time.time()
    for i in range(5):
        assert users.authenticate("zhao", f"nope {i}", ip="1.1.1.1", now=now) is None
    assert users.authenticate("zhao", "zhao password 1", ip="1.1.1.2", now=now + 60) is None
    later = now + LOCK_SECONDS + 1
    assert users.authenticate("zhao", "zhao password 1", ip="1.1.1.2", now=later).name == "zhao"


def test_per_address_throttle():
    from dashboard.accounts.users import MAX_IP_FAILURES, Users

    users = Users(sa.create_engine("sqlite://"))
    users.create_all()
    users.add("qian", "editor", "qian password 1")
    for i in range(MAX_IP_FAILURES):  # many names from one address
        users.authenticate(f"guess{i}", "whatever pw", ip="9.9.9.9")
    assert users.authenticate("qian", "qian password 1", ip="9.9.9.9") is None
    assert users.authenticate("qian", "qian password 1", ip="9.9.9.8").name == "qian"


def test_short_passwords_and_bad_roles_are_refused():
    import pytest

    from dashboard.accounts.users import Users

    users = Users(sa.create_engine("sqlite://"))
    users.create_all()
    with pytest.raises(ValueError, match="at least 10"):
        users.add("sun", "editor", "short")
    with pytest.raises(ValueError, match="role"):
        users.add("sun", "root", "long enough password")
    users.add("sun", "editor", "long enough password")
    with pytest.raises(ValueError, match="exists"):
        users.add("sun", "viewer", "long enough password")


def _parallel(n: int, fn) -> None:
    """Run `fn(i)` for i in range(n) in n threads released at the same moment."""
    import threading

    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()
        fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)


def _file_users(tmp_path):
    """Users on a SQLite file, as the app has (a memory database is one connection)."""
    from dashboard.accounts.users import Users

    engine = sa.create_engine(
        f"sqlite:///{tmp_path / 'users.sqlite'}", connect_args={"timeout": 30}
    )
    users = Users(engine)
    users.create_all()
    return users


def test_parallel_guesses_each_count(tmp_path):
    """25 wrong passwords at once lock the name (each failure counted, not one)."""
    from dashboard.accounts.users import MAX_FAILURES

    users = _file_users(tmp_path)
    users.add("sun", "editor", "sun password 123")
    # distinct addresses, so only the per-name count can lock
    _parallel(25, lambda i: users.authenticate("sun", f"wrong {i}", ip=f"10.0.0.{i}"))
    user = users.get("sun")
    assert user.locked() and user.failed_attempts >= MAX_FAILURES
    assert users.authenticate("sun", "sun password 123", ip="10.0.1.1") is None


def test_parallel_guesses_from_one_address_each_count(tmp_path):
    from dashboard.accounts.users import MAX_IP_FAILURES

    users = _file_users(tmp_path)
    users.add("zhou", "viewer", "zhou password 123")
    _parallel(
        MAX_IP_FAILURES + 2, lambda i: users.authenticate(f"guess{i}", "x" * 12, ip="7.7.7.7")
    )
    assert users.authenticate("zhou", "zhou password 123", ip="7.7.7.7") is None  # locked
    assert users.authenticate("zhou", "zhou password 123", ip="7.7.7.8").name == "zhou"


def test_admin_role_regions_and_an_older_database(tmp_path):
    """Roles rank admin > editor > viewer; an editor's region limits writes (admins
    have none); a database made before the admin role and regions is upgraded."""
    import pytest

    from dashboard.accounts.users import Users

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = sa.create_engine(url)
    with old.begin() as conn:
        conn.execute(sa.text(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE, "
            "role VARCHAR(16) NOT NULL, password_hash TEXT NOT NULL, created_at DATETIME NOT "
            "NULL, failed_attempts INTEGER NOT NULL, locked_until FLOAT, "
            "CONSTRAINT ck_users_role CHECK (role IN ('editor', 'viewer')))"
        ))  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO users VALUES (1, 'wang', 'editor', 'x', '2025-01-01', 0, NULL)"
        ))  # fmt: skip
    users = Users(sa.create_engine(url))
    users.create_all()
    assert users.get("wang").role == "editor" and users.get("wang").region is None
    users.add("boss", "admin", "long enough password")
    users.add("gz", "editor", "long enough password", region="520100")
    users.add("all", "editor", "long enough password", region="100000")  # the nation
    boss, gz = users.get("boss"), users.get("gz")
    assert boss.can("editor") and boss.is_editor and boss.scope is None
    assert gz.can("editor") and not gz.can("admin") and gz.scope == "520100"
    assert users.get("all").region is None
    assert users.get("li") is None or not users.get("li").can("editor")
    with pytest.raises(ValueError, match="region code"):
        users.add("bad", "editor", "long enough password", region="52")
    users.set_role("gz", "admin")
    assert users.get("gz").is_admin and users.get("gz").scope is None
