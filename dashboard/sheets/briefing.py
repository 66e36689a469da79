"""Briefing sheets: print-ready figures of a view (plotly only; no Dash import).

Officials put these in front of leaders, so a sheet says everything a reader needs
without the app around it: title (indicator, region, period), subtitle, the map, the
legend with its breaks and units, the data source (and that demo data are synthetic),
the boundary credit, the date of export and, when configured, the map review number
(审图号). Pages are A4 landscape (:data:`dashboard.sheets.render.PAGE_SIZE`).

The national map reuses :func:`dashboard.figures.map_figure` (Albers equal-area conic,
standard parallels 25°N and 47°N, centred on 105°E, South China Sea inset with the
maritime line); region maps are framed with ``Atlas.region_info``. Geometry is embedded
(:class:`dashboard.sheets.render.InlineGeometry`): the renderer has no server to fetch from.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import MapStyle, map_figure
from dashboard.i18n import (
    fmt_number,
    indicator_definition,
    indicator_name,
    indicator_unit,
    map_credit,
    t,
)
from dashboard.presenters.labels import map_labels
from geodata import indicators, periods

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator

    from dashboard.view import ViewState

#: DejaVu Sans first for Latin letters and digits: chromium's PDF writer embeds Noto Sans
#: CJK (a CFF collection) as Type 3 glyphs and loses the text of some of its Latin
#: glyphs ("2026-H1" came out as "2026-H"); CJK text falls through to Noto Sans CJK SC.
FONT = "DejaVu Sans, Noto Sans CJK SC, sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
WARN = "#8a4b00"
CONTEXT_COLOUR = "#ffffff"  # outside the region: white, grey outlines
#: Frame of the national sheet: plotly fits the projected lon/lat box, which in a conic
#: projection is a fan larger than China; this box is the tightest that clips nothing
#: (checked by eye: Mohe, Hainan's south cape, the Pamirs, the Wusuli river).
NATIONAL_LON = (77.5, 132.0)
NATIONAL_LAT = (18.5, 53.8)
PAGE_W, PAGE_H = 1123, 794
MARGIN = dict(l=40, r=40, t=30, b=24)
SYNTHETIC_SOURCE = "合成示例数据 / synthetic demo data — not statistics"
_COUNTIES, _PROVINCES, _INSET = "__counties__", "__provinces__", "__inset__"


# --- text --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetText:
    """Every line of text a briefing sheet carries (also used by the briefing page)."""

    title: str
    subtitle: str
    source: str
    synthetic: bool
    credit: str
    date: str
    review: str  # "" without a review number
    legend_title: str
    region_name: str
    period_label: str

    @property
    def plain_title(self) -> str:
        return self.title


def period_label(period: str, lang: str) -> str:
    """``2026-H1`` as ``2026年上半年`` or ``2026 H1 (Jan–Jun)``."""
    try:
        year, half = periods.parse_period(period)
    except ValueError:
        return period
    return t(f"briefing.period.{half}", lang).format(year=year)


def region_name(atlas, region: str | None, lang: str) -> str:
    info = atlas.region_info(region)
    if info["level"] == "nation":
        return t("nation", lang)
    if lang == "zh":
        return info["name_zh"]
    from geodata.codes import region_english_name

    return region_english_name(info["code"], info["name_zh"])


def source_line(atlas, period: str, lang: str) -> tuple[str, bool]:
    """The data source of a period and whether it is synthetic demo data."""
    synthetic = atlas.is_synthetic(period)
    label = t("briefing.source_label", lang)
    counts = atlas.provenance_counts(period)["children"]
    if synthetic and counts["reported"] + counts["mixed"]:
        # A mix: say exactly how much is reported and how much synthetic.
        note = t("briefing.mixed_method", lang).format(note=atlas.provenance_note(period, lang))
        return label + note, True
    if synthetic:
        return label + SYNTHETIC_SOURCE, True
    versions = atlas.store.versions("children", period)
    active = versions[versions["active"]] if len(versions) else versions
    if not len(active):
        return label + t("briefing.source_none", lang), False
    row = active.iloc[-1]
    when = pd.Timestamp(row["created_at"]).date().isoformat() if row["created_at"] else ""
    line = t("briefing.source_version", lang).format(
        source=row["source"], period=period, version=int(row["version"]), when=when
    )
    return label + line, False


def sheet_text(atlas, state: ViewState, *, today: dt.date) -> SheetText:
    """Title, subtitle, source, credit, date and review number of a view."""
    lang = state.lang
    ind = indicators.get(state.indicator)
    name = indicator_name(ind, lang)
    unit = indicator_unit(ind, lang)
    where = region_name(atlas, state.region, lang)
    when = period_label(state.period, lang)
    title = t("briefing.title", lang).format(where=where, name=name, when=when)
    scheme = t(state.scheme or "quantiles", lang)
    definition = indicator_definition(ind, lang).rstrip("。.")
    if lang != "zh":  # an English sentence starts with a capital
        definition = definition[:1].upper() + definition[1:]
    subtitle = t("briefing.subtitle", lang).format(definition=definition, scheme=scheme)
    source, synthetic = source_line(atlas, state.period, lang)
    number = (atlas.settings.map_review_number or "").strip()
    review = t("briefing.review", lang).format(number=number) if number else ""
    unit_line = (
        t("briefing.unit", lang).format(unit=unit, period=state.period) if unit else state.period
    )
    counts_note = t("briefing.counts_note", lang)
    return SheetText(
        title=title,
        subtitle=subtitle,
        source=source,
        synthetic=synthetic,
        credit=map_credit(lang, state.region),
        date=t("briefing.date", lang).format(date=today.isoformat()),
        review=review,
        legend_title=f"<b>{name}</b><br>{unit_line}<br>{counts_note}",
        region_name=where,
        period_label=when,
    )


def display_width(text: str) -> int:
    """Width in half-width cells (CJK characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells: breaks between words, or anywhere in CJK text."""
    lines: list[str] = []
    line, w = "", 0
    for token in _tokens(text):
        tw = display_width(token)
        if w + tw > width and line.strip():
            lines.append(line.rstrip())
            line, w = token.lstrip(), display_width(token.lstrip())
        else:
            line, w = line + token, w + tw
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words with their trailing space, and single CJK characters."""
    out: list[str] = []
    word = ""
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            if word:
                out.append(word)
                word = ""
            out.append(c)
        elif c == " ":
            out.append(word + " ")
            word = ""
        else:
            word += c
    if word:
        out.append(word)
    return out


# --- page furniture ------------------------------------------------------------------------
#: Vertical layout of a page (paper fractions inside the margins).
TITLE_RULE_Y = 0.905
FOOTER_RULE_Y = 0.062
MAP_DOMAIN_Y = (0.075, 0.895)


def furniture(text: SheetText, page: tuple[int, int] | None = None) -> dict:
    """Layout of a page: size, fonts, title block, synthetic tag and footer (source,
    credit, review number, date, page)."""
    lang = "zh" if "导出" in text.date else "en"

    def note(txt: str, x: float, y: float, size: float, colour: str = INK, **kw) -> dict:
        return dict(
            text=txt, x=x, y=y, xref="paper", yref="paper", showarrow=False, align="left",
            xanchor=kw.pop("xanchor", "left"), yanchor=kw.pop("yanchor", "top"),
            font=dict(size=size, color=colour), **kw,
        )  # fmt: skip

    right = text.date
    if page:
        right += t("briefing.page", lang).format(page=page[0], pages=page[1])
    annotations = [
        note(f"<b>{text.title}</b>", 0, 1.0, 22),
        note("<br>".join(_clip_lines(wrap(text.subtitle, 150), 2)), 0, 0.95, 11.5, MUTED),
        note(
            f"<b>{text.source}</b>" if text.synthetic else text.source,
            0,
            0.03,
            11,
            WARN if text.synthetic else INK,
            yanchor="bottom",
        ),  # fmt: skip
        note(
            " · ".join(s for s in (text.credit, text.review) if s),
            0,
            0,
            10,
            MUTED,
            yanchor="bottom",
        ),  # fmt: skip
        note(right, 1, 0, 10, MUTED, xanchor="right", yanchor="bottom"),
    ]
    if text.synthetic:
        annotations.append(
            note(
                t("briefing.synthetic_tag", lang),
                1,
                1.0,
                12,
                WARN,
                xanchor="right",
                bordercolor=WARN,
                borderwidth=1,
                borderpad=4,
                bgcolor="#fff4e5",
            )  # fmt: skip
        )
    rule = dict(
        type="line", x0=0, x1=1, xref="paper", yref="paper", line=dict(color="#c9d2dc", width=1)
    )
    return dict(
        width=PAGE_W,
        height=PAGE_H,
        margin=MARGIN,
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family=FONT, color=INK, size=12),
        showlegend=False,
        hovermode=False,
        annotations=annotations,
        shapes=[{**rule, "y0": TITLE_RULE_Y, "y1": TITLE_RULE_Y},
                {**rule, "y0": FOOTER_RULE_Y, "y1": FOOTER_RULE_Y}],
    )  # fmt: skip


