"""The export renderer (dashboard.sheets.render.Renderer): figures drawn side by side in
the tabs of one kaleido browser, in order, restarted when the browser dies; warmed in
the background by servers; never a browser shared across a fork."""

from __future__ import annotations

import contextlib
import multiprocessing
import re
import subprocess
import sys
import threading
import time

import psutil
import pytest

from dashboard.sheets import render as export
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _titled(title: str, points: int = 2) -> dict:
    """A figure whose SVG says `title`; many points make it slow to draw."""
    xs = list(range(points))
    return {
        "data": [{"type": "scatter", "mode": "markers", "x": xs, "y": [x % 97 for x in xs]}],
        "layout": {"title": {"text": title}},
    }


def _svg_title(svg: bytes) -> str:
    found = re.findall(rb'class="gtitle"[^>]*>([^<]+)<', svg)
    return found[0].decode() if found else ""


def _browser_pids(r: export.Renderer) -> list[int]:
    proc = r._browser.kaleido.subprocess  # the chromium wrapper kaleido started
    me = psutil.Process(proc.pid)
    return [proc.pid] + [c.pid for c in me.children(recursive=True)]


@pytest.fixture(scope="module")
def r():
    renderer = export.Renderer(tabs=2)
    yield renderer
    renderer.stop()


def test_figures_come_back_in_the_order_given(r):
    """A slow first figure and quick later ones (drawn in the other tab, finished first)
    still come back in the order asked for."""
    figures = [_titled("slow-0", 60_000), _titled("quick-1"), _titled("quick-2"),
               _titled("slow-3", 30_000), _titled("quick-4")]  # fmt: skip
    out = r.render_many(figures, "svg", size=(400, 300))
    assert [_svg_title(s) for s in out] == ["slow-0", "quick-1", "quick-2", "slow-3", "quick-4"]
    assert r.tabs == 2 and r.running


def test_each_page_goes_to_the_browser_as_soon_as_it_is_made(r, monkeypatch):
    """A generator's next page is computed while the browser draws the one before: the
    first page was handed over before the generator was asked for the second."""
    submitted: list[str] = []
    real = export._Browser.submit

    def submit(self, figure, opts, topojson):
        submitted.append(figure["layout"]["title"]["text"])
        return real(self, figure, opts, topojson)

    monkeypatch.setattr(export._Browser, "submit", submit)
    seen_before: list[list[str]] = []

    def pages():
        for i in range(3):
            seen_before.append(list(submitted))
            yield _titled(f"page-{i}")

    out = r.render_many(pages(), "svg", size=(400, 300))
    assert seen_before == [[], ["page-0"], ["page-0", "page-1"]]
    assert [_svg_title(s) for s in out] == ["page-0", "page-1", "page-2"]


def test_a_drawn_page_is_handed_out_while_the_next_is_drawn(r, monkeypatch):
    """render_iter hands out page one (to be merged) while the browser still draws page
    two, before the third page is even made."""
    futures: list = []
    real = export._Browser.submit

    def submit(self, figure, opts, topojson):
        futures.append(real(self, figure, opts, topojson))
        return futures[-1]

    monkeypatch.setattr(export._Browser, "submit", submit)
    events: list[str] = []

    def pages():
        events.append("made 0")
        yield _titled("quick-0")
        futures[0].result(timeout=60)  # page one is drawn before page two is made
        events.append("made 1")
        yield _titled("slow-1", 40_000)
        events.append("made 2")
        yield _titled("quick-2")

    titles = []
    for svg in r.render_iter(pages(), "svg", size=(400, 300)):
        titles.append(_svg_title(svg))
        events.append(f"got {len(titles) - 1}")
    assert titles == ["quick-0", "slow-1", "quick-2"]
    assert events == ["made 0", "made 1", "got 0", "made 2", "got 1", "got 2"]


def test_a_page_that_fails_to_build_stops_the_export_and_the_renderer_goes_on(r):
    def pages():
        yield _titled("fine")
        raise KeyError("no data for that period")

    with pytest.raises(KeyError, match="no data"):
        r.render_many(pages(), "svg", size=(400, 300))
    assert _svg_title(r.render(_titled("after"), "svg", size=(400, 300))) == "after"


def test_a_figure_plotly_cannot_draw_is_an_export_error_not_a_restart(r):
    before = _browser_pids(r)[0]
    broken = {"type": "Feature", "id": "a", "geometry": {"type": "Polygon", "coordinates": "x"}}
    bad = {  # plotly.js throws on this geometry
        "data": [{"type": "choropleth", "locations": ["a"], "z": [1], "featureidkey": "id",
                  "geojson": {"type": "FeatureCollection", "features": [broken]}}],
    }  # fmt: skip
    with pytest.raises(export.ExportError, match="rendering failed"):
        r.render_many([_titled("ok"), bad], "png", size=(200, 150))
    assert _browser_pids(r)[0] == before  # the same browser


def test_a_dead_browser_is_restarted_and_the_pages_drawn_again(r):
    r.render(_titled("warm"), "svg", size=(400, 300))
    old = _browser_pids(r)
    for pid in old:
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(pid).kill()
    out = r.render_many([_titled("a"), _titled("b"), _titled("c")], "svg", size=(400, 300))
    assert [_svg_title(s) for s in out] == ["a", "b", "c"]
    assert _browser_pids(r)[0] not in old and r.running


