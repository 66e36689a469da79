"""The county panel: every measure with its ranks, the trend, the facilities."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import fmt_number

KIND = {
    "district": ("市辖区", "district"),
    "county": ("县", "county"),
    "city": ("县级市", "county-level city"),
    "other": ("其他", "other"),
}
FACILITY_KIND = {
    "children_home": ("儿童之家", "children's home"),
    "activity_centre": ("活动中心", "activity centre"),
}


def search_box(lang: str) -> html.Div:
    return html.Div(
        dcc.Dropdown(
            id=ids.SEARCH,
            options=[],
            searchable=True,
            clearable=True,
            placeholder="搜索县区：名称、拼音或代码"
            if lang == "zh"
            else "Find a county: name, pinyin or code",
        ),
        className="county-search",
    )


def county_panel(profile: dict | None, lang: str) -> list:
    """Children of the panel (empty list when nothing is selected)."""
    if not profile:
        return []
    zh = lang == "zh"
    kind = KIND.get(profile["kind"], ("", ""))[0 if zh else 1]
    head = html.Div(
        [
            html.H3(profile["name_zh"] if zh else f"{profile['name_en']} {profile['name_zh']}"),
            html.Div(
                f"{profile['prefecture_zh']} · {profile['province_zh']} · {kind} · "
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
                        html.Th("指标" if zh else "Measure"),
                        html.Th("数值" if zh else "Value"),
                        html.Th("省内排名" if zh else "Rank in province"),
                        html.Th("全国排名" if zh else "Rank in China"),
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
                        html.Th("时期" if zh else "Period"),
                        html.Th("儿童" if zh else "Children"),
                        html.Th("留守" if zh else "Left-behind"),
                        html.Th("流动" if zh else "Migrant"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [html.Td(t["period"])]
                        + [
                            html.Td(
                                t[m] if isinstance(t[m], str) else fmt_number(t[m], lang),
                                className="num",
                            )
                            for m in ("children", "left_behind", "migrant")
                        ]
                    )
                    for t in profile["trend"]
                ]
            ),
        ],
        className="profile-table",
    )
    fac = [
        html.Li(f"{f['name']}（{FACILITY_KIND.get(f['kind'], (f['kind'],) * 2)[0 if zh else 1]}）")
        for f in profile["facilities"]
    ]
    more = profile["n_facilities"] - len(fac)
    if more > 0:
        fac.append(html.Li(f"… 另有 {more} 处" if zh else f"… and {more} more"))
    note = (
        ("合成演示数据，不是统计数字" if zh else "Synthetic demo data, not statistics")
        if profile["synthetic"]
        else ""
    )
    return [
        head,
        html.Div(note, className="panel-synthetic") if note else None,
        table,
        html.H4("趋势" if zh else "Trend"),
        trend,
        html.H4(
            f"服务场所（{profile['n_facilities']} 处）"
            if zh
            else f"Facilities ({profile['n_facilities']})"
        ),
        html.Ul(fac or [html.Li("无" if zh else "none")], className="facility-list"),
    ]