def _clip_lines(lines: list[str], n: int) -> list[str]:
    return lines if len(lines) <= n else [*lines[: n - 1], lines[n - 1][:-1] + "…"]


def page_figure(text: SheetText, page: tuple[int, int] | None = None) -> go.Figure:
    """An empty page with its furniture (axes hidden)."""
    fig = go.Figure(layout=furniture(text, page))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# --- maps ---------------------------------------------------------------------------------
#: Traces of ``figures.map_figure`` a printed sheet keeps (the others are overlays of the
#: explorer: sites, facilities, programme and selection outlines).
_KEEP = {"counties", "provinces", "labels"}
_KEEP_INSET = {"inset", "maritime"}


def _map_spec(
    atlas,
    geo,
    region: str | None,
    z: list[int],
    colours: tuple[str, ...],
    tick_text: list[str] | tuple[str, ...],
    legend_title: str,
    text: SheetText,
    lang: str,
    page: tuple[int, int] | None = None,
) -> dict:
    """A map sheet as a plotly dict with the geometry embedded."""
    info = atlas.region_info(region)
    nation = info["level"] == "nation"
    n = len(geo.codes)
    main_set = set(geo.main)
    if nation:
        lon, lat, central = NATIONAL_LON, NATIONAL_LAT, 105.0
        main_idx, context, show_inset = geo.main, [], True
        drawn = geo.main
    else:
        lon, lat = tuple(info["lon"]), tuple(info["lat"])
        central = round(sum(lon) / 2, 3)
        mine = set(info["codes"])
        frame = geo.in_frame(lon, lat)
        main_idx = [i for i in frame if geo.codes[i] in mine and i in main_set]
        context = [i for i in frame if geo.codes[i] not in mine and i in main_set]
        # The South China Sea islands belong to Hainan: a region that reaches south of
        # the main frame keeps the inset.
        show_inset = any(geo.codes[i] in mine for i in range(n) if i not in main_set)
        drawn = sorted(set(main_idx) | set(context))
    provinces = list(geo.national_provinces) if nation else geo.provinces_in_frame(lon, lat)
    # The frame of China projects about 1.2 times as wide as high: a map area of that
    # shape fills the page's height; the inset sits at its lower right, clear of Taiwan.
    map_right = 0.70 if nation else (0.64 if show_inset else 0.79)
    labels = map_labels(
        atlas,
        region,
        lang,
        size_px=(map_right * PAGE_W, (MAP_DOMAIN_Y[1] - MAP_DOMAIN_Y[0]) * PAGE_H),
        obstacles=(),  # the legend and the inset sit beside the map on a sheet
    )
    fig = map_figure(
        counties_url=_COUNTIES,
        provinces_url=_PROVINCES,
        province_codes=provinces,
        codes=geo.codes,
        names=geo.names,
        inset_index=geo.inset,
        main_index=main_idx,
        maritime=geo.maritime,
        z=z,
        text=[""] * n,
        style=MapStyle(tuple(colours), tuple(tick_text), legend_title),
        hover_value_label="",
        hover_note="",
        inset_title=t("inset_title", lang),
        credit="",
        lon_range=lon,
        lat_range=lat,
        show_inset=show_inset,
        uirevision="export",
        central_lon=central,
        labels=labels.as_trace(),
    )
    spec = fig.to_plotly_json()
    keep = _KEEP | (_KEEP_INSET if show_inset else set())
    data = [tr for tr in spec["data"] if tr.get("name") in keep]
    geojson = {
        "counties": geo.counties_geojson(drawn, national=nation),
        "inset": geo.counties_geojson(geo.inset, national=nation),
        "provinces": geo.provinces_geojson(provinces, national=nation),
    }
    for tr in data:
        name = tr["name"]
        if name in geojson:
            tr["geojson"] = geojson[name]
        if name == "counties":
            tr["marker"] = {**tr.get("marker", {}), "line": {"color": "#ffffff",
                            "width": 0.25 if nation else 0.5}}  # fmt: skip
        if name == "inset":  # dark outlines, or the small islands vanish in white
            tr["marker"] = {**tr.get("marker", {}), "line": {"color": "#666666", "width": 0.3}}
        if name == "provinces":
            tr["marker"] = {**tr.get("marker", {}), "line": {"color": "#555555",
                            "width": 0.9 if nation else 1.4}}  # fmt: skip
        if name == "counties":
            tr["colorbar"] = {
                **tr.get("colorbar", {}),
                "title": {"text": legend_title, "side": "top", "font": {"size": 12}},
                "x": 0.825, "xanchor": "left", "y": 0.47, "yanchor": "middle", "len": 0.62,
                "thickness": 16, "tickfont": {"size": 11}, "bgcolor": "rgba(0,0,0,0)",
                "outlinewidth": 0,
            }  # fmt: skip
    if context:
        data.insert(
            0,
            {
                "type": "choropleth",
                "geojson": geojson["counties"],
                "featureidkey": "id",
                "locations": [geo.codes[i] for i in context],
                "z": [0] * len(context),
                "colorscale": [[0, CONTEXT_COLOUR], [1, CONTEXT_COLOUR]],
                "showscale": False,
                "marker": {"line": {"color": "#c8c8c8", "width": 0.5}},
                "hoverinfo": "skip",
                "name": "context",
                "geo": "geo",
            },
        )
    layout = spec["layout"]
    for k in ("annotations", "shapes", "uirevision", "dragmode"):
        layout.pop(k, None)
    layout.update(furniture(text, page))
    layout["geo"]["domain"] = {"x": [0, map_right], "y": list(MAP_DOMAIN_Y)}
    if show_inset:
        h0, h1 = MAP_DOMAIN_Y
        box_x = [0.69, 0.80] if nation else [0.655, 0.785]
        box_y = [h0 + 0.06, h0 + 0.06 + 0.3 * (h1 - h0)] if nation else [h0 + 0.06, 0.5]
        layout["geo2"]["domain"] = {"x": box_x, "y": box_y}
        layout["annotations"].append(
            dict(
                text=t("inset_title", lang),
                x=sum(box_x) / 2,
                y=box_y[0] - 0.005,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="top",
                showarrow=False,
                font=dict(size=10, color=MUTED),
            )  # fmt: skip
        )
    spec["data"] = data
    return spec


