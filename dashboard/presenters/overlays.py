"""Map overlays: facility points, programme outlines, the selected county.

Functions of the app's data (:class:`dashboard.atlas.Atlas`), which they take first. Overlays are patched into fixed trace
positions (``figures.TRACE``), so switching a layer on or off sends only that layer.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from dashboard.i18n import fmt_number, indicator_name, t
from geodata import privacy
from geodata import programmes as progs

#: Grid cell (degrees) for facility points at national zoom: about 30,000 single points
#: are unreadable (and slow to draw as SVG) on a national map; cells of about 80 km
#: keep the pattern and stay a few thousand markers. Regions show every point.
NATIONAL_CELL_DEG = 1.0
#: Facility kinds on the map (``facility.*`` in the catalogue).
KIND_LABELS = ("children_home", "activity_centre")


def grid_points(points: pd.DataFrame, cell: float) -> pd.DataFrame:
    """Facility points binned into `cell`-degree squares: lon, lat (mean), count.

    The marker sits at the mean position of the cell's points, not the cell centre, so
    a cell with one facility puts it where it is.

    >>> pts = pd.DataFrame({"lon": [100.1, 100.2, 103.0], "lat": [30.1, 30.3, 31.0]})
    >>> grid_points(pts, 1.0)[["count"]].values.ravel().tolist()
    [2, 1]
    """
    if points.empty:
        return pd.DataFrame(columns=["lon", "lat", "count"])
    ix = np.floor(points["lon"].to_numpy() / cell).astype(int)
    iy = np.floor(points["lat"].to_numpy() / cell).astype(int)
    g = points.assign(ix=ix, iy=iy).groupby(["ix", "iy"], sort=True)
    out = g.agg(lon=("lon", "mean"), lat=("lat", "mean"), count=("lon", "size"))
    return out.reset_index(drop=True)


def marker_sizes(counts: np.ndarray) -> list[float]:
    """Marker diameters growing with the square root of the count (area ~ count)."""
    return np.clip(2.5 + 1.1 * np.sqrt(counts), 3, 16).round(1).tolist()


# --- programmes -------------------------------------------------------------------
def programme_options(atlas, lang: str) -> list[dict]:
    """Dropdown options of the saved programmes ("name (n counties)")."""
    df = atlas.store.programmes()
    return [
        {"label": t("programme.option", lang).format(name=r.name, n=r.n), "value": int(r.id)}
        for r in df.itertuples(index=False)
    ]


def draft_with(text: str, codes: list[str]) -> str:
    """The draft list with `codes` appended, one per line, none twice."""
    have = set(progs.split_entries(text))
    new = [c for c in dict.fromkeys(codes) if c not in have]
    lines = [text.rstrip()] if text.strip() else []
    return "\n".join(lines + new)


def outline(atlas, codes: list[str] | tuple[str, ...]) -> tuple[list, list]:
    """The outline of a county set (memoised per set; shapes never change)."""
    from dashboard.atlas import codes_key

    key = codes_key(codes)

    def compute():
        web = atlas.layers.counties_web
        return progs.outline(web.geometry.reindex([c for c in codes if c in web.index]))

    return atlas._memo(f"outline:{key}", compute)


def programme_comparison(atlas, programme_id, period: str | None, lang: str) -> dict | None:
    """Inside versus outside a programme, this period and the last, ready to show."""
    from geodata import indicators, periods

    p = atlas.programme(programme_id)
    if p is None or not p["codes"]:
        return None
    per = atlas.resolve_period(period)
    prev = periods.previous_period(per)
    prev = prev if prev in atlas.periods() else None
    table = atlas.county_table(per)
    before = atlas.county_table(prev) if prev else None
    cmp = progs.compare(table, before, p["codes"])
    rows = []
    for ind_id, r in cmp.iterrows():
        ind = indicators.get(ind_id)
        d = 0 if ind.group == "counts" else 2
        k = atlas.suppress_k if privacy.is_child_count(ind_id) else 0

        def show(v: float, d: int = d, k: int = k) -> str:
            return privacy.label(k) if privacy.small([v], k)[0] else fmt_number(v, lang, d)

        rows.append(
            {
                "indicator": indicator_name(ind, lang),
                "inside": show(r["inside"]),
                "outside": show(r["outside"]),
                "inside_change": _change(r["inside_change"], ind.group, lang),
                "outside_change": _change(r["outside_change"], ind.group, lang),
            }
        )
    return {
        "id": p["id"],
        "name": p["name"],
        "synthetic": bool(p["synthetic"]) or atlas.is_synthetic(per),
        "n_inside": cmp.attrs["counties_inside"],
        "n_outside": cmp.attrs["counties_outside"],
        "provinces": len({c[:2] for c in p["codes"]}),
        "period": per,
        "previous": prev,
        "rows": rows,
    }


# --- facilities -------------------------------------------------------------------
def facility_layer(atlas, period: str | None, region: str | None, lang: str) -> dict:
    """Marker data for the two facility traces: binned nationally, single in a region."""
    per = atlas.resolve_period(period)

    def compute() -> dict:
        pts = atlas.facility_points(per)
        info = atlas.region_info(region)
        # The label follows the data it labels: the facilities' own dataset, which can
        # be real while the children's counts are still the demo (or the reverse).
        synthetic = atlas.is_synthetic(per, kind="facilities")
        note = f"<br><i>{t('synthetic_short', lang)}</i>" if synthetic else ""
        if info["level"] == "nation":
            # The far-south islands are drawn in the inset only (see figures).
            from dashboard.figures import MAIN_LAT

            return _facility_cells(pts[pts["lat"] >= MAIN_LAT[0]], lang, note)
        out = {}
        names = atlas.layers.counties_web["name_zh"]
        # After a merge, a county's facilities may all come from an upload while the
        # rest are still the demo's: the label follows each point's county.
        reported = atlas.county_table(per)["facilities_source"] == "reported"
        for kind in KIND_LABELS:
            sub = pts[(pts["kind"] == kind) & pts["code"].isin(info["codes"])]
            label = t(f"facility.{kind}", lang)
            text = [
                # uploaded text: escaped, since plotly renders hover text as HTML
                f"<b>{escape(str(n))}</b><br>{label} · {names.get(c, c)}"
                + ("" if reported.get(c, False) else note)
                for n, c in zip(sub["name"], sub["code"], strict=True)
            ]
            out[kind] = {
                "lon": sub["lon"].round(4).tolist(),
                "lat": sub["lat"].round(4).tolist(),
                "text": text,
                "size": 6,
                "total": int(len(sub)),
                "name": f"{label} ({fmt_number(len(sub), lang, 0)})",
            }
        return out

    return atlas._memo(f"facility-layer:{per}:{region or ''}:{lang}", compute)


def _facility_cells(pts: pd.DataFrame, lang: str, note: str) -> dict:
    """National view: both kinds binned together, one marker per cell; the hover
    gives each kind's count (two overlapping markers per cell were unreadable)."""
    cells = grid_points(pts.assign(home=pts["kind"] == "children_home"), NATIONAL_CELL_DEG)
    homes = (
        pts.assign(
            ix=np.floor(pts["lon"] / NATIONAL_CELL_DEG).astype(int),
            iy=np.floor(pts["lat"] / NATIONAL_CELL_DEG).astype(int),
        )
        .groupby(["ix", "iy"], sort=True)["kind"]
        .apply(lambda k: int((k == "children_home").sum()))
        .to_numpy()
    )
    km = round(NATIONAL_CELL_DEG * 111)
    text = []
    for n, h in zip(cells["count"], homes, strict=True):
        line = t("facility.cell", lang).format(km=km, homes=f"{h:,}", centres=f"{n - h:,}")
        text.append(line + note)
    label = t("facility.cells_label", lang)
    return {
        "children_home": {
            "lon": cells["lon"].round(3).tolist(),
            "lat": cells["lat"].round(3).tolist(),
            "text": text,
            "size": marker_sizes(cells["count"].to_numpy()),
            "total": int(len(pts)),
            "name": f"{label} ({fmt_number(len(pts), lang, 0)})",
        },
        "activity_centre": None,
    }


