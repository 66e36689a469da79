"""The UI side of each analysis method: names, notes, legends, colours, tables.

Keyed by the ids of the data layer's registry (:data:`geodata.analysis.REGISTRY`),
which says what a method computes; this module says how the page, the exports and the
briefing show it. Every word comes from the message catalogue (``dashboard/i18n.py``:
``mode.<id>``, ``title.<id>``, ``note.<id>``, ``class.<id>.<code>``). Pure: no Dash.

Adding a method: one module under ``geodata/analysis/``, one registry entry, one
:class:`MethodView` in :data:`VIEWS` (``docs/contributing.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.i18n import fmt_number, indicator_name, t
from geodata import indicators
from geodata.analysis import REGISTRY, AnalysisParams

#: The map mode that shows the indicator itself (no analysis).
VALUES = "values"


@dataclass(frozen=True)
class Categories:
    """Map classes for a result: per-county class index (-1 no data) and legend."""

    classes: np.ndarray
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    title: str


def _no_detail(result: pd.DataFrame, lang: str) -> list[str]:
    return [""] * len(result)


def _spatial_subtitle(params: AnalysisParams, period: str, lang: str) -> str:
    ind = indicators.get(params.indicator)
    name = indicator_name(ind, lang)
    fdr = " · FDR" if params.fdr else ""
    perm = f"{params.permutations} {t('permutations_word', lang)}"
    return f"{name} · {perm} · α={params.alpha:g}{fdr} · {period}"


def _period_subtitle(params: AnalysisParams, period: str, lang: str) -> str:
    return period


def _ranked(column: str, keep: Callable[[pd.DataFrame], pd.Series] | None, ascending: bool):
    """A table builder: rows where `keep` holds, sorted by `column`."""

    def build(result: pd.DataFrame, names: pd.DataFrame, top: int) -> pd.DataFrame:
        r = result if keep is None else result[keep(result)]
        r = r.dropna(subset=[column]).sort_values(column, ascending=ascending)
        return names.join(r, how="inner").head(top)

    return build


@dataclass(frozen=True)
class MethodView:
    """How one registered method is shown."""

    id: str
    colours: Mapping = field(default_factory=dict)
    """Class code -> colour, for methods drawn as classes."""
    palette: str = "Blues"
    """ColorBrewer palette, for methods drawn as values."""
    classes_of: str | None = None
    """Use another method's class names (the rate LISA has LISA's classes)."""
    class_text: Callable[[object, str], str] | None = None
    """Class names made from the code, where the catalogue has no entry per class."""
    detail: Callable[[pd.DataFrame, str], list[str]] = _no_detail
    """Per-county hover text after the class name."""
    subtitle: Callable[[AnalysisParams, str, str], str] = _period_subtitle
    table: Callable[[pd.DataFrame, pd.DataFrame, int], pd.DataFrame] | None = None
    """The ranked table under the map: (result, names, top) -> rows."""
    progress: str = "progress.any"
    """Catalogue key of the progress line (``{n}``: permutations)."""

    def title(self, params: AnalysisParams, lang: str) -> str:
        return t(f"title.{self.id}", lang).format(radius=f"{params.radius_km:g}")

    def class_label(self, code, lang: str) -> str:
        if self.class_text is not None:
            return self.class_text(code, lang)
        return t(f"class.{self.classes_of or self.id}.{code}", lang)


# --- per-method pieces -----------------------------------------------------------------
def _lisa_detail(result: pd.DataFrame, lang: str) -> list[str]:
    return [
        f" · I={i:.2f}, p={p:.3f}" if p == p else ""
        for i, p in zip(result["lisa_i"], result["lisa_p"], strict=True)
    ]


def _geary_detail(result: pd.DataFrame, lang: str) -> list[str]:
    return [
        f" · c={c:.2f}, p={p:.3f}" if p == p else ""
        for c, p in zip(result["geary_c"], result["geary_p"], strict=True)
    ]


def _gi_detail(result: pd.DataFrame, lang: str) -> list[str]:
    return [
        f" · z={z:.2f}, p={p:.3f}" if p == p else ""
        for z, p in zip(result["gi_z"], result["gi_p"], strict=True)
    ]


def _change_detail(result: pd.DataFrame, lang: str) -> list[str]:
    return [
        f" · {b} → {a}" if isinstance(a, str) else ""
        for b, a in zip(result["lisa_cluster_before"], result["lisa_cluster"], strict=True)
    ]


def _gap_detail(result: pd.DataFrame, lang: str) -> list[str]:
    word = t("detail.gap_score", lang)
    return [f" · {word} {g:.2f}" if g == g else "" for g in result["gap_score"]]


def _access_detail(result: pd.DataFrame, lang: str) -> list[str]:
    reach, near = t("detail.in_reach", lang), t("detail.nearest", lang)
    return [
        "" if a != a else f" · {int(r):,} {reach} · {near} {d:,.1f} {t('km', lang)}"
        for a, r, d in zip(
            result["access_per_1000"],
            result["facilities_in_reach"].fillna(0),
            result["nearest_facility_km"],
            strict=True,
        )
    ]


def _siting_subtitle(params: AnalysisParams, period: str, lang: str) -> str:
    return f"K={params.k} · {params.radius_km:g} {t('km', lang)} · {period}"


def _coverage_table(result: pd.DataFrame, names: pd.DataFrame, top: int) -> pd.DataFrame:
    from geodata.analysis.coverage import priority_table

    return priority_table(result, names=names, top=top)


def _change_table(result: pd.DataFrame, names: pd.DataFrame, top: int) -> pd.DataFrame:
    r = result[result["transition"].isin(["entered", "left", "switched"])]
    return names.join(r, how="inner").sort_values("transition").head(top)


def _sites_table(result: pd.DataFrame, names: pd.DataFrame, top: int) -> pd.DataFrame:
    sites = result.attrs.get("sites", pd.DataFrame())
    if sites.empty:
        return names.iloc[0:0]
    t_ = names.join(sites[["order", "newly_covered", "cumulative_covered"]], how="inner")
    return t_.sort_values("order")


def _missing_table(result: pd.DataFrame, names: pd.DataFrame, top: int) -> pd.DataFrame:
    """Counties not reported, by province (codes sort by province, then prefecture)."""
    missing = result[result["reporting_status"] == "missing"][["reporting_status"]]
    return names.join(missing, how="inner").sort_index().head(top)


_LISA_COLOURS = {
    "HH": "#d7191c",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "LH": "#abd9e9",
    "ns": "#eeeeee",
}
"""Conventional LISA colours (GeoDa: strong red/blue clusters, light outliers)."""
_GI_COLOURS = {3: "#d62f27", 2: "#ed7551", 1: "#fab984", 0: "#eeeeee", -1: "#c0ccbe",
               -2: "#849eba", -3: "#4575b5"}  # fmt: skip
"""Diverging red-blue scheme in the ArcGIS hot-spot convention."""
_STEVENS_PINK_BLUE = ["#e8e8e8", "#ace4e4", "#5ac8c8", "#dfb0d6", "#a5add3", "#5698b9",
                      "#be64ac", "#8c62aa", "#3b4994"]  # fmt: skip
"""Stevens' 3x3 pink-blue scheme, need 1..3 rows of coverage 1..3."""
BIVARIATE_COLOURS: dict[str, str] = {
    f"{c}-{n}": _STEVENS_PINK_BLUE[(n - 1) * 3 + (c - 1)] for n in (1, 2, 3) for c in (1, 2, 3)
}
"""``"c-n"`` (coverage tertile - need tertile) -> colour."""

