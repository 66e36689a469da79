"""Server-side exports: PNG (300 dpi), SVG and PDF maps and the multi-page PDF briefing.

Why server-side: officials print these, so the file must be exactly what plotly.js draws,
in the fonts installed here (Noto Sans CJK SC), whatever the browser of the official. The
figures are rendered by kaleido in Debian's chromium.

* **One warm browser.** Starting chromium costs about a second; :class:`Renderer` keeps
  one kaleido browser per process, with :data:`RENDER_TABS` tabs that draw figures side
  by side (the pages of a briefing while the next page is computed; several users'
  exports). Servers start and warm it in the background (:func:`warm_exports`).
* **No network.** plotly.js (the page's own bundle, ``dashboard/static``) and kaleido's
  scripts load from files
  (``mathjax=False``: no CDN), the world topojson from ``assets/topojson`` by a
  ``file://`` URL, and the county and province GeoJSON are embedded in the figure
  (:class:`InlineGeometry`). The browser is started with a proxy at a closed local port,
  so anything that still tried to fetch from the internet would fail, never leak.
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import json
import logging
import os
import re
import struct
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dashboard.settings import ROOT
from dashboard.view import ViewState

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.view import ViewState

log = logging.getLogger(__name__)

#: A4 landscape in CSS pixels (96 per inch): 297 x 210 mm. Every export page has this
#: size, so a PDF page is exactly A4 and a PNG is A4 at :data:`PRINT_DPI`.
PAGE_SIZE = (1123, 794)
PRINT_DPI = 300
PNG_SCALE = PRINT_DPI / 96
FORMATS = ("png", "svg", "pdf")
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
#: Discard port on loopback: with it as the browser's proxy any http(s) request fails.
NO_NETWORK_PROXY = "http://127.0.0.1:9"
TOPOJSON_DIR = ROOT / "assets" / "topojson"
#: Tolerance (degrees) of the county geometry of national sheets: about 3 km, under two
#: pixels at 300 dpi on an A4 map of China (side by side with 0.02° no difference shows);
#: a third of the vertices of the web layer for the browser to project.
NATIONAL_TOLERANCE = 0.03


class ExportError(RuntimeError):
    """The renderer failed (browser missing, crashed or timed out).

    ``missing``: the Debian packages this machine lacks for exports, when that is why.
    """

    def __init__(self, message: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


#: Debian packages exports need: kaleido draws the files in chromium, and Chinese
#: needs a CJK font (without one every character is an empty box).
EXPORT_PACKAGES = ("chromium", "fonts-noto-cjk")


def missing_packages() -> tuple[str, ...]:
    """Which of :data:`EXPORT_PACKAGES` this machine lacks (checked when asked: a
    package installed while the server runs is found at the next export)."""
    import shutil
    import subprocess

    missing = []
    if not (os.environ.get("BROWSER_PATH") or shutil.which("chromium")):
        missing.append("chromium")
    try:
        fonts = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):  # no fontconfig: chromium is missing too
        fonts = ""
    if "Noto Sans CJK" not in fonts:
        missing.append("fonts-noto-cjk")
    return tuple(missing)


#: Browser tabs of the renderer: pages of a briefing (and exports asked for at the same
#: time) are drawn side by side. Two fit the two cores the Atlas is sized for; each
#: more tab is another renderer process for little gain.
RENDER_TABS = 2


#: Seconds the browser may take to start and load plotly.js in its tabs (about one on
#: an idle machine, a few on a busy one).
OPEN_TIMEOUT = 60.0


class _BrowserFailure(RuntimeError):
    """The browser died, hung or could not start (not a problem of the figure)."""


class _Browser:
    """One kaleido browser driven from its own event loop thread.

    kaleido's own sync server renders one figure at a time; this loop lets several
    figures be in flight at once (``kaleido.Kaleido(n=...)``: one tab each), handed in
    from any thread while the next page is still being computed.
    """

    def __init__(self, kopts: dict) -> None:
        import asyncio

        self.pid = os.getpid()
        self.kaleido: Any = None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="export-browser", daemon=True
        )
        self.thread.start()
        # Opening (chromium's start, the page with plotly.js in every tab) goes on in
        # the background; the first render waits for it.
        self.opened = asyncio.run_coroutine_threadsafe(self._open(kopts), self.loop)

    async def _open(self, kopts: dict) -> None:
        import asyncio

        import kaleido

        self.kaleido = kaleido.Kaleido(**kopts)
        # A browser that has not opened its tabs in this time never will (seen once
        # on a loaded machine: a message of the browser lost, the opening waited).
        await asyncio.wait_for(self.kaleido.open(), OPEN_TIMEOUT)

    async def _calc(self, figure: Any, opts: dict, topojson: str) -> bytes:
        import asyncio

        try:
            await asyncio.wrap_future(self.opened)
        except Exception as exc:
            raise _BrowserFailure(f"the export browser did not start: {exc}") from exc
        return await self.kaleido.calc_fig(figure, opts=opts, topojson=topojson)

    def submit(self, figure: Any, opts: dict, topojson: str):
        """A ``concurrent.futures.Future`` of the figure's bytes."""
        import asyncio

        return asyncio.run_coroutine_threadsafe(self._calc(figure, opts, topojson), self.loop)

    @property
    def alive(self) -> bool:
        """Whether this process's browser can still render (a forked child's copy of
        its parent's renderer cannot: the loop thread stayed in the parent)."""
        if self.pid != os.getpid() or not self.thread.is_alive():
            return False
        if self.opened.done() and self.opened.exception() is not None:
            return False
        proc = getattr(self.kaleido, "subprocess", None)
        return proc is None or proc.poll() is None

    def close(self, timeout: float = 20.0) -> None:
        """Close the browser and end the loop thread (never a parent's browser)."""
        import asyncio
        import contextlib

        if self.pid != os.getpid():
            return
        if self.thread.is_alive():

            async def shut() -> None:
                try:
                    with contextlib.suppress(Exception):
                        await asyncio.wrap_future(self.opened)
                    if self.kaleido is not None:
                        await self.kaleido.close()
                finally:  # renders still waiting, choreographer's watchdog: end them
                    rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                    for task in rest:
                        task.cancel()
                    if rest:
                        await asyncio.wait(rest, timeout=5)

            try:
                asyncio.run_coroutine_threadsafe(shut(), self.loop).result(timeout)
            except Exception as exc:  # hung or half-open: make sure chromium ends
                log.warning("export browser did not close cleanly (%s)", exc)
                proc = getattr(self.kaleido, "subprocess", None)
                if proc is not None and proc.poll() is None:
                    with contextlib.suppress(OSError):
                        proc.kill()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
        if not self.thread.is_alive():
            self.loop.close()


