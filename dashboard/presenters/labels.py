"""Place names on the map: the units one level below the region shown.

Nationally the provinces, in a province its prefectures (or its counties, where the
province has no prefectures, like the municipalities), in a prefecture its counties;
short names (:func:`geodata.codes.label_name`) in the page's language, each at the
centre of its unit's largest inscribed circle (:func:`geodata.boundaries.label_points`).
Labels are placed largest unit first, and one that would overlap a placed label, the
legend or the inset is left out: a map with fewer names beats one with a pile of them.
The page and the exported sheets use the same function with their own map size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

#: The explorer's map in CSS pixels at 1366 x 768 (measured: 1016 x 638; the smallest
#: common laptop screen): labels are thinned for it, so a larger screen has room to
#: spare. Below 700 px the page hides them (assets/labels.css).
PAGE_MAP_PX = (1000, 630)
#: Label font sizes in pixels, by the level of the region shown.
FONT_PX = {"nation": 12, "province": 12, "prefecture": 11}
#: Areas of the page's map that carry the legend and the inset, as fractions of the
#: map's width and height from its lower left corner (x0, y0, x1, y1).
PAGE_OBSTACLES = {
    "nation": ((0.0, 0.0, 0.2, 0.64), (0.85, 0.04, 1.0, 0.38)),
    "region": ((0.0, 0.0, 0.2, 0.64),),
}

_STATIC: dict[str, dict] = {}


@dataclass(frozen=True)
class Labels:
    lon: list[float]
    lat: list[float]
    text: list[str]
    size: int

    def as_trace(self) -> dict:
        """The part of the labels trace a patch changes."""
        # Copies: the placed labels are shared by every request (see map_labels).
        return {
            "lon": list(self.lon),
            "lat": list(self.lat),
            "text": list(self.text),
            "textfont": {"size": self.size},
        }


#: Placed labels by (layer, region, language, size, obstacles): a value update redrew
#: them each time (projecting and placing took 40 % of its server CPU), though they
#: change only with the region and the language. Bounded: regions x languages x sizes.
_PLACED: dict[tuple, Labels] = {}
_PLACED_MAX = 4096


def _units(atlas) -> dict:
    """Label point, area and Chinese name of every province, prefecture and county
    (static for a layer: computed once per process)."""
    key = atlas.layers.meta["key"]
    if key in _STATIC:
        return _STATIC[key]
    from geodata.boundaries import label_points

    out = {}
    for level, frame, name in (
        ("province", atlas.layers.provinces, "name_zh"),
        ("prefecture", atlas.layers.prefectures, "name_zh"),
        ("county", atlas.layers.counties_web, "name_zh"),
    ):
        pts = label_points(frame.geometry.values)
        area = shapely.area(frame.geometry.values)  # degrees²: only to rank units
        out[level] = {
            code: (float(x), float(y), float(a), n, float(r))
            for code, (x, y, r), a, n in zip(frame.index, pts, area, frame[name], strict=True)
        }
    _STATIC[key] = out
    return out


def children(atlas, region: str | None) -> list[tuple[str, str]]:
    """(code, level) of the units named on the map of `region`.

    A province's county-level units directly under it (省直辖县级行政区划, and every
    county of a municipality) are named as counties.
    """
    info = atlas.region_info(region)
    if info["level"] == "nation":
        return [(c, "province") for c in atlas.layers.provinces.index]
    rows = atlas.layers.counties_web.loc[info["codes"]]
    if info["level"] == "prefecture":
        return [(c, "county") for c in rows.index]
    single = rows["prefecture_code"].nunique() == 1
    out: list[tuple[str, str]] = []
    for pref, group in rows.groupby("prefecture_code", sort=True):
        if single or pref == info["code"] or "直辖" in group["prefecture_zh"].iloc[0]:
            out += [(c, "county") for c in group.index]
        else:
            out.append((pref, "prefecture"))
    return out


def text_width(text: str, font_px: float) -> float:
    """Width in pixels of a label: a CJK character is one em, other characters about
    0.56 em (Noto Sans, mixed case).

    >>> text_width("四川", 10), round(text_width("Sichuan", 10), 1)
    (20.0, 39.2)
    """
    return sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text) * font_px


def place(
    xy: np.ndarray,
    texts: list[str],
    priority: list[float],
    size_px: tuple[float, float],
    font_px: float,
    obstacles: tuple[tuple[float, float, float, float], ...] = (),
) -> list[tuple[int, int]]:
    """(label, candidate) pairs to print, greedily by `priority` (highest first).

    ``xy``: for each label, its candidate centres in pixels from the map's lower left
    corner, shape ``(n, c, 2)``, best first (the unit's centre, then points near it
    inside the unit). A label takes its first candidate whose box stays on the map and
    meets no obstacle (boxes as fractions of the map, see :data:`PAGE_OBSTACLES`) and no
    label already placed; a label with none is left out.

    >>> xy = np.array([[[50.0, 50.0]], [[60.0, 52.0]], [[150.0, 50.0]]])
    >>> place(xy, ["甲县", "乙县", "丙县"], [3, 2, 1], (200, 100), 10)
    [(0, 0), (2, 0)]
    >>> xy2 = np.array([[[50.0, 50.0], [50.0, 50.0]], [[60.0, 52.0], [60.0, 70.0]]])
    >>> place(xy2, ["甲县", "乙县"], [3, 2], (200, 100), 10)
    [(0, 0), (1, 1)]
    """
    w, h = size_px
    pad = 2.0
    taken = [(x0 * w, y0 * h, x1 * w, y1 * h) for x0, y0, x1, y1 in obstacles]
    kept: list[tuple[int, int]] = []
    for i in sorted(range(len(texts)), key=lambda j: -priority[j]):
        half_w, half_h = text_width(texts[i], font_px) / 2 + pad, font_px * 0.65 + pad
        for c, (x, y) in enumerate(xy[i]):
            box = (x - half_w, y - half_h, x + half_w, y + half_h)
            if box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h:
                continue
            if any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken
            ):
                continue
            taken.append(box)
            kept.append((i, c))
            break
    return kept


#: On the national map, largest first would let a big neighbour take the place of a
#: municipality's name (Shanghai beside Jiangsu, Tianjin beside Hebei), and Hong Kong's
#: that of Guangdong: municipalities go first, the SARs last.
NATION_RANK = {"110000": 1.0, "120000": 1.0, "310000": 1.0, "500000": 1.0,
               "810000": -1.0, "820000": -1.0}  # fmt: skip


#: Where a label may sit, as fractions of the inscribed circle's radius (dx, dy): the
#: centre first, then above, below, right and left of it, then further out and on the
#: diagonals, all inside the circle and so inside the unit.
CANDIDATES = ((0.0, 0.0), (0.0, 0.55), (0.0, -0.55), (0.55, 0.0), (-0.55, 0.0),
              (0.0, 0.85), (0.0, -0.85), (0.85, 0.0), (-0.85, 0.0),
              (0.6, 0.6), (-0.6, 0.6), (0.6, -0.6), (-0.6, -0.6))  # fmt: skip


def to_pixels(
    lon: np.ndarray,
    lat: np.ndarray,
    lon_range: tuple[float, float],
    lat_range: tuple[float, float],
    central_lon: float,
    size_px: tuple[float, float],
) -> np.ndarray:
    """Lon/lat to pixels from the map's lower left, as plotly frames the map: the
    lon/lat box projected (Albers, parallels 25° and 47°), scaled to fit, centred."""
    from pyproj import Transformer

    proj = Transformer.from_crs(
        "EPSG:4326", f"+proj=aea +lat_1=25 +lat_2=47 +lon_0={central_lon}", always_xy=True
    )
    edge = np.linspace(0.0, 1.0, 25)
    lo0, lo1 = lon_range
    la0, la1 = lat_range
    box_lon = np.concatenate([lo0 + (lo1 - lo0) * edge, np.full(25, lo1),
                              lo0 + (lo1 - lo0) * edge, np.full(25, lo0)])  # fmt: skip
    box_lat = np.concatenate([np.full(25, la0), la0 + (la1 - la0) * edge,
                              np.full(25, la1), la0 + (la1 - la0) * edge])  # fmt: skip
    bx, by = proj.transform(box_lon, box_lat)
    x, y = proj.transform(np.asarray(lon, float), np.asarray(lat, float))
    w, h = size_px
    scale = min(w / (bx.max() - bx.min()), h / (by.max() - by.min()))
    cx, cy = (bx.max() + bx.min()) / 2, (by.max() + by.min()) / 2
    return np.column_stack([(x - cx) * scale + w / 2, (y - cy) * scale + h / 2])


def map_labels(
    atlas,
    region: str | None,
    lang: str,
    *,
    size_px: tuple[float, float] = PAGE_MAP_PX,
    obstacles: tuple[tuple[float, float, float, float], ...] | None = None,
) -> Labels:
    """The names printed on the map of `region` in `lang` (see the module's doc).

    Static for a layer: placed once per process for each region, language and size.
    """
    key = (atlas.layers.meta["key"], region, lang, tuple(size_px), obstacles)
    hit = _PLACED.get(key)
    if hit is None:
        hit = _place_labels(atlas, region, lang, size_px=tuple(size_px), obstacles=obstacles)
        if len(_PLACED) >= _PLACED_MAX:
            _PLACED.clear()
        _PLACED[key] = hit
    return hit


def _place_labels(
    atlas,
    region: str | None,
    lang: str,
    *,
    size_px: tuple[float, float],
    obstacles: tuple[tuple[float, float, float, float], ...] | None,
) -> Labels:
    from dashboard.figures import MAIN_LAT, MAIN_LON
    from geodata.codes import label_name

    info = atlas.region_info(region)
    level = info["level"]
    if level == "nation":
        lon_range, lat_range, central = MAIN_LON, MAIN_LAT, 105.0
    else:
        lon_range, lat_range = tuple(info["lon"]), tuple(info["lat"])
        central = round(sum(lon_range) / 2, 3)
    if obstacles is None:
        obstacles = PAGE_OBSTACLES["nation" if level == "nation" else "region"]
    units = _units(atlas)
    chosen = [(c, lv, units[lv][c]) for c, lv in children(atlas, region) if c in units[lv]]
    if not chosen:
        return Labels([], [], [], FONT_PX[level])
    n, cands = len(chosen), len(CANDIDATES)
    lon = np.array([u[0] + dx * u[4] for _, _, u in chosen for dx, _ in CANDIDATES])
    lat = np.array([u[1] + dy * u[4] for _, _, u in chosen for _, dy in CANDIDATES])
    texts = [label_name(c, u[3], lv, lang) for c, lv, u in chosen]
    font = FONT_PX[level]
    xy = to_pixels(lon, lat, lon_range, lat_range, central, size_px).reshape(n, cands, 2)
    priority = [u[2] + NATION_RANK.get(c, 0.0) * 1e6 if level == "nation" else u[2]
                for c, _, u in chosen]  # fmt: skip
    keep = sorted(place(xy, texts, priority, size_px, font, obstacles))
    lon, lat = lon.reshape(n, cands), lat.reshape(n, cands)
    return Labels(
        [round(float(lon[i, c]), 4) for i, c in keep],
        [round(float(lat[i, c]), 4) for i, c in keep],
        [texts[i] for i, _ in keep],
        font,
    )


def labels_patch(atlas, patch, region: str | None, lang: str):
    """Put the names of `region` into a map figure or ``dash.Patch``."""
    from dashboard.figures import TRACE

    trace = patch["data"][TRACE["labels"]]
    for k, v in map_labels(atlas, region, lang).as_trace().items():
        if k == "textfont":
            trace["textfont"]["size"] = v["size"]
        else:
            trace[k] = v
    return patch