def test_a_browser_that_dies_mid_render_is_restarted_and_the_pages_drawn_again(r):
    r.render(_titled("warm"), "svg", size=(400, 300))
    old = _browser_pids(r)
    figures = [_titled("slow-a", 40_000), _titled("slow-b", 40_000), _titled("c")]
    out: list = []
    worker = threading.Thread(
        target=lambda: out.extend(r.render_many(figures, "svg", size=(400, 300)))
    )
    worker.start()
    time.sleep(0.5)  # the slow pages are being drawn
    for pid in old:
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(pid).kill()
    worker.join(300)
    assert [_svg_title(s) for s in out] == ["slow-a", "slow-b", "c"]
    assert _browser_pids(r)[0] not in old


def test_a_browser_that_never_opens_is_an_export_error_and_leaves_no_process(monkeypatch):
    monkeypatch.setattr(export, "OPEN_TIMEOUT", 0.05)  # chromium takes longer to start
    me = psutil.Process()
    before = {c.pid for c in me.children(recursive=True)}
    stuck = export.Renderer(tabs=1)
    with pytest.raises(export.ExportError, match="twice"):
        stuck.render(_titled("never"), "svg", size=(300, 200))
    stuck.stop()
    deadline = time.time() + 20
    while time.time() < deadline:
        left = [
            c for c in me.children(recursive=True)
            if c.pid not in before and c.status() != psutil.STATUS_ZOMBIE
        ]  # fmt: skip
        if not left:
            break
        time.sleep(0.2)
    assert left == []


def test_renders_from_several_threads_at_once(r):
    results: dict[int, list[str]] = {}

    def work(k: int) -> None:
        out = r.render_many([_titled(f"t{k}-{i}") for i in range(3)], "svg", size=(300, 200))
        results[k] = [_svg_title(s) for s in out]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == {k: [f"t{k}-{i}" for i in range(3)] for k in range(3)}


def _child_of_fork(r: export.Renderer, q) -> None:
    q.put((r.running, r._browser.pid))
    r.stop()  # must leave the parent's browser alone


def test_a_forked_child_never_drives_or_closes_its_parents_browser(r):
    r.render(_titled("parent"), "svg", size=(300, 200))
    pids = _browser_pids(r)
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    child = ctx.Process(target=_child_of_fork, args=(r, q))
    child.start()
    child.join(60)
    running_in_child, owner = q.get(timeout=5)
    assert child.exitcode == 0 and running_in_child is False and owner != child.pid
    assert all(psutil.pid_exists(p) for p in pids)
    assert _svg_title(r.render(_titled("still"), "svg", size=(300, 200))) == "still"


def test_warm_up_draws_in_every_tab():
    with export.Renderer(tabs=2) as warm:
        warm.warm_up()
        assert warm.running
        kaleido = warm._browser.kaleido
        assert kaleido._total_tabs == 2 and kaleido.tabs_ready.qsize() == 2


def test_warming_without_chromium_does_not_raise_and_the_export_says_why(monkeypatch):
    monkeypatch.setattr(export, "missing_packages", lambda: ("chromium",))

    class NoAtlas:  # no layers either: the data part is best effort too
        @property
        def layers(self):
            raise FileNotFoundError("no boundary layers yet")

    bare = export.Renderer()
    assert export.warm_exports(NoAtlas(), bare) is False
    assert not bare.running
    with pytest.raises(export.ExportError) as err:
        bare.render(_titled("x"), "png")
    assert err.value.missing == ("chromium",)
    old = export.set_shared_renderer(bare)
    try:
        thread = export.start_export_warmup(NoAtlas(), delay=0.05)
        thread.join(30)
        assert not thread.is_alive()
    finally:
        export.set_shared_renderer(old)


def test_warm_exports_builds_the_geometry_and_starts_the_browser(dash_app):
    atlas = dash_app.atlas
    warm = export.Renderer(tabs=1)
    try:
        assert export.warm_exports(atlas, warm) is True
        assert warm.running
        key = str(atlas.layers.meta.get("key") or atlas.layers.path)
        geo = export._geometry[key]
        assert geo._national is not None  # the national sheet's copy too
        assert "weights" in vars(atlas)  # the cluster page's neighbour weights
    finally:
        warm.stop()


def test_no_browser_outlives_its_process():
    """A process that exits with its browser running (no stop) leaves no chromium."""
    code = (
        "import sys, psutil; sys.path.insert(0, sys.argv[1]);"
        "from dashboard.sheets import render as e;"
        "r = e.Renderer(tabs=1); r.warm_up();"
        "p = psutil.Process(r._browser.kaleido.subprocess.pid);"
        "print(*[p.pid] + [c.pid for c in p.children(recursive=True)], flush=True)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) > 1  # the wrapper and chromium's processes

    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.time() + 20
    while any(running(p) for p in pids) and time.time() < deadline:
        time.sleep(0.2)
    assert [p for p in pids if running(p)] == []