# --- the patch --------------------------------------------------------------------
def overlay_patch(
    atlas,
    patch,
    *,
    period: str | None,
    region: str | None,
    layers: list[str] | None,
    programme_id=None,
    draft: list[str] | None = None,
    selected: str | None = None,
    lang: str = "zh",
):
    """Fill the overlay traces for a view (empty traces for layers that are off).

    ``draft`` is an unsaved county list being edited; it is outlined instead of the
    saved programme so a planner sees what they paste.
    """
    from dashboard.figures import TRACE

    on = set(layers or [])
    data = patch["data"]
    fac = facility_layer(atlas, period, region, lang) if "facilities" in on else None
    for kind, trace in (("children_home", "homes"), ("activity_centre", "centres")):
        tr = data[TRACE[trace]]
        d = fac[kind] if fac else None
        tr["lon"] = d["lon"] if d else []
        tr["lat"] = d["lat"] if d else []
        tr["text"] = d["text"] if d else []
        tr["marker"]["size"] = d["size"] if d else 5
        tr["showlegend"] = bool(d)
        tr["marker"]["opacity"] = 0.75 if d and isinstance(d["size"], list) else 0.9
        if d:
            tr["name"] = d["name"]
    prog = data[TRACE["programme"]]
    codes: list[str] = []
    name = ""
    if draft:
        codes, name = list(draft), t("programme.draft", lang)
    elif "programme" in on and programme_id is not None:
        p = atlas.programme(programme_id)
        if p is not None:
            codes, name = p["codes"], escape(str(p["name"]))  # an editor's text
    lon, lat = outline(atlas, codes) if codes else ([], [])
    prog["lon"], prog["lat"] = lon, lat
    prog["name"] = name
    prog["showlegend"] = bool(codes)
    sel = data[TRACE["selected"]]
    web = atlas.layers.counties_web
    if selected and selected in web.index:
        sel["lon"], sel["lat"] = outline(atlas, [selected])
    else:
        sel["lon"], sel["lat"] = [], []
    return patch


def _change(value: float, group: str, lang: str) -> str:
    if value != value:  # NaN: no previous period
        return "—"
    if group == "counts":
        return f"{value:+.1%}"
    return f"{value:+,.2f}"