_hh = _ranked("lisa_i", lambda r: r["lisa_cluster"] == "HH", ascending=False)

VIEWS: dict[str, MethodView] = {
    v.id: v
    for v in (
        MethodView("lisa", _LISA_COLOURS, detail=_lisa_detail, subtitle=_spatial_subtitle,
                   table=_hh, progress="progress.permutations"),
        MethodView("lisa_rate", _LISA_COLOURS, classes_of="lisa", detail=_lisa_detail,
                   subtitle=_spatial_subtitle, table=_hh, progress="progress.permutations"),
        MethodView("geary", {"HH": "#d7191c", "LL": "#2c7bb6", "other": "#c2a5cf",
                             "negative": "#1b9e77", "ns": "#eeeeee"},
                   detail=_geary_detail, subtitle=_spatial_subtitle,
                   table=_ranked("geary_c", lambda r: r["geary_cluster"] == "HH", ascending=True),
                   progress="progress.permutations"),
        MethodView("gistar", _GI_COLOURS, detail=_gi_detail, subtitle=_spatial_subtitle,
                   table=_ranked("gi_z", lambda r: r["gi_bin"] >= 1, ascending=False),
                   progress="progress.permutations"),
        MethodView("cluster_change",
                   {"entered": "#d7191c", "left": "#2c7bb6", "switched": "#fdae61",
                    "stayed": "#f4a6a6", "stable": "#eeeeee"},
                   detail=_change_detail, subtitle=_spatial_subtitle, table=_change_table,
                   progress="progress.permutations"),
        MethodView("coverage", BIVARIATE_COLOURS, class_text=lambda c, lang: _bivariate_text(c, lang),
                   detail=_gap_detail, table=_coverage_table),
        MethodView("2sfca", palette="Blues", detail=_access_detail,
                   table=_ranked("access_per_1000", None, ascending=True)),
        MethodView("mclp", {0: "#9ecae1", 1: "#31a354", 2: "#fdae6b"},
                   subtitle=_siting_subtitle, table=_sites_table, progress="progress.mclp"),
        MethodView("reporting", {"reported": "#1a9850", "missing": "#f4a582"},
                   table=_missing_table),
    )
}  # fmt: skip


