"""Background jobs without Redis run in threads (dashboard.deploy.thread_job_manager)."""

from __future__ import annotations

import threading
import time

import diskcache

from dashboard.deploy import thread_job_manager


def _wait(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_job_runs_in_a_thread_and_any_manager_on_the_cache_sees_it(tmp_path):
    cache = diskcache.Cache(str(tmp_path))
    web1, web2 = thread_job_manager(cache), thread_job_manager(diskcache.Cache(str(tmp_path)))
    release, seen = threading.Event(), {}

    def fn(x):
        seen["thread"] = threading.current_thread().name
        release.wait(10)
        return x * 2

    job = web1.call_job_fn("k", web1.make_job_fn(fn, False), [21], {})
    assert _wait(lambda: "thread" in seen)
    assert seen["thread"].startswith("dash-job-")  # not a forked process
    # Another process polling (another manager on the same cache) sees it running.
    assert web2.job_running(job) and not web2.result_ready("k")
    release.set()
    assert _wait(lambda: web2.result_ready("k"))
    assert web2.get_result("k", job) == 42
    assert not web1.job_running(job) and not web2.job_running(job)


def test_a_failing_job_reports_its_error_and_stops_running(tmp_path):
    m = thread_job_manager(diskcache.Cache(str(tmp_path)))

    def fn():
        raise ValueError("no data for this period")

    job = m.call_job_fn("k", m.make_job_fn(fn, False), [], {})
    assert _wait(lambda: m.result_ready("k"))
    assert "no data for this period" in m.get_result("k", job)["background_callback_error"]["msg"]
    assert not m.job_running(job)


def test_a_cancelled_job_is_forgotten(tmp_path):
    m = thread_job_manager(diskcache.Cache(str(tmp_path)))
    release = threading.Event()
    job = m.call_job_fn("k", m.make_job_fn(lambda: release.wait(10), False), [], {})
    assert m.job_running(job)
    m.terminate_job(job)
    assert not m.job_running(job)
    release.set()


def test_garbage_job_cache_is_moved_aside_not_fatal(tmp_path, caplog):
    """Garbage in cache/background/cache.db stopped the server from starting."""
    import logging

    from dashboard.deploy import open_job_cache

    jobs = tmp_path / "background"
    jobs.mkdir()
    (jobs / "cache.db").write_bytes(b"this is not an SQLite database" * 100)
    with caplog.at_level(logging.WARNING):
        cache = open_job_cache(jobs)
    cache.set("k", 1)
    assert cache.get("k") == 1
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("background.corrupt-")]