def map_sheet(
    atlas, state: ViewState, geo, *, today: dt.date, page: tuple[int, int] | None = None
) -> dict:
    """The map of a view on one A4 landscape sheet (plotly dict, geometry embedded).

    A view in an analysis mode (``mode=gistar``...) prints that analysis, as the
    explorer shows it: a file must show what the user was looking at."""
    lang = state.lang
    if (state.mode or "values") != "values":
        return _analysis_sheet(atlas, state, geo, today=today, page=page)
    mv = atlas.map_values(
        state.indicator,
        state.period,
        state.scheme or "quantiles",
        lang,
        region=state.region,
        **state.style(),
    )
    text = sheet_text(atlas, state, today=today)
    return _map_spec(
        atlas,
        geo,
        state.region,
        mv.z,
        mv.colours,
        mv.tick_text,
        text.legend_title,
        text,
        lang,
        page,
    )


def _analysis_sheet(
    atlas, state: ViewState, geo, *, today: dt.date, page: tuple[int, int] | None = None
) -> dict:
    """The map sheet of an analysis mode: its categories (or, for 2SFCA, its classes)."""
    from dashboard import methods

    lang = state.lang
    params = state.analysis_params()
    view = methods.view(params.method)
    result = atlas.analysis(params, state.period)  # errors name the problem (400)
    info = atlas.region_info(state.region)
    mine = None if info["level"] == "nation" else set(info["codes"])
    d = methods.drawn(params, result, geo.codes, lang, state.scheme or "quantiles", mine)
    classes, colours, ticks, heading = d.classes, d.colours, d.ticks, d.heading
    mode_name = methods.mode_name(params.method, lang)
    text = sheet_text(atlas, state, today=today)
    title = t("briefing.mode_title", lang).format(mode=mode_name, title=text.title)
    subtitle = view.subtitle(params, state.period, lang) + t("briefing.computed_nation", lang)
    page_text = SheetText(**{**text.__dict__, "title": title, "subtitle": subtitle})
    legend = f"<b>{heading}</b><br>{state.period}<br>" + t("briefing.counts_note", lang)
    return _map_spec(
        atlas, geo, state.region, classes, colours, ticks, legend, page_text, lang, page
    )


