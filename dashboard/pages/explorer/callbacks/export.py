"""Keep the export links in step with the view, in the browser (no server round trip)."""

from __future__ import annotations

from dash import Input, Output

from dashboard import ids

#: The rule of ``components.export_links.export_hrefs``, in JavaScript. On the briefing
#: page the last link leads back to the explorer (the same query without ``briefing``).
_JS = """
function(current) {
    const search = (current && current.q) || "";
    const params = new URLSearchParams((search || "").replace(/^\\?/, ""));
    const briefing = params.get("briefing") === "1";
    params.delete("briefing");
    const q = params.toString();
    const qs = q ? "?" + q : "";
    const view = new URLSearchParams(params);
    view.set("briefing", "1");
    return [
        "/export/map.png" + qs,
        "/export/map.svg" + qs,
        "/export/map.pdf" + qs,
        "/export/briefing.pdf" + qs,
        briefing ? (qs || "?") : "?" + view.toString(),
    ];
}
"""


def register(app) -> None:
    app.clientside_callback(
        _JS,
        Output(ids.EXPORT_PNG, "href"),
        Output(ids.EXPORT_SVG, "href"),
        Output(ids.EXPORT_PDF, "href"),
        Output(ids.EXPORT_BRIEFING, "href"),
        Output(ids.BRIEFING_VIEW, "href"),
        Input(ids.VIEW_QUERY, "data"),
    )
