"""Pure figure builders (plotly only; no Dash import).

The national map is a geo choropleth in an Albers equal-area conic projection
(standard parallels 25°N and 47°N, centred on 105°E) with the South China Sea islands
inset.  Geometry is never embedded: traces reference the county and province GeoJSON by
URL, so the browser fetches each file once and a change of indicator only patches
``z``, ``text`` and the colour scale (see :func:`value_patch`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from geodata.analysis.classify import Classification

#: Colour-blind-safe sequential palettes (ColorBrewer), light to dark, 7 classes max.
PALETTES: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    "Blues": ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"),
    "Purples": ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"),
    "YlGnBu": ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
DIVERGING: dict[str, tuple[str, ...]] = {
    "RdBu": ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"),
    "PuOr": ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806"),
}
NO_DATA_COLOUR = "#d9d9d9"
BORDER_COLOUR = "#ffffff"
PROVINCE_COLOUR = "#555555"
INSET_BOX = (106.5, 123.5, 2.5, 24.5)  # lon min/max, lat min/max of the inset
MAIN_LON = (73.0, 135.5)
MAIN_LAT = (17.5, 54.0)  # keep in step with boundaries.MAIN_FRAME_MIN_LAT


@dataclass(frozen=True)
class MapStyle:
    """What a value update needs besides the values themselves."""

    colours: tuple[str, ...]
    tick_text: tuple[str, ...]
    title: str


def pick_colours(k: int, palette: str = "YlOrRd") -> tuple[str, ...]:
    """`k` colours spread over a palette (diverging palettes keep their centre)."""
    base = PALETTES.get(palette) or DIVERGING.get(palette) or PALETTES["YlOrRd"]
    if k >= len(base):
        return base
    idx = np.round(np.linspace(0, len(base) - 1, k)).astype(int)
    return tuple(base[i] for i in idx)


def stepped_colorscale(colours: tuple[str, ...]) -> list[list]:
    """A discrete colour scale for z in {-1 (no data), 0..k-1}."""
    bands = (NO_DATA_COLOUR, *colours)
    n = len(bands)
    scale: list[list] = []
    for i, c in enumerate(bands):
        scale.append([i / n, c])
        scale.append([(i + 1) / n, c])
    return scale


def tick_positions(k: int) -> list[float]:
    """Centres of the colour bands for z range [-1, k-1]."""
    n = k + 1
    width = k / n
    return [-1 + (i + 0.5) * width for i in range(n)]


def legend_labels(
    cls: Classification,
    no_data: str,
    decimals: int,
    unit: str = "",
    missing: int | None = None,
    floor: int = 0,
) -> list[str]:
    """Colour-bar labels: no data first, then each class with its range and count.

    >>> from geodata.analysis.classify import classify
    >>> legend_labels(classify([0, 0, 0, 1, 2, 5], "quantiles", 3), "No data", 1)
    ['No data (0)', '0.0 (3)', '0.0 – 1.3 (1)', '1.3 – 5.0 (2)']

    ``missing`` overrides the no-data count (a region map does not count the counties
    outside the region). ``floor``: small-number protection; a class bound from 1 to
    floor-1 reads "<floor", so the legend cannot give away a suppressed count.
    """
    n_missing = int((cls.classes == -1).sum()) if missing is None else missing
    labels = [f"{no_data} ({n_missing:,})"]

    def bound(b: float) -> str:
        return f"<{floor}" if floor and 0 < round(b) < floor else f"{b:,.{decimals}f}"

    for (lo, hi), n in zip(cls.intervals(), cls.counts, strict=True):
        # A class of one value (e.g. the counties with no facility in reach) reads "0",
        # not "0.00 – 0.00".
        span = bound(hi) if bound(lo) == bound(hi) else f"{bound(lo)} – {bound(hi)}"
        labels.append(f"{span} ({n:,})")
    return labels


def map_figure(
    *,
    counties_url: str,
    provinces_url: str,
    province_codes: list[str],
    codes: list[str],
    names: list[list[str]],
    inset_index: list[int],
    main_index: list[int],
    maritime: tuple[list, list],
    z: list[int],
    text: list[str],
    style: MapStyle,
    hover_value_label: str,
    hover_note: str,
    inset_title: str,
    credit: str,
    lon_range: tuple[float, float] = MAIN_LON,
    lat_range: tuple[float, float] = MAIN_LAT,
    show_inset: bool = True,
    uirevision: str = "map-nation",
    central_lon: float = 105.0,
    labels: dict | None = None,
) -> go.Figure:
    """The county choropleth with province borders and the South China Sea inset.

    ``names`` is one ``[county, prefecture, province]`` triple per code (sent once);
    ``z`` the class index (``-1`` no data) and ``text`` the formatted value per code.
    ``main_index`` and ``inset_index`` list the positions drawn in the main map and
    in the inset (plotly's axis ranges do not clip, so the far southern islands are
    drawn in the inset only). ``labels``: place names (``lon``, ``lat``, ``text``,
    ``textfont``), drawn over everything (:mod:`dashboard.presenters.labels`).
    """
    k = len(style.colours)
    hover = (
        "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<br>"
        f"{hover_value_label}: %{{text}}<br><i>{hover_note}</i><extra></extra>"
    )
    common = dict(
        geojson=counties_url,
        featureidkey="id",
        zmin=-1,
        zmax=max(k - 1, 0),
        colorscale=stepped_colorscale(style.colours),
        marker_line_color=BORDER_COLOUR,
        marker_line_width=0.2,
        selected=dict(marker=dict(opacity=1.0)),
        unselected=dict(marker=dict(opacity=0.25)),
    )
    main = go.Choropleth(
        locations=[codes[i] for i in main_index],
        z=[z[i] for i in main_index],
        text=[text[i] for i in main_index],
        customdata=[names[i] for i in main_index],
        hovertemplate=hover,
        name="counties",
        geo="geo",
        colorbar=dict(
            title=dict(text=style.title, side="top"),
            tickvals=tick_positions(k),
            ticktext=list(style.tick_text),
            ticks="",
            len=0.6,
            thickness=14,
            x=0.0,
            xanchor="left",
            y=0.02,
            yanchor="bottom",
            bgcolor="rgba(255,255,255,0.85)",
        ),
        **common,
    )
    borders = go.Choropleth(
        geojson=provinces_url,
        featureidkey="id",
        locations=province_codes,
        z=[0] * len(province_codes),
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        showscale=False,
        marker_line_color=PROVINCE_COLOUR,
        marker_line_width=0.8,
        hoverinfo="skip",
        name="provinces",
        geo="geo",
    )
    # Without the inset (a province map) its traces stay, hidden, so that every trace
    # keeps its position in TRACE.
    traces = [
        main,
        borders,
        go.Choropleth(
            locations=[codes[i] for i in inset_index],
            z=[z[i] for i in inset_index],
            text=[text[i] for i in inset_index],
            customdata=[names[i] for i in inset_index],
            hovertemplate=hover,
            showscale=False,
            name="inset",
            geo="geo2",
            visible=show_inset,
            **common,
        ),
        go.Scattergeo(
            lon=maritime[0],
            lat=maritime[1],
            mode="lines",
            line=dict(color=PROVINCE_COLOUR, width=1),
            hoverinfo="skip",
            name="maritime",
            geo="geo2",
            showlegend=False,
            visible=show_inset,
        ),
    ]
    # Trace 4: chosen sites of a siting analysis, empty until then.
    traces.append(
        go.Scattergeo(
            lon=[],
            lat=[],
            text=[],
            mode="markers",
            name="sites",
            geo="geo",
            marker=dict(symbol="star", size=11, color="#006d2c", line=dict(color="white", width=1)),
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
        )
    )
    traces.extend(overlay_traces())
    labels = labels or {}
    traces.append(
        go.Scattergeo(
            lon=labels.get("lon", []),
            lat=labels.get("lat", []),
            text=labels.get("text", []),
            mode="text",
            name="labels",
            geo="geo",
            textfont=dict(
                size=(labels.get("textfont") or {}).get("size", 12),
                color="#1a1a1a",
                # A white halo keeps a name readable on the darkest class.
                shadow="0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff",
            ),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig = go.Figure(traces)
    geo_common = dict(
        projection=dict(type="conic equal area", parallels=[25, 47], rotation=dict(lon=105)),
        visible=False,
        bgcolor="rgba(0,0,0,0)",
        fitbounds=False,
    )
    fig.update_layout(
        geo=dict(
            **{
                **geo_common,
                "projection": dict(
                    type="conic equal area", parallels=[25, 47], rotation=dict(lon=central_lon)
                ),
            },
            lonaxis=dict(range=list(lon_range)),
            lataxis=dict(range=list(lat_range)),
            domain=dict(x=[0, 1], y=[0, 1]),
            showframe=False,
        ),
        margin=dict(l=0, r=0, t=0, b=0),
        paper_bgcolor="white",
        # Only the overlays (facilities, programme) have legend entries; with every
        # overlay off the legend is empty and plotly draws none.
        showlegend=True,
        legend=dict(
            x=0.01,
            y=0.93,  # below the breadcrumb
            xanchor="left",
            yanchor="top",
            bgcolor="rgba(255,255,255,0.85)",
            font=dict(size=11),
        ),
        dragmode="pan",
        uirevision=uirevision,
        annotations=[
            dict(
                text=credit,
                x=1,
                y=0,
                xref="paper",
                yref="paper",
                xanchor="right",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=10, color="#666"),
            )
        ],
    )
    if show_inset:
        fig.update_layout(
            geo2=dict(
                # Mercator keeps the narrow inset frame filled; conic would centre it
                # near the apex and crop the southern islands.
                projection=dict(type="mercator"),
                visible=False,
                bgcolor="rgba(0,0,0,0)",
                fitbounds=False,
                center=dict(
                    lon=(INSET_BOX[0] + INSET_BOX[1]) / 2, lat=(INSET_BOX[2] + INSET_BOX[3]) / 2
                ),
                lonaxis=dict(range=[INSET_BOX[0], INSET_BOX[1]]),
                lataxis=dict(range=[INSET_BOX[2], INSET_BOX[3]]),
                domain=dict(x=[0.86, 0.995], y=[0.05, 0.36]),
                showframe=True,
                framecolor="#888",
                framewidth=1,
            )
        )
        fig.add_annotation(
            text=inset_title,
            # Under the inset, flush with its right edge: centred, "South China Sea
            # Islands" ran off a narrow map.
            x=0.995,
            y=0.05,
            xref="paper",
            yref="paper",
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=10, color="#333"),
        )
    return fig


#: Trace positions in the map figure; value patches and overlays address traces by these.
TRACE = {
    "counties": 0,
    "provinces": 1,
    "inset": 2,
    "maritime": 3,
    "sites": 4,
    "homes": 5,
    "centres": 6,
    "programme": 7,
    "selected": 8,
    "labels": 9,
}
HOME_COLOUR = "#252525"  # neutral: reads on every palette, sequential or diverging
CENTRE_COLOUR = "#ffffff"  # white diamonds with a dark edge
PROGRAMME_COLOUR = "#6a3d9a"
SELECTED_COLOUR = "#111111"


def overlay_traces() -> list[go.Scattergeo]:
    """Empty overlay traces (facility points, programme outline, selected county).

    Always present, so trace positions never change; a patch fills or empties them.
    """
    point = dict(geo="geo", mode="markers", hovertemplate="%{text}<extra></extra>")
    line = dict(geo="geo", mode="lines", hoverinfo="skip", showlegend=False)
    return [
        go.Scattergeo(
            lon=[],
            lat=[],
            text=[],
            name="homes",
            marker=dict(
                symbol="circle", size=5, color=HOME_COLOUR, line=dict(color="white", width=0.6)
            ),
            showlegend=False,
            **point,
        ),
        go.Scattergeo(
            lon=[],
            lat=[],
            text=[],
            name="centres",
            marker=dict(
                symbol="diamond",
                size=5,
                color=CENTRE_COLOUR,
                line=dict(color=HOME_COLOUR, width=1),
            ),
            showlegend=False,
            **point,
        ),
        go.Scattergeo(
            lon=[], lat=[], name="programme", line=dict(color=PROGRAMME_COLOUR, width=2.2), **line
        ),
        go.Scattergeo(
            lon=[], lat=[], name="selected", line=dict(color=SELECTED_COLOUR, width=2.6), **line
        ),
    ]


def inset_positions(cx: np.ndarray, cy: np.ndarray) -> list[int]:
    """Positions of the counties whose representative point falls in the inset box."""
    lo0, lo1, la0, la1 = INSET_BOX
    m = (cx >= lo0) & (cx <= lo1) & (cy >= la0) & (cy <= la1)
    return np.flatnonzero(m).tolist()


def main_positions(miny: np.ndarray) -> list[int]:
    """Positions of the counties drawn on the main map: all but those reaching south of
    the main frame (the South China Sea island districts, shown in the inset)."""
    return np.flatnonzero(miny >= MAIN_LAT[0]).tolist()


def compact_numbers(values: list[float]) -> list[float | int | None]:
    """Whole numbers as ints (JSON "42", not "42.0"), NaN as None.

    >>> compact_numbers([42.0, 0.125, float("nan")])
    [42, 0.125, None]
    """
    return [None if v is None or v != v else int(v) if float(v).is_integer() else v for v in values]


def distribution_figure(
    values: list[float],
    classes: list[int],
    colours: tuple[str, ...],
    codes: list[str],
    names: list[str],
    title: str,
    selected: list[int] | None = None,
    hover: list[str] | None = None,
) -> go.Figure:
    """A strip of every county's value coloured by its map class (box/lasso selectable).

    ``hover``: one hover line per county instead of "name: value" (small-number
    protection puts "<k" there).

    A strip (one dot per county, jittered) rather than a histogram so that a selection
    picks counties, which the map can then highlight.
    """
    rng = np.random.default_rng(0)
    # Two decimals of jitter are under a pixel of the strip; whole numbers are sent as
    # such ("42", not "42.0"), and colours as class numbers on the map's own scale:
    # the strip is a third smaller on the wire.
    jitter = rng.uniform(-0.4, 0.4, len(values)).round(2).tolist()
    k = len(colours)
    fig = go.Figure(
        go.Scatter(
            x=compact_numbers(values),
            y=jitter,
            mode="markers",
            customdata=codes,
            text=names,
            marker=dict(
                color=[c if 0 <= c < k else -1 for c in classes],
                colorscale=stepped_colorscale(tuple(colours)),
                cmin=-1,
                cmax=max(k - 1, 0),
                showscale=False,
                size=6,
                line=dict(width=0.3, color="#555"),
            ),
            hovertext=hover,
            hovertemplate=(
                "%{hovertext}<extra></extra>" if hover else "%{text}: %{x:,.1f}<extra></extra>"
            ),
            selectedpoints=selected,
            selected=dict(marker=dict(size=8)),
            unselected=dict(marker=dict(opacity=0.25)),
        )
    )
    fig.update_layout(
        title=dict(text=title, font=dict(size=13)),
        margin=dict(l=10, r=10, t=34, b=30),
        yaxis=dict(visible=False, range=[-0.6, 0.6]),
        xaxis=dict(title=None),
        dragmode="lasso",
        height=220,
        paper_bgcolor="white",
        plot_bgcolor="#fafafa",
        uirevision="dist",
    )
    return fig


def scatter_figure(
    need: list[float],
    coverage: list[float],
    codes: list[str],
    names: list[str],
    labels: tuple[str, str],
    title: str,
    selected: list[int] | None = None,
    need_text: list[str] | None = None,
) -> go.Figure:
    """Need (left-behind children) against coverage (facilities per 1,000 of them).

    ``need_text``: the need as shown in the hover (small-number protection)."""
    fig = go.Figure(
        go.Scatter(
            x=compact_numbers(need),
            y=compact_numbers(coverage),
            mode="markers",
            customdata=codes,
            text=names,
            marker=dict(size=6, color="#3b6ea5", opacity=0.7),
            hovertext=need_text,
            hovertemplate="%{text}<br>"
            + labels[0]
            + (": %{hovertext}<br>" if need_text else ": %{x:,.0f}<br>")
            + labels[1]
            + ": %{y:,.1f}<extra></extra>",
            selectedpoints=selected,
            selected=dict(marker=dict(color="#d7191c", size=8)),
            unselected=dict(marker=dict(opacity=0.2)),
        )
    )
    fig.update_layout(
        title=dict(text=title, font=dict(size=13)),
        margin=dict(l=50, r=10, t=34, b=40),
        xaxis=dict(title=labels[0], type="log"),
        yaxis=dict(title=labels[1]),
        dragmode="lasso",
        height=300,
        paper_bgcolor="white",
        plot_bgcolor="#fafafa",
        uirevision="scatter",
    )
    return fig
