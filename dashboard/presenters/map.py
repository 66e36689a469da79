"""The map: the initial figure of a view and the value-only patches that follow.

Functions of the app's data (:class:`dashboard.atlas.Atlas`): each takes it first and
returns figure parts; nothing here reads a request or changes the data.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from dashboard.i18n import map_credit, t
from dashboard.presenters.overlays import overlay_patch
from geodata import boundaries, indicators, privacy

TOPOJSON_URL = "/assets/topojson/"
"""Where the page's graphs find plotly's world topojson (a local stub: no CDN)."""

_STATIC: dict[str, dict] = {}
"""Figure parts that never change for a layer (codes, names, positions), by layer key."""


def geo_url(atlas, name: str) -> str:
    """URL of a static gzipped GeoJSON; the cache key makes it immutable."""
    return f"/geo/{atlas.layers.meta['key']}/{name}.geojson"


def topology_spec(atlas) -> dict | None:
    """What the page needs to draw the map from one topology download (``assets/atlas.js``):
    its URL, which of its objects stands for which GeoJSON URL of the figure, and
    plotly's world topojson stubs (so plotly.js need not ask for them either).
    ``None`` while the layers have no topology (the page then loads the GeoJSON)."""
    from geodata.boundaries.layers import TOPOLOGY_FILE

    if atlas is None or atlas.layers.path is None:
        return None
    if not (atlas.layers.path / TOPOLOGY_FILE).is_file():
        return None
    key = atlas.layers.meta["key"]
    return {
        "url": f"/geo/{key}/{TOPOLOGY_FILE}",
        "objects": {name: geo_url(atlas, name) for name in ("counties", "provinces")},
        "world": _world_stubs(),
    }


@functools.cache
def _world_stubs() -> dict:
    stubs = Path(__file__).resolve().parents[2] / TOPOJSON_URL.strip("/")
    return {p.stem: json.loads(p.read_text()) for p in sorted(stubs.glob("*.json"))}


def _static_map_parts(atlas) -> dict:
    def compute() -> dict:
        from dashboard.figures import inset_positions, main_positions

        web = atlas.layers.counties_web
        return {
            "codes": web.index.tolist(),
            "names": web[["name_zh", "prefecture_zh", "province_zh"]].values.tolist(),
            "names_en": _english_names(atlas, web),
            "inset": inset_positions(web["cx"].to_numpy(), web["cy"].to_numpy()),
            "main": main_positions(web.geometry.bounds["miny"].to_numpy()),
            "province_codes": atlas.layers.provinces.index.tolist(),
            "maritime": boundaries.maritime_lines(atlas.layers),
        }

    # Static for the life of the layer: computed once per process, never per request.
    key = atlas.layers.meta["key"]
    if key not in _STATIC:
        _STATIC[key] = compute()
    return _STATIC[key]


def warm_static(atlas) -> None:
    """Compute what a process's first map request would: the layer's static parts
    (with every county's English names, so the code registry) and the national map's
    place names in each language. Each took 0.5-1 s on a worker's first value update
    (9 s at the start of the 200-planner load test, five workers at once); gunicorn's
    master does it once before it forks (see ``gunicorn.conf.py``)."""
    from dashboard.presenters.labels import map_labels
    from dashboard.view import LANGS

    _static_map_parts(atlas)
    for lang in LANGS:
        map_labels(atlas, None, lang)


def _english_names(atlas, web) -> list[list[str]]:
    """[county, prefecture, province] in English for every county of the layer."""
    return atlas.place_names("en").reindex(web.index).values.tolist()


def map_figure(
    atlas,
    indicator: str,
    period: str | None,
    scheme: str,
    lang: str,
    region: str | None = None,
    **style,
) -> dict:
    """The full initial figure (geometry by URL) as a plain dict, memoised."""
    p = atlas.resolve_period(period)
    key = f"figure:{indicator}:{p}:{scheme}:{lang}:{region or ''}:{sorted(style.items())}"
    return atlas._memo(
        key,
        lambda: _map_figure(atlas, indicator, p, scheme, lang, region, **style).to_plotly_json(),
    )


def _map_figure(
    atlas,
    indicator: str,
    period: str | None,
    scheme: str,
    lang: str,
    region: str | None = None,
    **style,
):
    from dashboard.figures import MapStyle, map_figure
    from dashboard.presenters.labels import map_labels

    parts = _static_map_parts(atlas)
    mv = atlas.map_values(indicator, period, scheme, lang, region=region, **style)
    info = atlas.region_info(region)
    frame = {"uirevision": f"map-{region or 'nation'}"}
    if info["level"] != "nation":
        frame.update(
            lon_range=tuple(info["lon"]),
            lat_range=tuple(info["lat"]),
            central_lon=round(sum(info["lon"]) / 2, 3),
        )
    return map_figure(
        **frame,
        counties_url=geo_url(atlas, "counties"),
        provinces_url=geo_url(atlas, "provinces"),
        province_codes=parts["province_codes"],
        codes=parts["codes"],
        names=parts["names"] if lang == "zh" else parts["names_en"],
        inset_index=parts["inset"],
        main_index=parts["main"],
        maritime=parts["maritime"],
        z=mv.z,
        text=mv.text,
        style=MapStyle(mv.colours, mv.tick_text, mv.title),
        hover_value_label=mv.title.split("<br>")[0],
        hover_note=t("synthetic_short", lang) if mv.synthetic else "",
        inset_title=t("inset_title", lang),
        credit=map_credit(lang, region),
        labels=map_labels(atlas, region, lang).as_trace(),
    )


def view_figure(atlas, state) -> dict:
    """The initial map of a view (a :class:`dashboard.view.ViewState`): values or the
    analysis of its mode, and its overlays, so that a shared link opens as it was."""
    import contextlib

    args = (state.indicator, state.period, state.scheme, state.lang)
    try:
        fig = map_figure(atlas, *args, state.region, **state.style())
    except ValueError:  # unusable breaks in the link: the default classes
        fig = map_figure(atlas, *args[:2], "quantiles", args[3], state.region)
    # No copy needed: _memo hands out a fresh object every time (a new computation
    # or an unpickled cache entry), so editing this one cannot change another's.
    params = state.analysis_params()
    if params is not None:
        # A mode this period cannot run (cluster change without an earlier period)
        # leaves the values map; the analysis line says why once the user acts.
        with contextlib.suppress(ValueError, KeyError):
            analysis_patch(atlas, fig, params, state.period, state.lang, state.scheme, state.region)
    overlay_patch(
        atlas,
        fig,
        period=state.period,
        region=state.region,
        layers=state.layers,
        programme_id=state.programme,
        selected=state.county,
        lang=state.lang,
    )
    return fig


def result_line(atlas, state) -> str:
    """What the view's analysis achieved (siting: children newly covered), the line a
    run leaves under the controls; a view opened from a link shows it too."""
    params = state.analysis_params()
    if params is None:
        return ""
    try:
        line = atlas.mode_summary(params, state.period, state.lang)
    except (ValueError, KeyError):  # a mode this period cannot run: the map says why
        return ""
    line = line.removeprefix(" · ")
    return line[:1].upper() + line[1:]


def map_patch(
    atlas,
    patch,
    indicator: str,
    period: str | None,
    scheme: str,
    lang: str,
    region: str | None = None,
    **style,
):
    """Fill a ``dash.Patch`` with the values of a new view (no geometry, no names).

    ``style``: ``palette``, ``pooled`` and ``breaks`` as for ``map_values``.
    """
    mv = atlas.map_values(indicator, period, scheme, lang, region=region, **style)
    note = t("synthetic_short", lang) if mv.synthetic else ""
    return _patch(
        atlas,
        patch,
        mv.z,
        mv.text,
        mv.colours,
        mv.tick_text,
        mv.title,
        mv.title.split("<br>")[0],
        note,
        sites=None,
    )


def zoom_patch(atlas, patch, region: str | None, lang: str | None = None):
    """Frame the map on a region (national frame for ``None``) and, given the page's
    `lang`, name the region's places."""
    from dashboard.figures import MAIN_LAT, MAIN_LON
    from dashboard.presenters.labels import labels_patch

    if lang is not None:
        labels_patch(atlas, patch, region, lang)

    info = atlas.region_info(region)
    geo = patch["layout"]["geo"]
    if info["level"] == "nation":
        geo["lonaxis"]["range"], geo["lataxis"]["range"] = list(MAIN_LON), list(MAIN_LAT)
        geo["projection"]["rotation"]["lon"] = 105
    else:
        geo["lonaxis"]["range"], geo["lataxis"]["range"] = info["lon"], info["lat"]
        # Central meridian through the region: the frame of a lon/lat box is skewed
        # (and clips the region) when the box lies far from the central meridian.
        geo["projection"]["rotation"]["lon"] = round(sum(info["lon"]) / 2, 3)
    # A new uirevision resets the user's pan and zoom to the new frame; within one
    # region the view the user chose is kept when values change.
    patch["layout"]["uirevision"] = f"map-{region or 'nation'}"
    return patch


def _patch(atlas, patch, z, text, colours, tick_text, title, label, note, sites):
    from dashboard.figures import TRACE, stepped_colorscale, tick_positions

    parts = _static_map_parts(atlas)
    k = len(colours)
    scale = stepped_colorscale(tuple(colours))
    hover = (
        "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<br>"
        f"{label}: %{{text}}<br><i>{note}</i><extra></extra>"
    )
    for trace_index, idx in ((0, parts["main"]), (2, parts["inset"])):
        trace = patch["data"][trace_index]
        trace["z"] = [z[j] for j in idx]
        trace["text"] = [text[j] for j in idx]
        trace["colorscale"] = scale
        trace["zmax"] = max(k - 1, 0)
        trace["hovertemplate"] = hover
    bar = patch["data"][0]["colorbar"]
    bar["tickvals"] = tick_positions(k)
    bar["ticktext"] = list(tick_text)
    bar["title"]["text"] = title
    site = patch["data"][TRACE["sites"]]
    site["lon"] = [] if sites is None else sites["lon"].round(4).tolist()
    site["lat"] = [] if sites is None else sites["lat"].round(4).tolist()
    site["text"] = [] if sites is None else sites["label"].tolist()
    return patch


def analysis_patch(
    atlas,
    patch,
    params,
    period: str | None,
    lang: str,
    scheme: str = "quantiles",
    region: str | None = None,
):
    """Patch the map with an analysis result (categories or values) for a region.

    Names, colours, hover details and titles come from the method's view
    (:mod:`dashboard.methods`); counties without a result, and those outside the
    region shown, are no data; the legend counts the region's counties.
    """
    from dashboard import methods
    from dashboard.i18n import fmt_number

    p = atlas.resolve_period(period)
    result = atlas.analysis(params, p)
    view = methods.view(params.method)
    note = t("synthetic_short", lang) if atlas.is_synthetic(p) else ""
    info = atlas.region_info(region)
    mine = None if info["level"] == "nation" else set(info["codes"])
    codes = _static_map_parts(atlas)["codes"]
    d = methods.drawn(params, result, codes, lang, scheme, mine)
    title = view.title(params, lang)
    sub = view.subtitle(params, p, lang)
    if methods.draws_values(params.method):
        unit = t(f"unit.{params.method}", lang)
        full = f"{title}<br><sub>{unit} · {sub}</sub>"
        return _patch(atlas, patch, d.classes, d.text, d.colours, d.ticks, full, title, note, None)
    sites = None
    if "sites" in result.attrs:
        s = result.attrs["sites"].copy()
        parts = _static_map_parts(atlas)
        local = parts["names"] if lang == "zh" else parts["names_en"]
        names = {c: n[0] for c, n in zip(parts["codes"], local, strict=True)}
        word = t("detail.newly_covers", lang)
        s["label"] = [
            f"#{int(o)} {names.get(str(i), str(i))}: {word} {fmt_number(n, lang)}"
            for i, o, n in zip(s.index, s["order"], s["newly_covered"], strict=True)
        ]
        sites = s
    return _patch(atlas,
        patch, d.classes, d.text, d.colours, d.ticks, f"{title}<br><sub>{sub}</sub>",
        d.heading, note, sites,
    )  # fmt: skip


def linked_figures(
    atlas,
    indicator: str,
    period: str | None,
    scheme: str,
    lang: str,
    region: str | None,
    selection: list[str] | None,
    scope: set[str] | None = None,
    **style,
):
    """The distribution strip and the need-versus-coverage scatter for a view.

    ``scope`` (a programme used as a filter, cut to the region) replaces the region's
    counties. Returns plain figure dicts, memoised (the page layout asks for them on
    every load)."""
    from dashboard.atlas import codes_key

    def digest(codes) -> str:
        return codes_key(codes) if codes else ""

    key = (
        f"linked:{indicator}:{atlas.resolve_period(period)}:{scheme}:{lang}:{region or ''}:"
        f"{digest(selection or [])}:{'' if scope is None else 's' + digest(scope)}:"
        f"{sorted(style.items())}:s{atlas.suppress_k}"
    )
    return atlas._memo(
        key,
        lambda: tuple(
            f.to_plotly_json()
            for f in _linked_figures(
                atlas, indicator, period, scheme, lang, region, selection, scope, **style
            )
        ),
    )


def _linked_figures(atlas, indicator, period, scheme, lang, region, selection, scope=None, **style):
    from dashboard.figures import distribution_figure, scatter_figure

    info = atlas.region_info(region)
    mv = atlas.map_values(indicator, period, scheme, lang, region=region, **style)
    values = atlas.indicator_values(indicator, period)
    web = atlas.layers.counties_web
    if scope is not None:
        keep = values.notna() & values.index.isin(scope)
    else:
        keep = values.notna() & (
            values.index.isin(info["codes"]) if info["level"] != "nation" else True
        )
    idx = [i for i, k in enumerate(keep.reindex(web.index).fillna(False)) if k]
    sub = web.iloc[idx]
    codes = sub.index.tolist()
    # "county · province" in the page's language (the English page showed Chinese).
    parts = _static_map_parts(atlas)
    trio = parts["names"] if lang == "zh" else parts["names_en"]
    where = dict(zip(parts["codes"], range(len(trio)), strict=True))
    names = [f"{trio[where[c]][0]} · {trio[where[c]][2]}" for c in codes]
    chosen = set(selection or [])
    sel = [j for j, c in enumerate(codes) if c in chosen] if selection else None
    vals = values.reindex(codes).round(3)
    k = atlas.suppress_k if privacy.is_child_count(indicator) else 0
    hover = None
    if k:  # small counts: drawn at k/2 and named "<k", never at their true value
        hidden = privacy.small(vals.to_numpy(), k)
        hover = [
            f"{n}: {privacy.label(k) if h else f'{v:,.0f}'}"
            for n, v, h in zip(names, vals, hidden, strict=True)
        ]
        vals = vals.where(~hidden, k / 2)
    dist = distribution_figure(
        vals.tolist(),
        [mv.z[i] for i in idx],
        mv.colours,
        codes,
        names,
        mv.title.split("<br>")[0],
        sel,
        hover=hover,
    )
    need = atlas.indicator_values("left_behind", period).reindex(codes)
    cov = atlas.indicator_values("facilities_per_1000_left_behind", period).reindex(codes)
    ok = need.gt(0) & cov.notna()
    s_codes = [c for c, k in zip(codes, ok, strict=True) if k]
    s_names = [n for n, k in zip(names, ok, strict=True) if k]
    s_sel = [j for j, c in enumerate(s_codes) if c in chosen] if selection else None
    labels = (t("scatter.need_axis", lang), t("scatter.coverage_axis", lang))
    need_ok = need[ok].round(0)
    need_text = None
    if atlas.suppress_k:
        small = privacy.small(need_ok.to_numpy(), atlas.suppress_k)
        need_text = [
            privacy.label(atlas.suppress_k) if h else f"{v:,.0f}"
            for v, h in zip(need_ok, small, strict=True)
        ]
        need_ok = need_ok.where(~small, atlas.suppress_k / 2)
    scatter = scatter_figure(
        need_ok.tolist(),
        cov[ok].round(2).tolist(),
        s_codes,
        s_names,
        labels,
        t("scatter.title", lang),
        s_sel,
        need_text=need_text,
    )
    return dist, scatter


def selection_patch(atlas, patch, selection: list[str] | None):
    """Highlight selected counties on the map (``None`` clears the highlight)."""
    parts = _static_map_parts(atlas)
    codes = parts["codes"]
    chosen = set(selection or [])
    for trace_index, idx in ((0, parts["main"]), (2, parts["inset"])):
        if selection:
            patch["data"][trace_index]["selectedpoints"] = [
                j for j, i in enumerate(idx) if codes[i] in chosen
            ]
        else:
            patch["data"][trace_index]["selectedpoints"] = None
    return patch


def summary_text(
    atlas,
    indicator: str,
    period: str | None,
    lang: str,
    region: str | None = None,
    scope: set[str] | None = None,
) -> str:
    """One line: counties with data and the total for the region (or `scope`) shown."""
    ind = indicators.get(indicator)
    values = atlas.indicator_values(indicator, period)
    info = atlas.region_info(region)
    if scope is not None:
        values = values[values.index.isin(scope)]
    elif info["level"] != "nation":
        values = values[values.index.isin(info["codes"])]
    n = int(values.notna().sum())
    line = f"{t('counties_with_data', lang)}: {n:,} / {len(values):,}"
    if ind.group == "counts" and n:
        line += f" · {t('total', lang)}: {values.sum():,.0f}"
    return line
