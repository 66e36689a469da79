"""Server-side exports: PNG (300 dpi), SVG and PDF maps and the multi-page PDF briefing.

Why server-side: officials print these, so the file must be exactly what plotly.js draws,
in the fonts installed here (Noto Sans CJK SC), whatever the browser of the official. The
figures are rendered by kaleido in Debian's chromium.

* **One warm browser.** Starting chromium costs about a second; :class:`Renderer` keeps
  one kaleido browser per process and serialises exports with a lock (kaleido's sync
  server is a process-wide singleton and not thread-safe).
* **No network.** plotly.js and kaleido's scripts load from the Python packages
  (``mathjax=False``: no CDN), the world topojson from ``assets/topojson`` by a
  ``file://`` URL, and the county and province GeoJSON are embedded in the figure
  (:class:`InlineGeometry`). The browser is started with a proxy at a closed local port,
  so anything that still tried to fetch from the internet would fail, never leak.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import struct
import threading
import unicodedata
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


class Renderer:
    """One warm kaleido browser for the process; :meth:`render` is thread-safe.

    ``proxy_server`` defaults to a closed local port so that the browser cannot reach
    the internet (tests pass a counting listener instead).
    """

    def __init__(
        self,
        *,
        proxy_server: str = NO_NETWORK_PROXY,
        timeout: float = 120.0,
        topojson_dir: Path = TOPOJSON_DIR,
    ) -> None:
        self.proxy_server = proxy_server
        self.timeout = timeout
        self.topojson_url = Path(topojson_dir).resolve().as_uri() + "/"
        self._lock = threading.Lock()
        self._running = False

    # --- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the browser now (otherwise the first render starts it)."""
        with self._lock:
            self._start()

    def stop(self) -> None:
        with self._lock:
            self._stop()

    @property
    def running(self) -> bool:
        return self._running

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _start(self) -> None:
        if self._running and _server_alive():
            return
        import kaleido
        import plotly.io as pio

        if missing := missing_packages():
            # Without chromium kaleido's server thread would die and leave every request
            # waiting; without the fonts every Chinese character would print as a box.
            raise ExportError(
                f"missing Debian packages: sudo apt-get install {' '.join(missing)}",
                missing=missing,
            )
        self._running = False
        kaleido.stop_sync_server(silence_warnings=True)

        # plotly's own to_image/write_image use the same local topojson.
        pio.defaults.topojson = self.topojson_url
        kaleido.start_sync_server(
            n=1,
            timeout=self.timeout,
            mathjax=False,
            proxy_server=self.proxy_server,
            silence_warnings=True,
        )
        self._running = True

    def _stop(self) -> None:
        if not self._running:
            return
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        self._running = False

    # --- rendering --------------------------------------------------------------------
    def render(self, figure: Any, fmt: str, size: tuple[int, int] = PAGE_SIZE) -> bytes:
        """Bytes of `figure` (a plotly figure or its dict) as png, svg or pdf.

        PNGs are drawn at :data:`PRINT_DPI` and carry it in their ``pHYs`` chunk; a PDF
        page is ``size`` CSS pixels (A4 by default).
        """
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        import kaleido
        from kaleido.errors import JavascriptError, KaleidoError

        opts = {
            "format": fmt,
            "width": size[0],
            "height": size[1],
            "scale": PNG_SCALE if fmt == "png" else 1,
        }
        with self._lock:
            for attempt in (1, 2):
                self._start()
                if not _server_alive():
                    self._running = False
                    raise ExportError("the export browser did not start")
                try:
                    data = self._call(
                        lambda: kaleido.calc_fig_sync(figure, opts=opts, topojson=self.topojson_url)
                    )
                    break
                except (KaleidoError, JavascriptError, ValueError, TypeError) as exc:
                    raise ExportError(f"rendering failed: {exc}") from exc
                except Exception as exc:  # browser died or hung: restart it once
                    log.warning("export renderer failed (%s); restarting", exc)
                    self._stop()
                    if attempt == 2:
                        raise ExportError(f"renderer failed twice: {exc}") from exc
        if fmt == "png":
            data = png_with_dpi(data, PRINT_DPI)
        return data

    def _call(self, fn):
        """Run `fn` with a deadline: if kaleido's server thread died, its callers would
        wait for ever; a render never takes longer than kaleido's own timeout."""
        out: dict = {}

        def run() -> None:
            try:
                out["value"] = fn()
            except BaseException as exc:  # handed to the caller below
                out["error"] = exc

        worker = threading.Thread(target=run, name="export-render", daemon=True)
        worker.start()
        worker.join(self.timeout + 30)
        if worker.is_alive():
            raise TimeoutError("the export browser did not answer in time")
        if "error" in out:
            raise out["error"]
        return out["value"]


def _server_alive() -> bool:
    """Whether kaleido's server thread still runs (it dies if the browser cannot start)."""
    import kaleido

    thread = getattr(kaleido._global_server, "_thread", None)  # noqa: SLF001
    return thread is not None and thread.is_alive()


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


def merge_pdfs(pages: list[bytes], *, title: str, subject: str = "") -> bytes:
    """One PDF of several single-page PDFs, with metadata and searchable CJK text."""
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


def _build_geometry(layers) -> InlineGeometry:
    from dashboard.figures import inset_positions, main_positions
    from geodata import boundaries

    web = layers.counties_web
    provinces = boundaries.main_frame_provinces(layers)
    prov_features = _features(provinces)
    return InlineGeometry(
        codes=web.index.tolist(),
        names=web[["name_zh", "prefecture_zh", "province_zh"]].values.tolist(),
        main=main_positions(web.geometry.bounds["miny"].to_numpy()),
        inset=inset_positions(web["cx"].to_numpy(), web["cy"].to_numpy()),
        maritime=boundaries.maritime_lines(layers),
        bounds=web.geometry.bounds[["minx", "miny", "maxx", "maxy"]].to_numpy(),
        counties=_features(web),
        provinces={f["id"]: f for f in prov_features},
        province_bounds={
            code: tuple(float(v) for v in b)
            for code, b in zip(provinces.index, provinces.geometry.bounds.to_numpy(), strict=True)
        },
        layers=layers,
    )


def _coarse_features(layers) -> tuple[list[dict], dict[str, dict]]:
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
    pages = [r.render(fig, "pdf") for fig in briefing.briefing_pages(atlas, state, geo, today=day)]
    text = briefing.sheet_text(atlas, state, today=day)
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