# --- pages of the PDF briefing -------------------------------------------------------------
def _count(atlas, value: float, lang: str) -> str:
    """A count of children as printed: "<k" below the small-number threshold."""
    from geodata import privacy

    k = atlas.suppress_k
    return privacy.label(k) if privacy.small([value], k)[0] else fmt_number(value, lang)


def key_figures(atlas, state: ViewState) -> list[tuple[str, str]]:
    """(label, value) pairs: totals and coverage ratios of the region."""
    lang = state.lang
    table = atlas.county_table(state.period)
    info = atlas.region_info(state.region)
    if info["level"] != "nation":
        table = table[table.index.isin(info["codes"])]

    def total(col: str) -> float:
        return float(pd.to_numeric(table[col], errors="coerce").sum(min_count=1))

    lb = total("left_behind")
    fac = total("children_homes") + total("activity_centres")
    directors = total("child_directors")
    with_data = int(table["left_behind"].notna().sum())

    def per(x: float) -> str:
        return fmt_number(x / lb * 1000 if lb and lb == lb else float("nan"), lang, 2)

    return [
        (t("briefing.fig.children", lang), _count(atlas, total("children"), lang)),
        (t("briefing.fig.left_behind", lang), _count(atlas, lb, lang)),
        (t("briefing.fig.migrant", lang), _count(atlas, total("migrant"), lang)),
        (t("briefing.fig.facilities", lang), fmt_number(fac, lang)),
        (t("briefing.fig.directors", lang), fmt_number(directors, lang)),
        (t("briefing.fig.facilities_per_1000", lang), per(fac)),
        (t("briefing.fig.directors_per_1000", lang), per(directors)),
        (t("counties_with_data", lang), f"{with_data:,} / {len(table):,}"),
    ]