def view(method_id: str) -> MethodView:
    """The view of a registered method (``KeyError`` for an unknown id)."""
    if method_id not in REGISTRY:
        raise KeyError(method_id)
    return VIEWS[method_id]


def mode_ids() -> tuple[str, ...]:
    """Every map mode: indicator values, then each registered method with a view."""
    return (VALUES, *(m for m in REGISTRY if m in VIEWS))


def mode_options(lang: str) -> list[dict]:
    """Options of the map-mode dropdown."""
    return [{"label": t(f"mode.{m}", lang), "value": m} for m in mode_ids()]


def mode_name(mode: str, lang: str) -> str:
    return t(f"mode.{mode}", lang)


def note(mode: str | None, lang: str) -> str:
    """The method note under the map (empty for indicator values)."""
    if not mode or mode == VALUES:
        return ""
    return t(f"note.{mode}", lang)


def draws_values(method_id: str) -> bool:
    return REGISTRY[method_id].value_column is not None


def value_series(params: AnalysisParams, result: pd.DataFrame) -> pd.Series:
    """The column drawn as a continuous map, for methods drawn as values."""
    col = REGISTRY[params.method].value_column
    if col is None:
        raise ValueError(f"{params.method} is drawn as categories")
    return result[col].astype(float)


def categories(params: AnalysisParams, result: pd.DataFrame, lang: str = "zh") -> Categories:
    """Classes, labels and colours to draw a result as a categorical map.

    Counties whose class is empty (no data, not computed) get class -1: no data.
    """
    method = REGISTRY[params.method]
    if method.class_column is None:
        raise ValueError(f"{params.method} is drawn as values, not categories")
    v = view(params.method)
    order = list(method.classes)
    lookup = {code: i for i, code in enumerate(order)}
    classes = np.array([_class_index(x, lookup) for x in result[method.class_column]])
    labels = tuple(v.class_label(o, lang) for o in order)
    return Categories(
        classes,
        labels,
        tuple(v.colours[o] for o in order),
        v.title(params, lang),
    )


@dataclass(frozen=True)
class Drawn:
    """An analysis result as a map (page, sheet) draws it, for one region."""

    classes: list[int]
    """Class per county of ``codes`` (-1: no data, or outside the region)."""
    colours: tuple[str, ...]
    ticks: list[str]
    """Legend: no data, then each class, with counts of the region's counties."""
    heading: str
    text: list[str]
    """Hover value per county: class or value, then the method's detail."""


