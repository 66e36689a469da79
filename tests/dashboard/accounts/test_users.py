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
        users.add("sun", "admin", "long enough password")
    users.add("sun", "editor", "long enough password")
    with pytest.raises(ValueError, match="exists"):
        users.add("sun", "viewer", "long enough password")