def priority_rows(atlas, state: ViewState, top: int = 20) -> pd.DataFrame:
    """The region's counties with the largest gap between need and coverage.

    Gap scores come from the national coverage analysis (``geodata.analysis.coverage``), so a
    score means the same in every briefing; ``rank`` is the place within the region,
    ``rank_nation`` the national one.
    """
    from geodata.analysis import AnalysisParams
    from geodata.analysis.coverage import priority_table

    result = atlas.analysis(AnalysisParams(method="coverage"), state.period)
    names = atlas.layers.counties_web[["name_zh", "prefecture_zh", "province_zh"]]
    table = priority_table(result, names=names).rename(columns={"rank": "rank_nation"})
    info = atlas.region_info(state.region)
    if info["level"] != "nation":
        table = table[table.index.isin(info["codes"])]
    table = table.head(top).copy()
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def figures_page(atlas, state: ViewState, text: SheetText, page: tuple[int, int]) -> go.Figure:
    """Key figures of the region and its top 20 priority counties."""
    lang = state.lang
    title = t("briefing.figures_title", lang).format(where=text.region_name, when=text.period_label)
    subtitle = t("briefing.figures_subtitle", lang)
    page_text = SheetText(**{**text.__dict__, "title": title, "subtitle": subtitle})
    fig = page_figure(page_text, page)
    figures = key_figures(atlas, state)
    n = len(figures)
    gap = 0.008
    width = (1 - gap * (n - 1)) / n
    y0, y1 = 0.745, 0.885
    for i, (label, value) in enumerate(figures):
        x0 = i * (width + gap)
        fig.add_shape(
            type="rect", x0=x0, x1=x0 + width, y0=y0, y1=y1, xref="paper", yref="paper",
            line=dict(color="#d9e2ec", width=1), fillcolor="#f7f9fb",
        )  # fmt: skip
        fig.add_annotation(
            text=f"<b>{value}</b>", x=x0 + width / 2, y=y0 + 0.085, xref="paper", yref="paper",
            xanchor="center", yanchor="middle", showarrow=False, font=dict(size=15),
        )  # fmt: skip
        fig.add_annotation(
            text="<br>".join(wrap(label, 22)), x=x0 + width / 2, y=y0 + 0.035, xref="paper",
            yref="paper", xanchor="center", yanchor="middle", showarrow=False,
            font=dict(size=10, color=MUTED),
        )  # fmt: skip
    rows = priority_rows(atlas, state)
    nation = atlas.region_info(state.region)["level"] == "nation"
    where = "province_zh" if nation else "prefecture_zh"
    columns = (
        "rank",
        "rank_nation",
        "county",
        "province" if nation else "prefecture",
        "need",
        "facilities",
        "facilities_per_1000",
        "directors_per_1000",
        "gap_score",
    )
    header = [t(f"briefing.col.{c}", lang) for c in columns]  # fmt: skip
    cells = [
        rows["rank"].tolist(),
        rows["rank_nation"].tolist(),
        *_place_names(atlas, rows, where, lang),
        [_count(atlas, v, lang) for v in rows["need"]],
        [fmt_number(v, lang) for v in rows["facilities"]],
        [fmt_number(v, lang, 2) for v in rows["facilities_per_1000"]],
        [fmt_number(v, lang, 2) for v in rows["directors_per_1000"]],
        [fmt_number(v, lang, 3) for v in rows["gap_score"]],
    ]
    fig.add_trace(
        go.Table(
            domain=dict(x=[0, 1], y=[0.075, 0.715]),
            columnwidth=[0.5, 0.7, 1.6, 2.3, 0.9, 0.7, 1.1, 1.2, 0.7],
            header=dict(
                values=[f"<b>{h}</b>" for h in header],
                fill_color="#e4e9ef",
                line_color="#c9d2dc",
                align=["right", "right", "left", "left", "right", "right", "right", "right",
                       "right"],
                font=dict(size=11, color=INK),
                height=26,
            ),
            cells=dict(
                values=cells,
                fill_color=[["#ffffff", "#f7f9fb"] * 10],
                line_color="#e4e9ef",
                align=["right", "right", "left", "left", "right", "right", "right", "right",
                       "right"],
                font=dict(size=11, color=INK),
                height=21.5,
            ),
        )
    )  # fmt: skip
    if not len(rows):
        fig.add_annotation(
            text=t("briefing.no_ranking", lang),
            x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        )  # fmt: skip
    return fig


