"""The 3x3 legend of the need-versus-coverage bivariate map."""

from __future__ import annotations

from dash import html

from dashboard.methods import bivariate_legend


def bivariate_grid(lang: str) -> html.Div:
    """A 3x3 grid: rows = need (high at the top), columns = coverage (low at the left)."""
    leg = bivariate_legend(lang if lang in ("zh", "en") else "en")
    cells = sorted(leg["cells"], key=lambda c: (c["row"], c["col"]))
    return html.Div(
        [
            html.Div(leg["title"], className="bv-title"),
            html.Div(
                [
                    html.Div(leg["y"], className="bv-y"),
                    html.Div(
                        [
                            html.Div(
                                title=c["text"],
                                className="bv-cell",
                                style={"background": c["colour"]},
                                **{"data-label": c["label"]},
                            )
                            for c in cells
                        ],
                        className="bv-grid",
                    ),
                ],
                className="bv-body",
            ),
            html.Div(leg["x"], className="bv-x"),
            html.Div(leg["priority"], className="bv-priority"),
            html.Div(leg["note"], className="bv-note"),
        ],
        className="bivariate-legend",
        id="bivariate-legend",
    )
