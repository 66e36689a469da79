"""The help page, in one language. Every word from the catalogue (``help.*``).

Plain words first, the method second: each map mode has a planner's explanation
(``help.mode.<id>``) and then its method note (``note.<id>``, the same text the
explorer shows). Indicators and map modes are listed from their registries
(:func:`geodata.indicators.all_indicators`, :func:`dashboard.methods.mode_ids`), so a
new one appears here without editing this page.
"""

from __future__ import annotations

from dash import html

from dashboard import ids, methods
from dashboard.i18n import indicator_definition, indicator_name, indicator_unit, t
from dashboard.pages.frame import error_banner, footer, header
from geodata import indicators

#: The sections, in order: (anchor, catalogue key of the heading).
SECTIONS = (
    ("start", "help.start.title"),
    ("indicators", "help.indicators.title"),
    ("modes", "help.modes.title"),
    ("classes", "help.classes.title"),
    ("bivariate", "help.bivariate.title"),
    ("data", "help.data.title"),
    ("cite", "help.cite.title"),
    ("keys", "help.keys.title"),
)

#: How many numbered entries each list section has (``help.<section>.<n>``).
STEPS = {"start": 6, "keys": 7}


def help_page(lang: str, search: str | None = None) -> html.Div:
    return html.Div(
        [
            error_banner(),
            header("/help", search, lang),
            html.Main(
                [
                    html.H2(t("help.title", lang)),
                    html.P(t("help.intro", lang), className="help-lead"),
                    _contents(lang),
                    *(_section(anchor, key, lang) for anchor, key in SECTIONS),
                ],
                id=ids.HELP,
                className="help-body",
                lang="zh-CN" if lang == "zh" else "en",
            ),
            footer(lang),
        ]
    )


def _contents(lang: str) -> html.Nav:
    return html.Nav(
        [
            html.H3(t("help.contents", lang)),
            html.Ol([html.Li(html.A(t(key, lang), href=f"#{a}")) for a, key in SECTIONS]),
        ],
        className="help-contents",
        **{"aria-label": t("help.contents", lang)},
    )


def _section(anchor: str, key: str, lang: str) -> html.Section:
    body = {
        "start": lambda: [_numbered("start", lang)],
        "indicators": lambda: [html.P(t("help.indicators.intro", lang)), _indicators(lang)],
        "modes": lambda: [html.P(t("help.modes.intro", lang)), *mode_entries(lang)],
        "classes": lambda: [html.P(t("help.classes.text", lang))],
        "bivariate": lambda: _bivariate(lang),
        "data": lambda: [
            html.P(t(f"help.data.{part}", lang)) for part in ("boundaries", "demo", "own")
        ],
        "cite": lambda: [
            html.P(t("help.cite.text", lang)),
            html.Blockquote(t("help.cite.example", lang), className="help-cite"),
        ],
        "keys": lambda: [_numbered("keys", lang)],
    }[anchor]()
    return html.Section([html.H3(t(key, lang)), *body], id=anchor, className="help-section")


def _numbered(section: str, lang: str) -> html.Ol:
    return html.Ol([html.Li(t(f"help.{section}.{n}", lang)) for n in range(1, STEPS[section] + 1)])


def _indicators(lang: str) -> html.Dl:
    items: list = []
    for ind in indicators.all_indicators():
        unit = indicator_unit(ind, lang)
        items.append(html.Dt(indicator_name(ind, lang) + (f" ({unit})" if unit else "")))
        items.append(html.Dd(indicator_definition(ind, lang)))
    return html.Dl(items, className="help-indicators")


def mode_entries(lang: str) -> list[html.Article]:
    """One entry per map mode, from the method registry: the planner's words, then
    the method."""
    out = []
    for mode in methods.mode_ids():
        parts: list = [html.H4(methods.mode_name(mode, lang))]
        parts.append(html.P([html.Strong(t("help.plain", lang)), t(f"help.mode.{mode}", lang)]))
        note = methods.note(mode, lang)
        if note:
            parts.append(html.P([html.Strong(t("help.method", lang)), note], className="muted"))
        out.append(html.Article(parts, className="help-mode", **{"data-mode": mode}))
    return out


def _bivariate(lang: str) -> list:
    from dashboard.pages.explorer.bivariate import bivariate_grid

    return [
        html.P(t("help.bivariate.text", lang)),
        html.Div(bivariate_grid(lang), className="help-bivariate"),
        html.P(t("help.bivariate.read", lang)),
    ]