def _place_names(atlas, rows: pd.DataFrame, where: str, lang: str) -> list[list[str]]:
    """County names and their province (or prefecture) names, in the sheet's language."""
    if lang == "zh":
        return [rows["name_zh"].tolist(), rows[where].tolist()]
    from geodata.codes import region_english_name

    web = atlas.layers.counties_web
    counties = atlas.registry.counties["name_en"].reindex(rows.index).fillna(rows["name_zh"])
    col = where.replace("_zh", "_code")
    places = [  # one table line each: the longest names are abbreviated
        region_english_name(code, name).replace("Autonomous Prefecture", "Aut. Pref.")
        for code, name in zip(web[col].reindex(rows.index), rows[where], strict=True)
    ]
    return [counties.tolist(), places]


def cluster_page(atlas, state: ViewState, geo, text: SheetText, page: tuple[int, int]) -> dict:
    """Local Moran's I clusters of the indicator (computed over the nation)."""
    from dashboard import methods

    lang = state.lang
    params = state.replace(mode="lisa").analysis_params()
    ind = indicators.get(state.indicator)
    name = indicator_name(ind, lang)
    try:
        result = atlas.analysis(params, state.period)
    except (ValueError, KeyError) as exc:  # e.g. a change indicator without a prior period
        return _message_page(text, page, t("briefing.cluster_error", lang).format(msg=exc))
    info = atlas.region_info(state.region)
    mine = None if info["level"] == "nation" else set(info["codes"])
    d = methods.drawn(params, result, geo.codes, lang, region=mine)
    title = t("briefing.cluster_title", lang).format(
        where=text.region_name,
        name=name if lang == "zh" else name.lower(),  # mid-sentence in English
        when=text.period_label,
    )
    subtitle = t("briefing.cluster_subtitle", lang).format(
        permutations=params.permutations, alpha=f"{params.alpha:g}"
    )
    page_text = SheetText(**{**text.__dict__, "title": title, "subtitle": subtitle})
    legend = f"<b>{d.heading}</b><br>{state.period}<br>" + t("briefing.counts_note", lang)
    return _map_spec(
        atlas, geo, state.region, d.classes, d.colours, d.ticks, legend, page_text, lang,
        page,
    )  # fmt: skip