def drawn(
    params: AnalysisParams,
    result: pd.DataFrame,
    codes: list[str],
    lang: str,
    scheme: str = "quantiles",
    region: set[str] | None = None,
) -> Drawn:
    """Classes, colours and legend of a result for the counties ``codes``.

    Why one function: the page and the printed sheets must agree. The analysis runs
    nationally (a cluster is judged against its neighbours across a border), but a map
    of a region (``region``: its county codes) shows and counts that region only: the
    legend of Guizhou counts Guizhou's hot spots, and a method drawn as values takes
    its class breaks from the region's counties, as the indicator map does. Classes
    that would print the same (two "0.00") are merged.
    """
    from dashboard.figures import legend_labels, pick_colours
    from geodata.analysis.classify import classify, merge_indistinct

    v = view(params.method)
    nd = t("no_data", lang)
    inside = np.ones(len(codes), bool) if region is None else np.isin(codes, list(region))
    r = result.reindex(codes)
    detail = v.detail(r, lang)
    if draws_values(params.method):
        values = value_series(params, r).where(inside)
        cls = merge_indistinct(classify(values.to_numpy(), scheme, 5), 2)
        colours = pick_colours(max(cls.k, 1), v.palette)
        text = [nd if a != a else f"{a:,.2f}{d}" for a, d in zip(values, detail, strict=True)]
        ticks = legend_labels(cls, nd, 2, missing=int((cls.classes[inside] == -1).sum()))
        return Drawn(cls.classes.tolist(), colours, ticks, v.title(params, lang), text)
    cats = categories(params, r, lang)
    classes = np.where(inside, cats.classes, -1)
    labels = list(cats.labels)
    shown = classes[inside]
    ticks = [f"{nd} ({int((shown == -1).sum()):,})"] + [
        f"{lab} ({int((shown == i).sum()):,})" for i, lab in enumerate(labels)
    ]
    text = [nd if c < 0 else f"{labels[c]}{d}" for c, d in zip(classes, detail, strict=True)]
    return Drawn(classes.tolist(), cats.colours, ticks, cats.title, text)


def _class_index(x, lookup: dict) -> int:
    if x is None or (isinstance(x, float) and x != x):
        return -1
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return lookup.get(x, -1)


def _bivariate_text(code: str, lang: str) -> str:
    c, n = (int(p) for p in code.split("-"))
    lvl = [t("level.low", lang), t("level.mid", lang), t("level.high", lang)]
    return t("bivariate.cell", lang).format(need=lvl[n - 1], coverage=lvl[c - 1])


def bivariate_legend(lang: str = "en") -> dict:
    """The 3x3 legend of the coverage map: title, axes, priority, note and nine cells
    (``label``, ``colour``, ``coverage``, ``need``, ``row``/``col`` with the high-need row
    on top, ``text``).

    Examples
    --------
    >>> leg = bivariate_legend()
    >>> [c["label"] for c in leg["cells"] if c["row"] == 0 and c["col"] == 0]
    ['1-3']
    """
    cells = [
        {
            "label": f"{c}-{n}",
            "colour": BIVARIATE_COLOURS[f"{c}-{n}"],
            "coverage": c,
            "need": n,
            "row": 3 - n,
            "col": c - 1,
            "text": _bivariate_text(f"{c}-{n}", lang),
        }
        for n in (3, 2, 1)
        for c in (1, 2, 3)
    ]
    keys = ("title", "x", "y", "priority", "note")
    return {**{k: t(f"bivariate.{k}", lang) for k in keys}, "cells": cells}


#: Rows the table under the map lists at most (the CSV download has them all).
TOP = 50


def table_title(n_rows: int, lang: str, top: int = TOP) -> str:
    """The table's heading for what it lists: "top 50" only when the list was cut.

    >>> table_title(50, "en"), table_title(40, "en"), table_title(3, "zh")
    ('County ranking (top 50)', 'County ranking (40 counties)', '县级排名（3 个县）')
    """
    key = "table.title_top" if n_rows >= top else "table.title_all"
    return t(key, lang).format(n=f"{n_rows:,}")


def table_for(
    method: str,
    result: pd.DataFrame,
    names: pd.DataFrame,
    values: pd.Series | None,
    lang: str,
    top: int = TOP,
) -> pd.DataFrame:
    """The ranked table shown under the map for a mode."""
    if method == VALUES:
        v = (values if values is not None else pd.Series(dtype=float)).dropna()
        tab = names.join(v.rename("value"), how="inner").sort_values("value", ascending=False)
        tab = tab.head(top)
    else:
        tab = view(method).table(result, names, top)
    if "code" not in tab.columns:
        return tab.reset_index(names="code")
    return tab.reset_index(drop=True)


