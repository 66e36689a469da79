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

The other way round, ``plotly.min.js`` (4.7 MB) is only asked for by ``dcc.Graph`` once
the layout has rendered, about a second after navigation; the page tells the browser to
fetch it at once (``<link rel="preload">``), so it is there when the graph asks.
"""

from __future__ import annotations

import html
import re

#: Component packages whose bundles load after the first paint.
DEFERRED_PACKAGES: tuple[str, ...] = ("dash_ag_grid",)

#: Scripts the page fetches at once, though they run only when a component asks for them
#: (relative to the app's path prefix).
PRELOAD: tuple[str, ...] = ("_dash-component-suites/plotly/package_data/plotly.min.js",)

#: The ``<meta>`` tag naming the deferred bundles (read by ``assets/atlas.js``).
META_NAME = "atlas-deferred-scripts"

_SCRIPT = re.compile(r'<script src="([^"]+)"></script>\s*')


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


def defer_bundles(app) -> None:
    """Make ``app``'s index page leave the deferred bundles to ``assets/atlas.js`` and
    preload :data:`PRELOAD`."""
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        kept, later = split_scripts(kwargs.get("scripts", ""))
        kwargs["scripts"] = kept
        prefix = app.config.requests_pathname_prefix
        head = "".join(
            f'<link rel="preload" as="script" fetchpriority="low" href="{html.escape(prefix + path)}">'
            for path in PRELOAD
        )
        head += f'<meta name="{META_NAME}" content="{html.escape(" ".join(later))}">'
        kwargs["metas"] = kwargs.get("metas", "") + head
        return original(**kwargs)

    app.interpolate_index = interpolate_index