def _message_page(text: SheetText, page: tuple[int, int], message: str) -> go.Figure:
    fig = page_figure(text, page)
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font=dict(size=14, color=MUTED),
    )  # fmt: skip
    return fig


#: Classification schemes with a method note (``briefing.scheme.*`` in the catalogue).
SCHEME_NOTES = ("quantiles", "fisher_jenks", "equal_interval", "std_mean", "user")


def method_paragraphs(atlas, state: ViewState, text: SheetText) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of the method note, from docs/methods.md, in short."""
    from dashboard.methods import note

    lang = state.lang
    ind = indicators.get(state.indicator)
    chosen = state.scheme if state.scheme in SCHEME_NOTES else "quantiles"
    scheme = t(f"briefing.scheme.{chosen}", lang)
    pooled = t("briefing.pooled", lang) if state.pooled else ""
    region_breaks = t("briefing.region_breaks", lang)
    data = t("briefing.synthetic_data", lang) if text.synthetic else text.source
    mixed = atlas.provenance_counts(state.period)["children"]
    if text.synthetic and mixed["reported"] + mixed["mixed"]:  # a mix: say how much of each
        data = t("briefing.mixed_method", lang).format(
            note=atlas.provenance_note(state.period, lang)
        )
    projection = t("briefing.projection", lang).format(
        credit=text.credit, review="" if text.review else t("briefing.no_review", lang)
    )
    indicator = t("briefing.indicator_para", lang).format(
        name=indicator_name(ind, lang), definition=indicator_definition(ind, lang)
    )
    return [
        (t("briefing.h.data", lang), data),
        (t("briefing.h.indicator", lang), indicator),
        (t("briefing.h.classes", lang), scheme + region_breaks + pooled),
        (t("briefing.h.clusters", lang), note("lisa", lang)),
        (t("briefing.h.priority", lang), note("coverage", lang)),
        (t("briefing.h.maps", lang), projection),
    ]


def method_page(atlas, state: ViewState, text: SheetText, page: tuple[int, int]) -> go.Figure:
    title = t("briefing.method_title", state.lang)
    subtitle = t("briefing.method_subtitle", state.lang)
    page_text = SheetText(**{**text.__dict__, "title": title, "subtitle": subtitle})
    fig = page_figure(page_text, page)
    y = 0.86
    for heading, para in method_paragraphs(atlas, state, text):
        lines = wrap(para, 160)
        fig.add_annotation(
            text=f"<b>{heading}</b>", x=0, y=y, xref="paper", yref="paper", xanchor="left",
            yanchor="top", showarrow=False, font=dict(size=13),
        )  # fmt: skip
        fig.add_annotation(
            text="<br>".join(lines), x=0.0, y=y - 0.03, xref="paper", yref="paper",
            xanchor="left", yanchor="top", showarrow=False, align="left",
            font=dict(size=12.5, color=INK),
        )  # fmt: skip
        y -= 0.03 + 0.026 * len(lines) + 0.035
    return fig


def briefing_pages(atlas, state: ViewState, geo, *, today: dt.date) -> Iterator:
    """The four pages of the PDF briefing (plotly figures or dicts), each made when
    asked for: the renderer draws one page while the next is computed."""
    text = sheet_text(atlas, state, today=today)
    total = 4
    yield map_sheet(atlas, state, geo, today=today, page=(1, total))
    yield figures_page(atlas, state, text, (2, total))
    yield cluster_page(atlas, state, geo, text, (3, total))
    yield method_page(atlas, state, text, (4, total))
