"""First paint: the map first, the parts below it once it has painted.

Measured with ``bench/bench_pageload.py`` (BENCHMARKS.md): the page reached its painted
map 1.5-1.8x later than plotly.js alone, because two things ran on the browser's main
thread before the map could draw:

- the two linked charts (about 0.9 s of drawing, 60 % of the layout's bytes), and
- dash-ag-grid's 1.3 MB bundle (and its 0.85 MB chunk), evaluated before Dash even asks
  for the layout, although the table sits below the fold.

So the page starts with empty charts and an empty table slot. A clientside callback
(``assets/atlas.js``) waits for the map's counties to be on screen and sets
:data:`dashboard.ids.PAINTED`: the charts fill. Then a second one loads the grid's
bundle and sets :data:`dashboard.ids.BUNDLES`: the grid mounts. Nothing else on the page
uses the grid, so its script is simply left out of the page and named in a ``<meta>``
tag for the loader instead.

The other way round, plotly.js is only asked for by ``dcc.Graph`` once the layout has
rendered, about a second after navigation; the page tells the browser to fetch it at
once (``<link rel="preload">``), so it is there when the graph asks. It is the Atlas's
own bundle (only the trace types it draws: 1.7 MB instead of 4.8 MB; see
:mod:`dashboard.web.static`), named in a ``<meta>`` tag that ``assets/atlas.js`` hands
to ``dcc.Graph``. The map's geometry is preloaded the same way, as one topology that
``assets/atlas.js`` decodes into the GeoJSON plotly.js would otherwise download.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

#: Component packages whose bundles load after the first paint: the grid, and Dash's
#: DataTable, which Dash puts in every page although no page of the Atlas uses it.
DEFERRED_PACKAGES: tuple[str, ...] = ("dash_table", "dash_ag_grid")
#: The page's own scripts that load after the first paint, before those bundles: the
#: colour key under a narrow map, the export links' progress (plain links until then)
#: and the grid's number formats. Dash leaves them out of the page (``assets_ignore``).
LATER_ASSETS = r"\.later\.js$"

#: The ``<meta>`` tag naming the deferred bundles (read by ``assets/atlas.js``).
META_NAME = "atlas-deferred-scripts"
#: The ``<meta>`` tag naming the plotly.js bundle that ``dcc.Graph`` loads.
PLOTLY_META = "atlas-plotly"
#: The ``<meta>`` tag describing the map's topology (URL, objects -> GeoJSON URLs).
GEOMETRY_META = "atlas-geometry"

_SCRIPT = re.compile(r'<script src="([^"]+)"></script>\s*')
_POLYFILL = re.compile(r'<script src="([^"]*/deps/polyfill@[^"]+)"></script>')

#: What Dash's polyfill (@babel/polyfill: core-js 2 and Babel's generator runtime,
#: 29 KB on the wire before the map can paint) adds that a browser may lack. A browser
#: that has all of these (Chrome 73+, Firefox 69+, Safari 12.1+; the last Chrome of
#: Windows 7 is 109) gets only the generator runtime; any other gets the polyfill too.
MODERN_BROWSER = (
    "window.fetch&&window.Promise&&Promise.prototype.finally&&window.Symbol&&"
    "Symbol.asyncIterator&&Object.fromEntries&&Object.entries&&Array.prototype.flat&&"
    "Array.prototype.includes&&String.prototype.padStart"
)


def polyfill_when_needed(scripts: str, runtime: str) -> str:
    r"""Dash's polyfill script tag as a test that loads it only where it is needed,
    then the generator runtime (`runtime`, a URL) that Dash's bundles call.

    >>> print(polyfill_when_needed('<script src="/d/deps/polyfill@7.1.min.js"></script>'
    ...                            '<script src="/d/r.js"></script>', "/rt.js"))
    ... # doctest: +ELLIPSIS
    <script>window.fetch&&...||document.write('<script src="/d/deps/polyfill@7.1.min.js"><\/script>')</script><script src="/rt.js"></script><script src="/d/r.js"></script>
    """

    def swap(m: re.Match) -> str:
        src = m.group(1)
        if not re.fullmatch(r"[\w@./:%?=&~+-]+", src):  # not a plain URL: leave the tag
            return m.group(0)
        return (
            f"<script>{MODERN_BROWSER}||document.write('<script src=\"{src}\"><\\/script>')"
            f'</script><script src="{html.escape(runtime)}"></script>'
        )

    return _POLYFILL.sub(swap, scripts, count=1)


def split_scripts(scripts: str, packages: tuple[str, ...] = DEFERRED_PACKAGES):
    """Split Dash's script tags into those kept in the page and the deferred URLs.

    Parameters
    ----------
    scripts : str
        The ``{%scripts%}`` part of Dash's index page (one ``<script src>`` per bundle).
    packages : tuple of str
        Package names whose bundles are deferred (matched as a path segment).

    Returns
    -------
    tuple of (str, list of str)
        The script tags to keep, and the URLs left out, in page order.

    Examples
    --------
    >>> kept, later = split_scripts(
    ...     '<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v1.min.js">'
    ...     '</script>\\n<script src="/x/dcc.js"></script>'
    ... )
    >>> later
    ['/_dash-component-suites/dash_ag_grid/dash_ag_grid.v1.min.js']
    >>> kept
    '<script src="/x/dcc.js"></script>'
    """
    later: list[str] = []

    def keep(match: re.Match) -> str:
        src = match.group(1)
        if any(f"/{name}/" in src for name in packages):
            later.append(src)
            return ""
        return match.group(0)

    return _SCRIPT.sub(keep, scripts).strip(), later


def head_tags(prefix: str, deferred: list[str], geometry: dict | None) -> str:
    """The ``<head>`` additions: preloads, and the meta tags ``assets/atlas.js`` reads.

    Examples
    --------
    >>> tags = head_tags("/", [], {"url": "/geo/k/t.json", "objects": {}, "world": {}})
    >>> 'rel="preload" as="fetch"' in tags and "topojson-client" in tags
    True
    """
    from dashboard.web.static import PLOTLY_BUNDLE, TOPOJSON_CLIENT, vendor_url

    plotly = vendor_url(PLOTLY_BUNDLE, prefix)
    head = (
        f'<link rel="preload" as="script" fetchpriority="low" href="{html.escape(plotly)}">'
        f'<meta name="{PLOTLY_META}" content="{html.escape(plotly)}">'
        f'<meta name="{META_NAME}" content="{html.escape(" ".join(deferred))}">'
    )
    if geometry:
        head += (
            f'<link rel="preload" as="fetch" fetchpriority="low" crossorigin="anonymous" '
            f'href="{html.escape(geometry["url"])}">'
            f'<meta name="{GEOMETRY_META}" content="{html.escape(json.dumps(geometry, separators=(",", ":")))}">'
            f'<script src="{html.escape(vendor_url(TOPOJSON_CLIENT, prefix))}"></script>'
        )
    return head


def later_assets(app) -> list[str]:
    """Content-hashed URLs of the assets matching :data:`LATER_ASSETS`, by name."""
    from pathlib import Path

    from dashboard.web.static import digest

    folder = Path(app.config.assets_folder)
    return [
        f"{app.get_asset_url(f.name)}?v={digest(f)}"
        for f in sorted(folder.glob("*.js"))
        if re.search(LATER_ASSETS, f.name)
    ]


def defer_bundles(app, geometry: Callable[[], dict | None] = lambda: None) -> None:
    """Make ``app``'s index page leave the deferred bundles to ``assets/atlas.js``,
    preload the plotly.js bundle and the map's topology (``geometry()``, when it has
    one), and name its assets by the digest of their bytes (cached for good)."""
    from dashboard.web.static import REGENERATOR, hash_assets, vendor_url

    original = app.interpolate_index

    def interpolate_index(**kwargs):
        kept, later = split_scripts(kwargs.get("scripts", ""))
        later = later_assets(app) + later
        prefix = app.config.requests_pathname_prefix
        kept = polyfill_when_needed(kept, vendor_url(REGENERATOR, prefix))
        assets = app.config.assets_folder
        kwargs["scripts"] = hash_assets(kept, assets)
        for part in ("css", "favicon"):
            kwargs[part] = hash_assets(kwargs.get(part, ""), assets)
        kwargs["metas"] = kwargs.get("metas", "") + head_tags(prefix, later, geometry())
        return original(**kwargs)

    app.interpolate_index = interpolate_index
