"""The county panel: every measure with its ranks, the trend, the facilities."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import dropdown_labels, fmt_number, t

KIND = ("district", "county", "city", "other")
FACILITY_KIND = ("children_home", "activity_centre")


def search_box(lang: str) -> html.Div:
    return html.Div(
        dcc.Dropdown(
            labels=dropdown_labels(lang),
            id=ids.SEARCH,
            options=[],
            searchable=True,
            clearable=True,
            placeholder=t("panel.search", lang),
        ),
        className="county-search",
    )


def county_panel(profile: dict | None, lang: str) -> list:
    """Children of the panel (empty list when nothing is selected)."""
    if not profile:
        return []
    zh = lang == "zh"
    where = (
        (profile["prefecture_zh"], profile["province_zh"])
        if zh
        else (profile.get("prefecture_en"), profile.get("province_en"))
    )
    kind = t(f"panel.kind.{profile['kind']}", lang) if profile["kind"] in KIND else ""
    head = html.Div(
        [
            html.Button(
                "×",
                id=ids.PANEL_CLOSE,
                className="panel-close",
                title=t("panel.close", lang),
                type="button",
                **{"aria-label": t("panel.close", lang)},
            ),
            html.H3(profile["name_zh"] if zh else f"{profile['name_en']} {profile['name_zh']}"),
            html.Div(
                f"{where[0]} · {where[1]} · {kind} · "
                f"{profile['code']} · {profile['area_km2']:,.0f} km²",
                className="muted",
            ),
        ]
    )
    rows = []
    for r in profile["rows"]:
        decimals = 0 if r["group"] == "counts" else 1
        value = r.get("hidden") or fmt_number(r["value"], lang, decimals)
        unit = f" {r['unit']}" if r["value"] is not None and r["unit"] else ""
        rank = f"{r['rank_province']}/{r['n_province']}" if r["rank_province"] else "–"
        rank_n = f"{r['rank_nation']}/{r['n_nation']}" if r["rank_nation"] else "–"
        rows.append(
            html.Tr(
                [
                    html.Td(r["name"]),
                    html.Td(value + unit, className="num"),
                    html.Td(rank, className="num"),
                    html.Td(rank_n, className="num"),
                ]
            )
        )
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("panel.measure", lang)),
                        html.Th(t("panel.value", lang)),
                        html.Th(t("panel.rank_province", lang)),
                        html.Th(t("panel.rank_nation", lang)),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="profile-table",
    )
    trend = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("panel.period", lang)),
                        html.Th(t("panel.children", lang)),
                        html.Th(t("panel.left_behind", lang)),
                        html.Th(t("panel.migrant", lang)),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [html.Td(p["period"])]
                        + [
                            html.Td(
                                p[m] if isinstance(p[m], str) else fmt_number(p[m], lang),
                                className="num",
                            )
                            for m in ("children", "left_behind", "migrant")
                        ]
                    )
                    for p in profile["trend"]
                ]
            ),
        ],
        className="profile-table",
    )
    fac = [
        html.Li(t("panel.facility_item", lang).format(name=f["name"], kind=_facility_kind(f, lang)))
        for f in profile["facilities"]
    ]
    more = profile["n_facilities"] - len(fac)
    if more > 0:
        fac.append(html.Li(t("panel.more_facilities", lang).format(n=more)))
    source = profile.get("source") or ""
    if source in ("reported", "mixed"):  # where this county's figures came from
        version = profile.get("source_version")
        note = t("panel.source", lang).format(source=t(f"source.{source}", lang)) + (
            t("panel.source_version", lang).format(version=version) if version else ""
        )
    else:
        note = t("panel.synthetic", lang) if profile["synthetic"] else ""
    return [
        head,
        html.Div(note, className="panel-synthetic" if profile["synthetic"] else "panel-source")
        if note
        else None,
        table,
        html.H4(t("panel.trend", lang)),
        trend,
        html.H4(t("panel.facilities", lang).format(n=profile["n_facilities"])),
        html.Ul(fac or [html.Li(t("panel.none", lang))], className="facility-list"),
    ]


def _facility_kind(facility: dict, lang: str) -> str:
    """A facility's kind in `lang` (an unknown kind shows as stored)."""
    kind = facility["kind"]
    return t(f"panel.facility.{kind}", lang) if kind in FACILITY_KIND else kind