def progress_text(mode: str | None, permutations, lang: str) -> str:
    """What a running job is doing, for the progress line."""
    key = view(mode).progress if mode in VIEWS else "progress.any"
    return t(key, lang).format(n=permutations or 999)


def summary_line(params: AnalysisParams | None, result: pd.DataFrame, lang: str) -> str:
    """One line after "Done": what the run achieved, where the method reports it."""
    if params is None:
        return ""
    s = result.attrs.get("summary") or {}
    if params.method != "mclp" or not s:
        return ""
    return t("summary.mclp", lang).format(
        newly=fmt_number(s["newly_covered"], lang),
        before=f"{s['share_before']:.1%}",
        after=f"{s['share_after']:.1%}",
        sites=s["sites"],
    )


# --- the table under the map ---------------------------------------------------------
COLUMNS: tuple[str, ...] = (
    "rank",
    "name_zh",
    "prefecture_zh",
    "province_zh",
    "code",
    "need",
    "facilities",
    "facilities_per_1000",
    "directors_per_1000",
    "gap_score",
    "lisa_i",
    "lisa_p",
    "lisa_cluster",
    "gi_z",
    "gi_p",
    "gi_bin",
    "value",
    "access_per_1000",
    "facilities_in_reach",
    "nearest_facility_km",
    "order",
    "newly_covered",
    "cumulative_covered",
    "lisa_cluster_before",
    "transition",
    "geary_c",
    "geary_p",
    "geary_cluster",
)
"""Columns the table under the map may show (headers: ``column.<name>`` in the catalogue)."""


#: Decimals of each numeric column in the grid, shown with thousands separators:
#: counts none, rates two, p-values three (``atlasNumber`` in assets/grid.later.js).
FORMATS: dict[str, int] = {
    **dict.fromkeys(("rank", "order", "need", "facilities", "facilities_in_reach",
                     "newly_covered", "cumulative_covered", "gi_bin"), 0),
    **dict.fromkeys(("facilities_per_1000", "directors_per_1000", "access_per_1000",
                     "gap_score", "lisa_i", "gi_z", "geary_c"), 2),
    **dict.fromkeys(("lisa_p", "gi_p", "geary_p"), 3),
    "nearest_facility_km": 1,
}  # fmt: skip


def value_formatter(decimals: int) -> dict:
    """A dash-ag-grid valueFormatter: numbers with thousands separators and
    `decimals` places; anything else (the "<5" of small-number protection) as it is.
    (dash-ag-grid's expression strings have no ``typeof``: the test lives in JS.)"""
    return {"function": f"atlasNumber(params.value, {int(decimals)})"}


def grid_payload(
    table: pd.DataFrame,
    lang: str,
    *,
    value_header: str | None = None,
    value_decimals: int = 2,
) -> tuple[list[dict], list[dict]]:
    """rowData and columnDefs for dash-ag-grid.

    Numbers keep their type (the grid sorts and filters them as numbers) and are shown
    with thousands separators (:data:`FORMATS`); ``value_header``/``value_decimals``: the
    heading (the indicator and its unit) and decimals of the indicator's own column.
    """
    keep = [c for c in table.columns if c in COLUMNS]
    shown = table[keep].copy()
    for c in shown.columns:
        if pd.api.types.is_float_dtype(shown[c]):
            shown[c] = shown[c].round(3)
    defs = []
    for c in keep:
        d = {
            "field": c,
            "headerName": value_header if c == "value" and value_header else t(f"column.{c}", lang),
            "sortable": True,
            "filter": True,
            "resizable": True,
        }
        decimals = value_decimals if c == "value" else FORMATS.get(c)
        if decimals is not None:
            d["valueFormatter"] = value_formatter(decimals)
            d["type"] = "numericColumn"  # right-aligned, like every table of figures
        defs.append(d)
    rows = shown.astype(object).where(shown.notna(), None).to_dict("records")
    return rows, defs
