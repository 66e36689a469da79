"""Export links (PNG, SVG, PDF, PDF briefing, briefing view) for the current view.

Plain links to ``/export/...`` with the page's own query string: the server renders the
file (see :mod:`dashboard.web.exports`). A clientside callback keeps them in step with
the URL (:mod:`dashboard.pages.explorer.callbacks.export`), so no server round trip is needed.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import html

from dashboard import ids
from dashboard.i18n import t

#: (id, i18n key, path) of each download, in display order.
DOWNLOADS = (
    (ids.EXPORT_PNG, "export_png", "/export/map.png"),
    (ids.EXPORT_SVG, "export_svg", "/export/map.svg"),
    (ids.EXPORT_PDF, "export_pdf", "/export/map.pdf"),
    (ids.EXPORT_BRIEFING, "export_briefing", "/export/briefing.pdf"),
)


def export_hrefs(search: str | None) -> tuple[list[str], str, str]:
    """(download hrefs, briefing view href, explorer href) for a query string.

    The same rule as the clientside callback: the page's query without ``briefing``.
    """
    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != "briefing"]
    qs = ("?" + urlencode(pairs)) if pairs else ""
    view = "?" + urlencode([*pairs, ("briefing", "1")])
    return [path + qs for _, _, path in DOWNLOADS], view, qs or "?"


def export_links(search: str | None, lang: str, *, briefing: bool = False) -> html.Nav:
    """The links; on the briefing page the last one leads back to the explorer."""
    downloads, view, explorer = export_hrefs(search)
    items: list = [html.Span(t("export_label", lang) + t("export.colon", lang))]
    for (cid, key, _), href in zip(DOWNLOADS, downloads, strict=True):
        items.append(html.A(t(key, lang), id=cid, href=href, download="", className="export-link"))
    items.append(
        html.A(
            t("back_to_explorer" if briefing else "briefing_view", lang),
            id=ids.BRIEFING_VIEW,
            href=explorer if briefing else view,
            className="export-view",
        )
    )
    # What a running export is doing, and why one failed (assets/exports.later.js): a file
    # takes 5-15 s to draw, and a plain link showed nothing meanwhile.
    items.append(html.Span(className="export-status", role="status", **{"aria-live": "polite"}))
    return html.Nav(
        items,
        id=ids.EXPORT_LINKS,
        className="export-links",
        title=t("export_hint", lang),
        **{
            "aria-label": t("export_label", lang),
            "data-busy": t("export.busy", lang),
            "data-done": t("export.done", lang),
            "data-failed": t("export.failed", lang),
        },
    )