_live: set[Renderer] = set()


def _stop_all() -> None:  # at interpreter exit: no chromium outlives the process
    for renderer in list(_live):
        renderer.stop()


atexit.register(_stop_all)


class Renderer:
    """One warm kaleido browser for the process; :meth:`render` and
    :meth:`render_many` may be called from any thread, at the same time.

    ``proxy_server`` defaults to a closed local port so that the browser cannot reach
    the internet (tests pass a counting listener instead).
    """

    def __init__(
        self,
        *,
        proxy_server: str = NO_NETWORK_PROXY,
        timeout: float = 120.0,
        topojson_dir: Path = TOPOJSON_DIR,
        tabs: int = RENDER_TABS,
    ) -> None:
        self.proxy_server = proxy_server
        self.timeout = timeout
        self.tabs = max(1, int(tabs))
        self.topojson_url = Path(topojson_dir).resolve().as_uri() + "/"
        self._lock = threading.Lock()
        self._browser: _Browser | None = None

    # --- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the browser now, in the background (otherwise the first render starts
        it); raises :class:`ExportError` at once if chromium or the fonts are missing."""
        with self._lock:
            self._ensure()

    def stop(self) -> None:
        with self._lock:
            self._close()

    @property
    def running(self) -> bool:
        browser = self._browser
        return browser is not None and browser.alive

    def warm_up(self) -> None:
        """Start the browser and draw a small figure in every tab, so that a first
        export finds chromium, plotly.js and the fonts ready (servers call this in the
        background after start)."""
        figure = {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1]}],
                  "layout": {"title": {"text": "儿童关爱地图 Atlas"}}}  # fmt: skip
        self.render_many([figure] * self.tabs, "png", size=(200, 150))

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _ensure(self) -> _Browser:
        """The running browser, started if there is none (caller holds the lock)."""
        if self._browser is not None and self._browser.alive:
            return self._browser
        import plotly.io as pio

        if missing := missing_packages():
            # Without chromium kaleido would fail to start; without the fonts every
            # Chinese character would print as a box.
            raise ExportError(
                f"missing Debian packages: sudo apt-get install {' '.join(missing)}",
                missing=missing,
            )
        self._close()
        # plotly's own to_image/write_image use the same local topojson.
        pio.defaults.topojson = self.topojson_url
        from dashboard.web.static import PLOTLY_BUNDLE

        self._browser = _Browser(
            dict(
                n=self.tabs,
                plotlyjs=str(PLOTLY_BUNDLE),  # the page's own bundle: the same drawing code
                timeout=self.timeout,
                mathjax=False,
                proxy_server=self.proxy_server,
            )
        )
        _live.add(self)
        return self._browser

    def _close(self) -> None:
        browser, self._browser = self._browser, None
        _live.discard(self)
        if browser is not None:
            browser.close()

    def _restart(self, failed: _Browser) -> _Browser:
        """A new browser in place of `failed` (unless another thread replaced it)."""
        with self._lock:
            if self._browser is failed:
                self._close()
            return self._ensure()

    # --- rendering --------------------------------------------------------------------
    def render(self, figure: Any, fmt: str, size: tuple[int, int] = PAGE_SIZE) -> bytes:
        """Bytes of `figure` (a plotly figure or its dict) as png, svg or pdf.

        PNGs are drawn at :data:`PRINT_DPI` and carry it in their ``pHYs`` chunk; a PDF
        page is ``size`` CSS pixels (A4 by default).
        """
        return self.render_many([figure], fmt, size)[0]

    def render_many(
        self, figures: Iterable[Any], fmt: str, size: tuple[int, int] = PAGE_SIZE
    ) -> list[bytes]:
        """Bytes of each figure, in the order given (see :meth:`render_iter`)."""
        return list(self.render_iter(figures, fmt, size))

    def render_iter(
        self, figures: Iterable[Any], fmt: str, size: tuple[int, int] = PAGE_SIZE
    ) -> Iterator[bytes]:
        """Bytes of each figure, in the order given, drawn side by side in the tabs.

        `figures` may be a generator: each figure goes to the browser as soon as it is
        made, so the browser draws one page while the next is computed, and each file is
        handed out as soon as it and those before it are drawn (a caller can merge page
        one while page three is drawn). A browser that died or hung is restarted once
        and the figures it had not finished are drawn again; a figure that plotly.js
        cannot draw is an :class:`ExportError`.
        """
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        opts = {
            "format": fmt,
            "width": size[0],
            "height": size[1],
            "scale": PNG_SCALE if fmt == "png" else 1,
        }
        with self._lock:
            browser = self._ensure()
        items: list[Any] = []
        futures: list = []
        pending = iter(figures)
        made_all, handed, restarted = False, 0, False
        try:
            while not made_all or handed < len(futures):
                # Hand out the next file when it is drawn and the browser has another
                # page to draw meanwhile; otherwise make the next page first.
                ready = handed < len(futures) and futures[handed].done()
                busy = any(not f.done() for f in futures[handed + 1 :])
                if handed < len(futures) and (made_all or (ready and busy)):
                    try:
                        data = self._result(futures[handed])
                    except _BrowserFailure as exc:
                        if restarted:
                            raise ExportError(f"renderer failed twice: {exc}") from exc
                        log.warning("export renderer failed (%s); restarting", exc)
                        restarted = True
                        browser = self._restart(browser)
                        for i in range(handed, len(futures)):  # the old browser's: gone
                            futures[i].cancel()
                            futures[i] = browser.submit(items[i], opts, self.topojson_url)
                        continue
                    handed += 1
                    yield png_with_dpi(data, PRINT_DPI) if fmt == "png" else data
                    continue
                try:
                    figure = next(pending)
                except StopIteration:
                    made_all = True
                    continue
                items.append(figure)
                futures.append(browser.submit(figure, opts, self.topojson_url))
        finally:
            for fut in futures:  # a page that failed to build: stop drawing the others
                fut.cancel()

    def _result(self, future) -> bytes:
        """The bytes of one render; :class:`_BrowserFailure` if the browser is at fault.

        Each figure may take :attr:`timeout` (kaleido's own limit per render) plus a
        margin after the one before it was handed out: a browser that stopped answering
        is noticed, a long queue of pages is not mistaken for one.
        """
        import concurrent.futures

        from kaleido.errors import JavascriptError, KaleidoError

        try:
            return future.result(timeout=self.timeout + 30)
        except (KaleidoError, JavascriptError, ValueError, TypeError) as exc:
            raise ExportError(f"rendering failed: {exc}") from exc
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise _BrowserFailure("the export browser did not answer in time") from exc
        except _BrowserFailure:
            raise
        except Exception as exc:  # browser died, closed or could not start
            raise _BrowserFailure(str(exc) or type(exc).__name__) from exc


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def shared_renderer() -> Renderer:
    """The process's renderer (created on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Renderer()
        return _shared


def set_shared_renderer(renderer: Renderer | None) -> Renderer | None:
    """Replace the process's renderer (tests); returns the previous one."""
    global _shared
    with _shared_lock:
        old, _shared = _shared, renderer
        return old


# --- warming up ---------------------------------------------------------------------------
def warm_export_data(atlas) -> None:
    """Build now what every export reads: the export geometry (with the national sheet's
    coarser copy) and the neighbour weights of the briefing's cluster page.

    Pure data, no thread and no browser: safe in a gunicorn master before it forks
    (the workers then share it).
    """
    geo = inline_geometry(atlas.layers)
    geo.national_counties  # noqa: B018  (made on first use)
    atlas.weights  # noqa: B018  (a cached property)


def warm_exports(atlas, renderer: Renderer | None = None) -> bool:
    """Have the first export of this process find everything ready: the data
    (:func:`warm_export_data`), then the browser started and every tab drawn once.

    Best effort, never raises: a machine without chromium logs it, and its exports say
    what to install. Returns whether the browser is ready.
    """
    import time

    t0 = time.perf_counter()
    try:
        warm_export_data(atlas)
    except Exception as exc:  # no layers or database yet: the export will say so
        log.warning("export data not warmed: %s", exc)
    try:
        (renderer or shared_renderer()).warm_up()
    except ExportError as exc:
        log.info("export browser not started: %s", exc)
        return False
    except Exception as exc:
        log.warning("export browser warm-up failed: %s", exc)
        return False
    log.info("exports ready: browser started in %.1f s (pid %d)", time.perf_counter() - t0,
             os.getpid())  # fmt: skip
    return True


def start_export_warmup(atlas, *, delay: float = 0.0) -> threading.Thread:
    """:func:`warm_exports` in a daemon thread after `delay` seconds.

    Call it in the process that serves the exports (a gunicorn worker after the fork,
    the development server): a browser started before a fork would be shared by
    processes that each think they drive it.
    """
    import time

    def run() -> None:
        time.sleep(delay)
        warm_exports(atlas)

    thread = threading.Thread(target=run, name="export-warmup", daemon=True)
    thread.start()
    return thread


# --- PNG and PDF post-processing ------------------------------------------------------
def png_with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with a ``pHYs`` chunk saying `dpi` (any old one dropped).

    Chromium writes none, and re-encoding a 3,500-pixel image with Pillow costs about a
    second; the chunk is written with Pillow's chunk writer after ``IHDR`` instead.
    """
    from PIL.PngImagePlugin import putchunk

    sig = b"\x89PNG\r\n\x1a\n"
    if not png.startswith(sig):
        raise ValueError("not a PNG")
    pos, chunks = len(sig), []
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        end = pos + 12 + length
        chunks.append((png[pos + 4 : pos + 8], png[pos:end]))
        pos = end
    ppm = round(dpi / 0.0254)
    buf = io.BytesIO()
    putchunk(buf, b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    out = [sig, chunks[0][1], buf.getvalue()]
    out += [raw for kind, raw in chunks[1:] if kind != b"pHYs"]
    return b"".join(out)


_CMAP_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>")
#: Radicals (and variant forms) that Noto Sans CJK draws with the glyph of a common
#: character, paired with that character. Kangxi radicals are handled by NFKC.
_SAME_GLYPH = dict(
    zip(
        "⺠⻚⻓⻔⻢⻛⻋⻅⻉⻆⻜⻝⻥⻦⻨⻩⻬⻮⻰⻳⻄⻈⻐⺰⻠⻙⻘⻗⻣⻤⻧⻪⺟⻖⺡⺅⺘⺾⻌⺗⺝⺜⺩⺮戶㬵",
        "民页长门马风车见贝角飞食鱼鸟麦黄齐齿龙龟西讠钅纟饣韦青雨骨鬼卤黾母阝氵亻扌艹辶心月日王竹户胶",
        strict=True,
    )
)


def _same_glyph(cp: int) -> int:
    """The common character a radical or variant stands for (itself otherwise)."""
    c = chr(cp)
    if 0x2F00 <= cp <= 0x2FDF:  # Kangxi radicals: NFKC gives the (traditional) character
        norm = unicodedata.normalize("NFKC", c)
        c = norm if len(norm) == 1 else c
    return ord(_SAME_GLYPH.get(c, c))


def _fix_cmap(data: bytes) -> bytes:
    """Map radicals and variants back to the characters that were written.

    Noto Sans CJK draws 儿 and the radical ⼉ (or 民 and ⺠) with one glyph, and
    chromium's PDF writer maps such a glyph to the lowest code point, the radical, so
    copied or searched text would read ⼉童. ``bfrange`` entries that cover such a code
    point are split into ``bfchar`` pairs.
    """
    hx = rb"<([0-9A-Fa-f]+)>"
    pairs: list[tuple[bytes, int]] = []

    def single(m: re.Match) -> bytes:
        cp = int(m.group(2), 16)
        new = _same_glyph(cp)
        return m.group(0) if new == cp else b"<%s> <%04X>" % (m.group(1), new)

    def ranged(m: re.Match) -> bytes:
        lo, hi, dst = (int(g, 16) for g in m.groups())
        width = len(m.group(1))
        cps = range(dst, dst + hi - lo + 1)
        if all(_same_glyph(c) == c for c in cps):
            return m.group(0)
        for i, c in enumerate(cps):
            pairs.append((b"%0*X" % (width, lo + i), _same_glyph(c)))
        return b""

    data = re.sub(
        rb"beginbfchar(.*?)endbfchar",
        lambda b: b"beginbfchar" + _CMAP_PAIR.sub(single, b.group(1)) + b"endbfchar",
        data,
        flags=re.S,
    )
    range_pat = re.compile(hx + rb"\s*" + hx + rb"\s*<([0-9A-Fa-f]{4})>")

    def block(b: re.Match) -> bytes:
        body = range_pat.sub(ranged, b.group(1))
        n = len(range_pat.findall(body))
        return b"%d beginbfrange%sendbfrange" % (n, body)

    data = re.sub(rb"\d+\s+beginbfrange(.*?)endbfrange", block, data, flags=re.S)
    if pairs:
        extra = b"".join(
            b"%d beginbfchar\n" % len(chunk)
            + b"".join(b"<%s> <%04X>\n" % (src, cp) for src, cp in chunk)
            + b"endbfchar\n"
            for chunk in (pairs[i : i + 100] for i in range(0, len(pairs), 100))
        )
        data = data.replace(b"endcmap", extra + b"endcmap", 1)
    return data


def fix_pdf_text(writer) -> None:
    """Correct the text mapping of every font in a pypdf ``PdfWriter`` (see _fix_cmap)."""
    from pypdf.generic import NameObject

    seen: set[int] = set()

    def visit(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            cmap = font.get("/ToUnicode")
            if cmap is None:
                continue
            ref = getattr(cmap, "idnum", None)  # shared CMaps are fixed once
            if ref is not None and ref in seen:
                continue
            seen.add(ref)
            stream = cmap.get_object()
            fixed = _fix_cmap(stream.get_data())
            if fixed != stream.get_data():
                stream.set_data(fixed)
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            if xobj.get("/Subtype") == NameObject("/Form"):
                visit(xobj.get("/Resources"))

    for page in writer.pages:
        visit(page.get("/Resources"))


def merge_pdfs(pages: Iterable[bytes], *, title: str, subject: str = "") -> bytes:
    """One PDF of several single-page PDFs, with metadata and searchable CJK text.

    `pages` may be a generator (:meth:`Renderer.render_iter`): each page is copied in
    as it arrives, while the browser still draws the next (pypdf copies a map page in
    about a tenth of a second, the four pages of a briefing in over half a second).
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in pages:
        writer.append(PdfReader(io.BytesIO(data)))
    fix_pdf_text(writer)
    writer.add_metadata(
        {"/Title": title, "/Subject": subject, "/Creator": "儿童关爱地图 Children's Care Atlas"}
    )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# --- geometry embedded in export figures ----------------------------------------------
@dataclass
class InlineGeometry:
    """The county and province GeoJSON of a layer as dicts, for embedding in figures.

    The page references ``/geo/<key>/counties.geojson``; a file rendered by kaleido has
    no server to ask, so the geometry travels inside the figure. National sheets use
    a coarser copy (:data:`NATIONAL_TOLERANCE`); region sheets use the web layer's
    features that fall in the frame, so the browser draws only what is seen.
    """

    codes: list[str]
    names: list[list[str]]
    main: list[int]
    inset: list[int]
    maritime: tuple[list, list]
    bounds: np.ndarray  # (n, 4): minx, miny, maxx, maxy per county, in code order
    counties: list[dict]  # web-layer features, in code order
    provinces: dict[str, dict]  # main-frame province outline features by code
    province_bounds: dict[str, tuple[float, float, float, float]]
    layers: Any = field(repr=False, default=None)
    _national: tuple[list[dict], dict[str, dict]] | None = field(repr=False, default=None)
    _lock: threading.Lock = field(repr=False, default_factory=threading.Lock)

    @property
    def national_counties(self) -> list[dict]:
        return self._national_parts()[0]

    @property
    def national_provinces(self) -> dict[str, dict]:
        return self._national_parts()[1]

    def _national_parts(self) -> tuple[list[dict], dict[str, dict]]:
        # Only national sheets need it, and it takes seconds: built on first use.
        with self._lock:
            if self._national is None:
                self._national = _coarse_features(self.layers)
            return self._national

    def counties_geojson(self, positions: list[int], *, national: bool = False) -> dict:
        src = self.national_counties if national else self.counties
        return {"type": "FeatureCollection", "features": [src[i] for i in positions]}

    def provinces_geojson(self, codes: list[str], *, national: bool = False) -> dict:
        src = self.national_provinces if national else self.provinces
        return {"type": "FeatureCollection", "features": [src[c] for c in codes if c in src]}

    def in_frame(self, lon: tuple[float, float], lat: tuple[float, float]) -> list[int]:
        """Positions of the counties whose bounding box meets a lon/lat frame."""
        b = self.bounds
        m = (b[:, 2] >= lon[0]) & (b[:, 0] <= lon[1]) & (b[:, 3] >= lat[0]) & (b[:, 1] <= lat[1])
        return np.flatnonzero(m).tolist()

    def provinces_in_frame(self, lon: tuple[float, float], lat: tuple[float, float]) -> list[str]:
        return [
            c
            for c, (x0, y0, x1, y1) in self.province_bounds.items()
            if x1 >= lon[0] and x0 <= lon[1] and y1 >= lat[0] and y0 <= lat[1]
        ]


_geometry: dict[str, InlineGeometry] = {}
_geometry_lock = threading.Lock()


def inline_geometry(layers) -> InlineGeometry:
    """The :class:`InlineGeometry` of a layer, built once per process and layer."""
    key = str(layers.meta.get("key") or layers.path)
    with _geometry_lock:
        if key not in _geometry:
            _geometry[key] = _build_geometry(layers)
        return _geometry[key]


def _features(gdf, decimals: int = 4) -> list[dict]:
    from geodata import boundaries

    return json.loads(boundaries.counties_geojson(gdf, decimals))["features"]


def _bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of a GeoJSON (Multi)Polygon.

    >>> _bounds({"type": "Polygon", "coordinates": [[[1, 2], [3, 2], [3, 5], [1, 2]]]})
    (1.0, 2.0, 3.0, 5.0)
    """
    rings = geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        rings = [r for poly in rings for r in poly]
    xy = np.concatenate([np.asarray(r, dtype=float) for r in rings])
    return (
        float(xy[:, 0].min()),
        float(xy[:, 1].min()),
        float(xy[:, 0].max()),
        float(xy[:, 1].max()),
    )


def _cached_features(layers, name: str) -> list[dict] | None:
    """The features of the layer's own GeoJSON file (what the page draws), or None.

    Reading the written file takes a tenth of a second; writing the features again
    from the geometries took five (the first export in every process paid for it).
    """
    import gzip

    if layers.path is None:
        return None
    try:
        return json.loads(gzip.decompress(layers.asset_path(name).read_bytes()))["features"]
    except (OSError, KeyError, ValueError):
        return None


def _build_geometry(layers) -> InlineGeometry:
    from dashboard.figures import inset_positions, main_positions
    from geodata import boundaries

    web = layers.counties_web
    prov_features = _cached_features(layers, "provinces")
    if prov_features is None:  # dissolving the provinces takes a second: only if needed
        prov_features = _features(boundaries.main_frame_provinces(layers))
    counties = _cached_features(layers, "counties")
    if counties is None or [f["id"] for f in counties] != web.index.tolist():
        counties = _features(web)
    return InlineGeometry(
        codes=web.index.tolist(),
        names=web[["name_zh", "prefecture_zh", "province_zh"]].values.tolist(),
        main=main_positions(web.geometry.bounds["miny"].to_numpy()),
        inset=inset_positions(web["cx"].to_numpy(), web["cy"].to_numpy()),
        maritime=boundaries.maritime_lines(layers),
        bounds=web.geometry.bounds[["minx", "miny", "maxx", "maxy"]].to_numpy(),
        counties=counties,
        provinces={f["id"]: f for f in prov_features},
        province_bounds={f["id"]: _bounds(f["geometry"]) for f in prov_features},
        layers=layers,
    )


def _coarse_features(layers) -> tuple[list[dict], dict[str, dict]]:
    """:func:`_simplified_features`, kept beside the layers once computed (two seconds
    of every process's first national export; ``app.py prepare`` writes it)."""
    import gzip
    import tempfile

    path = None
    if layers.path is not None:
        path = layers.path / f"sheet-national-{NATIONAL_TOLERANCE:g}-v1.json.gz"
        try:
            counties, provinces = json.loads(gzip.decompress(path.read_bytes()))
            if [f["id"] for f in counties] == layers.counties_web.index.tolist():
                return counties, provinces
        except (OSError, ValueError):
            pass
    counties, provinces = _simplified_features(layers)
    if path is not None:
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sheet-")
            with os.fdopen(fd, "wb") as f:
                f.write(gzip.compress(json.dumps([counties, provinces]).encode(), 6, mtime=0))
            os.replace(tmp, path)
        except OSError as exc:  # read-only layers: computed again next time
            log.warning("could not keep %s: %s", path, exc)
    return counties, provinces


def _simplified_features(layers) -> tuple[list[dict], dict[str, dict]]:
    """County and province features of the national sheet (:data:`NATIONAL_TOLERANCE`).

    Coverage simplification keeps shared edges shared; outlines are re-oriented
    clockwise as d3-geo expects (a simplified ring can flip, and a flipped ring fills
    the whole globe); provinces are dissolved from the simplified counties so that
    their borders lie exactly on county edges.
    """
    import shapely

    from geodata import boundaries

    web = layers.counties_web
    coarse = web[["geometry"]].copy()
    coarse["geometry"] = shapely.orient_polygons(
        shapely.coverage_simplify(web.geometry.values, NATIONAL_TOLERANCE), exterior_cw=True
    )
    keep = web.geometry.bounds["miny"].to_numpy() >= boundaries.MAIN_FRAME_MIN_LAT
    prov = coarse[keep].copy()
    prov["province_code"] = web.loc[keep, "province_code"].to_numpy()
    outlines = prov.groupby("province_code").geometry.apply(
        lambda g: shapely.coverage_union_all(g.values)
    )
    prov = outlines.to_frame("geometry").set_geometry("geometry", crs=web.crs)
    prov["geometry"] = shapely.orient_polygons(prov.geometry.values, exterior_cw=True)
    # 0.001° (about 100 m) is ample for a 0.03° outline and a fifth less to send.
    return _features(coarse, 3), {f["id"]: f for f in _features(prov, 3)}


# --- the view to export ---------------------------------------------------------------
def export_state(atlas, args) -> ViewState:
    """The view to export from query arguments (the page's own parameters), strictly.

    The page quietly falls back to defaults for values it cannot use; an export
    refuses them instead (:class:`BadParameter` names the parameter), because a file
    that silently shows something else than asked would be worse than no file.
    """
    return ViewState.from_query(args, atlas, strict=True, default_lang=atlas.settings.default_lang)


def export_filename(state: ViewState, fmt: str, *, briefing: bool, synthetic: bool) -> str:
    """ASCII file name saying what the file shows, e.g. ``atlas-510000-left_behind-2026-H1``.

    Demo exports say ``synthetic`` in the name, like the CSV downloads.
    """
    parts = ["atlas-briefing" if briefing else "atlas", state.region or "china"]
    parts += [state.indicator, state.period, state.lang]
    if synthetic:
        parts.append("synthetic")
    name = "-".join(str(p) for p in parts)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) + f".{fmt}"


# --- exports ----------------------------------------------------------------------------
def export_map(
    atlas,
    state: ViewState,
    fmt: str,
    renderer: Renderer | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The map sheet of a view (title, map, legend, source, credit, date) as a file."""
    from dashboard.sheets import briefing

    geo = inline_geometry(atlas.layers)
    fig = briefing.map_sheet(atlas, state, geo, today=today or dt.date.today())
    data = (renderer or shared_renderer()).render(fig, fmt)
    if fmt == "pdf":
        text = briefing.sheet_text(atlas, state, today=today or dt.date.today())
        data = merge_pdfs([data], title=text.plain_title, subject=text.source)
    return data


def export_briefing(
    atlas, state: ViewState, renderer: Renderer | None = None, today: dt.date | None = None
) -> bytes:
    """The multi-page PDF briefing of a region: map, key figures and priority counties,
    cluster map, method note."""
    from dashboard.sheets import briefing

    geo = inline_geometry(atlas.layers)
    day = today or dt.date.today()
    r = renderer or shared_renderer()
    text = briefing.sheet_text(atlas, state, today=day)
    # Generators all the way: the browser draws each page while the next one is
    # computed, and each drawn page is merged while the browser draws the next.
    pages = r.render_iter(briefing.briefing_pages(atlas, state, geo, today=day), "pdf")
    return merge_pdfs(pages, title=text.plain_title, subject=text.source)


def cached_export(atlas, state: ViewState, fmt: str, *, brief: bool = False) -> bytes:
    """An export through the app's result cache, keyed on the view, the data stamp and
    the day (the date is printed on the sheet)."""
    day = dt.date.today()
    key = f"export:{'briefing' if brief else 'map'}:{fmt}:{state.cache_key()}:{day.isoformat()}"

    def compute() -> bytes:
        if brief:
            return export_briefing(atlas, state, today=day)
        return export_map(atlas, state, fmt, today=day)

    return atlas._memo(key, compute)  # same cache and key scheme as every Atlas result
